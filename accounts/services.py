"""Writes in the accounts app. ``audit_record`` is the one way an audit entry is written."""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.choices import Confidentiality
from accounts.models import AuditEvent

logger = logging.getLogger(__name__)


def _client_address(request) -> str | None:
    if request is None:
        return None
    # Behind the production proxy REMOTE_ADDR is the proxy, which appends the client's
    # address as the last X-Forwarded-For hop; without a proxy that header is the client's
    # own word and is ignored.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.TRYGG_BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    target: models.Model | type[models.Model] | None = None,
    request=None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit entry: who did what to which object, when, from where.

    ``actor`` defaults to the request's user; ``actor_label`` names a non-user actor such as
    an API client or a scheduled job. ``target`` is one object, or a model for an entry about
    several of its rows (their ids then go in ``details["ids"]``). ``details`` must not carry
    personal data.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if getattr(actor, "is_api_client", False):
        # A partner system is no user: the trail names it ("api:<name>") and points at no one.
        actor_label, actor = actor_label or actor.audit_label, None
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=actor_label or "system",
        ip_address=_client_address(request),
        details=details or {},
    )
    if isinstance(target, type):
        event.content_type = ContentType.objects.get_for_model(target)
    elif target is not None:
        event.content_type = ContentType.objects.get_for_model(target)
        event.object_id = str(target.pk)
        event.object_repr = str(target)[:200]
    event.save()
    return event


def audit_request_filters(request) -> dict[str, list[str]]:
    """The query parameters of a list, search or export, for its audit entry: what was asked
    for, with any personal identity number typed into a search masked."""
    from core.identity_numbers import mask_identity_numbers

    return {
        key: [mask_identity_numbers(value)[0] for value in request.GET.getlist(key)]
        for key in request.GET
        if key != "cursor"
    }


def audit_confidential_reads(
    *, request, model: type[models.Model], ids, surface: str, action: str = "", details=None
) -> AuditEvent | None:
    """One entry for one request of a list, search, export or API list that handed out
    records at the ``organisation`` level: which ones (``ids``), on which ``surface``.

    ``ids`` are the ``organisation``-level records among those shown (see
    ``organisation_level_ids``); with none, nothing is written. Reads of one record are
    audited where they happen, with that record as the target.
    """
    ids = sorted(set(ids))
    if not ids:
        return None
    return audit_record(
        action=action or f"{model._meta.model_name}.listed",
        request=request,
        target=model,
        details={
            "surface": surface,
            "ids": ids,
            "filters": audit_request_filters(request),
            **(details or {}),
        },
    )


def organisation_level_ids(records) -> list[int]:
    """The ids of the ``organisation``-level records among ``records`` (objects)."""
    return [r.pk for r in records if r.confidentiality == Confidentiality.ORGANISATION]
