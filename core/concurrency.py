"""Optimistic locking: two people editing the same record never silently overwrite each other.

A record carries a ``version`` column. An edit form holds the version it was opened with and
a signed copy of the values it showed; the save is a conditional UPDATE (``... WHERE version =
<the version read>``) that also raises the version. When it updates nothing, someone else
saved in between: ``EditConflict`` carries their save, and ``field_changes`` tells the editor
what they changed, field by field, while the form keeps the editor's own text.
"""

from dataclasses import dataclass

from django.core import signing
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from core.exceptions import DomainError

_SALT = "core.concurrency.seen"


class EditConflict(DomainError):
    """Someone else saved the record after the editor opened it; ``current`` is their save."""

    def __init__(self, message: str, *, current: Model) -> None:
        super().__init__(message, code="edit_conflict")
        self.current = current


def update_if_version(queryset: QuerySet, *, pk, version: int, **values) -> bool:
    """UPDATE the row ``pk`` with ``values`` only if its version is still ``version``, and
    raise the version; whether it did. One statement, so no lock is held across the edit."""
    if any(field.name == "updated_at" for field in queryset.model._meta.fields):
        values.setdefault("updated_at", timezone.now())
    return queryset.filter(pk=pk, version=version).update(**values, version=F("version") + 1) == 1


def sign_seen(values: dict[str, str]) -> str:
    """The values an edit form showed, signed, to travel in a hidden field."""
    return signing.dumps(values, salt=_SALT, compress=True)


def unsign_seen(token: str) -> dict[str, str] | None:
    """What ``sign_seen`` signed, or None for a missing or forged token."""
    try:
        values = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature:
        return None
    return values if isinstance(values, dict) else None


@dataclass(frozen=True)
class FieldChange:
    """A field someone else changed: what the editor saw, and what is saved now."""

    label: str
    seen: str
    saved: str


def field_changes(
    *, seen: dict[str, str] | None, saved: dict[str, str], labels: dict[str, str]
) -> list[FieldChange]:
    """The fields whose saved value differs from what the editor saw, in ``labels`` order.
    Without what the editor saw (an old form), every field is listed with its saved value."""
    changes = []
    for field, label in labels.items():
        now = saved.get(field, "")
        before = seen.get(field, "") if seen is not None else None
        if before is None or before != now:
            changes.append(FieldChange(str(label), before or "", now))
    return changes
