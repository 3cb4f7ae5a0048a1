"""The maps' basemap (``/karta/grundkarta.json``): the project's own geography, drawn without a
tile server. Read from ``areas/data/goteborg_mellanomrade.geojson`` and the database."""

import csv
import json
from pathlib import Path

import pytest
import shapely
import shapely.geometry
from django.conf import settings
from django.urls import reverse

from areas.basemap import INTERMEDIATE_AREAS_FILE, intermediate_area_codes_at
from areas.models import IntermediateArea, Place, VulnerableArea

SHARED = Path(settings.BASE_DIR).parent / "shared" / "data" / "goteborg_mellanomrade.geojson"
AREAS_CSV = Path(settings.BASE_DIR) / "areas" / "data" / "goteborg_primaromrade_mellanomrade.csv"


@pytest.fixture
def basemap(client, police_centrum):
    client.force_login(police_centrum)
    response = client.get(reverse("areas:basemap"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_it_holds_the_36_mellanomraden_of_the_areas_file(basemap):
    with AREAS_CSV.open(encoding="utf-8") as fh:
        expected = {row["mellanomrade_nr"]: row["mellanomrade_name"] for row in csv.DictReader(fh)}
    areas = basemap["intermediate_areas"]
    assert len(areas) == 36
    assert {a["code"]: a["name"] for a in areas} == expected
    for area in areas:
        shape = shapely.geometry.shape(area["geometry"])
        assert shape.geom_type in ("Polygon", "MultiPolygon") and shape.is_valid
        # The label sits inside its own area, not on a neighbour.
        latitude, longitude = area["label_at"]
        assert shape.contains(shapely.Point(longitude, latitude)), area["name"]
        assert area["area_km2"] > 0 and area["district_slug"]


def test_it_holds_the_4_districts_the_places_and_the_vulnerable_areas(basemap):
    assert sorted(d["slug"] for d in basemap["districts"]) == [
        "centrum",
        "hisingen",
        "nordost",
        "sydvast",
    ]
    assert {p["name"] for p in basemap["places"]} == set(
        Place.objects.values_list("name", flat=True)
    )
    assert len(basemap["places"]) == 14
    names = set(VulnerableArea.objects.values_list("name", flat=True))
    marked = {v["name"]: v for v in basemap["vulnerable_areas"]}
    assert set(marked) == names and len(names) == 8
    hjallbo = marked["Hjällbo"]
    assert hjallbo["category"] == "particularly" and hjallbo["years"] == [2023, 2025]
    # The label says the category and the years, as text.
    assert hjallbo["label"] == "Hjällbo: Särskilt utsatt område 2023, 2025"
    # A mark lies in the district of its area.
    for area in VulnerableArea.objects.select_related("district"):
        mark = marked[area.name]
        district = shapely.geometry.shape(area.district.boundary)
        assert district.contains(shapely.Point(mark["longitude"], mark["latitude"])), area.name


def test_it_marks_a_vulnerable_area_by_its_latest_category(client, police_centrum, nordost):
    VulnerableArea.objects.create(name="Hjällbo", category="risk", year=2027, district=nordost)
    client.force_login(police_centrum)
    marked = {v["name"]: v for v in client.get(reverse("areas:basemap")).json()["vulnerable_areas"]}
    assert marked["Hjällbo"]["category"] == "risk"
    assert marked["Hjällbo"]["years"] == [2023, 2025, 2027]
    assert (
        marked["Hjällbo"]["label"] == "Hjällbo: Särskilt utsatt område 2023, 2025; Riskområde 2027"
    )


def test_it_takes_an_administrators_correction_of_a_name(client, police_centrum, geography):
    IntermediateArea.objects.filter(code="13").update(name="Kortedala (rättat)")
    client.force_login(police_centrum)
    areas = client.get(reverse("areas:basemap")).json()["intermediate_areas"]
    assert {a["code"]: a["name"] for a in areas}["13"] == "Kortedala (rättat)"


def test_it_is_for_signed_in_people_only(client, geography):
    response = client.get(reverse("areas:basemap"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_sends_no_store_behind_the_login(client, police_centrum, geography):
    client.force_login(police_centrum)
    assert "no-store" in client.get(reverse("areas:basemap"))["Cache-Control"]


def test_it_uses_the_shared_file_unchanged():
    if not SHARED.exists():
        pytest.skip("the shared data are not beside the project")
    assert INTERMEDIATE_AREAS_FILE.read_bytes() == SHARED.read_bytes()


@pytest.mark.parametrize(
    ("latitude", "longitude", "code"),
    [
        (57.6998, 11.9527, "34"),  # Järntorget: Olivedal-Haga-Annedal-Änggården
        (57.7069, 11.9676, "37"),  # Brunnsparken: Norra Centrum
        (57.7150, 11.9990, "39"),  # Redbergsplatsen: Olskroken-Redbergslid-Bagaregården
        (57.6519, 11.9116, "56"),  # Frölunda torg: Frölunda Torg-Tofta
        (57.0, 11.0, None),  # the sea off Denmark
    ],
)
def test_it_finds_the_mellanomrade_of_a_point(latitude, longitude, code):
    assert intermediate_area_codes_at([latitude], [longitude]) == [code]
