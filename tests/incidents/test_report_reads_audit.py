"""Lists, searches, exports and API lists that hand out organisation-level reports are
audited: one entry per request, naming those reports (DESIGN.md section 5)."""

import pytest
from django.urls import reverse

from accounts.choices import Confidentiality
from accounts.models import AuditEvent
from accounts.services import audit_request_filters
from core.identity_numbers import MASK

ORGANISATION = Confidentiality.ORGANISATION


@pytest.fixture
def reports(make_report, police_centrum):
    """Two police-only reports, one partnership report of the police, one of the city."""
    return {
        "secret": make_report(
            organisation="lpo_city", confidentiality=ORGANISATION, reporter=police_centrum
        ),
        "secret_too": make_report(
            organisation="lpo_city",
            confidentiality=ORGANISATION,
            description="Skottlossning på gården",
            hours_ago=2,
        ),
        "shared": make_report(organisation="lpo_city", reporter=police_centrum, hours_ago=3),
        "city": make_report(organisation="sf_centrum", hours_ago=4),
    }


def listed(surface):
    return list(AuditEvent.objects.filter(details__surface=surface))


def test_it_records_the_police_only_reports_a_list_page_showed(client, police_centrum, reports):
    client.force_login(police_centrum)
    assert client.get(reverse("incidents:report_list")).status_code == 200
    (event,) = listed("report_list")
    assert event.action == "report.listed"
    assert event.actor == police_centrum
    assert event.content_type.model == "report"
    assert event.details["ids"] == sorted([reports["secret"].pk, reports["secret_too"].pk])


def test_it_records_a_search_with_what_was_searched_for(client, police_centrum, reports):
    client.force_login(police_centrum)
    client.get(reverse("incidents:report_list"), {"q": "skottlossning"})
    (event,) = listed("report_search")
    assert event.details["ids"] == [reports["secret_too"].pk]
    assert event.details["filters"] == {"q": ["skottlossning"]}


def test_it_never_records_a_personal_identity_number_searched_for(rf):
    request = rf.get("/rapporter/", {"q": "bråk 19121212-1212", "cursor": "abc"})
    assert audit_request_filters(request) == {"q": [f"bråk {MASK}"]}


def test_it_records_nothing_for_a_list_without_police_only_reports(client, social_centrum, reports):
    # The city's analyst sees only the partnership reports: nothing confidential was read.
    client.force_login(social_centrum)
    client.get(reverse("incidents:report_list"))
    client.get("/api/v1/reports/")
    assert not AuditEvent.objects.filter(action="report.listed").exists()


def test_it_records_the_ids_an_export_held_in_its_one_entry(client, police_centrum, reports):
    client.force_login(police_centrum)
    response = client.get(reverse("incidents:report_export"))
    b"".join(response.streaming_content)
    (event,) = AuditEvent.objects.filter(action__startswith="report.")
    assert event.action == "report.exported"
    assert event.details["ids"] == sorted([reports["secret"].pk, reports["secret_too"].pk])


def test_it_records_the_api_list_once_per_page(client, police_centrum, reports):
    client.force_login(police_centrum)
    response = client.get("/api/v1/reports/", {"page_size": 1})
    assert response.status_code == 200
    (event,) = listed("api.report_list")
    assert event.details["ids"] == [response.json()["results"][0]["id"]]


def test_it_records_my_reports_when_they_hold_police_only_ones(client, police_centrum, reports):
    client.force_login(police_centrum)
    client.get(reverse("incidents:my_reports"))
    (event,) = listed("my_reports")
    assert event.details["ids"] == [reports["secret"].pk]


def test_it_records_a_token_reading_the_list(client, organisations, centrum, reports):
    from accounts.api.services import api_client_create

    created = api_client_create(
        name="Polisens system",
        organisation=organisations["lpo_city"],
        scopes=["reports:read"],
        districts=[centrum],
        expires_at=None,
    )
    response = client.get("/api/v1/reports/", headers={"authorization": f"Bearer {created.token}"})
    assert response.status_code == 200
    (event,) = listed("api.report_list")
    assert event.actor is None
    assert event.actor_label == "api:Polisens system"
    assert len(event.details["ids"]) == 2
