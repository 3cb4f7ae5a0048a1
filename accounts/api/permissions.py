"""What a partner system's token may do: each view names the scope its reads and its writes
need. People (session log-ins) pass here; their roles are checked by each view and service.

A view that names no scope is closed to API clients, so a new endpoint is never opened to
partner systems by accident.
"""

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

# For reference data (districts, places, categories): any valid token reads it.
ANY_SCOPE = "*"


def is_api_client(principal) -> bool:
    return getattr(principal, "is_api_client", False)


class TokenScopes(BasePermission):
    """``view.read_scope`` for GET/HEAD/OPTIONS, ``view.write_scope`` for the rest."""

    def has_permission(self, request, view):
        client = request.user
        if not is_api_client(client):
            return True
        needed = getattr(
            view, "read_scope" if request.method in SAFE_METHODS else "write_scope", None
        )
        if needed is None:
            return False
        if needed == ANY_SCOPE:
            return True
        self.message = _("This token lacks the scope %(scope)s.") % {"scope": needed}
        return client.has_scope(needed)
