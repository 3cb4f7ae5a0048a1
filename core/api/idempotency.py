"""Idempotent writes: ``Idempotency-Key`` on a POST makes a retry return the first answer.

The key's row is claimed with ``INSERT … ON CONFLICT DO NOTHING`` in the same transaction as
the write. A second request with the same key waits on the unique index until the first
commits, then finds its answer and replays it (same status, same body,
``Idempotent-Replayed: true``); if the first failed, its claim rolled back with it and the
second goes ahead as if it were first. Only successful answers (2xx) are kept: a refused
request wrote nothing, so the client may fix it and send it again under the same key.
The same key with a different request (method, path or body) is refused with 422.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.exceptions import Unprocessable
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
# How long a key answers; a client retries within minutes, this leaves a day for outages.
KEY_LIFETIME = timedelta(hours=24)

OPENAPI_PARAMETER = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": "^[ -~]+$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (e.g. a UUID) per write. Sent again with the same request, it "
        "returns the first answer instead of writing twice; with a different request, 422. "
        "Kept for 24 hours."
    ),
)


def principal_label(principal) -> str:
    kind = "api_client" if getattr(principal, "is_api_client", False) else "user"
    return f"{kind}:{principal.pk}"


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    text = f"{request.method} {request.get_full_path()} {body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= KEY_MAX_LENGTH and key.isprintable() and key.isascii()


def idempotent(request, write: Callable[[], Response]) -> Response:
    """Run ``write`` once per (principal, Idempotency-Key); without the header, just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return write()
    if not _valid_key(key):
        raise ValidationError(
            {HEADER: [_("Up to %d printable ASCII characters.") % KEY_MAX_LENGTH]}
        )
    owner = principal_label(request.user)
    request_hash = _request_hash(request)
    table = IdempotencyKey._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE owner = %s AND key = %s AND created_at < %s",  # noqa: S608
                [owner, key, timezone.now() - KEY_LIFETIME],
            )
            cursor.execute(
                f"INSERT INTO {table} (owner, key, request_hash, status_code, response_body, "  # noqa: S608
                "created_at) VALUES (%s, %s, %s, 0, 'null', %s) "
                "ON CONFLICT (owner, key) DO NOTHING RETURNING id",
                [owner, key, request_hash, timezone.now()],
            )
            claimed = cursor.fetchone()
        if claimed is None:
            first = IdempotencyKey.objects.get(owner=owner, key=key)
            if first.request_hash != request_hash:
                raise Unprocessable(
                    _("This Idempotency-Key was used for a different request."),
                    code="idempotency_key_reused",
                )
            return Response(
                first.response_body, status=first.status_code, headers={REPLAYED_HEADER: "true"}
            )
        response = write()
        if 200 <= response.status_code < 300:
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            IdempotencyKey.objects.filter(pk=claimed[0]).update(
                status_code=response.status_code, response_body=body
            )
        else:
            IdempotencyKey.objects.filter(pk=claimed[0]).delete()
        return response


def idempotency_keys_expire() -> int:
    """Delete keys past their lifetime; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - KEY_LIFETIME
    ).delete()
    return deleted
