"""Journey (b) of issue #13: a police officer on the street files a report by the map, then
one by the place search, and finds both under Mina rapporter."""

import re

from django.conf import settings as django_settings

from incidents.models import Category, Report
from tests.browser.conftest import in_a_browser


def _file(page, visit, *, description: str) -> None:
    category = Category.objects.get(code="narkotikahandel")
    page.get_by_label("Vad såg du?").select_option(str(category.pk))
    page.get_by_label("Beskrivning").fill(description)
    page.get_by_role("button", name="Spara rapporten").click()
    visit.check()
    assert "Tack! Rapporten är sparad." in page.get_by_role("status").first.inner_text()


@in_a_browser
def test_it_lets_an_officer_file_by_map_and_by_place_and_find_both(
    open_visit, police_hisingen, settings
):
    settings.TRYGG_MAP_TILE_URL = ""  # the basemap alone: no tile server in a test
    officer = open_visit("officer")
    page = officer.log_in(police_hisingen.username)
    officer.menu("Mina rapporter")
    page.get_by_role("link", name="Ny rapport").click()
    page.locator("#trygg-map[data-ready]").wait_for()
    officer.check()

    # By the map: a tap in the middle of Hisingen's outline marks the spot.
    page.locator("#trygg-map").scroll_into_view_if_needed()
    box = page.locator("#trygg-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35)
    assert page.locator("#id_latitude").input_value()
    assert page.locator("#trygg-map-status").inner_text()
    _file(page, officer, description="Krossade rutor vid busshållplatsen")
    by_map = Report.objects.get(description="Krossade rutor vid busshållplatsen")
    assert by_map.latitude is not None

    # By the place search: a name typed (the list suggests it) puts the report there.
    page.goto(officer.url("/rapporter/ny/"))
    officer.check()
    place = police_hisingen_place()
    page.get_by_label(re.compile("^Plats")).fill(place)
    _file(page, officer, description="Klotter på gångtunneln")
    by_place = Report.objects.get(description="Klotter på gångtunneln")
    assert by_place.place_text == place or by_place.place_id is not None

    officer.menu("Mina rapporter")
    mine = page.locator("main .list-group").inner_text()
    assert mine.count(by_map.category.display_name) >= 1
    assert place in mine
    assert django_settings.LANGUAGE_CODE == "sv"


def police_hisingen_place() -> str:
    from areas.models import Place

    return Place.objects.filter(district__slug="hisingen").order_by("name").first().name
