"""Journey (e) of issue #13: an analyst filters and searches the reports, exports them, links
some to a new problem, writes its cause analysis and reads why it ranks where it does."""

import re
from pathlib import Path

from plans.models import Problem
from tests.browser.conftest import in_a_browser
from tests.incidents.conftest import category, make_report  # noqa: F401 (fixtures)


@in_a_browser
def test_it_takes_an_analyst_from_the_reports_to_a_ranked_problem(
    open_visit,
    police_centrum,
    make_report,  # noqa: F811
    settings,
):
    settings.TRYGG_MAP_TILE_URL = ""
    for place in ("Brunnsparken", "Brunnsparken", "Drottningtorget"):
        make_report(description=f"Langning vid {place} på kvällen", place_text=place)
    make_report(district="hisingen", organisation="sf_hisingen", description="Annat område")

    analyst = open_visit("analyst")
    page = analyst.log_in(police_centrum.username)
    analyst.menu("Rapporter")
    results = page.locator("#trygg-report-results")
    search = page.locator("main form[role=search]")

    # Filter: Centrum only.
    search.get_by_label("Stadsområde", exact=True).select_option(label="Centrum")
    search.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url(re.compile(r"district="))
    analyst.check()
    assert results.locator("tbody tr").count() == 3

    # Search: the words of two of them.
    search.get_by_label("Sök", exact=True).fill("langning brunnsparken")
    search.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url(re.compile(r"q=langning"))
    analyst.check()
    rows = results.locator("tbody tr")
    assert rows.count() >= 2
    assert "Brunnsparken" in rows.first.inner_text()

    # Export what is shown.
    with page.expect_download() as download:
        results.get_by_role("link", name="Exportera som CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert exported.count("Brunnsparken") >= 2 and "Annat område" not in exported

    # Link the two Brunnsparken reports to a new problem.
    ticks = results.locator("tbody tr", has_text="Brunnsparken").locator("input[type=checkbox]")
    for index in range(ticks.count()):
        ticks.nth(index).check()
    page.get_by_role("button", name=re.compile("Nytt problem")).click()
    analyst.check()
    page.locator("#id_title").fill("Öppen narkotikahandel i Brunnsparken kvällstid")
    page.locator("#id_situation").fill("Langning vid hållplatserna efter klockan 20.")
    page.get_by_role("button", name=re.compile("Spara problemet")).click()
    analyst.check()
    problem = Problem.objects.get(title="Öppen narkotikahandel i Brunnsparken kvällstid")
    assert problem.reports.count() == 2
    assert problem.title in page.get_by_role("heading", level=1).inner_text()

    # The cause analysis: a side of the triangle and a cause.
    page.get_by_role("link", name="Orsaksanalys", exact=True).click()
    analyst.check()
    page.locator("#id_offender").fill("Grupper av unga vuxna som säljer till förbipasserande")
    page.locator("#trygg-causes tbody tr").first.locator("input[type=text]").first.fill(
        "Mörka passager mellan hållplatserna"
    )
    page.get_by_role("button", name="Spara", exact=True).click()
    analyst.check()
    problem.refresh_from_db()
    assert problem.causes.filter(description="Mörka passager mellan hållplatserna").exists()

    # Why it ranks where it does in the district's quarterly prioritisation.
    page.get_by_role(
        "link", name=re.compile("kvartalsvisa prioritering|prioritering", re.I)
    ).click()
    analyst.check()
    ranked = page.locator(f"#problem-{problem.pk}")
    assert problem.title in ranked.inner_text()
    ranked.locator("summary").click()
    assert ranked.locator("details[open]").inner_text().strip()
