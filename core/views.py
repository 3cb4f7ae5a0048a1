from django.views.generic import TemplateView

from core.selectors import membership_list_for_user, next_steps_for


class HomeView(TemplateView):
    """The start page after login: what to do next, and where the user works."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = membership_list_for_user(user=self.request.user)
        context["next_steps"] = next_steps_for(user=self.request.user)
        return context
