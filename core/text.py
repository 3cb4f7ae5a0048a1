"""Text that PostgreSQL cannot store.

A ``text`` column refuses the NUL character (psycopg raises ``DataError``), and UTF-8 has no
encoding for a lone surrogate (``"\\ud800"``, which a JSON escape can produce), so psycopg
cannot send one. Django's form fields refuse NUL and DRF's refuse both; what reaches a service
another way (a CSV file, the police feed) is checked with this, so that the row is named
rather than the whole import stopped by a database error.
"""

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable_characters(text: str) -> bool:
    """Whether ``text`` holds a NUL character or a lone surrogate."""
    return bool(text) and _UNSTORABLE.search(text) is not None


def storable(text: str) -> str:
    """``text`` with each NUL and lone surrogate replaced by U+FFFD, for quoting a refused
    value back (an import's problem list is a JSON column, which refuses them too)."""
    return _UNSTORABLE.sub("\ufffd", text)
