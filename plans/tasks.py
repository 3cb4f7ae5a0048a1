"""Scheduled jobs of the plans app."""

from celery import shared_task


@shared_task(name="plans.evaluation_designs_fix_due", acks_late=True)
def evaluation_designs_fix_due_task() -> int:
    """Fix the evaluation designs of measures whose start date has come.

    Safe to run twice: a measure that has its design is not picked again, and the one-to-one
    key keeps a second design out if two runs overlap."""
    from plans.services.evaluation import evaluation_designs_fix_due

    return evaluation_designs_fix_due()
