"""How long a session lasts: an idle limit, an absolute limit, and a deactivated user's
sessions, which end at once. Clocks are not waited on: the session's stamps are moved back."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from accounts.session_limits import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY, _now
from tests.trygg.test_settings import PRODUCTION, run_django


def _age(client, *, login: int | None = None, seen: int | None = None) -> None:
    """Moves the session's stamps ``login`` / ``seen`` seconds into the past."""
    session = client.session
    if login is not None:
        session[LOGIN_AT_SESSION_KEY] = _now() - login
    if seen is not None:
        session[SEEN_AT_SESSION_KEY] = _now() - seen
    session.save()


IDLE = 30 * 60
MAX_AGE = 10 * 3600


def test_it_defaults_to_half_an_hour_idle_and_ten_hours_in_all():
    assert settings.TRYGG_SESSION_IDLE_MINUTES == 30
    assert settings.TRYGG_SESSION_MAX_HOURS == 10
    # The stored session and its cookie expire with the idle limit too.
    assert settings.SESSION_COOKIE_AGE == IDLE


def test_it_keeps_a_session_that_was_used_within_the_idle_limit(client, police_centrum):
    client.force_login(police_centrum)
    _age(client, login=MAX_AGE - 60, seen=IDLE - 60)

    assert client.get("/").status_code == 200
    # The request counts as activity: the idle clock starts again.
    assert _now() - client.session[SEEN_AT_SESSION_KEY] < 5
    assert client.get("/").status_code == 200


def test_it_ends_a_session_idle_for_thirty_minutes(client, police_centrum):
    client.force_login(police_centrum)
    _age(client, seen=IDLE)

    response = client.get(reverse("incidents:report_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Du loggades ut efter 30 minuter utan aktivitet." in page
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.actor == police_centrum
    assert event.details == {"reason": "idle"}


def test_it_ends_a_busy_session_ten_hours_after_the_login(client, coordinator):
    client.force_login(coordinator)
    _age(client, login=MAX_AGE, seen=10)

    response = client.get("/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "en inloggning varar högst 10 timmar" in page
    assert AuditEvent.objects.get(action="auth.session_expired").details == {"reason": "max_age"}


def test_it_ends_an_idle_api_session_with_401(police_centrum, geography):
    api = APIClient()
    api.force_login(police_centrum)
    assert api.get("/api/v1/me/").status_code == 200
    _age(api, seen=IDLE)

    assert api.get("/api/v1/me/").status_code == 401
    assert api.get("/api/v1/me/").status_code == 401  # and it stays ended


@pytest.mark.parametrize("minutes", [1, 29])
def test_it_follows_a_shorter_idle_limit(client, police_centrum, settings, minutes):
    settings.TRYGG_SESSION_IDLE_MINUTES = minutes
    client.force_login(police_centrum)
    _age(client, seen=minutes * 60 - 2)
    assert client.get("/").status_code == 200
    _age(client, seen=minutes * 60)
    assert client.get("/").status_code == 302


def test_it_reads_both_limits_from_the_environment():
    shown = run_django(
        PRODUCTION | {"TRYGG_SESSION_IDLE_MINUTES": "15", "TRYGG_SESSION_MAX_HOURS": "8"},
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.TRYGG_SESSION_IDLE_MINUTES, s.TRYGG_SESSION_MAX_HOURS, s.SESSION_COOKIE_AGE)",
    )
    assert shown.stdout.split() == ["15", "8", "900"], shown.stderr
    refused = run_django(PRODUCTION | {"TRYGG_SESSION_IDLE_MINUTES": "0"}, "check")
    assert "TRYGG_SESSION_IDLE_MINUTES=0 is below the minimum 1" in refused.stderr


# --- A deactivated user -----------------------------------------------------------------


def test_it_ends_every_session_of_a_deactivated_user_at_once(client, coordinator, geography):
    # Django's ModelBackend refuses an inactive user when it loads the session's user
    # (user_can_authenticate), so every session, pages and API alike, ends on its next
    # request: no list of sessions to hunt down.
    other_browser = type(client)()
    api = APIClient()
    for each in (client, other_browser, api):
        each.force_login(coordinator)
    assert client.get("/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 200

    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])

    for browser in (client, other_browser):
        response = browser.get(reverse("incidents:report_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert api.get("/api/v1/me/").status_code == 401
    assert api.get("/api/v1/reports/").status_code == 401
