"""The dashboards' problems and plans: the top prioritised problems (through the plans app's
own selector, which applies its read rule) and the plan progress rollup.

Both only for those who read problems and plans (the two parties' staff of the district and
coordinators, ``accounts.access``); partners see neither section's rows.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse

from accounts.access import READ, can, district_condition
from areas.models import District
from overview.models import PlanProgressCount
from plans.choices import MeasureStatus
from plans.selectors.overview import prioritised_problems

TOP_PROBLEMS = 5


@dataclass(frozen=True)
class TopProblem:
    title: str
    district: str
    score: str
    url: str


@dataclass(frozen=True)
class PlanProgressRow:
    district: str
    period_start: date
    period_end: date
    by_status: list[tuple[str, str, int]]  # (status, label, measures), every status
    with_target: int
    targets_met: int
    computed_at: datetime
    url: str

    @property
    def total(self) -> int:
        return sum(count for _status, _label, count in self.by_status)

    @property
    def done_percent(self) -> int:
        done = next(count for status, _l, count in self.by_status if status == MeasureStatus.DONE)
        return round(done * 100 / self.total) if self.total else 0


def dashboard_problems(*, user, district: District | None) -> list[TopProblem] | None:
    """The top prioritised problems ``user`` may read; None for those who read none."""
    if not can(user, READ, "plans.problem"):
        return None
    return [
        TopProblem(
            title=problem.title,
            district=problem.district.name,
            score=str(score.total),
            url=reverse("plans:problem_detail", args=[problem.pk]),
        )
        for problem, score in prioritised_problems(user=user, district=district, limit=TOP_PROBLEMS)
    ]


def dashboard_plan_progress(*, user, district: District | None) -> list[PlanProgressRow] | None:
    """The progress of the plans in force in the districts ``user`` reads plans of, from the
    rollup (one query); None for those who read none."""
    if not can(user, READ, "plans.actionplan"):
        return None
    rows = PlanProgressCount.objects.select_related("plan", "district").order_by(
        "district__code", "plan__period_start", "plan_id"
    )
    rows = rows.filter(district_condition(user, READ, "plans.actionplan", "district_id"))
    if district is not None:
        rows = rows.filter(district=district)
    plans: dict[int, dict] = {}
    for row in rows:
        entry = plans.setdefault(
            row.plan_id,
            {"row": row, "counts": dict.fromkeys(MeasureStatus.values, 0), "targets": [0, 0]},
        )
        entry["counts"][row.status] = row.measures
        entry["targets"][0] += row.with_target
        entry["targets"][1] += row.targets_met
    return [
        PlanProgressRow(
            district=entry["row"].district.name,
            period_start=entry["row"].plan.period_start,
            period_end=entry["row"].plan.period_end,
            by_status=[
                (status, label, entry["counts"][status]) for status, label in MeasureStatus.choices
            ],
            with_target=entry["targets"][0],
            targets_met=entry["targets"][1],
            computed_at=entry["row"].computed_at,
            url=reverse("plans:plan_detail", args=[plan_id]),
        )
        for plan_id, entry in plans.items()
    ]
