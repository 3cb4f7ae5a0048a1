"""What a write answers: the record it wrote, or only its id.

An answer that shows the record is a read. A token may read only with its view's read
scope (``TokenScopes`` checks the method, and a write is not a GET), so a write answers a
token that lacks it with ``{"id": …}`` alone: otherwise ``PATCH {}`` with ``reports:write``
would read any of its organisation's reports. A person's write shows the record: the view
found it through ``visible_to``, so the person may read it.

Where the record is shown, the view audits the read as its GET would.
"""

from accounts.api.permissions import ANY_SCOPE, is_api_client


def may_read_back(request, view) -> bool:
    """Whether the write's answer may show the record to ``request.user``."""
    principal = request.user
    if not is_api_client(principal):
        return True
    needed = getattr(view, "read_scope", None)
    return needed is not None and (needed == ANY_SCOPE or principal.has_scope(needed))


def id_only_schema(description: str, **properties) -> dict:
    """The OpenAPI schema of the answer without the read scope: the id (and ``properties``)."""
    return {
        "type": "object",
        "description": description,
        "properties": {"id": {"type": "integer", "readOnly": True}, **properties},
        "required": ["id", *properties],
        # So that a full record never also passes for this shape (clients may tell them apart).
        "additionalProperties": False,
    }


def record_or_id(record: dict, id_only: dict) -> dict:
    """The OpenAPI schema of a write's answer: ``record``, or ``id_only`` without read scope."""
    return {"oneOf": [record, id_only]}
