"""Limits on JSON from outside: how deep it may nest and how long a whole number may be.

Python's decoder recurses once per level, so a body of 50,000 ``[`` ends in a
``RecursionError`` (not a ``ValueError``); and ``int()`` refuses more than 4,300 digits with
a ``ValueError`` of its own. Nothing Trygg reads nests deeper than a few levels, so anything
past ``MAX_DEPTH`` is refused as malformed, before a record is looked at.
"""

from collections.abc import Iterable

MAX_DEPTH = 64
# Longer whole numbers stay text (``LongNumber``): no field of ours holds one, and the code
# reading a record then refuses it as a value of the wrong kind, naming the field.
MAX_INT_DIGITS = 100


class TooDeep(ValueError):
    """The JSON nests deeper than ``MAX_DEPTH``."""


class LongNumber(str):
    """A JSON whole number too long to be a number of ours, kept as its digits."""


def parse_int(digits: str) -> int | LongNumber:
    """``json``'s ``parse_int``: a whole number, or a ``LongNumber`` past MAX_INT_DIGITS."""
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        return LongNumber(digits)
    return int(digits)


def check_depth(value, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise TooDeep if ``value`` (decoded JSON) nests deeper than ``max_depth`` containers;
    without recursion, so any depth is measured safely."""
    stack: list[tuple[Iterable, int]] = [([value], 0)]
    while stack:
        items, depth = stack.pop()
        for item in items:
            if isinstance(item, dict | list):
                if depth + 1 > max_depth:
                    raise TooDeep(f"nested deeper than {max_depth} levels")
                stack.append((item.values() if isinstance(item, dict) else item, depth + 1))
