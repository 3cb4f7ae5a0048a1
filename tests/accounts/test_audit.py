import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

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
