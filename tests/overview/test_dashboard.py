"""The dashboards: who sees which, what they show, how they drill down, and that they read
only the rollups with the same number of queries at 100 and at 100,000 reports."""

from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category
from incidents.selectors.situation import Period
from overview.selectors.periods import period_default, period_value
from overview.services.rollup import rollup_changes

CITY = "/oversikt/"


def _this_month() -> str:
    today = timezone.localdate()
    return period_value(Period.starting("month", today.replace(day=1)))


@pytest.fixture
def reports(make_report):
    """This month: 5 partnership reports in Centrum, 2 police-only ones, 1 in Hisingen, 1
    unplaced, 1 dismissed; 3 in the same month last year."""
    made = [make_report() for _ in range(5)]
    made += [
        make_report(
            organisation="lpo_city",
            confidentiality=Confidentiality.ORGANISATION,
            category=Category.objects.get(code="vald"),
            source_kind=SourceKind.POLICE_EVENT,
        )
        for _ in range(2)
    ]
    made.append(make_report(district="hisingen", organisation="sf_hisingen"))
    made.append(make_report(district=None))
    made.append(make_report(status=ReportStatus.DISMISSED))
    made += [make_report(hours_ago=24 * 365 + 1) for _ in range(3)]
    rollup_changes()
    return made


def _row(response, table_id: str, label: str) -> str:
    """The HTML of the row of ``table_id`` whose header is ``label``."""
    html = response.content.decode()
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    start = table.index(f">{label}<")
    return table[start : table.index("</tr>", start)]


def test_it_shows_the_city_to_a_coordinator(client, coordinator, reports):
    client.force_login(coordinator)
    response = client.get(CITY, {"period": _this_month()})
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.district is None
    # Every report the coordinator may read but the dismissed one and last year's; the
    # unplaced one included, the police's two organisation-level ones not.
    assert dashboard.total.current.total == 7
    assert dashboard.total.last_year.total == 3
    by_district = {row.key: row.current.total for row in dashboard.districts}
    assert by_district == {"nordost": 0, "centrum": 5, "sydvast": 0, "hisingen": 1, "": 1}
    html = response.content.decode()
    assert 'id="overview-map"' in html and "overview-map-data" in html
    assert 'id="overview-problems"' in html and 'id="overview-plan-progress"' in html


def test_it_sends_district_staff_to_their_own_district(client, police_centrum, reports):
    client.force_login(police_centrum)
    response = client.get(CITY, {"period": _this_month()})
    assert response.status_code == 302
    assert response.url.startswith(reverse("overview:district", args=["centrum"]))
    page = client.get(response.url)
    assert page.status_code == 200
    dashboard = page.context["dashboard"]
    assert dashboard.district.slug == "centrum"
    assert dashboard.total.current.total == 7  # 5 partnership reports and their own 2
    # Their readable "city" is their own district: no comparison with the city is offered.
    assert dashboard.city_total is None and dashboard.share_of_city == "–"
    assert dashboard.series_by_district is None
    assert "Siffrorna räknar de rapporter du får läsa." in page.content.decode()


def test_it_compares_a_district_with_the_city_for_a_coordinator(client, coordinator, reports):
    client.force_login(coordinator)
    page = client.get(reverse("overview:district", args=["centrum"]), {"period": _this_month()})
    dashboard = page.context["dashboard"]
    assert dashboard.total.current.total == 5
    assert dashboard.city_total.current.total == 7
    assert dashboard.share_of_city == "71\u00a0%"
    assert "7 rapporter i hela staden" in page.content.decode()


def test_it_says_report_in_the_singular_for_a_city_of_one(client, coordinator, make_report):
    make_report(district="centrum")
    rollup_changes()
    client.force_login(coordinator)
    page = client.get(reverse("overview:district", args=["centrum"]), {"period": _this_month()})
    assert page.context["dashboard"].city_total.current.total == 1
    assert "1 rapport i hela staden" in page.content.decode()


