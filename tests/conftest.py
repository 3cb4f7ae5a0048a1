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

Signing in: ``client.force_login(user)`` (any Django or DRF test client) signs a person in
fully, password and second factor, the way django-otp marks a verified session; tests of the
second factor itself sign in half way with ``client.force_login(user, second_factor=False)``.
"""

import pytest
from django.core.management import call_command
from django.test.client import ClientMixin

from accounts.choices import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from areas.models import District

_force_login = ClientMixin.force_login


def sign_in(client, user, backend=None, *, second_factor: bool = True) -> None:
    """Logs ``user`` in on ``client``; with ``second_factor``, as past a confirmed TOTP device
    (created if need be) when their roles require one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.second_factor import second_factor_required

    _force_login(client, user, backend)
    # A fresh copy: the roles' answer is cached on the object, and a test may change them.
    if not (second_factor and second_factor_required(type(user).objects.get(pk=user.pk))):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """Most tests are about what a signed-in person sees, not about signing in: their
    ``force_login`` passes the second factor too (see the module's docstring)."""
    monkeypatch.setattr(ClientMixin, "force_login", sign_in)


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
