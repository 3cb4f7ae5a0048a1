"""Retention (gallring) of reports: free text first, then the record; the figures stay exact.

What is due, and the holds for plans and problems, are ``overview.selectors.retention``. A run:

1. takes the retention lock (an advisory lock of its own: a second run at the same time
   finds it held and leaves the work to the first);
2. in one transaction, deletes the reports past the second age and, in the same statement,
   adds their day buckets to ``ArchivedReportCount`` and queues ``ReportChange`` rows that
   cancel the ones the delete trigger queues: the fold adds nothing, and the sweep and
   ``rollup --full``, which count the reports plus the archived buckets, find what was there;
3. clears the free text of the reports past the first age (an update that moves no report
   between buckets, so the trigger queues nothing);
4. records one audit entry with the cutoffs, the counts and the ids as ranges, in the same
   transaction: the trail has the run exactly when its changes are committed.

It lives in the overview because it is the app that may read both the reports and the plans,
and because the counts it must keep are the overview's.
"""

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.services import audit_record
from incidents.models import Report
from overview.selectors.retention import (
    FREE_TEXT_CLEARED,
    RETENTION_ACTION,
    RETENTION_PER_RUN,
    Cutoffs,
    reports_to_delete,
    reports_to_thin,
    retention_cutoffs,
)
from overview.services.rollup import rollup_lock
from overview.services.rollup_sql import DAY_COLUMNS, DAY_GROUP, bucket

logger = logging.getLogger(__name__)

# Beside the rollup jobs' lock (overview.services.rollup.ROLLUP_LOCK), not the same one: a run
# must not wait for a rebuild, nor hold the folds up.
RETENTION_LOCK = (0x6F76_7276, 2)
# Who the audit trail names for a run.
RETENTION_ACTOR = "gallring (overview.retention)"

# Composed of the rollup SQL's constants; every value is a bound parameter.
# ruff: noqa: S608
DELETE_REPORTS = f"""
WITH gone AS (
    DELETE FROM incidents_report r
    WHERE r.id = ANY(%(ids)s)
        AND NOT EXISTS (SELECT 1 FROM plans_problemreport l WHERE l.report_id = r.id)
    RETURNING r.*
), buckets AS (
    SELECT {bucket("gone")}, count(*)::int, sum(gone.severity)::int
    FROM gone {DAY_GROUP}
), archived AS (
    INSERT INTO overview_archivedreportcount AS t
        ({DAY_COLUMNS}, reports, severity_sum, computed_at)
    SELECT *, %(now)s FROM buckets
    ON CONFLICT ({DAY_COLUMNS}) DO UPDATE SET
        reports = t.reports + EXCLUDED.reports,
        severity_sum = t.severity_sum + EXCLUDED.severity_sum,
        computed_at = EXCLUDED.computed_at
    RETURNING 1
), cancelling AS (
    INSERT INTO overview_reportchange ({DAY_COLUMNS}, reports, severity_sum, created_at)
    SELECT *, %(now)s FROM buckets
    RETURNING 1
)
SELECT coalesce(array_agg(id ORDER BY id), '{{}}') FROM gone
"""


@dataclass(frozen=True)
class RetentionResult:
    cutoffs: Cutoffs
    thinned: list[int]
    deleted: list[int]


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Sorted ids as ``[first, last]`` runs of consecutive ids: short in the audit trail."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and runs[-1][1] == pk - 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def _claim(queryset, per_run: int) -> list[int]:
    """Lock up to ``per_run`` of the reports, oldest ids first; rows another transaction
    holds (an edit, a link being made) are skipped and wait for the next run."""
    return list(
        queryset.order_by("pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)[:per_run]
    )


def _delete(cutoffs: Cutoffs, per_run: int) -> list[int]:
    ids = _claim(reports_to_delete(cutoffs=cutoffs), per_run)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            DELETE_REPORTS,
            {"ids": ids, "tz": timezone.get_default_timezone_name(), "now": cutoffs.at},
        )
        return list(cursor.fetchone()[0])


def _thin(cutoffs: Cutoffs, per_run: int) -> list[int]:
    ids = _claim(reports_to_thin(cutoffs=cutoffs), per_run)
    if ids:
        Report.objects.filter(pk__in=ids).update(**FREE_TEXT_CLEARED, updated_at=cutoffs.at)
    return ids


def retention_run(*, now=None, per_run: int = RETENTION_PER_RUN) -> RetentionResult:
    """Delete the reports past the second age, clear the free text of those past the first,
    and record it in the audit trail (one entry, also when nothing was due).

    Raises ``RollupBusy`` when another run holds the retention lock.
    """
    cutoffs = retention_cutoffs(at=now)
    with rollup_lock(wait=False, key=RETENTION_LOCK), transaction.atomic():
        deleted = _delete(cutoffs, per_run)
        thinned = _thin(cutoffs, per_run)
        audit_record(
            action=RETENTION_ACTION,
            actor_label=RETENTION_ACTOR,
            details={
                "thin_before": cutoffs.thin_before.isoformat(),
                "delete_before": cutoffs.delete_before.isoformat(),
                "thinned": len(thinned),
                "thinned_ids": id_ranges(thinned),
                "deleted": len(deleted),
                "deleted_ids": id_ranges(deleted),
                "per_run": per_run,
            },
        )
    logger.info("Retention: %s reports thinned, %s deleted.", len(thinned), len(deleted))
    return RetentionResult(cutoffs=cutoffs, thinned=thinned, deleted=deleted)