@pytest.mark.parametrize(
    ("who", "district", "expected"),
    [
        ("coordinator", "hisingen", 200),
        ("police_centrum", "centrum", 200),
        ("police_centrum", "hisingen", 404),
        ("social_hisingen", "centrum", 404),
        ("partner", "nordost", 200),  # partners see aggregates of their district
        ("partner", "centrum", 404),
        ("administrator", "centrum", 403),
        ("outsider", "centrum", 403),
    ],
)
def test_it_lets_each_role_see_its_own_districts(client, request, reports, who, district, expected):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("overview:district", args=[district])).status_code == expected


def test_it_refuses_the_city_to_those_without_a_role(client, administrator, outsider):
    for user in (administrator, outsider):
        client.force_login(user)
        assert client.get(CITY).status_code == 403
    client.logout()
    assert client.get(CITY).status_code == 302  # to the log-in page


def test_it_counts_no_record_the_viewer_may_not_read(
    client, social_centrum, police_centrum, reports
):
    # Two police-only reports of violence in Centrum this month.
    client.force_login(social_centrum)
    page = client.get(reverse("overview:district", args=["centrum"]), {"period": _this_month()})
    dashboard = page.context["dashboard"]
    assert dashboard.total.current.total == 5
    assert "vald" not in {row.key for row in dashboard.categories}
    assert "police_event" not in {row.key for row in dashboard.sources}
    assert "&lt;3" not in page.content.decode()

    # The police read their own reports: the same figure counts them.
    client.force_login(police_centrum)
    page = client.get(reverse("overview:district", args=["centrum"]), {"period": _this_month()})
    violence = next(r for r in page.context["dashboard"].categories if r.key == "vald")
    assert violence.current.value == 2
    assert violence.change_previous.absolute == "+2"


def test_it_counts_no_hidden_record_however_many_there_are(client, social_centrum, make_report):
    for _ in range(3):
        make_report(organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION)
    make_report()
    rollup_changes()
    client.force_login(social_centrum)
    page = client.get(reverse("overview:district", args=["centrum"]), {"period": _this_month()})
    assert page.context["dashboard"].total.current.display == "1"


def test_it_drills_down_to_the_reports_behind_a_figure(client, coordinator, reports):
    client.force_login(coordinator)
    page = client.get(CITY, {"period": _this_month()})
    centrum = next(row for row in page.context["dashboard"].districts if row.key == "centrum")
    url = centrum.links["current"]
    query = parse_qs(urlsplit(url).query)
    assert query["district"] == ["centrum"]
    assert query["status"] == ["new", "reviewed", "linked"]
    listing = client.get(url)
    assert listing.status_code == 200
    # The coordinator reads the partnership reports; the police-only ones are not listed.
    assert listing.context["count"] == 5
    # Each category figure links with its category, each source with its source.
    category = next(row for row in page.context["dashboard"].categories if row.level == 0)
    assert parse_qs(urlsplit(category.links["current"]).query)["category"] == [category.key]


def test_it_links_figures_only_for_those_who_may_open_the_report_list(client, partner, make_report):
    make_report(district="nordost", organisation="bostad")
    rollup_changes()
    client.force_login(partner)
    page = client.get(reverse("overview:district", args=["nordost"]), {"period": _this_month()})
    dashboard = page.context["dashboard"]
    assert not dashboard.may_drill_down
    assert dashboard.total.links == {}
    assert "/rapporter/?" not in page.content.decode()


def test_it_says_how_fresh_its_figures_are(client, coordinator, make_report, reports):
    client.force_login(coordinator)
    page = client.get(CITY)
    assert page.context["dashboard"].freshness.up_to_date
    make_report()  # not folded yet
    page = client.get(CITY)
    freshness = page.context["dashboard"].freshness
    assert freshness.pending == 1 and not freshness.up_to_date
    assert 'id="overview-freshness"' in page.content.decode()


