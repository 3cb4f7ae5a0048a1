"""Journey (g) of issue #13: both sides of the partnership draft a district's lägesbild, their
managers sign it, and it is downloaded as PDF."""

import re
from pathlib import Path

from django.utils import timezone

from incidents.choices import PictureStatus
from incidents.models import SituationPicture
from overview.services.rollup import rollup_changes
from tests.browser.conftest import in_a_browser, with_second_factor
from tests.incidents.conftest import category, make_report  # noqa: F401 (fixtures)


def _edit(visit, picture, field: str, text: str) -> None:
    page = visit.page
    visit.goto(f"/lagesbilder/{picture.pk}/")
    page.get_by_role("link", name="Redigera text").click()
    visit.check()
    page.get_by_label(field, exact=True).fill(text)
    page.get_by_role("button", name="Spara", exact=True).click()
    visit.check()
    assert text in page.locator("main").inner_text()


@in_a_browser
def test_it_has_both_sides_draft_and_sign_a_situation_picture_and_download_it(
    open_visit,
    make_report,  # noqa: F811
    social_centrum,
    police_centrum,
    manager_social_centrum,
    manager_police_centrum,
    settings,
):
    settings.TRYGG_MAP_TILE_URL = ""
    for place in ("Brunnsparken", "Järntorget", "Drottningtorget"):
        make_report(description=f"Stök vid {place}", place_text=place)
    rollup_changes()  # as the worker does within a second of filing

    social = open_visit("social-analyst")
    page = social.log_in(social_centrum.username)
    social.menu("Lägesbilder")
    page.get_by_role("link", name=re.compile("Ny lägesbild")).click()
    social.check()
    page.get_by_label("Period", exact=True).select_option("month")
    page.get_by_label("En dag i perioden").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Skapa utkast").click()
    social.check()
    picture = SituationPicture.objects.get()
    assert picture.status == PictureStatus.DRAFT
    # The drafted text counts the three shared reports, as the figures beside it do.
    assert "registrerades 3 rapporter i Centrum" in page.locator("main").inner_text()
    _edit(social, picture, "Sammanfattning", "Stöket kring knutpunkterna fortsätter.")

    police = open_visit("police-analyst")
    police.log_in(police_centrum.username)
    _edit(police, picture, "Bedömning", "Polisen bedömer att läget är oförändrat.")

    for name, manager in (
        ("social-manager", manager_social_centrum),
        ("police-manager", manager_police_centrum),
    ):
        signer = open_visit(name)
        signer.log_in(manager.username, totp_key=with_second_factor(manager))
        signer.goto(f"/lagesbilder/{picture.pk}/")
        signer.page.get_by_role("button", name="Signera för min organisation").click()
        signer.check()
    picture.refresh_from_db()
    assert picture.status == PictureStatus.AGREED

    page = signer.page
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
