"""Every figure of a dashboard equals the count of the report list it links to (issue #13).

The dashboards count the rollups, the list filters the reports: two roads to one number, which
must meet for every viewer, period and grouping. The data are generated (seeded) with what
makes them part: dismissed reports (counted by neither), unplaced ones (the city's total, not a
district's), other organisations' organisation-level reports (readable to their own staff
only), and reports half an hour either side of local midnight on the first of a month, in
Europe/Stockholm, in winter and in summer time.
"""

import html
import random
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import PrimaryArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category, Report
from incidents.selectors.situation import Period
from overview.selectors.periods import period_default, period_value
from overview.services.retention import retention_run
from overview.services.rollup import rollup_changes

SEED = 13
# A linked figure as the dashboard writes it (overview/templatetags/overview.py, ``figure``).
LINKED_FIGURE = re.compile(r'<a href="(/rapporter/\?[^"]*)">(\d+)<span class="visually-hidden">')


def _month_starts(today: date, count: int) -> list[date]:
    month = today.replace(day=1)
    months = []
    for _index in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


@pytest.fixture
def generated(geography, organisations, category):
    """About 300 reports over the last 14 months, seeded."""
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    areas = {
        slug: list(PrimaryArea.objects.filter(district=geography[slug])[:4])
        for slug in ("centrum", "hisingen")
    }
    categories = list(Category.objects.filter(code__in=["narkotikahandel", "vald", "klotter"]))
    categories.append(category)
    owners = {
        "centrum": ["sf_centrum", "lpo_city", "bostad"],
        "hisingen": ["sf_hisingen", "lpo_hisingen"],
        None: ["sf_centrum", "lpo_city", "lpo_hisingen", "city"],
    }
    moments = []
    # Either side of local midnight on the first of each month (summer time from April to
    # October), and some at random.
    for month in _month_starts(today, 14):
        midnight = timezone.make_aware(datetime.combine(month, time.min))
        moments += [midnight - timedelta(minutes=30), midnight + timedelta(minutes=30)]
    for _index in range(250):
        moments.append(now - timedelta(minutes=rng.randrange(60, 60 * 24 * 420)))
    moments.append(now - timedelta(minutes=5))  # filed just now: this month so far
    reports = []
    for occurred_at in moments:
        if occurred_at > now:
            continue
        district = rng.choices(["centrum", "hisingen", None], [6, 3, 1])[0]
        organisation = rng.choice(owners[district])
        confidentiality = (
            Confidentiality.ORGANISATION if rng.random() < 0.3 else Confidentiality.PARTNERSHIP
        )
        primary_area = rng.choice(areas[district]) if district and rng.random() < 0.7 else None
        reports.append(
            Report(
                category=rng.choice(categories),
                occurred_at=occurred_at,
                district=geography[district] if district else None,
                primary_area=primary_area,
                intermediate_area=primary_area.intermediate_area if primary_area else None,
                organisation=organisations[organisation],
                confidentiality=confidentiality,
                description="Observation",
                source_kind=rng.choice([SourceKind.FIELD_OBSERVATION, SourceKind.POLICE_EVENT]),
                severity=rng.choice([1, 2, 3]),
                status=rng.choices(
                    [ReportStatus.NEW, ReportStatus.REVIEWED, ReportStatus.DISMISSED], [4, 4, 2]
                )[0],
            )
        )
    Report.objects.bulk_create(reports)
    rollup_changes()
    return reports


def _linked_figures(page) -> dict[str, int]:
    figures: dict[str, int] = {}
    for url, shown in LINKED_FIGURE.findall(page.content.decode()):
        figures.setdefault(html.unescape(url), int(shown))
    return figures


def _assert_each_figure_is_its_list(client, user, url) -> int:
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    figures = _linked_figures(page)
    assert figures, "no figure links to the report list"
    for link, shown in figures.items():
        # The list's results alone (as htmx asks for them): the same count, less to render.
        listed = client.get(link, headers={"HX-Request": "true"})
        assert listed.status_code == 200
        assert listed.context["count"] == shown, link
    return len(figures)


def test_it_shows_on_the_dashboard_the_count_of_the_list_each_figure_opens(
    client, coordinator, police_centrum, generated
):
    # This month so far (the default), for the city, a district, and its police analyst.
    checked = _assert_each_figure_is_its_list(client, coordinator, "/oversikt/")
    checked += _assert_each_figure_is_its_list(client, coordinator, "/oversikt/centrum/")
    checked += _assert_each_figure_is_its_list(client, police_centrum, "/oversikt/centrum/")
    # The month in which summer time began (the last Sunday of March), within the data, and
    # last month: whole months, compared with whole months.
    today = timezone.localdate()
    march = Period.starting("month", date(today.year if today.month > 3 else today.year - 1, 3, 1))
    checked += _assert_each_figure_is_its_list(
        client, coordinator, f"/oversikt/?period={period_value(march)}"
    )
    last_month = period_default(today).previous()
    checked += _assert_each_figure_is_its_list(
        client, police_centrum, f"/oversikt/centrum/?period={period_value(last_month)}"
    )
    assert checked > 100


def test_it_counts_neither_dismissed_nor_unreadable_reports_in_a_figure(
    client, coordinator, police_centrum, generated, centrum
):
    """The figure and its list agree because both count the same reports: the readable,
    counted ones of the district and period, nothing else."""
    period = period_default().previous()
    for user in (coordinator, police_centrum):
        client.force_login(user)
        dashboard = client.get(f"/oversikt/centrum/?period={period_value(period)}").context[
            "dashboard"
        ]
        readable = Report.objects.visible_to(user).filter(
            period.as_filter(),
            district=centrum,
            status__in=[ReportStatus.NEW, ReportStatus.REVIEWED],
        )
        assert dashboard.total.current.total == readable.count()


def test_it_says_beside_the_figures_that_deleted_reports_are_counted_but_not_listed(
    client, settings, coordinator, make_report
):
    """Retention (gallring) deletes old reports and keeps their counts: the one case where a
    figure counts more than its list can show, and the page says so beside the figures."""
    client.force_login(coordinator)
    # At the default ages (deleted after five years) no dashboard reaches back that far.
    assert "data-deleted-before" not in client.get("/oversikt/").content.decode()

    settings.TRYGG_RETENTION_DELETE_AFTER_DAYS = 365
    settings.TRYGG_RETENTION_THIN_AFTER_DAYS = 365
    month = Period.starting("month", timezone.localdate().replace(day=1))
    for _index in range(13):
        month = month.previous()
    noon = timezone.make_aware(datetime.combine(month.start, time(12)))
    old = make_report(hours_ago=(timezone.now() - noon).total_seconds() / 3600)
    Report.objects.filter(pk=old.pk).update(created_at=noon)
    rollup_changes()
    assert retention_run().deleted == [old.pk]
    rollup_changes()

    page = client.get("/oversikt/", {"period": period_value(month)})
    total = page.context["dashboard"].total
    assert total.current.total == 1
    assert client.get(total.links["current"]).context["count"] == 0
    assert "data-deleted-before" in page.content.decode()