def test_it_opens_on_this_month_so_far_with_a_report_filed_today(
    client, coordinator, make_report, reports
):
    filed = make_report(hours_ago=0)
    rollup_changes()
    client.force_login(coordinator)
    page = client.get(CITY)
    dashboard = page.context["dashboard"]
    today = timezone.localdate()
    assert dashboard.current.start == today.replace(day=1) and dashboard.current.end == today
    assert dashboard.current.start <= timezone.localtime(filed.occurred_at).date() <= today
    # Compared with the same days of last month and of the same month last year.
    previous, last_year = dashboard.periods["previous"], dashboard.periods["last_year"]
    assert (previous.end - previous.start) == (today - today.replace(day=1))
    assert last_year.start == today.replace(day=1, year=today.year - 1)
    assert (last_year.end - last_year.start) == (today - today.replace(day=1))
    assert 'data-compared="same-days"' in page.content.decode()
    # The report filed today is counted, and the list the figure links to holds it.
    listed = client.get(dashboard.total.links["current"])
    assert filed in listed.context["page"].rows
    assert listed.context["count"] == dashboard.total.current.total


def test_it_shows_this_month_so_far_unless_asked(client, coordinator, reports):
    client.force_login(coordinator)
    page = client.get(CITY)
    assert page.context["dashboard"].current == period_default()
    page = client.get(CITY, {"period": "month:2026-02-30"})
    assert page.context["dashboard"].current == period_default()
    assert not page.context["period_understood"]
    page = client.get(CITY, {"period": "year:2025-01-01"})
    assert page.context["dashboard"].current.label == "2025"


def _insert_reports(count: int) -> None:
    """``count`` reports in one INSERT … SELECT, spread over two years and every district."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO incidents_report (
                created_at, updated_at, category_id, occurred_at, district_id, primary_area_id,
                placed_by, place_text, source_kind, organisation_id, description, severity,
                confidentiality, status, external_id)
            SELECT now(), now(), c.ids[1 + i %% array_length(c.ids, 1)],
                   now() - (i %% 730) * interval '1 day' - interval '1 hour',
                   a.districts[1 + i %% array_length(a.ids, 1)],
                   a.ids[1 + i %% array_length(a.ids, 1)],
                   'point', '', CASE WHEN i %% 3 = 0 THEN 'police_event' ELSE 'school' END,
                   o.ids[1 + i %% array_length(o.ids, 1)], 'Genererad', 1 + i %% 4,
                   CASE WHEN i %% 10 = 0 THEN 'organisation' ELSE 'partnership' END,
                   'new', ''
            FROM generate_series(1, %s) AS i,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM incidents_category) AS c,
                 (SELECT array_agg(id ORDER BY id) AS ids,
                         array_agg(district_id ORDER BY id) AS districts
                  FROM areas_primaryarea) AS a,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_organisation) AS o
            """,
            [count],
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_it_costs_the_same_queries_at_100_and_at_100000_reports(
    client, coordinator, police_centrum, organisations
):
    year = period_value(Period.starting("year", timezone.localdate().replace(month=1, day=1)))
    city = f"{CITY}?period={year}"
    centrum = f"{reverse('overview:district', args=['centrum'])}?period={year}"
    _insert_reports(100)
    rollup_changes()
    client.force_login(coordinator)
    small_city = _queries(client, city)
    client.force_login(police_centrum)
    small_district = _queries(client, centrum)

    _insert_reports(100_000 - 100)
    rollup_changes()
    client.force_login(coordinator)
    # 24: the second factor's device, the mellanområden, their counts and the population, the
    # first readable report's day (no figures before it); the trend alerts (one query); the
    # hotspots' areas and their grouped counts (issue #12).
    assert _queries(client, city) == small_city <= 24
    page = client.get(city)
    assert page.context["dashboard"].total.current.total > 10_000
    client.force_login(police_centrum)
    assert _queries(client, centrum) == small_district <= 23


def test_it_reads_no_reports_to_show_a_dashboard(client, coordinator, reports):
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as captured:
        client.get(CITY, {"period": _this_month()})
    assert not [q for q in captured.captured_queries if "incidents_report" in q["sql"]]


