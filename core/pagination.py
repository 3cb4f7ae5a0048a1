"""Keyset ("cursor") pagination for long lists.

OFFSET pagination reads and throws away every row before the page, so page 10,000 of a
million-row list is slow; a keyset page starts from the last row seen and costs the same on
any page. The cursor is the (sort value, id) of the last row, signed so it cannot be forged
into something the database has to work hard on.
"""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.core import signing
from django.db.models import Q, QuerySet


class InvalidCursor(ValueError):
    """The cursor was not made by us, or is from an ordering other than the current one."""


def _kind(value) -> str:
    # datetime first: it is a date too.
    if isinstance(value, datetime):
        return "datetime"
    return "date" if isinstance(value, date) else "plain"


def _encode(value):
    return value.isoformat() if isinstance(value, date) else value


def _decode(value, kind):
    if kind == "datetime":
        return datetime.fromisoformat(value)
    return date.fromisoformat(value) if kind == "date" else value


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    is_first: bool


def keyset_page(
    queryset: QuerySet,
    *,
    ordering: str,
    cursor: str | None,
    size: int,
    salt: str = "keyset",
    tiebreak: tuple[str, ...] = (),
) -> KeysetPage:
    """One page of ``queryset`` ordered by ``ordering`` (a field or annotation, "-" for
    descending), then by the ``tiebreak`` fields in the same direction, then by id.

    The fields must not be nullable: NULLs break the comparison the next page relies on.
    """
    descending = ordering.startswith("-")
    fields = [ordering.lstrip("-"), *tiebreak]
    sign = "-" if descending else ""
    queryset = queryset.order_by(*(sign + field for field in [*fields, "id"]))
    signer = signing.Signer(salt=f"{salt}:{ordering}:{','.join(tiebreak)}")
    if cursor:
        try:
            payload = json.loads(signer.unsign(base64.urlsafe_b64decode(cursor.encode()).decode()))
            pairs = zip(payload["v"], payload["k"], strict=True)
            values = [_decode(value, kind) for value, kind in pairs]
            last_id = int(payload["id"])
            if len(values) != len(fields):
                raise ValueError("the cursor has other keys")
        except (signing.BadSignature, ValueError, KeyError, TypeError) as error:
            raise InvalidCursor(str(error)) from error
        after = "lt" if descending else "gt"
        # The first condition is implied by the second; it lets PostgreSQL start an index
        # range scan at the cursor instead of filtering every row before it.
        queryset = queryset.filter(**{f"{fields[0]}__{after}e": values[0]}).filter(
            _after([*fields, "id"], [*values, last_id], after)
        )
    rows = list(queryset[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        values = [getattr(last, field) for field in fields]
        values = [value.pk if hasattr(value, "pk") else value for value in values]
        payload = {
            "v": [_encode(value) for value in values],
            "k": [_kind(value) for value in values],
            "id": last.pk,
        }
        signed = signer.sign(json.dumps(payload))
        next_cursor = base64.urlsafe_b64encode(signed.encode()).decode()
    return KeysetPage(rows=rows, next_cursor=next_cursor, is_first=not cursor)


def _after(keys: list[str], values: list, after: str) -> Q:
    """The rows past the cursor in the order of ``keys``: the first key past its value, or
    equal to it and the rest past theirs."""
    first, *rest = keys
    beyond = Q(**{f"{first}__{after}": values[0]})
    if rest:
        beyond |= Q(**{first: values[0]}) & _after(rest, values[1:], after)
    return beyond


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows, counting no further than ``cap`` (exact counts of millions are slow).

    Returns the count and whether the cap was reached.
    """
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap
