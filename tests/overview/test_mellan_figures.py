"""Figures by mellanområde and per inhabitant (issue #11): the counts API's new grouping and
filter, the report list's filter, the dashboards and the lägesbild; each counting only what
the viewer may read."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.choices import Confidentiality
from accounts.models import User
from areas.models import IntermediateArea, Population
from incidents.choices import PeriodKind
from incidents.models import Report, SituationPicture
from incidents.selectors.situation import (
    COUNTED_STATUSES,
    Period,
    period_start_of,
    situation_figures_for_picture,
)
from incidents.selectors.situation_display import situation_figures_present
from overview.selectors.counts import overview_counts
from overview.selectors.dashboard import dashboard_compute
from overview.selectors.periods import period_value
from overview.services.rollup import rollup_changes, rollup_full


@pytest.fixture
def areas(geography):
    named = {a.name: a for a in IntermediateArea.objects.defer("boundary")}
    return {
        "norra": named["Norra Centrum"],
        "haga": named["Olivedal-Haga-Annedal-Änggården"],
        "hjallbo": named["Södra Angered"],
    }


@pytest.fixture
def placed(make_report, areas):
    """Centrum reports in two mellanområden and none; one police-only in Norra Centrum."""
    for area, organisation, level, count in [
        ("norra", "sf_centrum", Confidentiality.PARTNERSHIP, 3),
        ("norra", "lpo_city", Confidentiality.ORGANISATION, 2),
        ("haga", "sf_centrum", Confidentiality.PARTNERSHIP, 1),
        (None, "sf_centrum", Confidentiality.PARTNERSHIP, 2),
    ]:
        for _ in range(count):
            make_report(
                organisation=organisation,
                confidentiality=level,
                intermediate_area=areas[area] if area else None,
            )
    make_report(district="nordost", organisation="lpo_city", intermediate_area=areas["hjallbo"])
    rollup_changes()


def _month() -> tuple[date, date]:
    today = timezone.localdate()
    return today.replace(day=1), today


def test_the_counts_group_by_mellanomrade_as_a_group_by_over_the_readable_reports(
    placed, coordinator, social_centrum
):
    start, end = _month()
    for user in (coordinator, social_centrum):
        rows = overview_counts(
            user=user, grain="month", start=start, end=end, by=("intermediate_area",)
        )
        got = {row.intermediate_area: row.reports for row in rows}
        readable = Report.objects.visible_to(user).filter(status__in=COUNTED_STATUSES)
        if user is social_centrum:
            readable = readable.filter(district__slug="centrum")
        expected = Counter(
            code for code in readable.values_list("intermediate_area__code", flat=True)
        )
        assert got == dict(expected)
    # Who may not see: social services of Centrum do not count the police-only reports.
    rows = overview_counts(
        user=social_centrum, grain="month", start=start, end=end, by=("intermediate_area",)
    )
    assert {row.intermediate_area: row.reports for row in rows}[
        IntermediateArea.objects.get(name="Norra Centrum").code
    ] == 3


def test_the_counts_filter_by_mellanomrade_and_refuse_one_out_of_reach(
    placed, areas, social_centrum
):
    start, end = _month()
    rows = overview_counts(
        user=social_centrum, grain="month", start=start, end=end, intermediate_area=areas["haga"]
    )
    assert [row.reports for row in rows] == [1]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        overview_counts(
            user=social_centrum,
            grain="month",
            start=start,
            end=end,
            intermediate_area=areas["hjallbo"],
        )


def test_the_counts_api_answers_by_mellanomrade(client, placed, areas, coordinator):
    api = client
    api.force_login(coordinator)
    start, end = _month()
    response = api.get(
        "/api/v1/overview/counts/",
        {"start": start.isoformat(), "end": end.isoformat(), "by": "district,intermediate_area"},
    )
    assert response.status_code == 200, response.content
    rows = {
        (row["district"], row["intermediate_area"]): row["reports"]
        for row in response.json()["results"]
    }
    assert rows == {
        # 3, not 5: the police's own two are not the coordinator's to read.
        ("centrum", areas["norra"].code): 3,
        ("centrum", areas["haga"].code): 1,
        ("centrum", None): 2,
        ("nordost", areas["hjallbo"].code): 1,
    }
    bad = api.get(
        "/api/v1/overview/counts/",
        {"start": start.isoformat(), "end": end.isoformat(), "intermediate_area": "999"},
    )
    assert bad.status_code == 400 and "intermediate_area" in bad.json()["errors"]


def test_the_report_list_filters_by_mellanomrade(client, placed, areas, social_centrum):
    client.force_login(social_centrum)
    haga = areas["haga"].code
    response = client.get(reverse("incidents:report_list"), {"intermediate_area": haga})
    assert response.status_code == 200
    shown = {report.pk for report in response.context["page"].rows}
    assert shown == set(
        Report.objects.filter(intermediate_area=areas["haga"]).values_list("pk", flat=True)
    )


def test_the_dashboard_breaks_a_district_down_by_mellanomrade_with_rates(
    placed, areas, social_centrum, coordinator
):
    period = Period.starting(PeriodKind.MONTH, timezone.localdate().replace(day=1))
    board = dashboard_compute(user=social_centrum, period=period, district=areas["norra"].district)
    by_area = {row.key: row.current.total for row in board.intermediate_areas}
    # Only what social services of Centrum may read: not the police-only reports.
    assert by_area == {areas["norra"].code: 3, areas["haga"].code: 1}
    norra = next(row for row in board.intermediate_areas if row.key == areas["norra"].code)
    assert norra.rate not in ("", "–")
    # Per 1,000 inhabitants: the district only (their "city" is their own district).
    assert [rate.key for rate in board.rates] == ["centrum"]
    population = Population.objects.filter(
        district=areas["norra"].district, year__lte=period.start.year
    ).latest("year")
    assert (board.rates[0].population, board.rates[0].year) == (
        population.population,
        population.year,
    )
    citywide = dashboard_compute(user=coordinator, period=period)
    assert [rate.key for rate in citywide.rates] == [
        "nordost",
        "centrum",
        "sydvast",
        "hisingen",
        "",
    ]
    assert (
        citywide.rates[-1].population
        == Population.objects.filter(district__isnull=True, year__lte=period.start.year)
        .latest("year")
        .population
    )


def test_the_dashboard_page_shows_the_rates_and_the_measure(client, placed, areas, social_centrum):
    client.force_login(social_centrum)
    period = Period.starting(PeriodKind.MONTH, timezone.localdate().replace(day=1))
    response = client.get(
        reverse("overview:district", args=["centrum"]), {"period": period_value(period)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="overview-rates-table"' in page
    assert 'id="overview-intermediate-areas-table"' in page
    assert areas["haga"].name in page


def test_the_lagesbild_of_the_demo_data_is_broken_down_by_mellanomrade_with_rates(
    geography, settings
):
    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=200)
    coordinator = User.objects.get(username="samordnare")
    rollup_full()
    centrum = geography["centrum"]
    start = period_start_of(PeriodKind.QUARTER, timezone.localdate() - timedelta(days=100))
    period = Period.starting(PeriodKind.QUARTER, start)
    picture = SituationPicture.objects.create(
        district=centrum,
        period_kind=PeriodKind.QUARTER,
        period_start=period.start,
        period_end=period.end,
        created_by=coordinator,
    )
    figures = situation_figures_for_picture(picture=picture, user=coordinator)
    total = figures["total"]["counts"]["current"]
    placed_in_area = sum(
        row["counts"]["current"] for row in figures["intermediate_areas"] if row["code"]
    )
    assert total > 100
    # Most reports are under a mellanområde (before, most were under "no primärområde").
    assert placed_in_area > 0.9 * total
    shown = situation_figures_present(figures=figures)
    assert [rate.label for rate in shown.rates] == [centrum.name, gettext("The whole city")]
    assert all(rate.display != "–" and rate.year for rate in shown.rates)
    assert shown.rates[0].year <= start.year
