"""Tokens: made, checked, revoked, expired; the command and the admin that create them;
an API client as a principal of accounts.access; the browser's session with CSRF."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.access import access_for
from accounts.api.tokens import token_hash
from accounts.choices import Confidentiality
from accounts.models import ApiClient, AuditEvent
from incidents.models import Report
from tests.api.conftest import report_payload

ME = "/api/v1/me/"


def test_it_keeps_only_a_hash_and_a_prefix_of_the_token(bostad_client):
    client = bostad_client.client
    assert bostad_client.token.startswith(f"trygg_{client.token_prefix}_")
    assert len(bostad_client.token) > 50
    assert client.token_hash == token_hash(bostad_client.token)
    assert bostad_client.token not in str(ApiClient.objects.filter(pk=client.pk).values().get())


def test_it_knows_the_client_by_its_token(api, bostad_client):
    response = api.get(ME, headers=bostad_client.headers)
    assert response.status_code == 200
    assert response.json() == {
        "kind": "api_client",
        "name": "bostad-felanmalan",
        "organisations": ["bostadsbolaget"],
        "scopes": ["reports:read", "reports:write"],
        "districts": ["nordost"],
        "expires_at": response.json()["expires_at"],
    }
    bostad_client.client.refresh_from_db()
    assert bostad_client.client.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer trygg_0123456789_not-the-secret",
        "Bearer nonsense",
        "Bearer",
        "Bearer a b",
        "Bearer trygg_",
    ],
)
def test_it_refuses_a_wrong_token_with_401(api, bostad_client, header):
    response = api.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["type"] == "urn:trygg:problem:authentication_failed"


def test_it_refuses_a_token_with_the_right_prefix_and_a_wrong_secret(api, bostad_client):
    forged = bostad_client.token[:-4] + "AAAA"
    assert api.get(ME, HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401


def test_it_refuses_a_revoked_token_at_once(api, bostad_client):
    assert api.get(ME, headers=bostad_client.headers).status_code == 200
    from accounts.api.services import api_client_revoke

    api_client_revoke(client=bostad_client.client, actor_label="test")
    response = api.get(ME, headers=bostad_client.headers)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:trygg:problem:authentication_failed"
    assert AuditEvent.objects.filter(action="api_client.revoked").count() == 1


def test_it_refuses_an_expired_token(api, make_api_client):
    caller = make_api_client(expires_in=timedelta(seconds=-1))
    assert api.get(ME, headers=caller.headers).status_code == 401


def test_it_answers_401_without_credentials(api, geography):
    response = api.get("/api/v1/reports/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_it_makes_a_client_a_partner_of_its_organisation_in_its_districts(
    make_report, make_api_client
):
    """accounts.access: a token reads its organisation's records in its districts only,
    never the partnership's, even a police system's."""
    police = make_api_client("lpo-system", organisation="lpo_city", districts=("centrum",))
    own = make_report(organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION)
    own_unplaced = make_report(organisation="lpo_city", district=None)
    make_report(organisation="lpo_city", district="hisingen")
    make_report(organisation="sf_centrum")  # the partnership's, in Centrum
    assert set(Report.objects.visible_to(police.client)) == {own, own_unplaced}
    access = access_for(police.client)
    assert access.user is None
    assert not access.is_administrator
    assert access.organisation_ids() == {police.client.organisation_id}


def test_it_gives_a_revoked_client_nothing_in_scoping(make_report, bostad_client):
    make_report(organisation="bostad", district="nordost")
    bostad_client.client.revoked_at = timezone.now()
    assert not Report.objects.visible_to(bostad_client.client).exists()


def test_it_audits_writes_with_the_clients_name(api, bostad_client):
    response = api.post(
        "/api/v1/reports/", report_payload(), format="json", headers=bostad_client.headers
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="report.created")
    assert event.actor is None
    assert event.actor_label == "api:bostad-felanmalan"
    assert event.ip_address == "127.0.0.1"
    report = Report.objects.get()
    assert report.reporter is None
    assert report.source_kind == "partner_system"


# --- The browser's session ---------------------------------------------------------------


def test_it_lets_a_logged_in_analyst_use_the_api_with_csrf(police_centrum, geography):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(police_centrum)
    assert browser.get("/api/v1/reports/").status_code == 200
    refused = browser.post("/api/v1/reports/", report_payload(), format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get(reverse("incidents:report_create"))  # sets the CSRF cookie, as a page does
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/reports/", report_payload(), format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
    assert Report.objects.get().reporter == police_centrum


# --- Creating clients ------------------------------------------------------------------


def test_it_creates_a_client_from_the_command_and_prints_the_token_once(
    api, organisations, geography
):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_client",
        "--name",
        "poseidon",
        "--organisation",
        "bostadsbolaget",
        "--scopes",
        "reports:read,reports:write",
        "--districts",
        "nordost",
        "hisingen",
        "--expires-days",
        "90",
        stdout=out,
        stderr=err,
    )
    token = out.getvalue().strip()
    client = ApiClient.objects.get(name="poseidon")
    assert client.token_hash == token_hash(token)
    assert sorted(client.districts.values_list("slug", flat=True)) == ["hisingen", "nordost"]
    assert client.expires_at.date() == (timezone.now() + timedelta(days=90)).date()
    assert "shown this once" in err.getvalue()
    assert token not in err.getvalue()
    assert api.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    event = AuditEvent.objects.get(action="api_client.created")
    assert event.actor_label == "manage.py create_api_client"


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("--organisation", "finns-inte", "No organisation"),
        ("--scopes", "reports:everything", "Unknown scopes"),
        ("--districts", "atlantis", "Unknown districts"),
    ],
)
def test_it_refuses_a_command_with_unknown_names(organisations, argument, value, message):
    arguments = {
        "--name": "x",
        "--organisation": "bostadsbolaget",
        "--scopes": "reports:read",
        "--districts": "all",
    }
    arguments[argument] = value
    with pytest.raises(CommandError, match=message):
        call_command("create_api_client", *[part for pair in arguments.items() for part in pair])


def test_it_shows_the_token_once_in_the_admin_and_revokes_by_action(
    client, organisations, geography
):
    from accounts.models import User

    admin = User.objects.create_superuser("root", password="test-password-123")
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_apiclient_add"),
        {
            "name": "vasttrafik",
            "organisation": organisations["bostad"].pk,
            "scopes": ["reports:read"],
            "districts": [geography["centrum"].pk],
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 200
    token = response.context["token"]
    created = ApiClient.objects.get(name="vasttrafik")
    assert created.token_hash == token_hash(token)
    assert list(created.districts.all()) == [geography["centrum"]]
    change = client.get(reverse("admin:accounts_apiclient_change", args=[created.pk]))
    assert token not in change.content.decode()

    client.post(
        reverse("admin:accounts_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [created.pk]},
    )
    created.refresh_from_db()
    assert created.revoked_at is not None
    api = APIClient()
    assert api.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
