"""Waking the rollup job after a write: at most one message per transaction, after it commits.

The message only says "there are changes": the changes themselves are queued in the database by
the trigger and cannot be lost. A message that cannot be sent (Redis down) is logged and left
to the periodic sweep, and the write that caused it stands.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def rollup_after_commit() -> None:
    """Send ``overview.rollup_changes`` once the current transaction commits (at once outside
    one); several writes in one transaction send one message."""
    _once_after_commit(_send_changes)


def plans_rollup_after_commit() -> None:
    """The same for ``overview.rollup_plans``, after a plan, measure or follow-up is saved."""
    _once_after_commit(_send_plans)


def _once_after_commit(send) -> None:
    connection = transaction.get_connection()
    # Django keeps the callbacks of the open transaction as (savepoint ids, callback, robust);
    # one of ours already waiting there will fold this write too.
    if connection.in_atomic_block and any(
        entry[1] is send for entry in getattr(connection, "run_on_commit", ())
    ):
        return
    transaction.on_commit(send)


def _send(task) -> None:
    try:
        task.apply_async(retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
    except Exception:
        # The write is committed (and a report's change queued); the sweep catches up when
        # Redis is back.
        logger.warning("Could not send %s; the periodic sweep will catch up.", task.name)


def _send_changes() -> None:
    from overview.tasks import rollup_changes_task

    _send(rollup_changes_task)


def _send_plans() -> None:
    from overview.tasks import rollup_plans_task

    _send(rollup_plans_task)
