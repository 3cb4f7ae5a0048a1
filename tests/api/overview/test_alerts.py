"""``GET /api/v1/overview/alerts/``: who sees which alerts, the filters, the shape."""

from datetime import date

import pytest

from accounts.choices import ApiScope
from areas.models import IntermediateArea
from tests.analysis.conftest import make_alert

URL = "/api/v1/overview/alerts/"


@pytest.fixture
def alerts(centrum, hisingen):
    """Two alarms in Centrum (the district, a mellanområde), one in Hisingen, one quiet."""
    area = IntermediateArea.objects.filter(district=centrum).order_by("code").first()
    return {
        "centrum": make_alert(centrum),
        "centrum_area": make_alert(centrum, area=area),
        "hisingen": make_alert(hisingen, week=date(2026, 11, 9)),
        "quiet": make_alert(hisingen, alarm=False, observed=5, expected=6.0),
    }


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("coordinator", {"centrum", "centrum_area", "hisingen"}),
        ("police_centrum", {"centrum", "centrum_area"}),
        ("social_centrum", {"centrum", "centrum_area"}),
        ("social_hisingen", {"hisingen"}),
        ("partner", set()),
        ("administrator", set()),
    ],
)
def test_it_lists_the_alarms_of_the_districts_one_reads_in_full(api, alerts, request, who, sees):
    api.force_login(request.getfixturevalue(who))
    assert _ids(api.get(URL)) == {alerts[name].pk for name in sees}


def test_it_gives_partner_tokens_an_empty_list_and_refuses_tokens_without_the_scope(
    api, alerts, make_api_client
):
    reader = make_api_client("bostad-larm", scopes=(ApiScope.OVERVIEW_READ,))
    assert _ids(api.get(URL, headers=reader.headers)) == set()
    writer = make_api_client("bostad-skriv", scopes=(ApiScope.REPORTS_WRITE,))
    assert api.get(URL, headers=writer.headers).status_code == 403
    api.logout()
    assert api.get(URL).status_code in (401, 403)


def test_it_filters_by_district_area_category_and_weeks(api, alerts, coordinator):
    api.force_login(coordinator)
    area = alerts["centrum_area"].intermediate_area
    category = alerts["centrum"].category
    assert _ids(api.get(URL, {"district": "centrum"})) == {
        alerts["centrum"].pk,
        alerts["centrum_area"].pk,
    }
    assert _ids(api.get(URL, {"area": area.code})) == {alerts["centrum_area"].pk}
    assert len(_ids(api.get(URL, {"category": category.code}))) == 3
    assert _ids(api.get(URL, {"week_from": "2026-11-10"})) == {
        alerts["centrum"].pk,
        alerts["centrum_area"].pk,
    }
    assert _ids(api.get(URL, {"week_to": "2026-11-10"})) == {alerts["hisingen"].pk}


@pytest.mark.parametrize(
    "query",
    [{"district": "atlantis"}, {"area": "nowhere"}, {"category": "nonsense"},
     {"week_from": "last week"}, {"district": ""}, {"ordering": "score"}],
)  # fmt: skip
def test_it_refuses_bad_filters_with_400(api, alerts, coordinator, query):
    api.force_login(coordinator)
    response = api.get(URL, query)
    assert response.status_code == 400
    assert set(query) & set(
        response.json()["errors"] if "errors" in response.json() else response.json()
    )


def test_it_reads_the_alert_in_plain_swedish(api, alerts, coordinator):
    api.force_login(coordinator)
    row = next(
        row
        for row in api.get(URL, {"district": "centrum"}, HTTP_ACCEPT_LANGUAGE="sv").json()[
            "results"
        ]
        if row["intermediate_area"] is None
    )
    assert row["district"] == "centrum" and row["week"] == "2026-11-16"
    assert row["observed"] == 23 and row["upper"] == 16.0 and row["method"] == "farrington"
    assert (
        row["reading"]
        == "23 rapporter mot väntade 9,0 (övre gräns 16): ovanligt många, sannolikhet under 1 %"
    )
