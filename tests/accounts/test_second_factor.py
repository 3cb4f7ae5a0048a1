"""The second factor (TOTP with recovery codes): who must pass it, where it is enforced,
enrolment, verification, and the demo's way through."""

import re
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, User

PASSWORD = "test-password-123"
ENROL = reverse("second_factor_enrol")
VERIFY = reverse("second_factor_verify")


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def password_login(client, user, **extra):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, **extra
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


# --- Who must pass it, and where ------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_social_centrum", "coordinator", "administrator"])
def test_it_sends_a_person_whose_role_requires_it_to_enrolment(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user, second_factor=False)

    response = client.get(reverse("incidents:report_list"))

    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next={reverse('incidents:report_list')}"


def test_it_sends_a_person_with_a_device_to_the_code_not_to_enrolment(client, coordinator):
    confirmed_device(coordinator)
    password_login(client, coordinator)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/"


def test_it_keeps_an_unverified_superuser_out_of_the_admin(client, db):
    admin = User.objects.create_superuser("rot", password=PASSWORD)
    client.force_login(admin, second_factor=False)

    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL)

    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_it_keeps_an_unverified_manager_out_of_the_password_change(client, manager_police_centrum):
    client.force_login(manager_police_centrum, second_factor=False)

    assert client.get(reverse("password_change")).status_code == 302


def test_it_lets_an_analyst_without_a_device_in_with_the_password_alone(client, police_centrum):
    password_login(client, police_centrum)

    assert client.get(reverse("incidents:report_list")).status_code == 200
    assert client.get("/api/v1/reports/").status_code == 200


