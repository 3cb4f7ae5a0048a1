"""Journey (c) of issue #13: the coordinator sees a newly filed report counted on the city's
dashboard, follows the figure to the reports behind it, and switches to English."""

from decimal import Decimal

from django.utils import timezone

from overview.services.rollup import rollup_changes
from tests.browser.conftest import in_a_browser, with_second_factor
from tests.incidents.conftest import category, make_report  # noqa: F401 (fixtures)


@in_a_browser
def test_it_counts_a_new_report_for_the_coordinator_and_drills_down(
    open_visit,
    coordinator,
    make_report,  # noqa: F811
    social_centrum,
    settings,
):
    settings.TRYGG_MAP_TILE_URL = ""
    report = make_report(
        description="Nyss inrapporterad langning vid Järntorget",
        latitude=Decimal("57.69980"),
        longitude=Decimal("11.95270"),
    )
    # What the rollup worker does within seconds of the commit.
    rollup_changes(wait=True)

    coordinator_tab = open_visit("coordinator")
    page = coordinator_tab.log_in(coordinator.username, totp_key=with_second_factor(coordinator))
    coordinator_tab.menu("Översikt")
    page.locator("#overview-map[data-ready]").wait_for()
    # The month in progress, whatever the page opens on.
    this_month = "month:" + timezone.localdate().replace(day=1).isoformat()
    page.get_by_label("Period", exact=True).select_option(this_month)
    page.get_by_role("button", name="Visa", exact=True).click()
    page.locator("#overview-map[data-ready]").wait_for()
    # The map's squares and their table come after the page (htmx).
    page.locator("#overview-density-areas").wait_for(state="attached")
    coordinator_tab.check()

    centrum = page.locator("#overview-districts tbody tr", has_text="Centrum")
    figure = centrum.locator('[data-period="current"]')
    assert figure.inner_text().startswith("1")
    figure.get_by_role("link").click()
    coordinator_tab.check()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert report.category.display_name in rows.first.inner_text()

    # The district's own dashboard, from the city's list of them.
    page.go_back()
    page.locator('main nav a[href^="/oversikt/centrum/"]').click()
    page.locator("#overview-map[data-ready]").wait_for()
    page.locator("#overview-density-areas").wait_for(state="attached")
    coordinator_tab.check()
    assert "Översikt Centrum" in page.get_by_role("heading", level=1).inner_text()

    coordinator_tab.goto("/rapporter/")
    coordinator_tab.open_menu().get_by_role("button", name="English").click()
    coordinator_tab.check()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Reports")
