"""The fixed test cast (STYLE.md): the same people and organisations in every test.

| fixture          | organisation                 | role        | districts         |
|------------------|------------------------------|-------------|-------------------|
| police_centrum   | LPO City (police)            | analyst     | Centrum           |
| social_centrum   | Socialförvaltning Centrum    | analyst     | Centrum           |
| social_hisingen  | Socialförvaltning Hisingen   | analyst     | Hisingen          |
| police_hisingen  | LPO Hisingen (police)        | reporter    | Hisingen          |
| manager_police_centrum / manager_social_centrum | as above | manager | Centrum |
| coordinator      | Göteborgs Stad, Trygg i Göteborg | coordinator | all           |
| partner          | Bostadsbolaget (housing)     | reporter    | Nordost           |
| administrator    | Göteborgs Stad, Trygg i Göteborg | admin   | none              |
| outsider         | none                         | none        | none              |
"""

import pytest
from django.core.management import call_command

from accounts.choices import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from areas.models import District

_FLUSHED = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that empties django_content_type (the next
    serialized one restores it). Until then each test creates the content types it needs in
    its own transaction, which is rolled back, and Django's cache must not keep their ids:
    the audit trail points at content types (every user created is an entry)."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        _FLUSHED.append(item.nodeid)
    if _FLUSHED:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
    return result


@pytest.fixture
def geography(db):
    """The real Gothenburg geography from the project's data files."""
    call_command("load_geography", verbosity=0)
    return {d.slug: d for d in District.objects.all()}


@pytest.fixture
def centrum(geography):
    return geography["centrum"]


@pytest.fixture
def hisingen(geography):
    return geography["hisingen"]


@pytest.fixture
def nordost(geography):
    return geography["nordost"]


@pytest.fixture
def organisations(geography):
    def org(name, kind, **extra):
        return Organisation.objects.create(
            name=name, slug=name.lower().replace(" ", "-").replace(",", ""), kind=kind, **extra
        )

    return {
        "sf_centrum": org(
            "Socialförvaltning Centrum",
            OrganisationKind.SOCIAL_SERVICES,
            district=geography["centrum"],
        ),
        "sf_hisingen": org(
            "Socialförvaltning Hisingen",
            OrganisationKind.SOCIAL_SERVICES,
            district=geography["hisingen"],
        ),
        "lpo_city": org("LPO City", OrganisationKind.POLICE),
        "lpo_hisingen": org("LPO Hisingen", OrganisationKind.POLICE),
        "city": org("Göteborgs Stad, Trygg i Göteborg", OrganisationKind.OTHER),
        "bostad": org("Bostadsbolaget", OrganisationKind.HOUSING),
    }


def _member(username, organisation, role, districts=()):
    user = User.objects.create_user(username=username, password="test-password-123")
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    membership.districts.set(districts)
    return user


@pytest.fixture
def police_centrum(organisations, centrum):
    return _member("polis.centrum", organisations["lpo_city"], Role.ANALYST, [centrum])


@pytest.fixture
def social_centrum(organisations, centrum):
    return _member("social.centrum", organisations["sf_centrum"], Role.ANALYST, [centrum])


@pytest.fixture
def social_hisingen(organisations, hisingen):
    return _member("social.hisingen", organisations["sf_hisingen"], Role.ANALYST, [hisingen])


@pytest.fixture
def police_hisingen(organisations, hisingen):
    return _member("polis.hisingen", organisations["lpo_hisingen"], Role.REPORTER, [hisingen])


@pytest.fixture
def manager_police_centrum(organisations, centrum):
    return _member("chef.polis.centrum", organisations["lpo_city"], Role.MANAGER, [centrum])


@pytest.fixture
def manager_social_centrum(organisations, centrum):
    return _member("chef.social.centrum", organisations["sf_centrum"], Role.MANAGER, [centrum])


@pytest.fixture
def coordinator(organisations):
    return _member("samordnare", organisations["city"], Role.COORDINATOR)


@pytest.fixture
def partner(organisations, nordost):
    return _member("partner.bostad", organisations["bostad"], Role.REPORTER, [nordost])


@pytest.fixture
def administrator(organisations):
    return _member("admin.trygg", organisations["city"], Role.ADMIN)


@pytest.fixture
def outsider(db):
    return User.objects.create_user(username="utomstaende", password="test-password-123")
