from celery import shared_task


@shared_task(name="core.idempotency_keys_expire")
def idempotency_keys_expire() -> int:
    """Forget idempotency keys older than their lifetime.

    Safe to run twice: it deletes by age, so a second run finds nothing left to delete.
    """
    from core.api.idempotency import idempotency_keys_expire as expire

    return expire()
