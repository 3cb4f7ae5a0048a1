"""Requests per minute, per API client (and per logged-in user), counted in Redis.

Past the limit the API answers 429 with ``Retry-After``. The rates are read on every request
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``: ``api_client`` and ``user``), so a change of
settings applies without a restart of this class.

While Redis does not answer, the counts are kept in this process's memory instead: each web
process then limits on its own (so a client may get up to the rate times the number of
processes), and a warning says so once per outage. Refusing every request (a 500) because the
counter is away would turn a cache outage into an API outage.
"""

import logging
import threading

import redis
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.api.permissions import is_api_client

logger = logging.getLogger(__name__)

# The per-process counts used while Redis is down.
_local_counts = LocMemCache("trygg-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_degraded = threading.Event()


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
        try:
            allowed = super().allow_request(request, view)
        except redis.RedisError as exc:
            if not _degraded.is_set():
                _degraded.set()
                logger.warning(
                    "API throttle: Redis does not answer (%s); limiting per process until it "
                    "is back.",
                    exc,
                )
            self.cache = _local_counts
            return super().allow_request(request, view)
        if _degraded.is_set():
            _degraded.clear()
            logger.warning("API throttle: Redis answers again; limiting across processes.")
        return allowed

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
