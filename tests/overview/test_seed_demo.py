import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, User
from accounts.scoping import access_for


def test_it_creates_the_demo_users_once(geography, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert set(User.objects.values_list("username", flat=True)) == {
        "samordnare",
        "polis.centrum",
        "social.centrum",
        "social.hisingen",
        "partner.bostad",
    }
    user = User.objects.get(username="polis.centrum")
    assert user.check_password(settings.TRYGG_DEMO_PASSWORD)
    assert access_for(user).district_ids() == frozenset({geography["centrum"].pk})
    assert access_for(User.objects.get(username="samordnare")).is_coordinator


def test_it_refuses_to_run_in_production(geography, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
