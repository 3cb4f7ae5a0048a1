from django.db.models import Prefetch, QuerySet
from django.views.generic import TemplateView

from accounts.models import Membership
from areas.models import District


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    """The user's memberships with organisation and district names, for display.

    ``Access`` keeps only ids (enough to decide); the start page needs the names.
    """
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("code")))
        .order_by("organisation__name", "role")
    )


class HomeView(TemplateView):
    """The start page after login: where the user works and what they can do there."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = membership_list_for_user(user=self.request.user)
        return context
