"""Placing points and texts: ``district_for_point``, ``is_in_goteborg`` and the gazetteer."""

import unicodedata
from decimal import Decimal

import pytest

from areas.models import District, IntermediateArea, Place, PrimaryArea
from areas.selectors import (
    DistrictLocator,
    Gazetteer,
    MatchSource,
    district_for_point,
    gazetteer_match,
    is_in_goteborg,
)

# shared/DESIGN.md section 3, copied here so the test checks the data files against it.
DESIGN_PLACES = [
    ("Brunnsparken", 57.7069, 11.9676, "centrum"),
    ("Centralstationen/Nordstan", 57.7089, 11.9730, "centrum"),
    ("Järntorget", 57.6998, 11.9527, "centrum"),
    ("Redbergsplatsen", 57.7150, 11.9990, "centrum"),
    ("Hjällbo centrum", 57.7696, 12.0221, "nordost"),
    ("Angered centrum", 57.7966, 12.0495, "nordost"),
    ("Hammarkullen torg", 57.7800, 12.0355, "nordost"),
    ("Bergsjön centrum", 57.7536, 12.0746, "nordost"),
    ("Gårdsten centrum", 57.8117, 12.0336, "nordost"),
    ("Frölunda torg", 57.6519, 11.9116, "sydvast"),
    ("Opaltorget", 57.6420, 11.9050, "sydvast"),
    ("Selma Lagerlöfs torg", 57.7430, 11.9926, "hisingen"),
    ("Vårväderstorget", 57.7237, 11.9025, "hisingen"),
    ("Wieselgrensplatsen", 57.7210, 11.9380, "hisingen"),
]

OUTSIDE = [
    pytest.param(59.33, 18.07, id="Stockholm"),
    # 57.63, 11.60 is Vinga itself, which belongs to Göteborg; this is open sea west of it.
    pytest.param(57.63, 11.50, id="sea west of Vinga"),
    pytest.param(57.87, 11.98, id="Kungälv"),
    pytest.param(57.6557, 12.0137, id="Mölndal"),
    pytest.param(57.7394, 12.1064, id="Partille"),
    pytest.param(0.0, 0.0, id="null island"),
]


@pytest.mark.parametrize(("name", "latitude", "longitude", "slug"), DESIGN_PLACES)
def test_it_puts_each_design_place_in_its_district(geography, name, latitude, longitude, slug):
    assert district_for_point(latitude=latitude, longitude=longitude).slug == slug
    assert is_in_goteborg(latitude=latitude, longitude=longitude)


@pytest.mark.parametrize(("name", "latitude", "longitude", "slug"), DESIGN_PLACES)
def test_it_seeds_each_design_place_where_the_design_says(
    geography, name, latitude, longitude, slug
):
    place = Place.objects.get(name=name)
    assert (place.latitude, place.longitude) == (Decimal(str(latitude)), Decimal(str(longitude)))
    assert place.district.slug == slug


@pytest.mark.parametrize(("latitude", "longitude"), OUTSIDE)
def test_it_places_points_outside_goteborg_nowhere(geography, latitude, longitude):
    assert district_for_point(latitude=latitude, longitude=longitude) is None
    assert not is_in_goteborg(latitude=latitude, longitude=longitude)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(float("nan"), 11.97), (57.7, float("inf")), (None, 11.97), ("", "")],
)
def test_it_places_unusable_coordinates_nowhere(geography, latitude, longitude):
    assert district_for_point(latitude=latitude, longitude=longitude) is None


def test_it_accepts_decimal_coordinates_as_stored_on_places(geography):
    place = Place.objects.get(slug="jarntorget")

    assert district_for_point(latitude=place.latitude, longitude=place.longitude).slug == "centrum"


def test_it_places_nothing_before_the_geography_is_loaded(db):
    assert district_for_point(latitude=57.7069, longitude=11.9676) is None


