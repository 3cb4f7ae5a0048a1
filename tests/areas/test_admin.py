"""The geography admin: administrators can list, search and correct every kind of area."""

import pytest
from django.urls import reverse

from areas.models import (
    District,
    IntermediateArea,
    Place,
    PlaceName,
    PoliceArea,
    PrimaryArea,
    VulnerableArea,
)
from areas.selectors import gazetteer_match

MODELS = [District, IntermediateArea, PrimaryArea, PoliceArea, Place, VulnerableArea, PlaceName]


def _url(model, action, *args):
    return reverse(f"admin:areas_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_lists_and_shows_each_kind_of_area(
    geography, admin_client, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        listing = admin_client.get(_url(model, "changelist"))
    change = admin_client.get(_url(model, "change", model.objects.first().pk))

    assert listing.status_code == 200
    assert change.status_code == 200


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        (PrimaryArea, "Hjällbo", "Hjällbo"),
        (Place, "Nordstan", "Centralstationen/Nordstan"),  # found by its alias
        (VulnerableArea, "Tynnered", "Tynnered/Grevegården/Opaltorget"),
        (PoliceArea, "Östra", "LPO Östra Göteborg"),
        (PlaceName, "Avenyn", "Kungsportsavenyen"),  # found by its alias
    ],
)
def test_it_searches(geography, admin_client, model, term, expected):
    response = admin_client.get(_url(model, "changelist"), {"q": term})

    names = {obj.name for obj in response.context["cl"].result_list}
    assert expected in names


def test_it_lets_no_one_add_or_delete_a_district(geography, admin_client):
    centrum = geography["centrum"]

    assert admin_client.get(_url(District, "add")).status_code == 403
    assert admin_client.get(_url(District, "delete", centrum.pk)).status_code == 403


def test_it_lets_an_administrator_correct_a_primary_area_name(geography, admin_client):
    area = PrimaryArea.objects.get(code="603")

    response = admin_client.post(
        _url(PrimaryArea, "change", area.pk),
        {
            "code": "603",
            "name": "Gårdsten",
            "intermediate_area": area.intermediate_area_id,
            "district": area.district_id,
        },
    )

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "Gårdsten"


def _place_form(**overrides):
    form = {
        "name": "Masthuggstorget",
        "slug": "masthuggstorget",
        "kind": "square",
        "aliases": "Masthuggets torg",
        "latitude": "57.69900",
        "longitude": "11.94400",
        "primary_area": "",
    }
    return form | overrides


def test_it_places_a_new_place_in_the_district_of_its_coordinates(geography, admin_client):
    response = admin_client.post(_url(Place, "add"), _place_form())

    assert response.status_code == 302
    place = Place.objects.get(slug="masthuggstorget")
    assert place.district.slug == "centrum"
    assert place.aliases == ["Masthuggets torg"]


def test_it_refuses_a_place_outside_goteborg(geography, admin_client):
    response = admin_client.post(
        _url(Place, "add"), _place_form(latitude="59.33000", longitude="18.07000")
    )

    assert response.status_code == 200
    assert "outside_goteborg" in [
        e.code for e in response.context["adminform"].form.non_field_errors().as_data()
    ]
    assert not Place.objects.filter(slug="masthuggstorget").exists()


def test_it_refuses_a_primary_area_of_another_district(geography, admin_client):
    hjallbo = PrimaryArea.objects.get(code="612")

    response = admin_client.post(_url(Place, "add"), _place_form(primary_area=hjallbo.pk))

    assert response.status_code == 200
    assert "primary_area" in response.context["adminform"].form.errors
    assert not Place.objects.filter(slug="masthuggstorget").exists()


def test_it_refuses_a_vulnerable_area_linked_to_another_districts_areas(geography, admin_client):
    area = VulnerableArea.objects.get(name="Hjällbo", year=2025)
    majorna = PrimaryArea.objects.get(code="103")

    response = admin_client.post(
        _url(VulnerableArea, "change", area.pk),
        {
            "name": area.name,
            "category": area.category,
            "year": area.year,
            "district": area.district_id,
            "primary_areas": [majorna.pk],
        },
    )

    assert response.status_code == 200
    assert "primary_areas" in response.context["adminform"].form.errors


def _place_name_form(**changes):
    kortedala = IntermediateArea.objects.get(code="13")
    form = {
        "name": "Kortedala torgs parkering",
        "kind": "landmark",
        "aliases": "Runstavsparkeringen",
        "district": kortedala.district_id,
        "intermediate_area": kortedala.pk,
        "primary_area": "",
        "source": "Lantmäteriet, Min karta",
    }
    return {**form, **changes}


def test_it_lets_an_administrator_add_a_place_name_the_next_match_finds(geography, admin_client):
    assert gazetteer_match("Bråk vid Runstavsparkeringen") is None

    response = admin_client.post(_url(PlaceName, "add"), _place_name_form())

    assert response.status_code == 302
    match = gazetteer_match("Bråk vid Runstavsparkeringen")
    assert (match.name, match.intermediate_area.code, match.district.slug) == (
        "Runstavsparkeringen",
        "13",
        "nordost",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # Kortedala lies in Nordost, not in Centrum.
        ({"district": "centrum"}, "intermediate_area"),
        # Hjällbo (612) lies in Södra Angered, not in Kortedala.
        ({"primary_area": "612"}, "primary_area"),
        ({"source": ""}, "source"),
    ],
)
def test_it_refuses_a_place_name_whose_areas_do_not_nest(geography, admin_client, changes, field):
    if "district" in changes:
        changes = {"district": geography[changes["district"]].pk}
    if "primary_area" in changes:
        changes = {"primary_area": PrimaryArea.objects.get(code=changes["primary_area"]).pk}

    response = admin_client.post(_url(PlaceName, "add"), _place_name_form(**changes))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not PlaceName.objects.filter(name="Kortedala torgs parkering").exists()
