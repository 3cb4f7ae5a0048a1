"""How long a signed-in session lasts: ``TRYGG_SESSION_IDLE_MINUTES`` without a request, and
``TRYGG_SESSION_MAX_HOURS`` after the login whatever the activity (ASVS 7.3).

The times are kept in the session as Unix seconds. The last-seen time is written at most once
a minute, so an active session is saved once a minute rather than on every request; that
minute is the idle limit's only slack.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from accounts.second_factor import HAS_DEVICE_SESSION_KEY, has_second_factor
from accounts.services import audit_record

LOGIN_AT_SESSION_KEY = "trygg_login_at"
SEEN_AT_SESSION_KEY = "trygg_seen_at"
SEEN_AT_RESOLUTION_SECONDS = 60


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in)
def session_start(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[LOGIN_AT_SESSION_KEY] = now
    request.session[SEEN_AT_SESSION_KEY] = now
    request.session[HAS_DEVICE_SESSION_KEY] = has_second_factor(user)


def session_expired(request) -> str | None:
    """Why the request's session has run out ("idle" or "max_age"), or None."""
    session = request.session
    now = _now()
    login_at = session.get(LOGIN_AT_SESSION_KEY)
    seen_at = session.get(SEEN_AT_SESSION_KEY)
    # A session that carries no times predates them: it starts counting now.
    if login_at is None:
        login_at = session[LOGIN_AT_SESSION_KEY] = now
    if seen_at is None:
        seen_at = session[SEEN_AT_SESSION_KEY] = now
    if now - login_at >= settings.TRYGG_SESSION_MAX_HOURS * 3600:
        return "max_age"
    if now - seen_at >= settings.TRYGG_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - seen_at >= SEEN_AT_RESOLUTION_SECONDS:
        session[SEEN_AT_SESSION_KEY] = now
    return None


def session_end(request, *, reason: str) -> None:
    user = request.user
    audit_record(
        action="auth.session_expired", actor=user, request=request, details={"reason": reason}
    )
    logout(request)
