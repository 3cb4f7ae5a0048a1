"""A write's answer is a read (issue #9, item 4): it shows the record only to a caller who
may read it, and that read is audited as the GET is.

The probe: a token with only reports:write got 403 on GET, but ``PATCH {}`` answered the whole
report, unaudited. Every write endpoint is held to it here, for a token with the write scope
alone (the id only) and with both scopes (the record, audited as the GET).
"""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.choices import ApiScope, Confidentiality
from accounts.models import AuditEvent
from incidents.models import Report
from tests.api.conftest import report_payload
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401  (fixtures)

REPORTS = "/api/v1/reports/"
SECRET_TEXT = "Langning i trapphus 4B, samma grupp som i förra veckan"


@pytest.fixture
def own_report(make_report):
    """A report of the token's organisation in its district, the organisation's eyes only."""
    return make_report(
        organisation="bostad",
        district="nordost",
        confidentiality=Confidentiality.ORGANISATION,
        description=SECRET_TEXT,
        external_id="BB-1",
    )


@dataclass(frozen=True)
class Write:
    """A write endpoint: how to call it, and the status it answers when it succeeds."""

    name: str
    method: str
    path: str
    body: dict
    status: int


def report_writes(report) -> list[Write]:
    return [
        Write("patch nothing", "patch", f"{REPORTS}{report.pk}/", {}, 200),
        Write("patch", "patch", f"{REPORTS}{report.pk}/", {"severity": 3}, 200),
        Write(
            "put",
            "put",
            f"{REPORTS}{report.pk}/",
            report_payload(description=SECRET_TEXT, confidentiality="organisation"),
            200,
        ),
        # The id is known: the answer would be the earlier report.
        Write("create known", "post", REPORTS, report_payload(external_id="BB-1"), 200),
        Write("create", "post", REPORTS, report_payload(external_id="BB-2"), 201),
    ]


WRITE_NAMES = ["patch nothing", "patch", "put", "create known", "create"]


def _call(api, caller, write: Write):
    return getattr(api, write.method)(write.path, write.body, format="json", headers=caller.headers)


def _viewed(report_id) -> int:
    return AuditEvent.objects.filter(action="report.viewed", object_id=str(report_id)).count()


def test_it_refuses_the_write_only_token_a_read(api, bostad_writer, own_report):
    response = api.get(f"{REPORTS}{own_report.pk}/", headers=bostad_writer.headers)
    assert response.status_code == 403


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_it_answers_a_write_only_token_with_the_id_alone(api, bostad_writer, own_report, name):
    write = next(w for w in report_writes(own_report) if w.name == name)
    response = _call(api, bostad_writer, write)
    assert response.status_code == write.status, response.json()
    body = response.json()
    assert set(body) == {"id"}
    assert SECRET_TEXT not in response.content.decode()
    # Nothing was shown, so nothing was read.
    assert _viewed(body["id"]) == 0


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_it_shows_a_token_with_the_read_scope_the_record_and_audits_the_read(
    api, bostad_client, own_report, name
):
    write = next(w for w in report_writes(own_report) if w.name == name)
    response = _call(api, bostad_client, write)
    assert response.status_code == write.status, response.json()
    body = response.json()
    assert {"description", "external_id", "confidentiality", "district"} <= set(body)
    # An organisation-level report shown is a read of it, audited as the GET is.
    shown = Report.objects.get(pk=body["id"])
    expected = 1 if shown.confidentiality == Confidentiality.ORGANISATION else 0
    assert _viewed(body["id"]) == expected


def test_it_answers_bulk_writes_with_ids_only_whatever_the_scopes(api, bostad_writer, own_report):
    response = api.post(
        f"{REPORTS}bulk/",
        {"reports": [report_payload(external_id="BB-1"), report_payload(external_id="BB-3")]},
        format="json",
        headers=bostad_writer.headers,
    )
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [set(result) for result in results] == [{"index", "id", "result"}] * 2
    assert SECRET_TEXT not in response.content.decode()


def test_it_shows_a_person_the_report_they_changed(api, partner, make_report):
    report = make_report(organisation="bostad", district="nordost", reporter=partner)
    api.force_authenticate(partner)
    response = api.patch(f"{REPORTS}{report.pk}/", {"severity": 4}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["severity"] == 4 and "description" in response.json()


def test_it_replays_the_id_alone_to_a_write_only_token(api, bostad_writer):
    payload = report_payload(external_id="BB-9")
    headers = {**bostad_writer.headers, "Idempotency-Key": "once"}
    first = api.post(REPORTS, payload, format="json", headers=headers)
    again = api.post(REPORTS, payload, format="json", headers=headers)
    assert first.json() == again.json() == {"id": first.json()["id"]}


# --- Follow-ups: plans:write alone records, plans:read shows ------------------------------------


@pytest.fixture
def public_measure(request):
    request.getfixturevalue("agreed_plan")
    return request.getfixturevalue("measure")


def _follow_up(of, note="Från polisens system, kontrollerat 811218-9876") -> dict:
    return {
        "measure": of.pk,
        "date": timezone.localdate().isoformat(),
        "status": "started",
        "indicator_value": "87.00",
        "note": note,
    }


@pytest.mark.parametrize(
    ("scopes", "shows_record"),
    [
        ((ApiScope.PLANS_WRITE,), False),
        ((ApiScope.PLANS_READ, ApiScope.PLANS_WRITE), True),
    ],
    ids=["write only", "read and write"],
)
def test_it_shows_a_follow_up_only_to_a_token_that_reads_plans(
    api, make_api_client, public_measure, scopes, shows_record
):
    police = make_api_client(
        "lpo-city-indikatorer", organisation="lpo_city", scopes=scopes, districts=("centrum",)
    )
    response = api.post(
        "/api/v1/follow-ups/", _follow_up(public_measure), format="json", headers=police.headers
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["masked_identity_numbers"] == 1  # what it sent, not what it may read
    if shows_record:
        assert {"measure", "note", "status", "indicator_value", "recorded_by"} <= set(body)
    else:
        assert set(body) == {"id", "masked_identity_numbers"}
        get = api.get(f"/api/v1/follow-ups/{body['id']}/", headers=police.headers)
        assert get.status_code == 403


def test_it_documents_both_answers_of_a_write(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    patch = schema["paths"]["/api/v1/reports/{id}/"]["patch"]["responses"]["200"]
    shapes = patch["content"]["application/json"]["schema"]["oneOf"]
    assert shapes[0] == {"$ref": "#/components/schemas/Report"}
    assert shapes[1]["required"] == ["id"] and shapes[1]["additionalProperties"] is False
    follow_up = schema["paths"]["/api/v1/follow-ups/"]["post"]["responses"]["201"]
    assert len(follow_up["content"]["application/json"]["schema"]["oneOf"]) == 2
