"""Celery tasks of the incidents app: thin wrappers around services, taking ids."""

from celery import shared_task


@shared_task(name="incidents.import_run_execute", acks_late=True, ignore_result=True)
def import_run_execute_task(run_id: int) -> None:
    """Run the uploaded import ``run_id``.

    Safe to run twice: the service claims the run with a conditional UPDATE from pending to
    running, so a second delivery (or a retry after the first started) finds it running or
    finished and leaves it alone. Police events are moreover upserted on (organisation,
    external id), so even an import repeated on purpose creates no report twice. Hence
    ``acks_late``: a message lost with its worker before the claim is delivered again.
    """
    from incidents.services.imports import import_run_execute

    import_run_execute(run_id=run_id)


@shared_task(name="incidents.import_runs_requeue_stale", ignore_result=True, expires=240)
def import_runs_requeue_stale_task() -> int:
    """Send again the import runs whose message was lost (pending for over ten minutes).

    Safe to run twice, and beside the original message: it only enqueues
    ``import_run_execute_task``, whose claim lets one of any number of deliveries run.
    Meant for a beat entry every five minutes (it expires before the next one).
    """
    from incidents.services.imports import import_run_requeue_stale

    return import_run_requeue_stale()
