"""Rollups of reports: fold queued changes, check against the reports and repair, rebuild.

Why the figures are exact, whatever happens:

1. **Capture cannot miss a write.** Triggers on ``incidents_report`` (migration 0002) queue a
   signed change per touched day bucket (``ReportChange``) inside the writer's transaction:
   forms, the API, imports' ``bulk_create``/``bulk_update``, raw SQL and deletes alike.
2. **A fold is all or nothing.** ``rollup_changes`` deletes the queued changes it can see and
   adds them to the count tables (upserts on each table's unique key) in one transaction. A
   job killed half way rolls back and leaves the changes queued; a job run twice finds them
   gone; every change is therefore counted exactly once.
3. **One snapshot.** Each job runs in a REPEATABLE READ transaction: the changes it consumes
   and the reports it reads (when it repairs or rebuilds) are those of the same moment, so a
   change that commits meanwhile is neither lost nor counted twice: it waits for the next run.
4. **One job at a time.** A PostgreSQL advisory lock (``ROLLUP_LOCK``) admits one job; another
   raises ``RollupBusy`` and its task retries with backoff. The lock is the session's, so a
   killed worker's lock goes with its connection. TRUNCATE's trigger takes it too.
5. **Self-repair.** A fold that drives a bucket below zero (a rollup that had lost rows) has
   that day rebuilt from the reports at once; ``rollup_sweep`` compares the recent weeks and a
   rotating older month with a ``GROUP BY`` over the reports and rebuilds any day that
   differs; ``rollup_full`` rebuilds everything.

The month tables are folded from the same changes in the same statement, so they never lag
the day table; the sweep checks them against the day table.

Retention (``overview.services.retention``) deletes old reports but not their counts: in the
deleting transaction it adds their day buckets to ``ArchivedReportCount`` and queues changes
that cancel the trigger's, and every rebuild and check here reads the reports plus that table.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone

from incidents.selectors.situation import COUNTED_STATUSES
from overview.choices import RollupKind, RollupStatus
from overview.exceptions import RollupBusy
from overview.models import AreaMonthCount, ReportDayCount, ReportMonthCount, RollupRun
from overview.services.rollup_sql import (
    AREA_MONTHS_DIFFERING,
    AREAS_FROM_DAYS,
    DAYS_DIFFERING,
    DAYS_FROM_REPORTS,
    DELETE_MONTHS,
    DROP_EMPTY,
    FOLD_SQL,
    MONTHS_DIFFERING,
    MONTHS_FROM_DAYS,
    REBUILD,
)

logger = logging.getLogger(__name__)

# Also in migration 0002 (the TRUNCATE trigger waits for it).
ROLLUP_LOCK = (0x6F76_7276, 1)
# The sweep's window: the recent weeks, where late reports and edits land, in full.
RECENT_DAYS = 35
# Runs kept for the freshness display and the admin; failures for longer.
RUNS_KEPT = timedelta(days=7)
FAILED_RUNS_KEPT = timedelta(days=30)
# A rebuild sorts millions of rows; the default 4 MB would spill them to disk.
REBUILD_WORK_MEM = "128MB"


def _params(**extra) -> dict:
    return {
        "tz": settings.TIME_ZONE,
        "counted": [str(status) for status in COUNTED_STATUSES],
        "now": timezone.now(),
        **extra,
    }


# --- Periods as time spans -----------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, clock.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _runs_of_days(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as [first, after) ranges, so each becomes one index range scan."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


def _day_spans(days: list[date]) -> dict:
    runs = _runs_of_days(days)
    return {
        "starts": [_local_midnight(first) for first, _ in runs],
        "ends": [_local_midnight(after) for _, after in runs],
    }


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_spans(months: list[date]) -> dict:
    months = sorted(set(months))
    return {"first": months, "after": [_next_month(month) for month in months]}


# --- Locking, snapshot and the record of a run ----------------------------------------------


@contextmanager
def rollup_lock(*, wait: bool, key: tuple[int, int] = ROLLUP_LOCK) -> Iterator[None]:
    """Hold the rollup lock (a session-level advisory lock, ``key``) for the block.

    ``wait`` blocks until it is free (the command line, a full rebuild); otherwise
    ``RollupBusy`` is raised at once, so that a worker is never tied up waiting.
    """
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            if not cursor.fetchone()[0]:
                raise RollupBusy
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        except DatabaseError:
            # The connection is gone, and the server released the lock with it.
            logger.warning("Could not release the rollup lock; its connection is gone.")


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """A transaction in which every statement sees the same snapshot (REPEATABLE READ).

    Inside a caller's transaction (a test, a command that wraps its work) the caller's
    transaction is used as it is.
    """
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def run_recorded(kind: str, work: Callable[[RollupRun], bool]) -> RollupRun | None:
    """Run ``work`` in one snapshot under a ``RollupRun`` row; the caller holds the lock.

    The row is written before the transaction, so a run that dies stays visibly "running"
    until the sweep marks it interrupted; it becomes "done" inside the transaction, so it is
    done exactly when its work is committed. ``work`` returns False when it found nothing to
    do: such a run leaves no row.
    """
    started = timezone.now()
    clock_start = time.monotonic()
    run = RollupRun.objects.create(kind=kind, started_at=started)
    try:
        with _one_snapshot():
            if not work(run):
                run.delete()
                return None
            run.status = RollupStatus.DONE
            run.finished_at = timezone.now()
            run.duration = timedelta(seconds=time.monotonic() - clock_start)
            run.save()
    except Exception as error:
        try:
            RollupRun.objects.filter(pk=run.pk).update(
                status=RollupStatus.FAILED,
                finished_at=timezone.now(),
                duration=timedelta(seconds=time.monotonic() - clock_start),
                message=f"{type(error).__name__}: {error}"[:2000],
            )
        except DatabaseError:
            logger.warning("Could not record the failure of rollup run %s.", run.pk)
        raise
    return run


# --- The steps ------------------------------------------------------------------------------


def _fold(run: RollupRun, cursor) -> None:
    cursor.execute(FOLD_SQL, _params())
    changes, last_change_id, written = cursor.fetchone()
    run.changes += changes or 0
    run.last_change_id = last_change_id or run.last_change_id
    run.rows_written += written or 0
    if not changes:
        return
    broken_days: list[date] = []
    broken_months: list[date] = []
    for table, period, broken in (
        ("overview_reportdaycount", "day", broken_days),
        ("overview_reportmonthcount", "month", broken_months),
        ("overview_areamonthcount", "month", broken_months),
    ):
        cursor.execute(DROP_EMPTY.format(table=table, period=period))
        deleted, below_zero = cursor.fetchone()
        run.rows_deleted += deleted
        broken.extend(below_zero)
    if broken_days or broken_months:
        logger.warning(
            "A fold found buckets below zero (days %s, months %s): rebuilding them from the "
            "reports.",
            broken_days,
            broken_months,
        )
        _repair_days(run, cursor, broken_days)
        _repair_months(run, cursor, [*broken_months, *map(_month_start, broken_days)])


def _repair_days(run: RollupRun, cursor, days: list[date]) -> None:
    if not days:
        return
    cursor.execute("DELETE FROM overview_reportdaycount WHERE day = ANY(%s::date[])", [days])
    run.rows_deleted += cursor.rowcount
    cursor.execute(DAYS_FROM_REPORTS, _params(**_day_spans(days)))
    run.rows_written += cursor.rowcount
    run.days_repaired += len(set(days))


def _repair_months(run: RollupRun, cursor, months: list[date]) -> None:
    if not months:
        return
    spans = _month_spans(months)
    for table, rebuild in (
        ("overview_reportmonthcount", MONTHS_FROM_DAYS),
        ("overview_areamonthcount", AREAS_FROM_DAYS),
    ):
        cursor.execute(DELETE_MONTHS.format(table=table), [spans["first"]])
        run.rows_deleted += cursor.rowcount
        cursor.execute(rebuild, _params(**spans))
        run.rows_written += cursor.rowcount


def _days_differing(cursor, first_day: date, after_day: date) -> list[date]:
    spans = _day_spans([first_day + timedelta(days=n) for n in range((after_day - first_day).days)])
    cursor.execute(DAYS_DIFFERING, _params(first_day=first_day, after_day=after_day, **spans))
    return [row[0] for row in cursor.fetchall()]


def _months_differing(cursor, months: list[date]) -> list[date]:
    spans = _month_spans(months)
    differing = set()
    for query in (MONTHS_DIFFERING, AREA_MONTHS_DIFFERING):
        cursor.execute(query, _params(**spans))
        differing.update(row[0] for row in cursor.fetchall())
    return sorted(differing)


def _older_month_to_check(cursor, before: date) -> date | None:
    """One month before the recent window, a different one each minute, so that the whole
    history is checked in turn (48 months of reports: every 48 minutes at one sweep a minute)."""
    cursor.execute(
        "SELECT (SELECT min(occurred_at) FROM incidents_report), "
        "(SELECT min(day) FROM overview_archivedreportcount)"
    )
    oldest_report, oldest_archived = cursor.fetchone()
    oldest_days = [day for day in (oldest_archived,) if day is not None]
    if oldest_report is not None:
        oldest_days.append(timezone.localtime(oldest_report).date())
    if not oldest_days:
        return None
    month = _month_start(min(oldest_days))
    months = []
    while month < _month_start(before):
        months.append(month)
        month = _next_month(month)
    if not months:
        return None
    return months[int(time.time() // 60) % len(months)]


def runs_interrupted(*kinds: str) -> None:
    """Mark the runs of ``kinds`` still "running" as interrupted; the caller holds their lock,
    so none of them runs: they died with their worker."""
    RollupRun.objects.filter(status=RollupStatus.RUNNING, kind__in=kinds).update(
        status=RollupStatus.INTERRUPTED, finished_at=timezone.now()
    )


# --- The jobs -------------------------------------------------------------------------------


def rollup_changes(*, wait: bool = False) -> RollupRun | None:
    """Fold the queued changes into the counts; None when there were none.

    Raises ``RollupBusy`` when another job holds the lock (unless ``wait``).
    """
    with rollup_lock(wait=wait):
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM overview_reportchange)")
            if not cursor.fetchone()[0]:
                return None

        def work(run: RollupRun) -> bool:
            with connection.cursor() as cursor:
                _fold(run, cursor)
            return run.changes > 0

        return run_recorded(RollupKind.CHANGES, work)


def rollup_sweep(*, wait: bool = False, recent_days: int = RECENT_DAYS) -> RollupRun | None:
    """The periodic safety net: fold what a lost message left queued, compare the recent weeks
    and one older month with the reports and rebuild what differs, mark runs that died as
    interrupted, and drop old runs."""
    with rollup_lock(wait=wait):
        # Under the lock no other job runs: a run still "running" died with its worker.
        runs_interrupted(RollupKind.CHANGES, RollupKind.SWEEP, RollupKind.FULL)

        def work(run: RollupRun) -> bool:
            today = timezone.localdate()
            first_day = today - timedelta(days=recent_days)
            # Tomorrow too: a report may be filed a few minutes ahead of the server's clock.
            after_day = today + timedelta(days=2)
            with connection.cursor() as cursor:
                _fold(run, cursor)
                days = _days_differing(cursor, first_day, after_day)
                months = {_month_start(first_day), _month_start(today)}
                older = _older_month_to_check(cursor, before=first_day)
                if older is not None:
                    days += _days_differing(cursor, older, _next_month(older))
                    months.add(older)
                if days:
                    logger.warning("The sweep found days that differ from the reports: %s", days)
                    _repair_days(run, cursor, days)
                    months.update(_month_start(day) for day in days)
                month = _month_start(first_day)
                while month <= today:
                    months.add(month)
                    month = _next_month(month)
                _repair_months(run, cursor, _months_differing(cursor, sorted(months)))
            return True

        run = run_recorded(RollupKind.SWEEP, work)
        _prune_runs()
        return run


def rollup_full() -> RollupRun:
    """Rebuild every count table from the reports (``manage.py rollup --full``).

    Waits for the lock. The tables are emptied with TRUNCATE inside the transaction:
    dashboards wait for the rebuild (seconds) rather than see half of it. Their unique keys
    are dropped for the load and built again after it: one sort instead of an index insert
    per row makes the rebuild about twice as fast.
    """
    with rollup_lock(wait=True):

        def work(run: RollupRun) -> bool:
            params = _params()
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [REBUILD_WORK_MEM])
                cursor.execute(
                    "SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_WORK_MEM]
                )
                # The changes this snapshot sees are in the reports it reads; later ones stay.
                cursor.execute("DELETE FROM overview_reportchange")
                run.changes = cursor.rowcount
                cursor.execute(
                    "TRUNCATE overview_reportdaycount, overview_reportmonthcount, "
                    "overview_areamonthcount"
                )
                with _unique_keys_built_after():
                    cursor.execute(REBUILD, params)
                    run.rows_written, run.reports_read = cursor.fetchone()
            return True

        return run_recorded(RollupKind.FULL, work)


@contextmanager
def _unique_keys_built_after() -> Iterator[None]:
    """Drop the count tables' unique keys for the block and add them again after it, through
    Django's schema editor so that they stay exactly as the models declare them. Inside the
    rebuild's transaction: no one ever sees a table without its key.

    Only the tables' owner may: the portal's runtime role (accounts.database_roles) owns
    nothing, so as that role the rebuild loads with the keys in place, slower but the same.
    """
    tables = [ReportDayCount, ReportMonthCount, AreaMonthCount]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class"
            " WHERE oid = ANY(%s::regclass[])",
            [[model._meta.db_table for model in tables]],
        )
        if not cursor.fetchone()[0]:
            yield
            return
    keys = [
        (model, next(c for c in model._meta.constraints if isinstance(c, UniqueConstraint)))
        for model in tables
    ]
    with connection.schema_editor(atomic=False) as editor:
        for model, key in keys:
            editor.remove_constraint(model, key)
    yield
    with connection.schema_editor(atomic=False) as editor:
        for model, key in keys:
            editor.add_constraint(model, key)


def _prune_runs() -> None:
    now = timezone.now()
    RollupRun.objects.filter(started_at__lt=now - FAILED_RUNS_KEPT).delete()
    RollupRun.objects.filter(started_at__lt=now - RUNS_KEPT, status=RollupStatus.DONE).delete()
