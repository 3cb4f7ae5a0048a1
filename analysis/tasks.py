"""Celery task of the analysis: the trend alerts, recomputed from the rollups."""

import logging

from celery import shared_task

from overview.tasks import SAFE_TWICE

logger = logging.getLogger(__name__)


@shared_task(name="analysis.alerts", **SAFE_TWICE)
def alerts_task() -> int:
    """Evaluate the last complete weeks of every cell and store their alerts.

    Safe to run twice: it recomputes every figure from the rollups as they are and upserts
    on the cell-week key (delete and write in one transaction, under an advisory lock of its
    own, so two runs queue rather than interleave); a second run writes the same rows. A run
    missed (no worker over a weekend) is caught up by the next, which evaluates the last
    eight weeks. The beat entry runs it hourly, so a report filed late for a past week
    reaches the alert within the hour of the rollup that counts it.
    """
    from analysis.alerts import alerts_compute

    return alerts_compute()
