"""Journey (d) of issue #13: a social-services worker files a partnership report, and a
police report kept within the police stays out of their sight by its address, in the list,
in a search and in the export."""

from pathlib import Path

from accounts.choices import Confidentiality
from incidents.models import Category, Report
from tests.browser.conftest import in_a_browser
from tests.incidents.conftest import category, make_report  # noqa: F401 (fixtures)


@in_a_browser
def test_it_lets_social_services_file_and_keeps_a_police_only_report_out_of_sight(
    open_visit,
    social_centrum,
    make_report,  # noqa: F811
    settings,
):
    settings.TRYGG_MAP_TILE_URL = ""
    secret = make_report(
        organisation="lpo_city",
        confidentiality=Confidentiality.ORGANISATION,
        description="Spaning mot en lägenhet, känsligt",
        place_text="Hagaparken",
    )
    worker = open_visit("social")
    page = worker.log_in(social_centrum.username)
    worker.goto("/rapporter/ny/")
    page.get_by_label("Vad såg du?").select_option(
        str(Category.objects.get(code="narkotikahandel").pk)
    )
    page.get_by_label("Beskrivning").fill("Unga samlas vid fontänen sent på kvällen")
    page.get_by_label("Plats eller område").fill("Järntorget")
    page.get_by_label("Samverkan", exact=False).check()
    page.get_by_role("button", name="Spara rapporten").click()
    worker.check()
    filed = Report.objects.get(description="Unga samlas vid fontänen sent på kvällen")
    assert filed.confidentiality == Confidentiality.PARTNERSHIP

    # By its address: the police's own report is not there for them.
    worker.goto(f"/rapporter/{secret.pk}/", status=404)
    assert "Hagaparken" not in page.content()

    # In the list: their report is, the police's is not.
    worker.menu("Rapporter")
    results = page.locator("#trygg-report-results")
    assert "Järntorget" in results.inner_text()
    assert "Hagaparken" not in results.inner_text()

    # In a search for the police report's words: nothing.
    page.get_by_label("Sök", exact=True).fill("spaning lägenhet")
    page.locator("main form[role=search]").get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url("**q=*")
    worker.check()
    assert "Hagaparken" not in results.inner_text()
    assert results.locator("tbody tr").count() == 1  # "no reports match"

    # In the export of everything they may read: their report, not the police's.
    worker.goto("/rapporter/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera som CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Unga samlas vid fontänen" in exported
    assert "Spaning" not in exported and "Hagaparken" not in exported