def test_it_locates_without_a_query_per_point(geography, django_assert_num_queries):
    with django_assert_num_queries(1):
        locator = DistrictLocator.from_db()
    with django_assert_num_queries(0):
        found = [
            locator.locate(latitude=lat, longitude=lon) for _, lat, lon, _ in DESIGN_PLACES * 50
        ]
    assert [d.slug for d in found[: len(DESIGN_PLACES)]] == [s for *_, s in DESIGN_PLACES]
    assert locator.contains(latitude=57.7069, longitude=11.9676)
    assert not locator.contains(latitude=59.33, longitude=18.07)


@pytest.mark.parametrize(
    ("text", "slug", "name", "source"),
    [
        ("Stök i Angered i natt", "nordost", "Angered", MatchSource.WELL_KNOWN_NAME),
        ("Bilbrand i Frölunda", "sydvast", "Frölunda", MatchSource.WELL_KNOWN_NAME),
        ("Klotter vid Frölunda Torg", "sydvast", "Frölunda torg", MatchSource.PLACE),
        ("Kortedala", "nordost", "Kortedala", MatchSource.INTERMEDIATE_AREA),
        ("Inbrott i Gamlestaden", "nordost", "Gamlestaden", MatchSource.PRIMARY_AREA),
        ("Ungdomsgäng på Hisingen", "hisingen", "Hisingen", MatchSource.DISTRICT),
        ("Skottlossning i Biskopsgården", "hisingen", "Biskopsgården", MatchSource.VULNERABLE_AREA),
        ("Folksamling vid Nordstan", "centrum", "Nordstan", MatchSource.PLACE),
        ("Bråk på Hjällbo torg", "nordost", "Hjällbo torg", MatchSource.PLACE),
        ("Tynnered", "sydvast", "Tynnered", MatchSource.VULNERABLE_AREA),
        ("Ny belysning i Torslanda", "hisingen", "Torslanda", MatchSource.WELL_KNOWN_NAME),
        ("Nedskräpning på Styrsö", "sydvast", "Styrsö", MatchSource.WELL_KNOWN_NAME),
        ("Örgryte", "centrum", "Örgryte", MatchSource.WELL_KNOWN_NAME),
        # Case-insensitive, also for å, ä and ö.
        ("HJÄLLBO", "nordost", "Hjällbo", MatchSource.PRIMARY_AREA),
        ("östra bergsjön", "nordost", "Östra Bergsjön", MatchSource.PRIMARY_AREA),
        # The Swedish genitive.
        ("Angereds bibliotek", "nordost", "Angered", MatchSource.WELL_KNOWN_NAME),
        # The most specific name wins, wherever it stands in the text.
        ("Hisingen, nära Vårväderstorget", "hisingen", "Vårväderstorget", MatchSource.PLACE),
        ("Kortedala, inte Gamlestaden", "nordost", "Gamlestaden", MatchSource.PRIMARY_AREA),
        # Whole words only: Backa (a primärområde) is not found inside Backaplan.
        ("Trängsel vid Backaplan", "hisingen", "Backaplan", MatchSource.WELL_KNOWN_NAME),
        # Backa counts only capitalised (backa is also a verb); the longer name still matches.
        ("Hisings Backa", "hisingen", "Backa", MatchSource.PRIMARY_AREA),
        ("hisings backa", "hisingen", "Hisings Backa", MatchSource.VULNERABLE_AREA),
    ],
)
def test_it_finds_the_most_specific_known_name(geography, text, slug, name, source):
    match = gazetteer_match(text)

    assert (match.district.slug, match.name, match.source) == (slug, name, source)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ingen plats nämns här",
        "Anders Tuvesson ringde om en cykel",  # Tuve, but not as a word
        "Hjällboskogen",  # a compound, but not with an ending that names a place by it
        "Vinden vände från sydväst till nordost",  # district names, written as directions
        "Föraren försökte backa ut",  # Backa only with a capital letter
        "Bråk i Mölndal",
    ],
)
def test_it_finds_no_known_name_where_there_is_none(geography, text):
    assert gazetteer_match(text) is None


def test_it_carries_the_place_and_primary_area_of_a_match(geography):
    match = gazetteer_match("Snatteri på Angereds torg i går")

    assert match.place == Place.objects.get(slug="angered-centrum")
    assert match.primary_area == PrimaryArea.objects.get(code="604")
    assert (match.matched_text, match.start, match.end) == ("Angereds torg", 12, 25)