def test_it_cuts_periods_at_local_midnight_as_the_report_list_does(
    client, coordinator, make_report
):
    # Half an hour after and before local midnight on the first of last month (a whole month,
    # compared with the whole month before it).
    last_month = period_default().previous()
    midnight = timezone.make_aware(datetime.combine(last_month.start, time.min))
    for minutes in (30, -30, -24 * 60 * 40):
        occurred = midnight + timedelta(minutes=minutes)
        make_report(hours_ago=(timezone.now() - occurred).total_seconds() / 3600)
    rollup_changes()
    client.force_login(coordinator)
    page = client.get(CITY, {"period": period_value(last_month)})
    total = page.context["dashboard"].total
    assert total.current.total == 1 and total.previous.total == 1
    for key in ("current", "previous"):
        assert client.get(total.links[key]).context["count"] == 1


def test_it_shows_no_figure_and_no_change_for_periods_before_the_first_report(
    client, coordinator, make_report
):
    for _index in range(3):
        make_report()  # this month: the first reports the portal holds
    rollup_changes()
    client.force_login(coordinator)
    page = client.get(CITY)
    total = page.context["dashboard"].total
    assert total.current.display == "3"
    assert total.previous.display == "–" and total.last_year.display == "–"
    assert (total.change_previous.absolute, total.change_previous.percent) == ("–", "–")
    assert (total.change_last_year.absolute, total.change_last_year.percent) == ("–", "–")
    assert "previous" in total.links  # the list still opens, but the figure is not a link
    html = page.content.decode()
    assert "data-no-data" in html and "+3" not in _row(page, "overview-districts", "Centrum")


def test_it_compares_with_a_true_zero_once_the_data_reach_back():
    from overview.selectors.counts import Figure
    from overview.selectors.dashboard import change

    # Five more than none: the difference is real, a percentage of nothing is not.
    five = change(Figure(5), Figure(0))
    assert (five.absolute, five.percent) == ("+5", "–")
    assert change(Figure(5), Figure(0, known=False)).absolute == "–"
    assert change(Figure(0, known=False), Figure(5)).percent == "–"
    assert change(Figure(6), Figure(4)).percent == "+50\u00a0%"


def test_it_starts_the_charts_where_the_data_do_and_ends_them_with_the_last_whole_month(
    client, coordinator, make_report
):
    today = timezone.localdate()
    four_months_ago = today.replace(day=1)
    for _index in range(4):
        four_months_ago = (four_months_ago - timedelta(days=1)).replace(day=1)
    noon = timezone.make_aware(datetime.combine(four_months_ago + timedelta(days=9), time(12)))
    make_report(hours_ago=(timezone.now() - noon).total_seconds() / 3600)
    make_report()  # today
    rollup_changes()
    client.force_login(coordinator)
    page = client.get(CITY)
    series = page.context["dashboard"].series_by_category
    # Not two years of which most are empty, nor the running month's few days as a fall.
    assert series.months[0] == four_months_ago
    assert len(series.months) == 4
    assert series.months[-1] == (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    html = page.content.decode()
    assert 'class="trygg-chart-wide"' in html and 'class="trygg-chart-narrow"' in html


def test_it_dates_the_first_data_by_readable_reports_only(
    client, social_centrum, police_centrum, make_report
):
    """The day before which there are no figures says nothing about a report one may not
    read: a police-only report older than every shared one moves it for the police only."""
    make_report()  # shared, today
    police_only = make_report(
        organisation="lpo_city", confidentiality=Confidentiality.ORGANISATION, hours_ago=24 * 90
    )
    rollup_changes()
    pages = {}
    for user in (social_centrum, police_centrum):
        client.force_login(user)
        pages[user.username] = client.get(reverse("overview:district", args=["centrum"]))
    assert pages["social.centrum"].context["dashboard"].data_from == timezone.localdate()
    police_day = timezone.localtime(police_only.occurred_at).date()
    assert pages["polis.centrum"].context["dashboard"].data_from == police_day
    assert pages["social.centrum"].context["dashboard"].total.previous.display == "–"
