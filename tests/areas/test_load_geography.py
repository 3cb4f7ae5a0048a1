"""``manage.py load_geography``: the data files, loaded once, again, and refused when wrong."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from areas.models import (
    District,
    IntermediateArea,
    Place,
    PlaceName,
    PoliceArea,
    PrimaryArea,
    VulnerableArea,
)
from areas.services import DATA_DIR

MODELS = [District, IntermediateArea, PrimaryArea, PoliceArea, Place, VulnerableArea, PlaceName]
PLACE_NAMES = len(json.loads((DATA_DIR / "well_known_names.json").read_text())["names"])


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _load(*args):
    out = StringIO()
    call_command("load_geography", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the data files that a test may spoil."""
    return shutil.copytree(DATA_DIR, tmp_path / "data")


def _edit_json(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_it_loads_the_four_districts_with_fixed_codes_and_slugs(geography):
    districts = District.objects.order_by("code")
    assert [(d.code, d.slug, d.name) for d in districts] == [
        ("01", "nordost", "Nordost"),
        ("02", "centrum", "Centrum"),
        ("03", "sydvast", "Sydväst"),
        ("04", "hisingen", "Hisingen"),
    ]
    assert all(d.boundary["type"] in ("Polygon", "MultiPolygon") for d in districts)


def test_it_loads_every_row_of_every_file(geography):
    assert _counts() == {
        "District": 4,
        "IntermediateArea": 36,
        "PrimaryArea": 96,
        "PoliceArea": 5,
        "Place": 14,
        "VulnerableArea": 16,
        "PlaceName": PLACE_NAMES,
    }
    assert PLACE_NAMES >= 200
    hjallbo = PrimaryArea.objects.get(code="612")
    assert (hjallbo.name, hjallbo.intermediate_area.code, hjallbo.district.slug) == (
        "Hjällbo",
        "14",
        "nordost",
    )
    # A primary area always lies in the district of its intermediate area.
    assert not PrimaryArea.objects.exclude(district=F("intermediate_area__district")).exists()


def test_it_links_police_areas_to_their_districts(geography):
    links = {
        area.name: sorted(d.slug for d in area.districts.all())
        for area in PoliceArea.objects.prefetch_related("districts")
    }
    assert links == {
        "LPO Angered": ["nordost"],
        "LPO City": ["centrum"],
        "LPO Hisingen": ["hisingen"],
        "LPO Södra Göteborg": ["centrum", "sydvast"],
        "LPO Östra Göteborg": ["centrum", "nordost"],
    }


@pytest.mark.parametrize("year", [2023, 2025])
def test_it_loads_the_polices_list_of_vulnerable_areas_for_each_year(geography, year):
    areas = {
        area.name: (
            area.category,
            area.district.slug,
            sorted(p.name for p in area.primary_areas.all()),
        )
        for area in VulnerableArea.objects.filter(year=year)
    }
    assert areas == {
        "Bergsjön": ("particularly", "nordost", ["Västra Bergsjön", "Östra Bergsjön"]),
        "Lövgärdet": ("particularly", "nordost", ["Lövgärdet"]),
        "Hammarkullen": ("particularly", "nordost", ["Hammarkullen"]),
        "Hjällbo": ("particularly", "nordost", ["Hjällbo"]),
        "Biskopsgården": (
            "risk",
            "hisingen",
            [
                "Jättesten",
                "Länsmansgården",
                "Norra Biskopsgården",
                "Svartedalen",
                "Södra Biskopsgården",
            ],
        ),
        "Tynnered/Grevegården/Opaltorget": ("risk", "sydvast", ["Grevegården"]),
        "Gårdsten": ("vulnerable", "nordost", ["Gårdstensberget"]),
        "Hisings Backa": ("vulnerable", "hisingen", ["Backa"]),
    }


def test_it_gives_places_their_kind_aliases_and_district(geography):
    nordstan = Place.objects.get(slug="centralstationen-nordstan")
    assert nordstan.kind == "stop"
    assert {"Nordstan", "Centralstationen"} <= set(nordstan.aliases)
    assert nordstan.district.slug == "centrum"
    hjallbo = Place.objects.get(name="Hjällbo centrum")
    assert "Hjällbo torg" in hjallbo.aliases
    assert (hjallbo.district.slug, hjallbo.primary_area.code) == ("nordost", "612")


def test_it_creates_and_changes_nothing_when_run_twice(db):
    first = _load()
    counts = _counts()
    boundaries = dict(District.objects.values_list("code", "boundary"))

    second = _load()

    assert _counts() == counts
    assert dict(District.objects.values_list("code", "boundary")) == boundaries
    assert f"{171 + 50 + 36 + PLACE_NAMES} created" in first  # rows, population, polygons
    assert "Geography loaded: 0 created, 0 updated." in second
    assert "places: 14 (14 unchanged)" in second


def test_it_also_changes_nothing_when_run_twice_with_overwrite(geography):
    out = _load("--overwrite")

    assert "Geography loaded: 0 created, 0 updated." in out


def test_it_prints_nothing_at_verbosity_zero(db):
    out = StringIO()
    call_command("load_geography", verbosity=0, stdout=out)

    assert out.getvalue() == ""
    assert District.objects.count() == 4


def test_it_keeps_corrections_made_in_the_admin(geography, centrum):
    PrimaryArea.objects.filter(code="612").update(name="Hjällbo (verified)")
    lpo = PoliceArea.objects.get(slug="lpo-city")
    lpo.districts.add(geography["hisingen"])

    out = _load()

    assert PrimaryArea.objects.get(code="612").name == "Hjällbo (verified)"
    assert lpo.districts.count() == 2
    assert "2 existing rows differ from the files and were kept" in out


def test_it_puts_the_files_back_with_overwrite(geography):
    PrimaryArea.objects.filter(code="612").update(name="Hjällbo (verified)")
    lpo = PoliceArea.objects.get(slug="lpo-city")
    lpo.districts.add(geography["hisingen"])

    out = _load("--overwrite")

    assert PrimaryArea.objects.get(code="612").name == "Hjällbo"
    assert [d.slug for d in lpo.districts.all()] == ["centrum"]
    assert "2 updated" in out


def test_it_adds_what_is_missing_to_an_existing_geography(geography):
    Place.objects.filter(slug="opaltorget").delete()

    out = _load()

    assert Place.objects.get(slug="opaltorget").district.slug == "sydvast"
    assert "places: 14 (1 created, 13 unchanged)" in out


def test_it_refuses_a_place_that_lies_in_another_district_than_its_file_says(db, data_dir):
    def move_jarntorget(data):
        next(p for p in data["places"] if p["name"] == "Järntorget")["district"] = "hisingen"

    _edit_json(data_dir / "places.json", move_jarntorget)

    with pytest.raises(CommandError, match=r"Järntorget .* lies in Centrum, not in Hisingen"):
        call_command("load_geography", "--data-dir", str(data_dir), verbosity=0)
    # One transaction: the districts and areas loaded before the bad place are gone too.
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_it_refuses_a_place_outside_every_district(db, data_dir):
    def move_to_stockholm(data):
        data["places"][0].update(latitude=59.33, longitude=18.07)

    _edit_json(data_dir / "places.json", move_to_stockholm)

    with pytest.raises(CommandError, match="lies outside every district"):
        call_command("load_geography", "--data-dir", str(data_dir), verbosity=0)
    assert District.objects.count() == 0


def test_it_leaves_an_existing_geography_alone_when_a_file_is_wrong(geography, data_dir):
    def bad_slug(data):
        data["places"][0]["district"] = "no-such-district"

    _edit_json(data_dir / "places.json", bad_slug)
    Place.objects.filter(slug="opaltorget").delete()

    with pytest.raises(CommandError, match="unknown district 'no-such-district'"):
        call_command("load_geography", "--data-dir", str(data_dir), verbosity=0)
    assert not Place.objects.filter(slug="opaltorget").exists()


@pytest.mark.parametrize(
    ("file_name", "spoil", "message"),
    [
        (
            "well_known_names.json",
            lambda data: data["names"][0].update(district="mölndal"),
            "unknown district 'mölndal'",
        ),
        (
            "well_known_names.json",
            lambda data: data["names"].append(
                {**data["names"][-1], "name": "Ny", "aliases": ["Angered"]}
            ),
            "'Angered' is listed twice",
        ),
        (
            "well_known_names.json",
            # Korsvägen lies in Norra Centrum (37), not in Kortedala (13).
            lambda data: [
                n.update(intermediate_area="13") for n in data["names"] if n["name"] == "Korsvägen"
            ],
            "mellanområde '13' is not in Centrum",
        ),
        (
            "well_known_names.json",
            lambda data: [
                n.update(primary_area="612") for n in data["names"] if n["name"] == "Korsvägen"
            ],
            "primärområde '612' is not in the mellanområde '37'",
        ),
        (
            "well_known_names.json",
            lambda data: data["names"][0].update(kind="fountain"),
            "'kind'.*'fountain'",
        ),
        (
            "vulnerable_areas.json",
            lambda data: data["lists"][0]["areas"][0]["primary_areas"].append("101"),
            "primärområde '101' is not in Nordost",
        ),
        (
            "places.json",
            lambda data: data["places"][0].update(kind="fountain"),
            "'kind'.*'fountain'",
        ),
        (
            "police_areas.json",
            lambda data: data["police_areas"][0].pop("slug"),
            "malformed",
        ),
        (
            "places.json",
            lambda data: data["places"][1].update(name="Brunnsparken"),
            "places: ",
        ),
        (
            "places.json",
            lambda data: data["places"].append(dict(data["places"][0])),
            "'brunnsparken'\\} appears twice",
        ),
        (
            "goteborg_stadsomrade_2021.geojson",
            lambda data: data["crs"]["properties"].update(name="urn:ogc:def:crs:EPSG::3006"),
            "must be WGS 84",
        ),
    ],
)
def test_it_refuses_malformed_data_files(db, data_dir, file_name, spoil, message):
    _edit_json(data_dir / file_name, spoil)

    with pytest.raises(CommandError, match=message):
        call_command("load_geography", "--data-dir", str(data_dir), verbosity=0)
    assert District.objects.count() == 0


def test_it_refuses_a_missing_data_file(db, data_dir):
    (data_dir / "goteborg_primaromrade_mellanomrade.csv").unlink()

    with pytest.raises(CommandError, match="missing"):
        call_command("load_geography", "--data-dir", str(data_dir), verbosity=0)