def test_it_carries_the_primary_area_of_a_primary_area_match(geography):
    match = gazetteer_match("Skadegörelse i Hammarkullen")

    assert match.primary_area.code == "606"
    assert match.place is None


def test_it_reads_decomposed_swedish_letters(geography):
    decomposed = unicodedata.normalize("NFD", "Lövgärdet")

    assert gazetteer_match(decomposed).name == "Lövgärdet"


def test_it_sees_a_place_added_after_an_earlier_gazetteer(geography):
    assert gazetteer_match("Vid Mastmästarens plan") is None
    centrum = geography["centrum"]
    Place.objects.create(
        name="Mastmästarens plan",
        slug="masthuggstorget",
        latitude="57.6990",
        longitude="11.9440",
        district=centrum,
    )

    assert gazetteer_match("Vid Mastmästarens plan").place.slug == "masthuggstorget"


def test_it_matches_without_a_query_per_text(geography, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        gazetteer = Gazetteer.from_db()
    with django_assert_max_num_queries(0):
        districts = [gazetteer.match(text).district.slug for text in ["Hjällbo", "Majorna"] * 100]
    assert districts[:2] == ["nordost", "centrum"]


def test_it_matches_nothing_with_an_empty_gazetteer(db):
    assert Gazetteer([]).match("Hjällbo") is None


# The gazetteer's names and forms (issue 11): what people write in reports and police texts.

ISSUE_EXAMPLES = [
    # (text, district, mellanområde or None where the name spans several)
    ("Rån vid Korsvägen", "centrum", "37"),
    ("Bråk efter matchen på Gamla Ullevi", "centrum", "37"),
    ("Snatteri i Nordstan", "centrum", None),
    ("Misshandel på Kungsportsavenyen", "centrum", "37"),
    ("Slagsmål på Avenyn", "centrum", "37"),
    ("Påkörd cyklist på Linnégatan", "centrum", "34"),
    ("Bråk på Järntorget", "centrum", None),
    ("Rån vid Hjalmar Brantingsplatsen", "hisingen", "72"),
    ("Olycka vid Wieselgrensplatsen", "hisingen", None),
    ("Bråk på Olskrokstorget", "centrum", "39"),
    ("Spårvagnsolycka vid Kungsportsplatsen", "centrum", "37"),
    ("Misshandel vid Lilla Bommen", "centrum", "37"),
    ("Trafikolycka på E6 vid Tingstadsmotet", "hisingen", "71"),
    ("Trafikolycka, Kallebäcksmotet", "centrum", "31"),
    ("Krock på E6 strax söder om Backadalsmotet", "hisingen", "71"),
    ("Bil i brand på E6 vid Kärramotet", "hisingen", "70"),
    ("Två personbilar har krockat på Angeredsbron", "nordost", None),
    ("Inbrott hos en näringsidkare i Sisjön", "sydvast", "51"),
    ("Inbrott i radhus, Gårdstensbergen", "nordost", "16"),
    ("Hot i en butik på Karl Johansgatan", "centrum", "36"),
    ("Port sprängd i centrala Göteborg", "centrum", None),
]


@pytest.mark.parametrize(("text", "slug", "code"), ISSUE_EXAMPLES)
def test_it_places_the_names_the_issue_found_missing(geography, text, slug, code):
    match = gazetteer_match(text)

    assert match.district.slug == slug
    assert (match.intermediate_area.code if match.intermediate_area else None) == code


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        # The genitive, also of a name ending in -et ("Lövgärdes", not only "Lövgärdets").
        ("Senast sedd vid Lövgärdes centrum", "Lövgärdet", "16"),
        ("Hjällbos torg", "Hjällbo", "14"),
        # Compounds built on a known name.
        ("Två bilister har krockat på Hjällbovägen", "Hjällbo", "14"),
        # Both spellings of Hammarkullen's square (other names of the place).
        ("Brand i flerfamiljshus vid Hammarkulletorget", "Hammarkulletorget", "14"),
        ("Bråk på Hammarkullstorget", "Hammarkullstorget", "14"),
        ("Bråk på Hammarkulletorg", "Hammarkullen", "14"),
        ("Olycka på Bergsjövägen", "Bergsjön", "11"),
        ("Knivskurna vid Gamlestadstorget", "Gamlestadstorget", "12"),
        ("Rån vid Brunnsbotorget", "Brunnsbo", "71"),
        ("Obehörig man på Sannaskolan", "Sanna", "35"),
        ("Olycka på E6 vid Rödbomotet", "Rödbo", "70"),
        ("Person påkörd, Sisjö industriområde", "Sisjön", "51"),
        # Each part of a hyphenated mellanområde name.
        ("Större bråk vid Björkekärr", "Björkekärr", "30"),
        # Spelling variants one letter off a long name, where nothing else is named.
        ("Lägenhet i Kortdala", "Kortedala", "13"),
        ("Påkörd vid Slottskogen i Göteborg", "Slottsskogen", None),
    ],
)
def test_it_finds_the_forms_people_write(geography, text, name, code):
    match = gazetteer_match(text)

    assert match.name == name
    assert (match.intermediate_area.code if match.intermediate_area else None) == code


