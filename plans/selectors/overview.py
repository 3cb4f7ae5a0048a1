"""What the overview dashboards read from plans: the top problems by priority score and the
progress of the plans in force, per district. Each respects ``visible_to``; neither grows in
queries with the number of problems, plans or measures."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils import timezone

from areas.models import District
from plans.choices import PLAN_IN_FORCE, MeasureStatus
from plans.models import ActionPlan, Measure
from plans.selectors.priority import PriorityScore, priority_scores, ranked
from plans.selectors.problems import problem_list


def prioritised_problems(*, user, district: District | None = None, limit: int = 5) -> list:
    """The ``limit`` active problems with the highest score: (problem, score) pairs."""
    problems = list(problem_list(user=user, district=district))
    scores: dict[int, PriorityScore] = priority_scores(problems=problems)
    return [(problem, scores[problem.pk]) for problem in ranked(problems, scores)[:limit]]


@dataclass(frozen=True)
class PlanProgressRow:
    plan: ActionPlan
    counts: dict[str, int]  # effective status → measures

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_percent(self) -> int:
        return round(self.counts[MeasureStatus.DONE] * 100 / self.total) if self.total else 0


def plan_progress_by_district(
    *, user, district: District | None = None, today: date | None = None
) -> list[PlanProgressRow]:
    """Each plan in force that ``user`` may read, with its measures counted by effective
    status (försenad from the date): two queries."""
    plans = list(
        ActionPlan.objects.visible_to(user)
        .filter(status__in=PLAN_IN_FORCE)
        .select_related("district")
        .order_by("district__code", "-period_start")
    )
    if district is not None:
        plans = [plan for plan in plans if plan.district_id == district.pk]
    counts = {plan.pk: dict.fromkeys(MeasureStatus.values, 0) for plan in plans}
    rows = (
        Measure.objects.filter(plan__in=plans)
        .with_effective_status(today or timezone.localdate())
        .values("plan_id", "effective_status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["plan_id"]][row["effective_status"]] = row["count"]
    return [PlanProgressRow(plan=plan, counts=counts[plan.pk]) for plan in plans]
