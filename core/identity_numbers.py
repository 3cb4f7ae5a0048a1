"""Swedish personal identity numbers (personnummer, samordningsnummer) in free text.

Trygg is about places and situations, not people: such numbers must never be stored. A
number is recognised when it has 10 digits (YYMMDD-NNNN, YYMMDD+NNNN or YYMMDDNNNN) or 12
(YYYYMMDD-NNNN, YYYYMMDD+NNNN or YYYYMMDDNNNN), a valid month, a day of 1-31 (or 61-91 for a
samordningsnummer, whose day is increased by 60), and a valid Luhn check digit. Requiring all
three keeps ordinary numbers (phone numbers, case numbers) from being masked by mistake.
"""

import re
from dataclasses import dataclass

MASK = "[personnummer borttaget]"

_PATTERN = re.compile(
    r"(?<![\d-])"  # not the tail of a longer number
    r"(?P<century>\d{2})?"
    r"(?P<date>\d{6})"
    r"\s?(?P<separator>[-+])?\s?"
    r"(?P<serial>\d{4})"
    r"(?![\d])"
)


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


def find_identity_numbers(text: str) -> list[IdentityNumber]:
    """Every personnummer and samordningsnummer in ``text``, in order."""
    found = []
    for match in _PATTERN.finditer(text or ""):
        century, date, serial = match["century"], match["date"], match["serial"]
        if century is not None and century not in {"18", "19", "20"}:
            continue
        month, day = int(date[2:4]), int(date[4:6])
        if not 1 <= month <= 12:
            continue
        if 1 <= day <= 31:
            kind = "personnummer"
        elif 61 <= day <= 91:
            kind = "samordningsnummer"
        else:
            continue
        if not _luhn_valid(date + serial):
            continue
        found.append(IdentityNumber(match.start(), match.end(), kind))
    return found


def mask_identity_numbers(text: str) -> tuple[str, int]:
    """``text`` with each identity number replaced by a mask, and how many were masked."""
    numbers = find_identity_numbers(text)
    if not numbers:
        return text, 0
    pieces, position = [], 0
    for number in numbers:
        pieces.append(text[position : number.start])
        pieces.append(MASK)
        position = number.end
    pieces.append(text[position:])
    return "".join(pieces), len(numbers)
