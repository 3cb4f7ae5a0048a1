"""An analyst's corrections through the API (``PATCH /api/v1/reports/{id}/correction/``) and
the report list's "unplaced" filter, on the page and in the API."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from areas.models import PrimaryArea
from incidents.models import Report
from tests.incidents.corrections.conftest import (
    LIST,
    api_url,
    corrections_of,
)

# --- The API -----------------------------------------------------------------------------------


def test_it_corrects_place_and_category_through_the_api(cast, reports, centrum, hisingen_area):
    api = APIClient()
    api.force_login(cast["police_centrum"])
    report = reports["unplaced_police"]
    area = PrimaryArea.objects.filter(district=centrum).order_by("code").first()
    response = api.patch(
        api_url(report), {"primary_area": area.code, "category": "klotter"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["placed_by"] == "manual"
    assert body["district"] == "centrum" and body["primary_area"] == area.code
    assert body["category"] == "klotter"
    assert [e.action for e in corrections_of(report)] == [
        "report.category_corrected",
        "report.place_corrected",
    ]
    # Handed over to Hisingen, where the caller reads nothing: the answer is the id alone.
    response = api.patch(api_url(report), {"primary_area": hisingen_area.code}, format="json")
    assert response.status_code == 200 and response.json() == {"id": report.pk}
    report.refresh_from_db()
    assert report.primary_area == hisingen_area


def test_it_refuses_a_bad_api_correction_in_the_common_error_shape(cast, reports, brunnsparken):
    api = APIClient()
    api.force_login(cast["police_centrum"])
    report = reports["unplaced_police"]
    empty = api.patch(api_url(report), {}, format="json")
    assert empty.status_code == 400
    assert set(empty.json()) == {"type", "title", "status", "detail", "errors"}
    unknown = api.patch(api_url(report), {"category": "nonsense"}, format="json")
    assert unknown.status_code == 400 and "category" in unknown.json()["errors"]
    # All or nothing: a refused placement keeps the category as it was too.
    mismatch = api.patch(
        api_url(report),
        {"place": brunnsparken.slug, "district": "hisingen", "category": "klotter"},
        format="json",
    )
    assert mismatch.status_code == 400 and "district" in mismatch.json()["errors"]
    report.refresh_from_db()
    assert report.district is None and report.category.code != "klotter"
    assert not corrections_of(report)


@dataclass(frozen=True)
class ApiRefusal:
    who: str
    report: str
    status: int
    code: str


API_REFUSALS = [
    # A token is never an analyst, not even on its own organisation's report.
    ApiRefusal("police_token", "centrum_police_only", 403, "not_an_analyst"),
    ApiRefusal("bostad_token", "nordost_bostad", 403, "not_an_analyst"),
    ApiRefusal("bostad_token", "centrum_social", 404, "not_found"),
    ApiRefusal("social_centrum", "centrum_police_only", 404, "not_found"),
    ApiRefusal("social_hisingen", "centrum_social", 404, "not_found"),
    ApiRefusal("coordinator", "centrum_social", 403, "not_an_analyst"),
    ApiRefusal("police_hisingen", "hisingen_social", 403, "not_an_analyst"),
    ApiRefusal("partner", "nordost_bostad", 403, "not_an_analyst"),
]


@pytest.mark.parametrize("spec", API_REFUSALS, ids=lambda s: f"{s.who}-{s.report}")
def test_it_refuses_a_correction_through_the_api(cast, reports, spec):
    api = APIClient()
    who = cast[spec.who]
    if getattr(who, "is_api_client", False):
        headers = {"Authorization": f"Bearer {who.sent_token}"}
    else:
        api.force_login(who)
        headers = {}
    report = reports[spec.report]
    before = Report.objects.values().get(pk=report.pk)
    response = api.patch(
        api_url(report),
        {"district": "nordost", "category": "klotter"},
        format="json",
        headers=headers,
    )
    assert response.status_code == spec.status
    assert response.json()["type"] == f"urn:trygg:problem:{spec.code}"
    assert Report.objects.values().get(pk=report.pk) == before
    assert not corrections_of(report)


# --- The "unplaced" filter -------------------------------------------------------------------


@pytest.fixture
def placing_work(make_report, reports, centrum):
    """Beside ``reports``: Centrum reports with and without a primary area."""
    area = PrimaryArea.objects.filter(district=centrum).first()
    return {
        **reports,
        "centrum_social_with_area": make_report(primary_area=area),
        "centrum_police_shared_without_area": make_report(organisation="lpo_city"),
        "hisingen_unplaced_social": make_report(district=None, organisation="sf_hisingen"),
        "hisingen_social_with_area": make_report(
            district="hisingen",
            organisation="sf_hisingen",
            primary_area=PrimaryArea.objects.filter(district__slug="hisingen").first(),
        ),
    }


UNPLACED_SEEN = {
    # Own districts' reports without a primary area, and the own organisation's unplaced ones;
    # never another organisation's unplaced report, a police-only one, or another district's.
    "social_centrum": {
        "centrum_social",
        "unplaced_social_centrum",
        "centrum_police_shared_without_area",
    },
    "police_centrum": {
        "centrum_social",
        "centrum_police_only",
        "unplaced_police",
        "filed_by_partner_for_police",
        "centrum_police_shared_without_area",
    },
    "social_hisingen": {"hisingen_social", "hisingen_unplaced_social"},
}


@pytest.mark.parametrize("who", sorted(UNPLACED_SEEN))
def test_it_lists_the_unplaced_reports_of_ones_districts_only(client, cast, placing_work, who):
    client.force_login(cast[who])
    response = client.get(LIST, {"unplaced": "on"})
    assert response.status_code == 200
    names = {pk: name for name, pk in ((n, r.pk) for n, r in placing_work.items())}
    shown = {names[row.pk] for row in response.context["page"].rows}
    assert shown == UNPLACED_SEEN[who]
    everything = {names[row.pk] for row in client.get(LIST).context["page"].rows}
    assert shown < everything


def test_it_filters_unplaced_reports_in_the_api_too(cast, placing_work):
    api = APIClient()
    api.force_login(cast["social_centrum"])
    response = api.get("/api/v1/reports/", {"unplaced": "true"})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {placing_work[name].pk for name in UNPLACED_SEEN["social_centrum"]}
