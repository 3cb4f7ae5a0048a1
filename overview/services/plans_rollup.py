"""Plan progress for the dashboards: each plan in force, its measures by effective status and
its numeric targets met, rebuilt whole from the plans tables.

Whole, not by change: a measure turns försenad when its end date passes, with no write to
capture, and the table is small (plans in force × five statuses). The sweep rebuilds it every
minute, and a saved plan, measure or follow-up sends a rebuild after its commit. Safe to run
twice: it replaces every row in one transaction, under a lock of its own.
"""

from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from overview.choices import RollupKind
from overview.models import PlanProgressCount, RollupRun
from overview.services.rollup import ROLLUP_LOCK, rollup_lock, run_recorded, runs_interrupted
from plans.choices import PLAN_IN_FORCE, TargetDirection
from plans.models import FollowUp, Measure

PLANS_LOCK = (ROLLUP_LOCK[0], 2)


def _progress_rows(today):
    """Measures of the plans in force per plan and effective status (the plans app's own
    ``with_effective_status``), a target met as ``Measure.target_met`` says, by the latest
    follow-up."""
    latest = FollowUp.objects.filter(measure=OuterRef("pk")).order_by("-date", "-id")
    at_most = Q(target_direction=TargetDirection.AT_MOST)
    met = Case(
        When(at_most & Q(latest_value__lte=F("target_value")), then=Value(True)),
        When(~at_most & Q(latest_value__gte=F("target_value")), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        Measure.objects.filter(plan__status__in=PLAN_IN_FORCE)
        .with_effective_status(today)
        .annotate(latest_value=Subquery(latest.values("indicator_value")[:1]))
        .annotate(met=met)
        .values("plan_id", "plan__district_id", "effective_status")
        .annotate(
            measures=Count("pk"),
            with_target=Count("pk", filter=Q(target_value__isnull=False)),
            targets_met=Count("pk", filter=Q(target_value__isnull=False, met=True)),
        )
        .order_by()
    )


def rollup_plans(*, wait: bool = False) -> RollupRun:
    """Rebuild the progress of every plan in force. Raises ``RollupBusy`` when another rebuild
    of it runs (unless ``wait``)."""
    with rollup_lock(wait=wait, key=PLANS_LOCK):
        runs_interrupted(RollupKind.PLANS)

        def work(run: RollupRun) -> bool:
            now = timezone.now()
            rows = [
                PlanProgressCount(
                    plan_id=row["plan_id"],
                    district_id=row["plan__district_id"],
                    status=row["effective_status"],
                    measures=row["measures"],
                    with_target=row["with_target"],
                    targets_met=row["targets_met"],
                    computed_at=now,
                )
                for row in _progress_rows(timezone.localdate(now))
            ]
            run.rows_deleted, _by_model = PlanProgressCount.objects.all().delete()
            PlanProgressCount.objects.bulk_create(rows)
            run.rows_written = len(rows)
            return True

        return run_recorded(RollupKind.PLANS, work)
