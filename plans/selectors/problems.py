"""Reads of problems. Each starts from ``Problem.objects.visible_to(user)``; a problem's
reports from ``Report.objects.visible_to(user)``."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import EDIT, can, district_condition
from areas.models import District, Place, PrimaryArea
from incidents.models import Report
from incidents.selectors.situation import COUNTED_STATUSES
from plans.choices import ProblemStatus
from plans.models import Cause, FollowUp, Measure, PriorityDecision, Problem, ProblemReport
from plans.selectors.plans import with_latest_follow_ups

CURVE_MONTHS = 24
RECENT_REPORTS = 25
LINK_CHOICES = 300


def problem_list(
    *, user, district: District | None = None, status: str | None = ProblemStatus.ACTIVE
) -> QuerySet:
    """The problems ``user`` may read, with places, areas and the latest priority decision."""
    latest = PriorityDecision.objects.filter(problem=OuterRef("pk")).order_by("-decided_at", "-id")
    problems = (
        Problem.objects.visible_to(user)
        .select_related("district")
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.order_by("name")),
            Prefetch("primary_areas", queryset=PrimaryArea.objects.order_by("name")),
        )
        .annotate(
            measure_count=Count("measures", distinct=True),
            latest_decision=Subquery(latest.values("level")[:1]),
        )
    )
    if district is not None:
        problems = problems.filter(district=district)
    if status:
        problems = problems.filter(status=status)
    return problems


def problem_get(*, user, pk: int) -> Problem:
    """One problem ``user`` may read, or 404: never a hint that a hidden one exists."""
    return get_object_or_404(
        Problem.objects.visible_to(user)
        .select_related("district", "created_by")
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.order_by("name")),
            Prefetch("primary_areas", queryset=PrimaryArea.objects.order_by("name")),
            Prefetch("causes", queryset=Cause.objects.order_by("position", "pk")),
        ),
        pk=pk,
    )


def _problem_reports(*, problem: Problem, user) -> QuerySet:
    return Report.objects.visible_to(user).filter(
        problem_links__problem=problem, status__in=COUNTED_STATUSES
    )


def _month_start(day: date, months_back: int) -> date:
    years, month = divmod(day.month - 1 - months_back, 12)
    return date(day.year + years, month + 1, 1)


@dataclass(frozen=True)
class CurveMonth:
    month: date
    count: int


def problem_report_curve(
    *, problem: Problem, user, today: date | None = None, months: int = CURVE_MONTHS
) -> list[CurveMonth]:
    """The linked reports ``user`` may read, by month, for the last ``months`` months, from
    the first month with one.

    Only readable reports count, so the curve reveals nothing the viewer could not list.
    """
    today = today or timezone.localdate()
    first = _month_start(today, months - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    counts = {
        timezone.localtime(row["month"]).date(): row["count"]
        for row in _problem_reports(problem=problem, user=user)
        .filter(occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    }
    curve = [
        CurveMonth(month, counts.get(month, 0))
        for month in (_month_start(today, back) for back in range(months - 1, -1, -1))
    ]
    # The curve starts where its data do (the first month with a linked report), not with a
    # flat year of nothing; a problem without any keeps the whole window.
    begins = next((index for index, point in enumerate(curve) if point.count), 0)
    return curve[begins:]


def problem_recent_reports(*, problem: Problem, user, limit: int = RECENT_REPORTS) -> list:
    """The latest linked reports ``user`` may read, and how many there are in all."""
    reports = (
        Report.objects.visible_to(user)
        .filter(problem_links__problem=problem)
        .select_related("category", "place")
        .order_by("-occurred_at", "-id")
    )
    return list(reports[:limit])


def problem_report_count(*, problem: Problem, user) -> int:
    return Report.objects.visible_to(user).filter(problem_links__problem=problem).count()


def problem_measures(*, problem: Problem, user, today: date | None = None) -> list[Measure]:
    """The measures addressing ``problem`` that ``user`` may read, with their plan and every
    follow-up, newest first: the same three queries for any number."""
    measures = list(
        Measure.objects.visible_to(user)
        .filter(problems=problem)
        .with_effective_status(today or timezone.localdate())
        .select_related("plan", "plan__district", "responsible")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.visible_to(user).order_by("-date", "-id"),
            )
        )
        .order_by("start_date", "title", "pk")
    )
    return with_latest_follow_ups(measures)


def problem_decisions(*, problem: Problem) -> QuerySet:
    """The problem's priority decisions, newest first: the history of its prioritisation."""
    return PriorityDecision.objects.filter(problem=problem).select_related("weights", "decided_by")


def problem_link_choices(*, user) -> list[Problem]:
    """Active problems ``user`` may link reports to (their districts), for the report list."""
    if not can(user, EDIT, Problem):
        return []
    return list(
        Problem.objects.visible_to(user)
        .filter(district_condition(user, EDIT, Problem, "district_id"), status=ProblemStatus.ACTIVE)
        .select_related("district")
        .order_by("district__code", "title", "pk")[:LINK_CHOICES]
    )


def problems_of_reports(*, user, report_ids) -> dict[int, list[Problem]]:
    """For each report, the problems it is linked to that ``user`` may read (one query)."""
    found: dict[int, list[Problem]] = defaultdict(list)
    links = (
        ProblemReport.objects.filter(
            report_id__in=list(report_ids), problem__in=Problem.objects.visible_to(user)
        )
        .select_related("problem")
        .order_by("problem__title", "problem_id")
    )
    for link in links:
        found[link.report_id].append(link.problem)
    return found
