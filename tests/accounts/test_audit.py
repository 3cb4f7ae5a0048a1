import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import audit_record


def test_it_records_who_did_what_to_which_object_and_from_where(police_centrum, centrum):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = police_centrum
    event = audit_record(
        action="district.viewed", target=centrum, request=request, details={"reason": "test"}
    )
    event.refresh_from_db()
    assert event.actor == police_centrum
    assert event.actor_label == "polis.centrum"
    assert event.object_repr == "Centrum"
    assert event.object_id == str(centrum.pk)
    assert event.content_type.model == "district"
    assert event.ip_address == "10.1.2.3"
    assert event.details == {"reason": "test"}


def test_it_ignores_a_forwarded_address_unless_behind_the_proxy(police_centrum, settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    request.user = police_centrum
    assert audit_record(action="x", request=request).ip_address == "10.0.0.1"
    settings.TRYGG_BEHIND_PROXY = True
    assert audit_record(action="x", request=request).ip_address == "6.6.6.6"


def test_it_names_a_scheduled_job_as_the_actor(db):
    assert audit_record(action="retention.thinned").actor_label == "system"


def test_it_refuses_to_change_or_delete_an_audit_event(db):
    event = audit_record(action="report.exported", actor_label="job")
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    # ...and the database refuses it too, whatever client asks.
    for sql in ("UPDATE accounts_auditevent SET action = 'x'", "DELETE FROM accounts_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql)
    assert AuditEvent.objects.get().action == "report.exported"


def _admin_client(client, administrator):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    return client


def test_it_lets_an_administrator_search_and_filter_the_log(client, administrator, police_centrum):
    audit_record(action="report.viewed", actor=police_centrum, details={})
    audit_record(action="report.listed", actor=police_centrum, details={"ids": [4711, 12]})
    audit_record(action="auth.login", actor=administrator)
    client = _admin_client(client, administrator)
    url = reverse("admin:accounts_auditevent_changelist")
    page = client.get(url, {"action": "report.viewed"})
    assert page.status_code == 200
    assert [e.action for e in page.context["cl"].result_list] == ["report.viewed"]
    # A record's id finds the lists that showed it.
    page = client.get(url, {"q": "4711"})
    assert [e.action for e in page.context["cl"].result_list] == ["report.listed"]
    page = client.get(url, {"actor__id__exact": police_centrum.pk})
    assert {e.action for e in page.context["cl"].result_list} == {"report.viewed", "report.listed"}


def test_it_exports_the_filtered_log_as_csv_and_audits_the_export(
    client, administrator, police_centrum
):
    audit_record(action="report.viewed", actor=police_centrum, details={"why": "=cmd"})
    audit_record(action="auth.login", actor=police_centrum)
    client = _admin_client(client, administrator)
    response = client.get(reverse("admin:accounts_auditevent_export"), {"action": "report.viewed"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,at,actor,actor_id,action")
    assert len(lines) == 2 and ",report.viewed," in lines[1]
    (export,) = AuditEvent.objects.filter(action="audit.exported")
    assert export.actor == administrator
    assert export.details["filters"] == {"action": ["report.viewed"]}


@pytest.mark.parametrize("who", ["police_centrum", "coordinator"])
def test_it_keeps_the_log_and_its_export_from_everyone_but_administrators(client, request, who):
    user = request.getfixturevalue(who)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_auditevent_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_it_offers_no_way_to_add_change_or_delete_an_entry(client, administrator):
    event = audit_record(action="auth.login", actor=administrator)
    client = _admin_client(client, administrator)
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    page = client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    delete = client.post(
        reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
