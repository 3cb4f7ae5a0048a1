"""Requests per minute, per API client (and per logged-in user), counted in Redis.

Past the limit the API answers 429 with ``Retry-After``. The rates are read on every request
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``: ``api_client`` and ``user``), so a change of
settings applies without a restart of this class.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.api.permissions import is_api_client


class PrincipalRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # The rate depends on who asks, so it is set per request in allow_request.
        pass

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        principal = request.user
        if not principal or not principal.is_authenticated:
            return True
        self.scope = "api_client" if is_api_client(principal) else "user"
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
