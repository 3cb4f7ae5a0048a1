"""The portal's runtime database role cannot erase the audit trail, and can do all the rest.

The rights are the ones ``manage.py migrate`` grants in production (``runtime_role_grant``).
The refusals are tried on a connection that logs in as the runtime role, as the portal does;
the portal's own work is tried with ``SET ROLE`` on the test's connection, so that it sees
the test's data.
"""

from datetime import timedelta

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from psycopg import errors

from accounts.choices import Confidentiality
from accounts.database_roles import RuntimeRoleError, runtime_role_grant
from accounts.models import AuditEvent
from accounts.services import audit_record
from incidents.choices import ImportKind, ImportStatus
from incidents.models import Category, Report
from incidents.services.imports import import_run_execute, import_run_start
from incidents.services.reports import report_create
from overview.models import ReportDayCount
from overview.services.rollup import rollup_changes, rollup_full, rollup_sweep

RUNTIME_ROLE = "trygg_runtime_test"
RUNTIME_PASSWORD = "trygg-runtime-test"  # a throwaway role of the test cluster
INSUFFICIENT_PRIVILEGE = "42501"

# Every way to rewrite or silence the trail that the probe tried, and the neighbours of each.
REFUSED = [
    "UPDATE accounts_auditevent SET action = 'erased'",
    "DELETE FROM accounts_auditevent",
    "TRUNCATE accounts_auditevent",
    "TRUNCATE accounts_user CASCADE",
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only",
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER USER",
    "DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent",
    f"ALTER TABLE accounts_auditevent OWNER TO {RUNTIME_ROLE}",
    "ALTER TABLE accounts_auditevent RENAME TO accounts_auditevent_old",
    "DROP TABLE accounts_auditevent",
    "DROP FUNCTION accounts_auditevent_append_only() CASCADE",
    "CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS "
    "$$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql",
    "SET session_replication_role = replica",
    "SET ROLE postgres",
    f"ALTER ROLE {RUNTIME_ROLE} SUPERUSER",
    "CREATE TABLE public.shadow (id int)",
]


@pytest.fixture(scope="session")
def runtime_role(django_db_setup, django_db_blocker):
    """The runtime role with the production grants in the test database. Roles belong to
    the whole cluster, which other test runs share: the role is kept, and a run that lost
    the race to create it grants again."""
    with django_db_blocker.unblock():
        for attempt in range(3):
            try:
                with transaction.atomic():
                    runtime_role_grant(role=RUNTIME_ROLE, password=RUNTIME_PASSWORD)
                break
            except DatabaseError:
                if attempt == 2:
                    raise
    return RUNTIME_ROLE


@pytest.fixture
def runtime_connection(runtime_role, db):
    """A connection that logs in as the runtime role; whatever it did is rolled back."""
    settings = connection.settings_dict
    conn = psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=runtime_role,
        password=RUNTIME_PASSWORD,
    )
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


@pytest.fixture
def category(db):
    return Category.objects.get(code="narkotikahandel")


@pytest.fixture
def as_runtime_role(runtime_role, db):
    """The test's own connection acts as the runtime role from here on (until the test's
    transaction is rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {runtime_role}")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == runtime_role


@pytest.mark.parametrize("statement", REFUSED)
def test_it_refuses_the_runtime_role_every_way_to_erase_the_audit_trail(
    runtime_connection, statement
):
    with pytest.raises(errors.InsufficientPrivilege) as refused:
        runtime_connection.execute(statement)
    assert refused.value.sqlstate == INSUFFICIENT_PRIVILEGE


def test_it_lets_the_runtime_role_append_to_and_read_the_audit_trail(runtime_connection):
    assert runtime_connection.execute("SELECT current_user").fetchone() == (RUNTIME_ROLE,)
    assert runtime_connection.execute(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone() == (False,)
    runtime_connection.execute(
        "INSERT INTO accounts_auditevent (at, actor_label, action, object_id, object_repr, "
        "details) VALUES (now(), 'job', 'test.appended', '', '', '{}')"
    )
    count = runtime_connection.execute(
        "SELECT count(*) FROM accounts_auditevent WHERE action = 'test.appended'"
    ).fetchone()
    assert count == (1,)


def test_it_refuses_a_superuser_as_the_runtime_role(db):
    with pytest.raises(RuntimeRoleError, match="superuser"):
        runtime_role_grant(role="postgres")


def test_it_keeps_the_trail_as_it_was_after_every_attempt(as_runtime_role, coordinator):
    event = audit_record(action="test.kept", actor=coordinator)
    # SET ROLE is refused to a session that logged in as the runtime role (above), not to
    # this one, whose session user is the owner.
    for statement in (s for s in REFUSED if not s.startswith("SET ROLE")):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.kept"


def test_it_runs_the_web_side_as_the_runtime_role(
    as_runtime_role, client, police_centrum, category, organisations
):
    # A real log-in: axes' attempt log, the session row, the login's audit entry.
    assert (
        client.post(
            reverse("login"), {"username": "polis.centrum", "password": "test-password-123"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("incidents:report_create"),
        {
            "organisation": organisations["lpo_city"].pk,
            "category": category.pk,
            "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": "Langning vid trappan",
            "place_name": "Brunnsparken",
            "severity": "3",
            "confidentiality": Confidentiality.ORGANISATION,
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    for url in (
        reverse("incidents:report_list"),
        reverse("incidents:report_list") + "?q=trappan",
        reverse("incidents:report_export"),
        reverse("incidents:report_detail", args=[report.pk]),
        reverse("incidents:my_reports"),
        "/api/v1/reports/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response) if response.streaming else response.content
    assert client.post(reverse("logout")).status_code == 302
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "auth.login",
        "report.created",
        "report.listed",
        "report.exported",
        "report.viewed",
        "auth.logout",
    }


def test_it_runs_the_overview_jobs_as_the_runtime_role(
    as_runtime_role, police_centrum, category, organisations
):
    report_create(
        actor=police_centrum,
        organisation=organisations["lpo_city"],
        category=category,
        occurred_at=timezone.now() - timedelta(hours=2),
        description="Bilbrand på parkeringen",
        place=None,
        latitude=None,
        longitude=None,
    )
    # The fold and the sweep take the advisory lock; the full rebuild truncates.
    assert rollup_changes(wait=True) is not None
    rollup_sweep(wait=True)
    assert rollup_full().rows_written >= 1
    call_command("rollup", "--full", verbosity=0)
    assert ReportDayCount.objects.filter(reports=1).exists()


def test_it_loads_geography_and_imports_as_the_runtime_role(
    as_runtime_role, partner, organisations, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_geography", verbosity=0)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    text = (
        "external_id;occurred_at;category;description;latitude;longitude;place;severity\n"
        f"A-1;{day} 21:30;klotter;Klotter på dörren;57,7696;12,0221;;1\n"
    )
    with django_capture_on_commit_callbacks(execute=False):
        started = import_run_start(
            actor=partner,
            organisation=organisations["bostad"],
            kind=ImportKind.CSV,
            uploaded_file=SimpleUploadedFile("r.csv", text.encode(), "text/csv"),
        )
    assert import_run_execute(run_id=started.pk).status == ImportStatus.DONE


def test_it_seeds_the_demo_as_the_runtime_role(as_runtime_role, geography, settings):
    settings.TRYGG_DEMO = True
    call_command("seed_demo", verbosity=0, days=30)
    assert Report.objects.filter(confidentiality=Confidentiality.ORGANISATION).exists()
