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
    connection = transaction.get_connection()
    # Django keeps the callbacks of the open transaction as (savepoint ids, callback, robust);
    # one of ours already waiting there will fold this write too.
    if connection.in_atomic_block and any(
        entry[1] is _send for entry in getattr(connection, "run_on_commit", ())
    ):
        return
    transaction.on_commit(_send)


def _send() -> None:
    from overview.tasks import rollup_changes_task

    try:
        rollup_changes_task.apply_async(
            retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2}
        )
    except Exception:
        # The report is committed and its change queued; the sweep folds it when Redis is back.
        logger.warning("Could not send the rollup job; the periodic sweep will catch up.")
