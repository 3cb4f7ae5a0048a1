"""Swedish personal identity numbers (personnummer, samordningsnummer) in free text.

Trygg is about places and situations, not people: such numbers must never be stored. A
number is recognised in any of the ways people and systems write it:

- 10 digits (YYMMDD NNNN) or 12 (YYYYMMDD NNNN, the century 18, 19 or 20);
- between date and serial: ``-``, ``+``, an en or em dash, a minus sign, a dot, a space
  (also a no-break space), or nothing, with a space allowed either side of a mark;
- glued to any prefix that does not end in a digit (``pnr-19121212-1212``,
  ``nr:8112189876``, ``x-811218-9876``) and followed by anything but a digit.

It must also be a real number: a date that exists (a samordningsnummer's day is increased by
60; a 12-digit number's date is not in the future) and a valid Luhn check digit. Requiring
both keeps ordinary numbers (dates, times, phone numbers, case and order numbers) from being
masked by mistake; a bare run of digits is never cut out of a longer one.

Where it is applied: every free-text column of the confidential models is a masking field
(``core.fields``), so nothing the ORM writes (``save``, ``bulk_create``, ``bulk_update``,
``update``, the admin) can store a number. The services mask too, before saving, to count
what they masked and tell the writer.
"""

import re
from dataclasses import dataclass
from datetime import date

MASK = "[personnummer borttaget]"

# Hyphen-minus, plus, en dash, em dash, minus sign, dot, space, no-break and narrow no-break
# space: what keyboards, word processors (which turn "-" into "–") and spreadsheets write.
SEPARATORS = "-+\u2013\u2014\u2212. \u00a0\u202f"

_PATTERN = re.compile(
    r"(?<!\d)"  # a prefix may be anything but the head of a longer number
    r"(?P<century>\d{2})?"
    r"(?P<date>\d{6})"
    r"(?:[ \u00a0\u202f]?[" + re.escape(SEPARATORS) + r"][ \u00a0\u202f]?)?"
    r"(?P<serial>\d{4})"
    r"(?!\d)"  # nor the tail of one
)
CENTURIES = {"18", "19", "20"}


@dataclass(frozen=True)
class IdentityNumber:
    start: int
    end: int
    kind: str  # "personnummer" or "samordningsnummer"


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _kind(century: str | None, yymmdd: str, today: date) -> str | None:
    """``personnummer`` or ``samordningsnummer`` if ``yymmdd`` is a date of birth, else None."""
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    kind = "personnummer"
    if day > 60:
        kind, day = "samordningsnummer", day - 60
    if century is not None:
        born = _real_date(int(century) * 100 + yy, month, day)
        return kind if born is not None and born <= today else None
    # Ten digits do not say the century: the date must exist in one of them (29 February).
    if any(_real_date(hundred + yy, month, day) for hundred in (1800, 1900, 2000)):
        return kind
    return None


def find_identity_numbers(text: str) -> list[IdentityNumber]:
    """Every personnummer and samordningsnummer in ``text``, in order."""
    found = []
    today = date.today()
    for match in _PATTERN.finditer(text or ""):
        century, yymmdd, serial = match["century"], match["date"], match["serial"]
        if century is not None and century not in CENTURIES:
            continue
        kind = _kind(century, yymmdd, today)
        if kind is None or not _luhn_valid(yymmdd + serial):
            continue
        found.append(IdentityNumber(match.start(), match.end(), kind))
    return found


def mask_identity_numbers(text: str, *, max_length: int | None = None) -> tuple[str, int]:
    """``text`` with each identity number replaced by a mask, and how many were masked.

    With ``max_length`` (a column's limit) the result is cut to fit: the mask is longer than
    the number it replaces.
    """
    numbers = find_identity_numbers(text)
    if not numbers:
        return text, 0
    pieces, position = [], 0
    for number in numbers:
        pieces.append(text[position : number.start])
        pieces.append(MASK)
        position = number.end
    pieces.append(text[position:])
    masked = "".join(pieces)
    if max_length is not None and len(masked) > max_length:
        masked = masked[:max_length]
    return masked, len(numbers)
