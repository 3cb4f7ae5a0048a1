"""How fresh the overview's figures are: the last finished rollup and what still waits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from overview.choices import RollupKind, RollupStatus
from overview.models import ReportChange, RollupRun

# Changes waiting longer than this mean the workers are down or far behind.
BEHIND_AFTER = timedelta(minutes=5)
# Counting a backlog stops here: the page says "more than" rather than read it all.
PENDING_COUNT_CAP = 10_000


@dataclass(frozen=True)
class Freshness:
    computed_at: datetime | None  # when the last rollup finished
    checked_at: datetime | None  # when the last sweep compared the rollups with the reports
    pending: int  # queued changes not yet counted (at most PENDING_COUNT_CAP)
    oldest_pending: datetime | None

    @property
    def up_to_date(self) -> bool:
        return self.pending == 0

    @property
    def behind(self) -> bool:
        return self.oldest_pending is not None and (
            timezone.now() - self.oldest_pending > BEHIND_AFTER
        )

    @property
    def pending_capped(self) -> bool:
        return self.pending >= PENDING_COUNT_CAP


# The runs that bring the report counts up to date (plan progress is a table of its own).
COUNT_RUNS = (RollupKind.CHANGES, RollupKind.SWEEP, RollupKind.FULL)
# The runs that compare the counts with the reports.
CHECK_RUNS = (RollupKind.SWEEP, RollupKind.FULL)


def _finished_count_runs():
    return RollupRun.objects.filter(status=RollupStatus.DONE, kind__in=COUNT_RUNS).order_by(
        "-started_at"
    )


def counts_computed_at() -> datetime | None:
    """When the report counts were last brought up to date: the end of the latest finished
    fold, check or rebuild (one at a time, under the rollup lock). One indexed query."""
    return _finished_count_runs().values_list("finished_at", flat=True).first()


def overview_freshness() -> Freshness:
    """Two queries: the latest finished runs, and the queue (counted up to a cap)."""
    # The newest runs: the latest finished one, and among them the latest check.
    runs = list(_finished_count_runs().values_list("kind", "finished_at")[:50])
    computed_at = max((finished for _kind, finished in runs if finished), default=None)
    checked_at = next((finished for kind, finished in runs if kind in CHECK_RUNS), None)
    queue = ReportChange.objects.order_by("id")[:PENDING_COUNT_CAP]
    waiting = ReportChange.objects.filter(pk__in=queue.values("pk")).aggregate(
        pending=Count("pk"), oldest=Min("created_at")
    )
    return Freshness(
        computed_at=computed_at,
        checked_at=checked_at,
        pending=waiting["pending"],
        oldest_pending=waiting["oldest"],
    )
