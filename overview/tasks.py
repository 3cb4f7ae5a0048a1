"""Celery tasks of the overview: thin wrappers around ``overview.services.rollup``.

Only these tasks are acknowledged late and rejected (so redelivered) when their worker is
lost: each is safe to run twice, as its docstring says.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from overview.exceptions import RollupBusy

logger = logging.getLogger(__name__)

# The options of a task safe to run twice: acknowledged after it ran, redelivered when its
# worker is lost, retried with backoff and jitter when busy (another job holds the lock and may
# have missed what committed after it began) or when the database restarts or fails over.
SAFE_TWICE = {
    "ignore_result": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (RollupBusy, OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(name="overview.rollup_changes", **SAFE_TWICE)
def rollup_changes_task() -> None:
    """Fold the queued report changes into the rollups.

    Safe to run twice, and beside any other rollup job: it consumes the queued changes and
    adds them to the counts in one transaction, under an advisory lock. A second run finds the
    changes gone and does nothing; a run killed half way rolls back and leaves them for the
    next. When retries run out, the sweep folds what is left.
    """
    from overview.services.rollup import rollup_changes

    rollup_changes()


# Busy is not retried here: the job that holds the lock does the work, the next sweep the rest.
@shared_task(
    name="overview.rollup_sweep",
    **(SAFE_TWICE | {"autoretry_for": (OperationalError, InterfaceError), "max_retries": 3}),
)
def rollup_sweep_task() -> None:
    """Fold what lost messages left queued, check the rollups against the reports and repair;
    rebuild the plan progress (a measure turns försenad with the date alone).

    Safe to run twice: it only folds queued changes (as ``rollup_changes_task``) and rebuilds
    days that differ from the reports, which leaves correct days as they are. When another job
    holds the lock it leaves the work to that job and to the next sweep. The beat entry expires
    before its next run, so a backlog of sweeps never piles up.
    """
    from overview.services.plans_rollup import rollup_plans
    from overview.services.rollup import rollup_sweep

    for sweep in (rollup_sweep, rollup_plans):
        try:
            sweep()
        except RollupBusy:
            logger.info("Another rollup job is running; this sweep leaves %s to it.", sweep)


@shared_task(name="overview.rollup_plans", **SAFE_TWICE)
def rollup_plans_task() -> None:
    """Rebuild the plan progress of every plan in force.

    Safe to run twice: it replaces all rows in one transaction under a lock of its own, from
    the plans tables as they are; a second run writes the same rows again. Busy: another
    rebuild may have read the plans before this write committed, so this one still runs.
    """
    from overview.services.plans_rollup import rollup_plans

    rollup_plans()


@worker_ready.connect(dispatch_uid="overview_catch_up_on_start")
def catch_up_on_start(sender=None, **kwargs) -> None:
    """A worker that starts (after a crash, a deployment or Redis' return with it) sweeps at
    once rather than at the next beat: the overview catches up without anyone acting."""
    try:
        rollup_sweep_task.apply_async()
    except Exception:
        logger.warning("Could not send the start-up sweep; the beat will send one.")


@shared_task(
    name="overview.retention",
    **(SAFE_TWICE | {"autoretry_for": (OperationalError, InterfaceError), "max_retries": 3}),
)
def retention_task() -> None:
    """Retention (gallring): delete the reports past the second age, clear the free text of
    those past the first, keep the overview's counts, record the run in the audit trail.

    Safe to run twice: each stage selects reports by their state (past the age and still
    holding free text; past the age and linked to no problem), so a second run finds nothing
    the first did and only records that it ran. A run is one transaction, all or nothing,
    under an advisory lock of its own: a run started while another holds it leaves the work to
    that one. The beat entry runs it nightly and expires long before the next night.
    """
    from overview.services.retention import retention_run

    try:
        retention_run()
    except RollupBusy:
        logger.info("Another retention run holds the lock; this one leaves the work to it.")
