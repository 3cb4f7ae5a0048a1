"""Who may read which record (DESIGN.md section 5), on a stand-in confidential record."""

import pytest

from accounts.access import access_for
from accounts.choices import Confidentiality
from tests.scoping.models import ScopedRecord

PARTNERSHIP = Confidentiality.PARTNERSHIP
ORGANISATION = Confidentiality.ORGANISATION


@pytest.fixture
def records(geography, organisations, police_hisingen):
    """One record of each kind that the rules tell apart."""
    specs = {
        "police-only in Centrum": ("centrum", "lpo_city", ORGANISATION, None),
        "shared by police in Centrum": ("centrum", "lpo_city", PARTNERSHIP, None),
        "shared by city in Centrum": ("centrum", "sf_centrum", PARTNERSHIP, None),
        "city-only in Centrum": ("centrum", "sf_centrum", ORGANISATION, None),
        "shared in Hisingen": ("hisingen", "sf_hisingen", PARTNERSHIP, None),
        "police-only in Hisingen": ("hisingen", "lpo_hisingen", ORGANISATION, police_hisingen),
        "housing company's in Nordost": ("nordost", "bostad", ORGANISATION, None),
        "shared in Nordost": ("nordost", "sf_centrum", PARTNERSHIP, None),
        "unplaced, police-only": (None, "lpo_city", ORGANISATION, None),
        "unplaced, shared": (None, "sf_hisingen", PARTNERSHIP, None),
    }
    for title, (district, organisation, level, filed_by) in specs.items():
        ScopedRecord.objects.create(
            title=title,
            district=geography[district] if district else None,
            organisation=organisations[organisation],
            confidentiality=level,
            filed_by=filed_by,
        )
    return specs


EXPECTED = {
    "police_centrum": {
        "police-only in Centrum",
        "shared by police in Centrum",
        "shared by city in Centrum",
        "unplaced, police-only",
    },
    "social_centrum": {
        "shared by police in Centrum",
        "shared by city in Centrum",
        "city-only in Centrum",
    },
    "social_hisingen": {"shared in Hisingen", "unplaced, shared"},
    "police_hisingen": {"shared in Hisingen", "police-only in Hisingen"},
    "coordinator": {
        "shared by police in Centrum",
        "shared by city in Centrum",
        "shared in Hisingen",
        "shared in Nordost",
        "unplaced, shared",
    },
    "partner": {"housing company's in Nordost"},
    "administrator": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_it_shows_each_person_exactly_what_their_memberships_allow(request, records, who):
    user = request.getfixturevalue(who)
    visible = set(ScopedRecord.objects.visible_to(user).values_list("title", flat=True))
    assert visible == EXPECTED[who]


def test_it_never_shows_city_staff_a_police_only_record(records, social_centrum, coordinator):
    for user in (social_centrum, coordinator):
        titles = ScopedRecord.objects.visible_to(user).values_list("title", flat=True)
        assert not any("police-only" in title for title in titles)


def test_it_shows_an_anonymous_visitor_nothing(records):
    from django.contrib.auth.models import AnonymousUser

    assert not ScopedRecord.objects.visible_to(AnonymousUser()).exists()
    assert not ScopedRecord.objects.visible_to(None).exists()


def test_it_unites_several_memberships_each_within_its_districts(
    records, social_centrum, organisations, hisingen
):
    from accounts.choices import Role
    from accounts.models import Membership

    extra = Membership.objects.create(
        user=social_centrum, organisation=organisations["lpo_hisingen"], role=Role.REPORTER
    )
    extra.districts.set([hisingen])
    visible = set(ScopedRecord.objects.visible_to(social_centrum).values_list("title", flat=True))
    assert visible == EXPECTED["social_centrum"] | {
        "shared in Hisingen",
        "police-only in Hisingen",
    }
    # ...but the police membership in Hisingen opens nothing police-only in Centrum.
    assert "police-only in Centrum" not in visible


def test_it_ignores_the_memberships_of_a_deactivated_user(records, police_centrum):
    police_centrum.is_active = False
    assert not ScopedRecord.objects.visible_to(police_centrum).exists()


def test_it_reads_memberships_once_per_user(records, police_centrum, django_assert_num_queries):
    with django_assert_num_queries(2):  # memberships + their districts
        access = access_for(police_centrum)
    with django_assert_num_queries(0):
        assert access_for(police_centrum) is access
        ScopedRecord.objects.visible_to(police_centrum)  # builds the query without running it


def test_it_tells_roles_and_districts(police_centrum, coordinator, centrum, hisingen):
    police = access_for(police_centrum)
    assert police.has_role("analyst", district_id=centrum.pk)
    assert not police.has_role("analyst", district_id=hisingen.pk)
    assert police.district_ids() == frozenset({centrum.pk})
    assert access_for(coordinator).district_ids() is None
    assert access_for(coordinator).is_coordinator
