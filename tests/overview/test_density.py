"""The maps' density layer: squares of 500 m and mellanområden, counted from the points of the
reports the viewer may read, and nothing else (README "What a figure counts")."""

import math
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.basemap import intermediate_area_codes_at
from areas.models import Place
from incidents.choices import ReportStatus
from incidents.models import Report
from incidents.selectors.density import CELL_LATITUDE, CELL_LONGITUDE, report_density
from incidents.selectors.situation import Period
from overview.selectors.periods import period_value

JARNTORGET = (Decimal("57.69980"), Decimal("11.95270"))  # mellanområde 34
BRUNNSPARKEN = (Decimal("57.70690"), Decimal("11.96760"))  # mellanområde 37


def _this_month() -> str:
    return period_value(Period.starting("month", timezone.localdate().replace(day=1)))


def _density(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("overview:density"), {"period": _this_month(), **query})
    assert response.status_code == 200, response.status_code
    return response.context["density"]


def _at(point):
    return {"latitude": point[0], "longitude": point[1]}


@pytest.fixture
def police_only(make_report):
    """A police report at its own level, alone in its square (Brunnsparken), and one beside a
    shared report at Järntorget."""
    make_report(organisation="sf_centrum", **_at(JARNTORGET))
    make_report(
        organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION, **_at(JARNTORGET)
    )
    make_report(
        organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION, **_at(BRUNNSPARKEN)
    )


def test_it_does_not_count_a_police_only_report_for_social_services(
    client, social_centrum, police_only
):
    density = _density(client, social_centrum, district="centrum")
    assert [cell["reports"] for cell in density.cells] == [1]
    # The square that holds only the police's report is not there at all, not even as a zero.
    assert not any(
        cell["south"] <= float(BRUNNSPARKEN[0]) < cell["north"]
        and cell["west"] <= float(BRUNNSPARKEN[1]) < cell["east"]
        for cell in density.cells
    )
    by_area = {row.code: row.reports for row in density.by_intermediate_area}
    assert by_area["34"] == 1 and by_area["37"] == 0
    assert density.on_map == 1


def test_it_counts_the_police_report_for_the_police(client, police_centrum, police_only):
    density = _density(client, police_centrum, district="centrum")
    assert sorted(cell["reports"] for cell in density.cells) == [1, 2]
    by_area = {row.code: row.reports for row in density.by_intermediate_area}
    assert by_area["34"] == 2 and by_area["37"] == 1


def test_it_puts_no_point_of_a_report_in_the_answer(client, social_centrum, police_only):
    client.force_login(social_centrum)
    html = client.get(
        reverse("overview:density"), {"period": _this_month(), "district": "centrum"}
    ).content.decode()
    for point in (JARNTORGET, BRUNNSPARKEN):
        assert str(point[0]) not in html and str(point[0]).rstrip("0") not in html


def test_it_lists_a_districts_own_mellanomraden(client, police_centrum, police_only):
    density = _density(client, police_centrum, district="centrum")
    assert {row.district for row in density.by_intermediate_area} == {"Centrum"}
    assert len(density.by_intermediate_area) == 10


def test_it_counts_a_report_at_a_named_place_at_the_places_point(
    client, coordinator, make_report, geography
):
    place = Place.objects.get(name="Hjällbo centrum")
    make_report(district="nordost", place=place)
    density = _density(client, coordinator)
    assert [cell["reports"] for cell in density.cells] == [1]
    (code,) = intermediate_area_codes_at([float(place.latitude)], [float(place.longitude)])
    assert {row.code: row.reports for row in density.by_intermediate_area}[code] == 1


def test_it_counts_as_the_dashboard_does(client, coordinator, make_report):
    make_report(**_at(JARNTORGET))
    make_report(status=ReportStatus.DISMISSED, **_at(JARNTORGET))  # not counted
    make_report(hours_ago=24 * 62, **_at(JARNTORGET))  # another month
    make_report(district=None, description="Ingen plats")  # no point: not on the map
    density = _density(client, coordinator)
    assert density.on_map == 1


def test_it_groups_in_the_same_squares_as_an_independent_count(coordinator, make_report):
    rng = random.Random(11)
    points = [
        (Decimal(f"{rng.uniform(57.68, 57.72):.5f}"), Decimal(f"{rng.uniform(11.93, 12.00):.5f}"))
        for _ in range(60)
    ]
    for point in points:
        make_report(**_at(point))
    expected: dict[tuple[int, int], int] = {}
    for latitude, longitude in points:
        key = (
            math.floor(float(latitude) / CELL_LATITUDE),
            math.floor(float(longitude) / CELL_LONGITUDE),
        )
        expected[key] = expected.get(key, 0) + 1
    density = report_density(Report.objects.all())
    got = {
        (round(cell["south"] / CELL_LATITUDE), round(cell["west"] / CELL_LONGITUDE)): cell[
            "reports"
        ]
        for cell in density.cells
    }
    assert got == expected
    # Each square is about 500 m a side at Göteborg's latitude.
    cell = density.cells[0]
    height = (cell["north"] - cell["south"]) * 110.574
    width = (cell["east"] - cell["west"]) * 111.320 * math.cos(math.radians(cell["south"]))
    assert abs(height - 0.5) < 0.005 and abs(width - 0.5) < 0.01


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("social_hisingen", {"district": "centrum"}, 404),
        ("social_centrum", {}, 403),  # the whole city is the coordinators'
        ("partner", {"district": "nordost"}, 200),
        ("outsider", {"district": "centrum"}, 403),
        ("coordinator", {}, 200),
    ],
)
def test_it_answers_as_the_dashboard_of_the_same_district(client, request, who, query, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("overview:density"), {"period": _this_month(), **query})
    assert response.status_code == status


def test_it_gives_a_partner_only_its_own_organisations_reports(client, partner, make_report):
    make_report(
        district="nordost", organisation="bostad", **_at((Decimal("57.7696"), Decimal("12.0221")))
    )
    make_report(
        district="nordost",
        organisation="sf_centrum",
        **_at((Decimal("57.7696"), Decimal("12.0221"))),
    )
    density = _density(client, partner, district="nordost")
    assert [cell["reports"] for cell in density.cells] == [1]


def test_it_draws_the_report_lists_squares_from_its_readable_reports_only(
    client, social_centrum, police_only
):
    client.force_login(social_centrum)
    assert client.get(reverse("incidents:report_list")).context["count"] == 1
    page = client.get(reverse("incidents:report_map"), {"district": "centrum"})
    assert [cell["reports"] for cell in page.context["density"].cells] == [1]
    assert 'id="report-list-density"' in page.content.decode()


def test_it_costs_the_report_list_nothing_until_its_map_is_opened(
    client, police_centrum, police_only
):
    client.force_login(police_centrum)
    page = client.get(reverse("incidents:report_list"), {"district": "centrum"})
    assert "density" not in page.context
    assert f'hx-get="{reverse("incidents:report_map")}?district=centrum"' in page.content.decode()


def test_it_keeps_the_report_lists_map_to_those_who_may_list(client, partner, police_only):
    client.force_login(partner)
    assert client.get(reverse("incidents:report_map")).status_code == 403


def test_it_asks_for_filters_past_the_lists_cap(client, police_centrum, police_only, monkeypatch):
    from incidents.views import reports

    monkeypatch.setattr(reports, "COUNT_CAP", 1)
    client.force_login(police_centrum)
    page = client.get(reverse("incidents:report_map"))
    assert page.context["density"] is None
    assert 'id="report-list-density"' not in page.content.decode()