def test_it_asks_for_the_htmx_page_to_go_to_the_second_factor(client, coordinator):
    client.force_login(coordinator, second_factor=False)

    response = client.get(reverse("incidents:report_list"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == ENROL


def test_it_leaves_public_pages_and_logout_open(client, coordinator):
    client.force_login(coordinator, second_factor=False)

    assert client.get(reverse("plans:public_index")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- Enrolment --------------------------------------------------------------------------


def test_it_enrols_a_manager_and_shows_the_recovery_codes_once(client, manager_social_centrum):
    password_login(client, manager_social_centrum)
    assert client.get("/").status_code == 302

    page = client.get(f"{ENROL}?next=/lagesbilder/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Aktivera tvåstegsverifiering" in html
    assert "<svg" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script (CSP)
    device = TOTPDevice.objects.get(user=manager_social_centrum, confirmed=False)
    secret = re.search(r'<code class="fs-5 user-select-all">([A-Z2-7 ]+)</code>', html)[1]
    assert len(secret.replace(" ", "")) == 32
    assert "otpauth://totp/Trygg%3Achef.social.centrum?secret=" in html
    # A reload shows the same key, so a slow scan does not miss it.
    assert secret in client.get(ENROL).content.decode()

    wrong = client.post(ENROL, {"code": "000000", "next": "/lagesbilder/"})
    assert wrong.status_code == 200
    assert "Koden stämmer inte" in wrong.content.decode()
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # a person takes longer than the throttle's second to retype

    done = client.post(ENROL, {"code": code_for(device, steps_ahead=1), "next": "/lagesbilder/"})

    html = done.content.decode()
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", html)
    assert len(codes) == 10
    assert 'href="/lagesbilder/"' in html
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=manager_social_centrum).token_set.count() == 10
    # Shown once: nothing shows them again.
    assert client.get(ENROL).status_code == 302
    assert codes[0] not in client.get(reverse("second_factor")).content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.second_factor_enrolled", "auth.second_factor_verified"} <= actions


def test_it_does_not_let_a_password_alone_add_a_second_device(client, coordinator):
    device = confirmed_device(coordinator)
    password_login(client, coordinator)

    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    client.post(ENROL, {"code": "123456"})

    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]
    assert client.get("/").status_code == 302


def test_it_lets_an_analyst_turn_it_on_and_then_asks_for_it_at_login(client, police_centrum):
    client.force_login(police_centrum)
    assert (
        "Tvåstegsverifiering är avstängd" in client.get(reverse("second_factor")).content.decode()
    )
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=police_centrum)
    client.post(ENROL, {"code": code_for(device)})
    client.post(reverse("logout"))

    password_login(client, police_centrum)

    assert client.get("/").status_code == 302
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert client.get("/").status_code == 200


# --- Verification ---------------------------------------------------------------------


def test_it_verifies_the_code_from_the_app_and_goes_on_to_the_page(client, coordinator):
    device = confirmed_device(coordinator)
    password_login(client, coordinator)
    session_before = client.session.session_key

    page = client.get(f"{VERIFY}?next=/lagesbilder/")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(VERIFY, {"code": code_for(device), "next": "/lagesbilder/"})

    assert response.status_code == 302
    assert response["Location"] == "/lagesbilder/"
    assert client.session.session_key != session_before
    assert client.get("/").status_code == 200


def test_it_refuses_a_wrong_code_and_then_throttles(client, coordinator):
    device = confirmed_device(coordinator)
    password_login(client, coordinator)
    wrong = "000000" if code_for(device) != "000000" else "111111"

    first = client.post(VERIFY, {"code": wrong})
    second = client.post(VERIFY, {"code": code_for(device)})

    assert "Koden stämmer inte" in first.content.decode()
    # Right, but too soon after a wrong one: django-otp's throttle holds.
    assert "För många felaktiga koder" in second.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").count() == 2


def test_it_takes_a_recovery_code_once(client, coordinator):
    confirmed_device(coordinator)
    client.force_login(coordinator)
    codes = re.findall(
        r"<li>([a-z2-7]{8})</li>", client.post(reverse("second_factor")).content.decode()
    )
    client.post(reverse("logout"))
    password_login(client, coordinator)

    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/"}, follow=True)

    assert response.status_code == 200
    assert "9 återstår" in response.content.decode()
    client.post(reverse("logout"))
    password_login(client, coordinator)
    client.post(VERIFY, {"code": codes[0]})
    assert client.get("/").status_code == 302


def test_it_ends_verification_when_an_administrator_deletes_the_device(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/").status_code == 200

    TOTPDevice.objects.filter(user=coordinator).delete()

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


# --- The session-authenticated API ------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_police_centrum", "coordinator", "administrator"])
def test_it_refuses_the_api_to_an_unverified_session(request, who, geography):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(request.getfixturevalue(who), second_factor=False)

    for url in ("/api/v1/reports/", "/api/v1/me/"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert "andra faktor" in response.json()["detail"]

    api.force_login(request.getfixturevalue(who))
    assert api.get("/api/v1/me/").status_code == 200


# --- The demo ---------------------------------------------------------------------------


def test_it_gives_the_demo_managers_and_coordinator_the_published_secret(
    geography, settings, capsys
):
    from base64 import b32decode

    from overview.management.commands.seed_demo import DEMO_TOTP_SECRET

    settings.TRYGG_DEMO = True
    call_command("seed_demo", "--no-reports", verbosity=0)
    call_command("seed_demo", "--no-reports", verbosity=0)

    devices = TOTPDevice.objects.filter(confirmed=True)
    assert set(devices.values_list("user__username", flat=True)) == {
        "samordnare",
        "chef.polis.centrum",
        "chef.social.centrum",
    }
    assert {d.key for d in devices} == {b32decode(DEMO_TOTP_SECRET).hex()}

    call_command("demo_totp", "samordnare")
    printed = capsys.readouterr().out
    assert re.match(r"^\d{6}  \(valid for \d+ more seconds\)", printed)
    assert printed[:6] == code_for(devices.get(user__username="samordnare"))


def test_it_signs_a_demo_user_in_with_the_printed_code(client, geography, settings, capsys):
    settings.TRYGG_DEMO = True
    call_command("seed_demo", "--no-reports", verbosity=0)
    call_command("demo_totp", "chef.polis.centrum")
    code = capsys.readouterr().out[:6]
    settings.TRYGG_DEMO = False

    client.post(
        reverse("login"),
        {"username": "chef.polis.centrum", "password": settings.TRYGG_DEMO_PASSWORD},
    )
    response = client.post(VERIFY, {"code": code, "next": "/"})

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_refuses_to_print_a_code_in_production(coordinator, settings):
    confirmed_device(coordinator)
    settings.TRYGG_DEMO = False

    with pytest.raises(CommandError, match="never in production"):
        call_command("demo_totp", "samordnare")
