"""Every report gets its mellanområde (issue #11): from its point, its place, its primärområde or
its text, and its district follows from it. ``manage.py replace_reports`` places the stored
reports again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent
from areas.models import IntermediateArea, Place, Population, PrimaryArea
from incidents.choices import PlacedBy
from incidents.models import Report
from incidents.services.reports import Placer, report_create, report_place
from overview.services.rollup import rollup_changes
from tests.overview.conftest import assert_rollups_exact

# The 14 places of DESIGN.md section 3 and the mellanområde each lies in (read off the city's
# map of mellanområden, not off the polygons the code uses).
DESIGN_PLACES = {
    "Brunnsparken": "Norra Centrum",
    "Centralstationen/Nordstan": "Norra Centrum",
    "Järntorget": "Olivedal-Haga-Annedal-Änggården",
    "Redbergsplatsen": "Olskroken-Redbergslid-Bagaregården",
    "Hjällbo centrum": "Södra Angered",
    "Angered centrum": "Centrala Angered",
    "Hammarkullen torg": "Södra Angered",
    "Bergsjön centrum": "Bergsjön",
    "Gårdsten centrum": "Norra Angered",
    "Frölunda torg": "Frölunda Torg-Tofta",
    "Opaltorget": "Centrala Tynnered",
    "Selma Lagerlöfs torg": "Backa",
    "Vårväderstorget": "Östra Biskopsgården",
    "Wieselgrensplatsen": "Kvillebäcken",
}


@pytest.fixture
def file_report(social_centrum, organisations, category):
    def file(**changes):
        arguments = {
            "actor": social_centrum,
            "organisation": organisations["sf_centrum"],
            "category": category,
            "occurred_at": timezone.now() - timedelta(hours=2),
            "description": "Grupp ungdomar",
        } | changes
        return report_create(**arguments).report

    return file


def test_it_loads_36_mellanomraden_with_polygons_and_areas_and_the_population(geography):
    areas = IntermediateArea.objects.all()
    assert areas.count() == 36
    assert not areas.filter(boundary__isnull=True).exists()
    assert IntermediateArea.objects.get(name="Södra Skärgården").area_km2 == Decimal("198.40")
    city = Population.objects.get(district__isnull=True, year=2024)
    assert city.population == 608993
    assert Population.objects.get(district=geography["centrum"], year=2025).population == 198627
    assert Population.objects.filter(district__isnull=False).count() == 20


@pytest.mark.parametrize("name", DESIGN_PLACES)
def test_the_places_of_the_design_land_in_their_mellanomrade(file_report, name):
    place = Place.objects.get(name=name)
    by_place = file_report(place=place)
    by_point = file_report(latitude=place.latitude, longitude=place.longitude)
    for report in (by_place, by_point):
        report.refresh_from_db()
        assert report.intermediate_area.name == DESIGN_PLACES[name]
        # The district follows from the mellanområde, and it is the place's district.
        assert report.district_id == report.intermediate_area.district_id == place.district_id
    assert (by_place.placed_by, by_point.placed_by) == (PlacedBy.PLACE, PlacedBy.POINT)


def test_a_report_with_only_a_point_gets_a_mellanomrade(file_report, geography):
    # Kortedala torg, named nowhere in the report: only the point places it.
    report = file_report(latitude=Decimal("57.75240"), longitude=Decimal("12.04020"))
    assert report.intermediate_area.name == "Kortedala"
    assert report.district == geography["nordost"]
    assert report.primary_area is None and report.place is None


def test_a_chosen_primary_area_gives_its_mellanomrade(file_report):
    area = PrimaryArea.objects.get(name="Haga")
    report = file_report(primary_area=area)
    assert report.intermediate_area.name == "Olivedal-Haga-Annedal-Änggården"
    assert report.district_id == area.district_id


def test_a_primary_area_that_lies_outside_the_points_mellanomrade_is_dropped(file_report):
    # A point at Brunnsparken (Norra Centrum) and Haga chosen: the point decides, and the
    # report's areas stay nested.
    brunnsparken = Place.objects.get(name="Brunnsparken")
    report = file_report(
        latitude=brunnsparken.latitude,
        longitude=brunnsparken.longitude,
        primary_area=PrimaryArea.objects.get(name="Haga"),
    )
    assert report.intermediate_area.name == "Norra Centrum"
    assert report.primary_area is None


def test_the_text_gives_a_mellanomrade_through_the_primary_area_it_names(file_report):
    report = file_report(description="Bråk utanför skolan i Hjällbo i kväll")
    assert report.placed_by == PlacedBy.GAZETTEER
    assert report.intermediate_area.name == "Södra Angered"
    assert report.primary_area.name == "Hjällbo"


@pytest.mark.parametrize("name", DESIGN_PLACES)
def test_a_place_named_in_the_text_lands_where_it_does_when_chosen(file_report, name):
    # Half of them have no primärområde: their coordinates give the mellanområde, as when
    # the place is chosen. Police events name them so ("Misshandel i Nordstan"); before, they
    # got only their district and were missing from the hotspots (bench/real_events_analysis.py).
    place = Place.objects.get(name=name)
    report = file_report(description=f"Misshandel vid {name.split('/')[-1]}")
    assert report.placed_by == PlacedBy.GAZETTEER
    assert report.place_text in [place.name, *place.aliases]
    assert report.intermediate_area.name == DESIGN_PLACES[name]
    assert report.district_id == place.district_id


def test_a_report_placed_by_nothing_stays_unplaced(file_report):
    report = file_report(description="Något hände någonstans")
    assert (report.district, report.intermediate_area, report.placed_by) == (
        None,
        None,
        PlacedBy.UNPLACED,
    )


def test_one_placer_places_many_reports_without_a_query_each(geography, django_assert_num_queries):
    placer = Placer()
    place = Place.objects.get(name="Opaltorget")
    report_place(place=place, latitude=None, longitude=None, description="", placer=placer)
    report_place(
        place=None,
        latitude=Decimal("57.7"),
        longitude=Decimal("11.97"),
        description="",
        placer=placer,
    )
    report_place(place=None, latitude=None, longitude=None, description="i Hjällbo", placer=placer)
    with django_assert_num_queries(0):
        for _ in range(50):
            report_place(
                place=None,
                latitude=Decimal("57.75240"),
                longitude=Decimal("12.04020"),
                description="",
                placer=placer,
            )
            report_place(
                place=None, latitude=None, longitude=None, description="i Hjällbo", placer=placer
            )


def test_replace_reports_places_stored_reports_once_and_keeps_the_rollups_exact(
    make_report, geography
):
    brunnsparken = Place.objects.get(name="Brunnsparken")
    haga = PrimaryArea.objects.get(name="Haga")
    # As reports were stored before the mellanområden: district only.
    by_point = make_report(
        latitude=brunnsparken.latitude,
        longitude=brunnsparken.longitude,
        placed_by=PlacedBy.POINT,
    )
    by_area = make_report(primary_area=haga, intermediate_area=None, placed_by=PlacedBy.PLACE)
    by_text = make_report(
        district=None, description="Skadegörelse i Hjällbo", placed_by=PlacedBy.UNPLACED
    )
    # Thinned by retention: no point, no text, but a district and a primärområde to keep.
    thinned = make_report(
        description="",
        primary_area=PrimaryArea.objects.get(name="Hjällbo"),
        intermediate_area=None,
        district="nordost",
        placed_by=PlacedBy.POINT,
    )
    unplaced = make_report(district=None, description="Okänd plats")
    rollup_changes()

    call_command("replace_reports", verbosity=0)

    for report in (by_point, by_area, by_text, thinned, unplaced):
        report.refresh_from_db()
    assert by_point.intermediate_area.name == "Norra Centrum"
    assert by_area.intermediate_area.name == "Olivedal-Haga-Annedal-Änggården"
    assert (by_text.district, by_text.intermediate_area.name) == (
        geography["nordost"],
        "Södra Angered",
    )
    assert by_text.placed_by == PlacedBy.GAZETTEER
    assert thinned.intermediate_area.name == "Södra Angered"
    assert thinned.district == geography["nordost"] and thinned.primary_area.name == "Hjällbo"
    assert unplaced.district is None and unplaced.intermediate_area is None
    assert_rollups_exact()
    event = AuditEvent.objects.get(action="report.placed_again")
    assert event.details["read"] == 5 and event.details["changed"] == 4

    updated = dict(Report.objects.values_list("pk", "updated_at"))
    call_command("replace_reports", verbosity=0)
    # The second run writes no report.
    assert dict(Report.objects.values_list("pk", "updated_at")) == updated
    second = AuditEvent.objects.filter(action="report.placed_again").order_by("pk").last()
    assert second.details["changed"] == 0
    assert_rollups_exact()