@pytest.mark.parametrize(
    "text",
    [
        "Bråk i centrum",  # which centre?
        "Polisen larmas till en vårdcentral i centrum av orten",
        "Gick över heden",
        "Föraren ska backa",
        "En man har gripits i Göteborg",  # the city, not a place in it
        "Förd till Sahlgrenska sjukhuset",  # where he was taken, not where it happened
    ],
)
def test_it_takes_a_common_noun_only_where_the_context_makes_it_a_place(geography, text):
    assert gazetteer_match(text) is None


def test_it_reads_lovgardes_centrum_as_lovgardet_never_the_district_centrum(geography):
    for text in ["Lövgärdes centrum", "Lövgärdes Centrum"]:
        match = gazetteer_match(text)

        assert (match.name, match.district.slug) == ("Lövgärdet", "nordost")


def test_it_takes_centrum_written_as_the_districts_name(geography):
    match = gazetteer_match("Ökad otrygghet i Centrum")

    assert (match.source, match.district.slug, match.intermediate_area) == (
        MatchSource.DISTRICT,
        "centrum",
        None,
    )


def test_it_finds_every_part_of_every_hyphenated_intermediate_area_name(geography):
    gazetteer = Gazetteer.from_db()
    for area in IntermediateArea.objects.filter(name__contains="-"):
        for part in area.name.split("-"):
            match = gazetteer.match(f"Bråk i {part}")

            assert match.intermediate_area == area, part


def test_it_fills_the_intermediate_area_of_a_primary_or_intermediate_area_match(geography):
    hjallbo = gazetteer_match("Rån i Hjällbo")
    kortedala = gazetteer_match("Rån i Kortedala")

    assert hjallbo.intermediate_area == hjallbo.primary_area.intermediate_area
    assert (hjallbo.intermediate_area.code, kortedala.intermediate_area.code) == ("14", "13")
    assert kortedala.primary_area is None


def test_it_prefers_the_name_that_places_the_text_most_finely(geography):
    # Hisingsleden spans Hisingen; Tingstadsmotet lies in Backa.
    match = gazetteer_match("Olycka på Hisingsleden vid Tingstadsmotet")

    assert (match.name, match.intermediate_area.code) == ("Tingstadsmotet", "71")


def test_it_does_not_guess_a_misspelling_two_names_are_as_close_to(db):
    district = District.objects.create(code="01", name="Nordost", slug="nordost", boundary={})
    gazetteer = Gazetteer(
        [
            _entry("Lillåsgatan", district),
            _entry("Lillösgatan", district),
        ]
    )

    assert gazetteer.match("Olycka på Lillusgatan") is None
    assert gazetteer.match("Olycka på Lillåsgaten").name == "Lillåsgatan"


def _entry(name, district):
    from areas.selectors import _Entry

    return _Entry(name, MatchSource.WELL_KNOWN_NAME, district)
