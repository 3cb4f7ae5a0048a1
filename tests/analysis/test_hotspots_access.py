"""Hotspots from the rollups (``overview.selectors.hotspots``) on every surface: the selector,
the dashboards and ``GET /api/v1/overview/hotspots/``. Who may NOT see them, that one
district's analysis neither uses nor shows another's areas, and that organisation-confidential
or dismissed reports change no figure.

The day rollup is written directly (the rollup itself is tested in tests/overview): a
known count per mellanområde, proportional to its km², with a planted excess in Norra Centrum.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import ApiScope, Confidentiality
from areas.models import IntermediateArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category
from overview.models import ReportDayCount, ReportMonthCount
from overview.selectors.hotspots import hotspots_for
from overview.selectors.periods import period_default, period_value

URL = "/api/v1/overview/hotspots/"
HOT = "Norra Centrum"


@pytest.fixture
def period():
    return period_default()


@pytest.fixture
def areas(geography):
    return {area.name: area for area in IntermediateArea.objects.select_related("district")}


def _bucket(
    area,
    count,
    *,
    organisation,
    category,
    day,
    level=Confidentiality.PARTNERSHIP,
    status=ReportStatus.NEW,
):
    return ReportDayCount(
        day=day,
        district_id=area.district_id,
        intermediate_area=area,
        primary_area=None,
        category=category,
        source_kind=SourceKind.FIELD_OBSERVATION,
        organisation=organisation,
        confidentiality=level,
        status=status,
        reports=count,
        severity_sum=count,
        computed_at=timezone.now(),
    )


@pytest.fixture
def rollup(areas, organisations, period):
    """Ten partnership reports per km² everywhere, four times that in Norra Centrum; on two
    days of the dashboard's period, of one main category's subcategory."""
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    buckets = []
    for name, area in areas.items():
        count = round(float(area.area_km2) * 10 * (4 if name == HOT else 1))
        # On the first of a month the dashboard's period is one day: then all on that day.
        first = count // 2 if period.end > period.start else 0
        for day, part in ((period.start, first), (period.end, count - first)):
            if part:
                buckets.append(
                    _bucket(
                        area,
                        part,
                        organisation=organisations["sf_centrum"],
                        category=category,
                        day=day,
                    )
                )
    ReportDayCount.objects.bulk_create(buckets)
    # The month rollup the dashboards read, consistent with the days.
    by_district = {}
    for bucket in buckets:
        by_district[bucket.district_id] = by_district.get(bucket.district_id, 0) + bucket.reports
    ReportMonthCount.objects.bulk_create(
        ReportMonthCount(
            month=period.start.replace(day=1),
            district_id=district_id,
            category=category,
            source_kind=SourceKind.FIELD_OBSERVATION,
            organisation=organisations["sf_centrum"],
            confidentiality=Confidentiality.PARTNERSHIP,
            reports=total,
            severity_sum=total,
            computed_at=timezone.now(),
        )
        for district_id, total in by_district.items()
    )
    return category


def _figures(analysis):
    return [(row.code, row.count, row.expected, row.p, row.q, row.hotspot) for row in analysis.rows]


def _codes(areas, district_slug):
    return {a.code for a in areas.values() if a.district.slug == district_slug}


# --- The selector -----------------------------------------------------------------------------


def test_it_finds_the_planted_hotspot_citywide_for_a_coordinator(
    rollup, coordinator, areas, period
):
    analysis = hotspots_for(coordinator, period=(period.start, period.end))
    assert analysis.enough_data and len(analysis.rows) == 36
    assert analysis.normalisation == "area_km2"
    assert areas[HOT].code in {row.code for row in analysis.hotspots}
    hot = next(row for row in analysis.rows if row.code == areas[HOT].code)
    assert hot.count > hot.expected and hot.q <= 0.05
    assert analysis.total == sum(ReportDayCount.objects.values_list("reports", flat=True))
    # The main category includes its subcategories; another main category has none.
    assert hotspots_for(coordinator, period=(period.start, period.end), category=rollup.parent)
    other = Category.objects.filter(parent__isnull=True).exclude(pk=rollup.parent_id).first()
    none = hotspots_for(coordinator, period=(period.start, period.end), category=other)
    assert not none.enough_data and not none.hotspots


def test_it_analyses_a_districts_staff_over_their_own_areas_only(
    rollup, social_centrum, police_centrum, social_hisingen, areas, period
):
    for user in (social_centrum, police_centrum):
        analysis = hotspots_for(user, period=(period.start, period.end))
        assert {row.code for row in analysis.rows} == _codes(areas, "centrum")
        assert areas[HOT].code in {row.code for row in analysis.hotspots}
    # Both parties see the same figure.
    assert _figures(hotspots_for(social_centrum, period=(period.start, period.end))) == _figures(
        hotspots_for(police_centrum, period=(period.start, period.end))
    )
    hisingen = hotspots_for(social_hisingen, period=(period.start, period.end))
    assert {row.code for row in hisingen.rows} == _codes(areas, "hisingen")
    assert not hisingen.hotspots
    # Computed without Centrum's counts: the expected counts add up to Hisingen's own total.
    assert sum(row.expected for row in hisingen.rows) == pytest.approx(hisingen.total)
    with pytest.raises(PermissionDenied):
        hotspots_for(
            social_hisingen, period=(period.start, period.end), district=areas[HOT].district
        )


def test_it_gives_partners_administrators_and_outsiders_no_analysis(
    rollup, partner, administrator, outsider, period
):
    for user in (partner, administrator, outsider):
        assert hotspots_for(user, period=(period.start, period.end)) is None


def test_it_changes_no_figure_for_organisation_confidential_or_dismissed_reports(
    rollup, coordinator, social_centrum, areas, organisations, period
):
    before = {
        user: _figures(hotspots_for(user, period=(period.start, period.end)))
        for user in (coordinator, social_centrum)
    }
    quiet = areas["Guldheden-Landala"]
    ReportDayCount.objects.bulk_create(
        [
            _bucket(
                quiet,
                500,
                organisation=organisations["lpo_city"],
                category=rollup,
                day=period.start,
                level=Confidentiality.ORGANISATION,
            ),
            _bucket(
                quiet,
                400,
                organisation=organisations["sf_centrum"],
                category=rollup,
                day=period.start,
                status=ReportStatus.DISMISSED,
            ),
        ]
    )
    for user, figures in before.items():
        assert _figures(hotspots_for(user, period=(period.start, period.end))) == figures


def test_it_says_too_few_data_and_names_no_hotspot(
    geography, coordinator, areas, organisations, period
):
    category = Category.objects.filter(parent__isnull=True).first()
    ReportDayCount.objects.bulk_create(
        [
            _bucket(
                areas[HOT],
                15,
                organisation=organisations["sf_centrum"],
                category=category,
                day=period.start,
            )
        ]
    )
    analysis = hotspots_for(coordinator, period=(period.start, period.end))
    assert not analysis.enough_data and not analysis.hotspots


def test_it_reads_the_hotspots_in_two_queries_the_areas_and_one_grouped_sum(
    rollup, coordinator, period, django_assert_max_num_queries
):
    hotspots_for(coordinator, period=(period.start, period.end))  # the contiguity, cached
    with django_assert_max_num_queries(2):
        hotspots_for(coordinator, period=(period.start, period.end))


# --- The dashboards ---------------------------------------------------------------------------


def _page(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def test_it_shows_the_hotspots_on_the_dashboards_with_their_significance(
    client, rollup, coordinator, social_centrum, areas, period
):
    for user, url in (
        (coordinator, reverse("overview:city")),
        (social_centrum, reverse("overview:district", args=["centrum"])),
    ):
        html = _page(client, user, url, period=period_value(period)).content.decode()
        assert 'id="overview-hotspots-table"' in html
        assert f'data-hotspot="{areas[HOT].code}"' in html
        assert "signifikant fler än väntat" in html
        assert 'id="overview-map-hotspots"' in html
        assert areas[HOT].code in html.split('id="overview-map-hotspots"')[1][:200]


def test_it_hides_the_hotspots_from_a_partner_and_another_districts_staff(
    client, rollup, partner, social_hisingen, areas, period
):
    html = _page(
        client, partner, reverse("overview:district", args=["nordost"]), period=period_value(period)
    ).content.decode()
    assert 'id="overview-hotspots"' not in html
    html = _page(
        client,
        social_hisingen,
        reverse("overview:district", args=["hisingen"]),
        period=period_value(period),
    ).content.decode()
    assert 'id="overview-hotspots"' in html
    assert areas[HOT].name not in html.split('id="overview-hotspots"')[1].split("</section>")[0]


def test_it_lets_the_category_be_chosen_on_the_dashboard(client, rollup, coordinator, period):
    main = rollup.parent
    html = _page(
        client,
        coordinator,
        reverse("overview:city"),
        period=period_value(period),
        hotspot_category=main.code,
    ).content.decode()
    assert f'<option value="{main.code}" selected>' in html
    assert 'id="overview-hotspots-table"' in html
    other = Category.objects.filter(parent__isnull=True).exclude(pk=main.pk).first()
    html = _page(
        client,
        coordinator,
        reverse("overview:city"),
        period=period_value(period),
        hotspot_category=other.code,
    ).content.decode()
    assert 'data-hotspots="too-few"' in html


# --- The API ----------------------------------------------------------------------------------


def _api(user=None, token=None, **query):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return api.get(URL, query, **headers)


def _query(period, **extra):
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), **extra}


def test_it_answers_the_hotspots_in_the_api_as_on_the_dashboard(
    rollup, coordinator, social_centrum, areas, period
):
    body = _api(coordinator, **_query(period)).json()
    assert body["enough_data"] and body["counted"] == "partnership"
    assert body["normalisation"] == "area_km2" and len(body["results"]) == 36
    first = body["results"][0]
    assert first["intermediate_area"] == areas[HOT].code and first["hotspot"]
    centrum = _api(social_centrum, **_query(period)).json()
    assert {row["intermediate_area"] for row in centrum["results"]} == _codes(areas, "centrum")


def test_it_gives_partners_and_tokens_an_empty_answer_and_administrators_403(
    rollup,
    partner,
    administrator,
    make_api_client,
    period,
):
    body = _api(partner, **_query(period)).json()
    assert body["results"] == [] and body["enough_data"] is False
    token = make_api_client("statistik", scopes=(ApiScope.OVERVIEW_READ,))
    response = _api(token=token.token, **_query(period))
    assert response.status_code == 200 and response.json()["results"] == []
    writer = make_api_client("skrivare", scopes=(ApiScope.REPORTS_WRITE,))
    assert _api(token=writer.token, **_query(period)).status_code == 403
    assert _api(administrator, **_query(period)).status_code == 403
    assert _api(**_query(period)).status_code in (401, 403)


def test_it_refuses_another_districts_analysis_and_bad_queries(
    rollup, social_hisingen, coordinator, period
):
    assert _api(social_hisingen, **_query(period, district="centrum")).status_code == 403
    assert _api(coordinator, **_query(period, district="centrum")).status_code == 200
    assert _api(coordinator, start=period.start.isoformat()).status_code == 400
    bad = _query(period)
    bad["end"] = (period.start - timedelta(days=1)).isoformat()
    assert _api(coordinator, **bad).status_code == 400
    sub = Category.objects.filter(parent__isnull=False).first()
    assert _api(coordinator, **_query(period, category=sub.code)).status_code == 400
