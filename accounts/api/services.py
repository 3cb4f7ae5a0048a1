"""Writes of API clients: create (the token is returned once and never stored) and revoke."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.api.tokens import token_hash, token_make
from accounts.models import ApiClient, Organisation
from accounts.services import audit_record
from areas.models import District


@dataclass(frozen=True)
class ApiClientCreated:
    client: ApiClient
    token: str  # shown once: only its hash is kept


def api_client_create(
    *,
    name: str,
    organisation: Organisation,
    scopes: list[str],
    districts: list[District],
    expires_at: datetime | None,
    actor=None,
    actor_label: str = "",
    request=None,
) -> ApiClientCreated:
    """A new client of ``organisation`` with a fresh token; audited."""
    for _attempt in range(3):
        token, prefix = token_make()
        try:
            with transaction.atomic():
                client = ApiClient(
                    name=name,
                    organisation=organisation,
                    token_prefix=prefix,
                    token_hash=token_hash(token),
                    scopes=sorted(set(scopes)),
                    expires_at=expires_at,
                )
                client.full_clean(exclude=["token_prefix"])
                client.save()
                client.districts.set(districts)
                audit_record(
                    action="api_client.created",
                    actor=actor,
                    actor_label=actor_label,
                    target=client,
                    request=request,
                    details={
                        "scopes": client.scopes,
                        "districts": sorted(d.slug for d in districts),
                        "expires_at": expires_at.isoformat() if expires_at else None,
                    },
                )
        except IntegrityError:
            # Two tokens with the same 40-bit prefix: draw again.
            continue
        return ApiClientCreated(client, token)
    raise RuntimeError("Could not draw a unique token prefix.")


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor=None, actor_label: str = "", request=None):
    """Refuse the client's token from the next request on; audited. Revoking twice is a no-op."""
    updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    client.refresh_from_db(fields=["revoked_at"])
    if updated:
        audit_record(
            action="api_client.revoked",
            actor=actor,
            actor_label=actor_label,
            target=client,
            request=request,
        )
    return client
