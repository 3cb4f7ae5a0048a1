from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and last-change times to a model."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key`` header, kept for replay.

    A client that did not hear the answer sends the same request with the same key again and
    gets this answer back instead of a second write. ``owner`` names the principal
    ("api_client:12", "user:7"), so one client's keys never answer another's requests;
    ``request_hash`` tells a retry from a different request under a reused key. Rows past
    their time are deleted by a periodic task (``core.idempotency_keys_expire``).
    """

    owner = models.CharField(_("owner"), max_length=40)
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request hash (SHA-256)"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
