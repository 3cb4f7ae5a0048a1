from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents ``accounts.authentication.BearerTokenAuthentication`` in the schema."""

    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token: `Authorization: Bearer trygg_…`.",
        }


class VerifiedSessionScheme(SessionScheme):
    """Documents ``accounts.authentication.VerifiedSessionAuthentication``: the session
    cookie, as drf-spectacular documents Django's own session."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
