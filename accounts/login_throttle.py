"""Login throttling on top of django-axes: per account across addresses, and per address
across accounts, each with its own limit.

Axes counts the failures of the account (``username``) and of the address (``ip_address``)
separately (``AXES_LOCKOUT_PARAMETERS``) but compares both with one ``AXES_FAILURE_LIMIT``.
One address can be a whole office behind a NAT, so it gets a higher limit of its own
(``TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT``): enough for colleagues' typos, far too few for
password spraying. A successful login clears the account's failures only, so a person with
one valid account cannot wipe the address's count of their failures on others' accounts.
"""

from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from accounts.services import _client_address


def client_address(request) -> str | None:
    """The address axes counts failures by: the same the audit trail records."""
    return _client_address(request)


@dataclass(frozen=True)
class LoginFailures:
    """Failures within the cool-off period, of one account and from one address."""

    account: int
    address: int

    @property
    def attempts_left(self) -> int:
        """Failed attempts still possible before a lock (0: locked)."""
        return max(
            0,
            min(
                settings.AXES_FAILURE_LIMIT - self.account,
                settings.TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT - self.address,
            ),
        )


class LoginThrottleHandler(AxesDatabaseHandler):
    def login_failures(self, request, credentials: dict | None = None) -> LoginFailures:
        # The querysets follow AXES_LOCKOUT_PARAMETERS: the account's, then the address's.
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return LoginFailures(account=by_account, address=by_address)

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT: the account's count does so at
        # that limit, the address reports the limit itself once it passes its own.
        failures = self.login_failures(request, credentials)
        if failures.address >= settings.TRYGG_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures.account, settings.AXES_FAILURE_LIMIT)
        return failures.account

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def login_failures_for(request, username: str) -> LoginFailures:
    """The failures that count against the next login of ``username`` from this request's
    address (for the warning before the lock)."""
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    return handler.login_failures(request, get_credentials(username))
