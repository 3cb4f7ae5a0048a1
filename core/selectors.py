"""What the start page reads: the user's memberships, and the next steps their roles bring.

Each next step is a count and the address of the list that holds what it counts. The counts
are read from the same querysets (``visible_to``) as those lists, so the figure on the start
page is what the list shows when followed; a step with nothing to do is left out.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.access import CREATE, READ, access_for, can
from accounts.choices import ANALYST_ROLES, Role
from accounts.models import Membership
from areas.models import District
from incidents.choices import ReportStatus
from incidents.models import Report
from plans.choices import MeasureStatus, PlanStatus
from plans.models import ActionPlan, Measure, PlanSignature


@dataclass(frozen=True)
class NextStep:
    """One thing to do: ``text`` says it with its count, ``url`` is the list that holds it."""

    text: str
    url: str
    count: int | None = None  # None: an offer (file a report), not a backlog


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


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse(name) + (f"?{query}" if query else "")


def _reports_to_review(user, access) -> list[NextStep]:
    """New reports in the districts where the user reviews (analysts and managers), one step
    per district, each linked to the report list filtered to that district's new reports."""
    reach = access.district_ids(*ANALYST_ROLES)
    if reach is not None and not reach:
        return []
    new = Report.objects.visible_to(user).filter(status=ReportStatus.NEW)
    if reach is None:  # every district: one step, as the unfiltered list counts
        count = new.count()
        if not count:
            return []
        text = ngettext("%(count)d report to review", "%(count)d reports to review", count)
        url = _url("incidents:report_list", status="new")
        return [NextStep(text % {"count": count}, url, count)]
    rows = (
        new.filter(district_id__in=reach)
        .values("district__slug", "district__name")
        .annotate(count=Count("pk"))
        .order_by("district__name")
    )
    steps = []
    for row in rows:
        text = ngettext(
            "%(count)d report to review in %(district)s",
            "%(count)d reports to review in %(district)s",
            row["count"],
        ) % {"count": row["count"], "district": row["district__name"]}
        url = _url("incidents:report_list", status="new", district=row["district__slug"])
        steps.append(NextStep(text, url, row["count"]))
    return steps


def _plans_to_sign(user, access) -> list[NextStep]:
    """Draft plans the user may read that one of the organisations they manage (in the plan's
    district) owns and has not signed yet."""
    waiting = Q(pk__in=[])
    for scope in access.scopes:
        if scope.role != Role.MANAGER:
            continue
        organisation = scope.organisation_id
        unsigned = ~Exists(
            PlanSignature.objects.filter(plan=OuterRef("pk"), organisation_id=organisation)
        )
        mine = Q(social_services_id=organisation) | Q(police_id=organisation)
        if scope.district_ids is not None:
            mine &= Q(district_id__in=sorted(scope.district_ids))
        waiting |= mine & Q(unsigned)
    if waiting == Q(pk__in=[]):
        return []
    count = (
        ActionPlan.objects.visible_to(user).filter(status=PlanStatus.DRAFT).filter(waiting).count()
    )
    if not count:
        return []
    text = ngettext("%(count)d plan to sign", "%(count)d plans to sign", count)
    return [NextStep(text % {"count": count}, _url("plans:plan_list"), count)]


def _delayed_measures(user, today: date) -> list[NextStep]:
    """Measures past their end date and neither done nor cancelled, in the plans the user
    reads: the plan list's "delayed" column, summed."""
    if not can(user, READ, ActionPlan):
        return []
    count = (
        Measure.objects.filter(plan__in=ActionPlan.objects.visible_to(user))
        .with_effective_status(today)
        .filter(effective_status=MeasureStatus.DELAYED)
        .count()
    )
    if not count:
        return []
    text = ngettext("%(count)d measure delayed", "%(count)d measures delayed", count)
    return [NextStep(text % {"count": count}, _url("plans:plan_list"), count)]


def next_steps_for(*, user, today: date | None = None) -> list[NextStep]:
    """The start page's "what to do next", in the order a working day takes them: filing
    first (for those who may), then the backlog of reviews, signatures and late measures."""
    today = today or timezone.localdate()
    access = access_for(user)
    steps = []
    if can(user, CREATE, Report):
        steps.append(NextStep(gettext("New report"), reverse("incidents:report_create")))
    steps += _reports_to_review(user, access)
    steps += _plans_to_sign(user, access)
    steps += _delayed_measures(user, today)
    steps += _current_alarms(user)
    if access.scopes:  # as the menu offers it
        steps.append(NextStep(gettext("Open the overview"), reverse("overview:city")))
    return steps


def _current_alarms(user) -> list[NextStep]:
    """The trend alarms a dashboard calls current (the last four weeks) that the user may
    see (``analysis.alerts.alerts_visible``: none for partners, API clients and
    administrators), linked to the dashboard's alerts."""
    from analysis.alerts import CURRENT_WEEKS, alerts_visible, last_complete_week

    since = last_complete_week() - timedelta(weeks=CURRENT_WEEKS - 1)
    count = alerts_visible(user, week_from=since).count()
    if not count:
        return []
    text = ngettext(
        "%(count)d trend alert in the last four weeks",
        "%(count)d trend alerts in the last four weeks",
        count,
    )
    url = reverse("overview:city") + "#analysis-alerts"
    return [NextStep(text % {"count": count}, url, count)]
