from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.selectors import membership_list_for_user, next_steps_for


class HomeView(TemplateView):
    """The start page after login: what to do next, and where the user works."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = membership_list_for_user(user=self.request.user)
        steps = next_steps_for(user=self.request.user)
        context["next_steps"] = steps
        context["has_backlog"] = any(step.count for step in steps)
        return context


@login_not_required
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: sent on to the file in static/
    (hashed name in production), so no page has a failed request in its console."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
