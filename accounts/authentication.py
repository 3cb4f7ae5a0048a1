"""Bearer-token authentication of partner systems (``Authorization: Bearer <token>``).

The client's row is read on every request, so a revoked or expired token is refused at once,
with 401, without waiting for any cache to expire.
"""

from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.api.tokens import token_matches, token_prefix
from accounts.models import ApiClient
from accounts.second_factor import second_factor_pending

# Recording every use would write a row on every read; once a minute tells enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates an ``ApiClient``; ``request.user`` and ``request.auth`` are the client."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Bearer <token>."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        return self.authenticate_token(token)

    def authenticate_token(self, token: str):
        prefix = token_prefix(token)
        client = None
        if prefix is not None:
            # One query: the client, its organisation and its districts' ids.
            district_pks = ApiClient.districts.through.objects.filter(
                apiclient_id=OuterRef("pk")
            ).values("district_id")
            client = (
                ApiClient.objects.select_related("organisation")
                .annotate(district_pks=ArraySubquery(district_pks))
                .filter(token_prefix=prefix)
                .order_by()
                .first()
            )
        if client is None or not token_matches(token, client.token_hash):
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        now = timezone.now()
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if client.expires_at is not None and client.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if client.last_used_at is None or client.last_used_at < now - LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        return client, client

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with this challenge) rather than 403 when no one logged in.
        return f'{self.keyword} realm="api"'


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """A person's browser session, refused (403) while the second factor their roles or
    their own choice demand is still to be passed in it (``accounts.second_factor``)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_pending(request._request):
            raise exceptions.PermissionDenied(
                _("Confirm your login with your second factor (the code from your app) first.")
            )
        return result
