"""Changes of people, rights and reference data are audited wherever they are made, and
password changes too; never a password or token hash."""

import json
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import Role
from accounts.models import AuditEvent, Membership, Organisation, User
from areas.models import Place
from incidents.models import Category
from plans.models import PriorityWeights

NEW_PASSWORD = "ett-nytt-losenord-2026"


def events(action, target=None):
    found = AuditEvent.objects.filter(action=action)
    if target is not None:
        found = found.filter(object_id=str(target.pk), content_type__model=target._meta.model_name)
    return list(found.order_by("id"))


def test_it_records_a_password_changed_on_the_password_page(client, police_centrum):
    client.force_login(police_centrum)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-password-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    (event,) = events("auth.password_changed", police_centrum)
    assert event.actor == police_centrum
    assert event.ip_address == "127.0.0.1"
    assert "password" not in json.dumps(event.details)


def test_it_records_a_password_set_by_an_administrator_in_the_admin(admin_client, social_centrum):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[social_centrum.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    (event,) = events("auth.password_changed", social_centrum)
    assert event.actor.username == "admin"


def test_it_records_a_password_set_from_the_command_line(police_centrum, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["manage.py", "changepassword"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "polis.centrum", stdout=None)
    (event,) = events("auth.password_changed", police_centrum)
    assert event.actor is None
    assert event.actor_label.startswith("manage.py changepassword (")


def test_it_records_a_password_set_anywhere_without_the_hash(police_centrum):
    police_centrum.set_password(NEW_PASSWORD)
    police_centrum.save()
    (event,) = events("auth.password_changed", police_centrum)
    assert event.actor_label == "system"
    stored = json.dumps([e.details for e in AuditEvent.objects.all()])
    assert police_centrum.password not in stored
    assert "md5$" not in stored and NEW_PASSWORD not in stored


def test_it_does_not_take_a_log_in_for_a_password_change(client, police_centrum):
    client.post(reverse("login"), {"username": "polis.centrum", "password": "test-password-123"})
    assert AuditEvent.objects.filter(action="auth.login", actor=police_centrum).exists()
    assert not events("auth.password_changed", police_centrum)
    assert not events("user.changed", police_centrum)


def test_it_records_a_role_change_in_the_admin_with_who_and_old_and_new(
    admin_client, police_centrum, organisations
):
    membership = Membership.objects.get(user=police_centrum)
    response = admin_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {
            "user": police_centrum.pk,
            "organisation": membership.organisation_id,
            "role": Role.MANAGER,
            "districts": [d.pk for d in membership.districts.all()],
        },
    )
    assert response.status_code == 302
    # (The cast's districts were recorded when the fixture gave them.)
    (event,) = [e for e in events("membership.changed", membership) if "changes" in e.details]
    assert event.actor.username == "admin"
    assert event.details == {"changes": {"role": [Role.ANALYST, Role.MANAGER]}}


def test_it_records_memberships_given_and_taken_with_their_districts(
    police_centrum, organisations, hisingen, centrum
):
    membership = Membership.objects.create(
        user=police_centrum, organisation=organisations["lpo_hisingen"], role=Role.REPORTER
    )
    membership.districts.add(hisingen)
    membership.districts.remove(hisingen)
    (created,) = events("membership.created", membership)
    assert created.details["fields"]["role"] == Role.REPORTER
    assert created.details["fields"]["user"] == police_centrum.pk
    added, removed = events("membership.changed", membership)
    assert added.details == {"field": "districts", "added": [hisingen.pk]}
    assert removed.details == {"field": "districts", "removed": [hisingen.pk]}
    pk = membership.pk
    membership.delete()
    assert AuditEvent.objects.filter(action="membership.deleted", object_id=str(pk)).exists()


def test_it_records_user_changes_and_rights_but_no_secrets(police_centrum):
    police_centrum.is_staff = True
    police_centrum.email = "per@example.org"
    police_centrum.save()
    (event,) = events("user.changed", police_centrum)
    assert event.details == {
        "changes": {"is_staff": [False, True], "email": ["", "per@example.org"]}
    }
    group = Group.objects.create(name="Granskare")
    police_centrum.groups.add(group)
    assert events("user.changed", police_centrum)[-1].details == {
        "field": "groups",
        "added": [group.pk],
    }
    (created,) = events("user.created", User.objects.create_user("ny", password=NEW_PASSWORD))
    assert "password" not in created.details["fields"]


def test_it_records_organisation_area_vocabulary_and_weight_changes(geography, coordinator):
    organisation = Organisation.objects.get(slug="lpo-city")
    organisation.name = "LPO Centrum"
    organisation.save()
    assert events("organisation.changed", organisation)[0].details == {
        "changes": {"name": ["LPO City", "LPO Centrum"]}
    }
    district = geography["centrum"]
    district.name = "Centrum <b>"
    district.boundary = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    district.save()
    (event,) = events("district.changed", district)
    # A boundary is too large for the trail: it says that it changed, not how.
    assert event.details == {"changes": {"name": ["Centrum", "Centrum <b>"], "boundary": "changed"}}
    place = Place.objects.first()
    pk = place.pk
    place.delete()
    assert AuditEvent.objects.filter(action="place.deleted", object_id=str(pk)).exists()
    category = Category.objects.get(code="klotter")
    category.name = "Klotter och tags"
    category.save()
    assert events("category.changed", category)
    weights = PriorityWeights.objects.create(
        version=99, frequency=20, trend=20, severity=20, concern=20, vulnerability=10, influence=10
    )
    assert events("priorityweights.created", weights)[0].details["fields"]["frequency"] == 20


def test_it_records_what_a_geography_load_wrote(db, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["manage.py", "load_geography"])
    call_command("load_geography", verbosity=0)
    (event,) = events("geography.loaded")
    assert event.details["districts"] == {"created": 4}
    assert event.actor_label.startswith("manage.py load_geography")
    call_command("load_geography", verbosity=0)  # nothing new: nothing to record
    assert len(events("geography.loaded")) == 1


@pytest.mark.parametrize("field", ["token_hash", "token_prefix"])
def test_it_never_records_an_api_token(field, organisations):
    from accounts.api.services import api_client_create

    created = api_client_create(
        name="Larmcentralen",
        organisation=organisations["bostad"],
        scopes=[],
        districts=[],
        expires_at=None,
    )
    client = created.client
    stored = json.dumps([e.details for e in AuditEvent.objects.all()])
    assert getattr(client, field) not in stored
    assert created.token not in stored
