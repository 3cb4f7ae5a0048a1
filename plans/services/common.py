"""What every write of the plans app checks and does the same way."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.access import EDIT, FOLLOW_UP, can
from core.exceptions import DomainError
from core.identity_numbers import mask_identity_numbers


@dataclass(frozen=True)
class Written:
    """What a service wrote, and how many identity numbers it masked in the text."""

    obj: Any
    masked_identity_numbers: int = 0


def check_may_edit(actor, district_id: int) -> None:
    if not can(actor, EDIT, "plans.problem", district=district_id):
        raise DomainError(
            _(
                "Only the district's analysts and managers of social services and the police may "
                "change its problems and plans."
            ),
            code="not_an_analyst",
        )


def check_may_follow_up(actor, district_id: int) -> None:
    """People: as ``check_may_edit``. A token: one of the two parties' with plans:write, in
    its districts (``accounts.access``)."""
    if can(actor, FOLLOW_UP, "plans.measure", district=district_id):
        return
    if getattr(actor, "is_api_client", False):
        raise DomainError(
            _(
                "Only tokens of social services or the police with the scope plans:write "
                "record follow-ups, in their own districts."
            ),
            code="not_a_follow_up_client",
        )
    check_may_edit(actor, district_id)


def mask_texts(values: dict, fields) -> tuple[dict, int]:
    """``values`` with the identity numbers in ``fields`` masked, and how many there were.

    Trygg holds no information about individuals; the audit entry records that a number was
    masked, never the number.
    """
    masked_total = 0
    result = dict(values)
    for field in fields:
        if result.get(field):
            result[field], count = mask_identity_numbers(result[field])
            masked_total += count
    return result, masked_total


def audit_details(details: dict, masked: int) -> dict:
    return details | {"masked_identity_numbers": masked} if masked else details


def save_checked(instance, *, message: str) -> None:
    """Save a validated ``instance``; a database constraint it still breaks (e.g. a row that
    someone else created just now) becomes ``message`` instead of a server error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise DomainError(message, code="constraint") from None


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": _(
                    "The plan is in force: say why it changes. The reason is kept with "
                    "the new revision."
                )
            }
        )
    return reason
