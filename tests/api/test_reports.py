"""Reports through the API: filing (masked, placed, audited), changing and deleting as the
owning organisation, idempotent retries, the bulk endpoint, filters and cursor pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Confidentiality
from accounts.models import AuditEvent
from core.models import IdempotencyKey
from incidents.choices import ReportStatus
from incidents.models import Report
from tests.api.conftest import report_payload

REPORTS = "/api/v1/reports/"
BULK = "/api/v1/reports/bulk/"


def post(api, caller, body, url=REPORTS, **headers):
    return api.post(url, body, format="json", headers={**caller.headers, **headers})


# --- Filing --------------------------------------------------------------------------------


def test_it_files_a_report_masked_and_placed_for_the_clients_organisation(api, bostad_client):
    response = post(
        api,
        bostad_client,
        report_payload(
            description="Bråk utanför port 3, personen 19900101-0017 syntes där",
            organisation="sf-centrum",
            status="linked",
            district="centrum",
            placed_by="point",
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"] == "bostadsbolaget"
    assert body["status"] == "new"
    assert body["district"] == "nordost"
    assert body["placed_by"] == "place"
    assert "19900101-0017" not in body["description"]
    report = Report.objects.get(pk=body["id"])
    assert report.organisation.slug == "bostadsbolaget"
    event = AuditEvent.objects.get(action="report.created")
    assert event.details == {"masked_identity_numbers": 1}


def test_it_places_a_report_by_its_point_and_rounds_the_coordinates(api, bostad_client):
    response = post(
        api,
        bostad_client,
        report_payload(place=None, latitude="57.7696123", longitude=12.0221),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["latitude"] == "57.76961"
    assert response.json()["district"] == "nordost"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "finns-inte"}, "category"),
        ({"place": "atlantis"}, "place"),
        ({"latitude": "57.7"}, "longitude"),
        ({"place": None, "latitude": "59.33", "longitude": "18.06"}, "latitude"),  # Stockholm
        ({"severity": 7}, "severity"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"description": "x" * 4001}, "description"),
        ({"place": "brunnsparken"}, "district"),  # Centrum: outside the token's districts
    ],
)
def test_it_refuses_an_invalid_report_naming_the_field(api, bostad_client, fields, field):
    response = post(api, bostad_client, report_payload(**fields))
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "urn:trygg:problem:invalid"
    assert field in problem["errors"], problem
    assert not Report.objects.exists()


def test_it_returns_the_first_report_for_a_repeated_external_id(api, bostad_client):
    first = post(api, bostad_client, report_payload(external_id="FEL-1001"))
    again = post(api, bostad_client, report_payload(external_id="FEL-1001", severity=4))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Report.objects.count() == 1


def test_it_never_shows_a_hidden_report_behind_a_repeated_external_id(
    api, bostad_client, make_report
):
    make_report(organisation="bostad", district="centrum", external_id="FEL-7")
    response = post(api, bostad_client, report_payload(external_id="FEL-7"))
    assert response.status_code == 409
    assert "FEL-7" not in response.content.decode()


# --- Idempotency-Key -----------------------------------------------------------------------


def test_it_replays_the_first_answer_for_a_repeated_idempotency_key(api, bostad_client):
    body = report_payload()
    first = post(api, bostad_client, body, **{"Idempotency-Key": "k-1"})
    again = post(api, bostad_client, body, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.created").count() == 1


def test_it_refuses_a_reused_idempotency_key_with_another_body(api, bostad_client):
    post(api, bostad_client, report_payload(), **{"Idempotency-Key": "k-2"})
    response = post(api, bostad_client, report_payload(severity=4), **{"Idempotency-Key": "k-2"})
    assert response.status_code == 422
    assert response.json()["type"] == "urn:trygg:problem:idempotency_key_reused"
    assert Report.objects.count() == 1


def test_it_keeps_idempotency_keys_apart_per_client(api, bostad_client, make_api_client):
    other = make_api_client("bostad-annan")
    body = report_payload()
    assert post(api, bostad_client, body, **{"Idempotency-Key": "same"}).status_code == 201
    assert post(api, other, body, **{"Idempotency-Key": "same"}).status_code == 201
    assert Report.objects.count() == 2


def test_it_forgets_a_refused_request_so_that_the_fix_may_reuse_the_key(api, bostad_client):
    refused = post(api, bostad_client, report_payload(category="nej"), **{"Idempotency-Key": "k"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(api, bostad_client, report_payload(), **{"Idempotency-Key": "k"}).status_code == 201


def test_it_expires_idempotency_keys_after_a_day(api, bostad_client):
    from core.tasks import idempotency_keys_expire

    post(api, bostad_client, report_payload(), **{"Idempotency-Key": "old"})
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_keys_expire() == 1


# --- Bulk -----------------------------------------------------------------------------------


def test_it_files_a_batch_and_answers_per_report(api, bostad_client, make_report):
    make_report(organisation="bostad", district="nordost", external_id="B-0")
    known = Report.objects.get(external_id="B-0")
    items = [report_payload(external_id=f"B-{index}") for index in range(5)]
    items.append(report_payload(external_id="B-1"))  # the same twice in one batch
    response = post(api, bostad_client, {"reports": items}, url=BULK)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["existing"]) == (4, 2)
    results = body["results"]
    assert results[0] == {"index": 0, "id": known.pk, "result": "existing"}
    assert [r["result"] for r in results[1:5]] == ["created"] * 4
    assert results[5] == {"index": 5, "id": results[1]["id"], "result": "existing"}
    assert Report.objects.count() == 5


def test_it_writes_nothing_of_a_batch_with_a_refused_report(api, bostad_client):
    items = [report_payload(external_id=f"C-{index}") for index in range(4)]
    items[1]["category"] = "finns-inte"
    items[3]["place"] = "brunnsparken"  # outside the token's districts: refused by the service
    response = post(api, bostad_client, {"reports": items}, url=BULK)
    assert response.status_code == 400
    assert set(response.json()["errors"]["reports"]) == {"1"}
    items[1]["category"] = "narkotikahandel"
    response = post(api, bostad_client, {"reports": items}, url=BULK)
    assert response.status_code == 400
    assert list(response.json()["errors"]["reports"]) == ["3"]
    assert "district" in response.json()["errors"]["reports"]["3"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("body", [{"reports": []}, {"reports": {}}, {}, [], {"reports": [1]}])
def test_it_refuses_a_malformed_batch(api, bostad_client, body):
    response = post(api, bostad_client, body, url=BULK)
    assert response.status_code == 400
    assert "reports" in response.json()["errors"]


def test_it_takes_a_thousand_reports_and_no_more(api, bostad_client):
    items = [report_payload(external_id=f"T-{index}") for index in range(1001)]
    assert post(api, bostad_client, {"reports": items}, url=BULK).status_code == 400
    response = post(api, bostad_client, {"reports": items[:1000]}, url=BULK)
    assert response.status_code == 200
    assert response.json()["created"] == 1000
    assert Report.objects.count() == 1000


def test_it_replays_a_bulk_answer_for_its_idempotency_key(api, bostad_client):
    body = {"reports": [report_payload(), report_payload()]}
    first = post(api, bostad_client, body, url=BULK, **{"Idempotency-Key": "batch-1"})
    again = post(api, bostad_client, body, url=BULK, **{"Idempotency-Key": "batch-1"})
    assert first.json() == again.json()
    assert Report.objects.count() == 2


# --- Changing and deleting ------------------------------------------------------------------


def test_it_lets_the_owner_change_a_report_and_places_it_again(api, bostad_client):
    created = post(api, bostad_client, report_payload(external_id="U-1")).json()
    response = api.patch(
        f"{REPORTS}{created['id']}/",
        {
            "place": "angered-centrum",
            "description": "Nu 19900101-0017 vid Angered",
            "status": "dismissed",
            "external_id": "U-2",
        },
        format="json",
        headers=bostad_client.headers,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["place"] == "angered-centrum"
    assert body["status"] == "new"
    assert body["external_id"] == "U-1"
    assert "19900101-0017" not in body["description"]
    event = AuditEvent.objects.get(action="report.updated")
    assert event.actor_label == "api:bostad-felanmalan"
    assert event.details == {"fields": ["description", "place"], "masked_identity_numbers": 1}


def test_it_deletes_a_report_of_the_owner_and_audits_it(api, bostad_client):
    created = post(api, bostad_client, report_payload()).json()
    response = api.delete(f"{REPORTS}{created['id']}/", headers=bostad_client.headers)
    assert response.status_code == 204
    assert not Report.objects.exists()
    event = AuditEvent.objects.get(action="report.deleted")
    assert event.object_id == str(created["id"])


def test_it_keeps_a_report_linked_to_a_problem(api, bostad_client):
    created = post(api, bostad_client, report_payload()).json()
    Report.objects.filter(pk=created["id"]).update(status=ReportStatus.LINKED)
    response = api.delete(f"{REPORTS}{created['id']}/", headers=bostad_client.headers)
    assert response.status_code == 409
    assert response.json()["type"] == "urn:trygg:problem:report_linked"


# --- Reading ------------------------------------------------------------------------------


def test_it_filters_with_the_report_lists_filterset(api, police_centrum, make_report):
    wanted = make_report(description="Narkotikaförsäljning vid trappan", severity=4)
    make_report(description="Klotter på väggen", severity=1)
    make_report(district="hisingen", organisation="sf_hisingen", severity=4)
    api.force_login(police_centrum)
    response = api.get(REPORTS, {"q": "narkotikaförsäljning", "severity": [4]})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
    response = api.get(REPORTS, {"district": "atlantis"})
    assert response.status_code == 400
    assert "district" in response.json()["errors"]


def test_it_refuses_a_filter_sent_empty_naming_it(api, police_centrum, make_report):
    # The page's form sends its unused fields empty; a client that does meant something.
    make_report()
    api.force_login(police_centrum)
    response = api.get(REPORTS, {"confidentiality": "", "occurred_before": "", "q": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"confidentiality", "occurred_before"}
    assert api.get(REPORTS, {"severity": ["4", " "]}).status_code == 400
    assert api.get(REPORTS, {"severity": ["4"]}).status_code == 200


def test_it_pages_with_a_cursor_and_a_capped_size(api, police_centrum, make_report):
    reports = [make_report(hours_ago=hours) for hours in range(1, 8)]
    api.force_login(police_centrum)
    seen, url = [], f"{REPORTS}?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [report.pk for report in reports]
    assert api.get(REPORTS, {"page_size": 201}).status_code == 400
    assert api.get(REPORTS, {"ordering": "description"}).status_code == 400
    assert api.get(REPORTS, {"cursor": "forged"}).status_code == 400
    by_severity = api.get(REPORTS, {"ordering": "-severity", "page_size": 2}).json()
    assert by_severity["next"] is not None


def test_it_audits_reading_a_confidential_report(api, police_centrum, make_report):
    report = make_report(organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION)
    api.force_login(police_centrum)
    assert api.get(f"{REPORTS}{report.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="report.viewed", object_id=str(report.pk)).exists()


@pytest.mark.parametrize("size", [10, 100])
def test_it_lists_a_page_in_the_same_number_of_queries_whatever_its_size(
    api, bostad_client, make_report, size
):
    for hours in range(120):
        make_report(organisation="bostad", district="nordost", hours_ago=hours + 1)
    api.get("/api/v1/me/", headers=bostad_client.headers)  # last_used_at written already
    with CaptureQueriesContext(connection) as queries:
        response = api.get(
            REPORTS,
            {"page_size": size, "district": "nordost", "category": "narkotikahandel"},
            headers=bostad_client.headers,
        )
    assert len(response.json()["results"]) == size
    # The token with its districts, the two filters' lookups, the page.
    assert len(queries) == 4, [q["sql"][:120] for q in queries.captured_queries]


def test_it_writes_list_rows_exactly_as_a_single_report(api, police_centrum, make_report):
    make_report(
        latitude="57.70690",
        longitude="11.96760",
        occurred_until=timezone.now(),
        external_id="X-1",
    )
    make_report(district=None)
    api.force_login(police_centrum)
    for row in api.get(REPORTS).json()["results"]:
        assert row == api.get(f"{REPORTS}{row['id']}/").json()
