"""The import pages: who may upload what, who sees which run, and the status page."""

import gzip
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from incidents.choices import ImportKind, ImportStatus
from incidents.models import ImportRun, Report
from incidents.tasks import import_run_execute_task, import_runs_requeue_stale_task

POLICE_NEW = reverse("incidents:import_police_create")
CSV_NEW = reverse("incidents:import_csv_create")
LIST = reverse("incidents:import_run_list")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def events_file(name="handelser.json.gz", count=3):
    events = [
        {
            "id": 800000 + n,
            "datetime": "2025-06-07 7:32:06 +02:00",
            "name": f"7 juni 0{n}.15, Misshandel, Göteborg",
            "summary": "Bråk vid Hjällbo torg.",
            "url": "/aktuellt/handelser/",
            "type": "Misshandel",
            "location": {"name": "Göteborg", "gps": "57.70887,11.97456"},
        }
        for n in range(count)
    ]
    return SimpleUploadedFile(name, gzip.compress(json.dumps(events).encode()))


def csv_file(rows=("klotter;Tag på busskur",)):
    when = (timezone.localdate() - timedelta(days=1)).isoformat() + " 20:00"
    text = "occurred_at;category;description\n" + "".join(f"{when};{row}\n" for row in rows)
    return SimpleUploadedFile("rapporter.csv", text.encode())


def make_run(organisation, kind=ImportKind.POLICE_EVENTS, **fields):
    return ImportRun.objects.create(
        kind=kind, organisation=organisation, file_name="x.json", **fields
    )


def upload(client, django_capture_on_commit_callbacks, url, organisation, file):
    """POST an upload; the task is captured, not sent, and returned for the test to run."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"organisation": organisation.pk, "file": file})
    return response, callbacks


# Who may upload.


@pytest.mark.parametrize("url", [LIST, POLICE_NEW, CSV_NEW, "/importer/1/"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("police_centrum", POLICE_NEW, 200),
        ("manager_police_centrum", POLICE_NEW, 200),
        ("social_centrum", POLICE_NEW, 403),  # an analyst, but of social services
        ("police_hisingen", POLICE_NEW, 403),  # police, but a reporter
        ("partner", POLICE_NEW, 403),
        ("coordinator", POLICE_NEW, 403),
        ("partner", CSV_NEW, 200),
        ("police_hisingen", CSV_NEW, 200),
        ("social_centrum", CSV_NEW, 200),
        ("coordinator", CSV_NEW, 403),
        ("administrator", CSV_NEW, 403),
        ("outsider", CSV_NEW, 403),
    ],
)
def test_it_lets_only_the_right_roles_open_an_upload_form(client, request, who, url, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        # A page that says why, not the bare 403.
        assert "incidents/import_denied.html" in [t.name for t in response.templates]
        assert "får importera" in str(response.context["message"])


def test_it_refuses_a_police_upload_from_a_social_services_analyst(
    client, social_centrum, organisations, django_capture_on_commit_callbacks
):
    client.force_login(social_centrum)
    response, callbacks = upload(
        client,
        django_capture_on_commit_callbacks,
        POLICE_NEW,
        organisations["lpo_city"],
        events_file(),
    )
    assert response.status_code == 403
    assert not callbacks
    assert not ImportRun.objects.exists()


def test_it_refuses_an_upload_for_an_organisation_the_user_is_not_in(
    client, police_centrum, organisations, django_capture_on_commit_callbacks
):
    client.force_login(police_centrum)
    response, _ = upload(
        client,
        django_capture_on_commit_callbacks,
        POLICE_NEW,
        organisations["lpo_hisingen"],
        events_file(),
    )
    assert response.status_code == 400  # not among the form's choices
    assert not ImportRun.objects.exists()


def test_it_refuses_a_file_of_the_wrong_kind(
    client, police_centrum, organisations, django_capture_on_commit_callbacks
):
    client.force_login(police_centrum)
    response, _ = upload(
        client,
        django_capture_on_commit_callbacks,
        POLICE_NEW,
        organisations["lpo_city"],
        SimpleUploadedFile("bild.png", b"\x89PNG"),
    )
    assert response.status_code == 400
    assert not ImportRun.objects.exists()


# Who sees which run.


def test_it_shows_a_run_only_to_members_of_its_organisation(
    client, organisations, police_centrum, manager_police_centrum, social_centrum, partner
):
    run = make_run(organisations["lpo_city"], status=ImportStatus.DONE)
    url = reverse("incidents:import_run_detail", args=[run.pk])
    for user, status in [
        (police_centrum, 200),
        (manager_police_centrum, 200),
        (social_centrum, 404),
        (partner, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_it_lists_only_the_runs_of_the_users_organisations(client, organisations, partner):
    own = make_run(organisations["bostad"], kind=ImportKind.CSV, status=ImportStatus.DONE)
    other = make_run(organisations["lpo_city"], status=ImportStatus.DONE)
    client.force_login(partner)
    response = client.get(LIST)
    runs = list(response.context["runs"])
    assert own in runs and other not in runs
    assert reverse("incidents:import_run_detail", args=[other.pk]) not in response.content.decode()


def test_it_lets_no_one_outside_the_organisation_decide_about_a_run(
    client, organisations, partner, social_centrum
):
    run = make_run(
        organisations["bostad"], kind=ImportKind.CSV, status=ImportStatus.AWAITING_DECISION
    )
    client.force_login(social_centrum)
    url = reverse("incidents:import_run_decide", args=[run.pk])
    assert client.post(url, {"decision": "cancel"}).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportStatus.AWAITING_DECISION


# Upload, task, status page.


def test_it_uploads_runs_the_task_and_shows_the_summary(
    client, police_centrum, organisations, django_capture_on_commit_callbacks
):
    client.force_login(police_centrum)
    response, callbacks = upload(
        client,
        django_capture_on_commit_callbacks,
        POLICE_NEW,
        organisations["lpo_city"],
        events_file(count=3),
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:import_run_detail", args=[run.pk])
    assert len(callbacks) == 1
    assert run.status == ImportStatus.PENDING
    assert run.started_by == police_centrum
    assert run.file_name == "handelser.json.gz"
    assert run.file.name.startswith("imports/")

    waiting = client.get(response.url)
    page = waiting.content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page
    assert 'role="status"' in page

    import_run_execute_task(run.pk)

    partial = client.get(response.url + "?shown=running", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body
    assert "hx-trigger" not in body  # finished: the polling stops
    assert 'id="import-announcer" hx-swap-oob="innerHTML"' in body
    assert partial.context["counts"]["imported"] == 3
    assert Report.objects.filter(organisation=organisations["lpo_city"]).count() == 3


def test_it_polls_without_announcing_when_nothing_changed(client, organisations, police_centrum):
    run = make_run(organisations["lpo_city"], status=ImportStatus.RUNNING, total=200, processed=50)
    client.force_login(police_centrum)
    url = reverse("incidents:import_run_detail", args=[run.pk]) + "?shown=running"
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'max="200" value="50"' in body
    assert "25 %" in body
    assert "hx-swap-oob" not in body


def test_it_does_not_import_twice_when_the_task_runs_twice(
    client, police_centrum, organisations, django_capture_on_commit_callbacks
):
    client.force_login(police_centrum)
    upload(
        client,
        django_capture_on_commit_callbacks,
        POLICE_NEW,
        organisations["lpo_city"],
        events_file(count=2),
    )
    run = ImportRun.objects.get()

    import_run_execute_task(run.pk)
    import_run_execute_task(run.pk)

    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert run.counts["imported"] == 2
    assert Report.objects.count() == 2
    assert AuditEvent.objects.filter(action="import.police_events").count() == 1


def test_it_leaves_a_running_run_to_the_worker_that_claimed_it(organisations):
    run = make_run(organisations["lpo_city"], status=ImportStatus.RUNNING)
    import_run_execute_task(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING


def test_it_logs_and_returns_when_the_run_is_gone(db):
    import_run_execute_task(987654)  # nothing to claim, nothing raised


def test_it_asks_about_bad_csv_rows_on_the_status_page_and_imports_the_good_ones(
    client, partner, organisations, django_capture_on_commit_callbacks
):
    client.force_login(partner)
    _, enqueued = upload(
        client,
        django_capture_on_commit_callbacks,
        CSV_NEW,
        organisations["bostad"],
        csv_file(["klotter;Bra", "okand;Dålig", "klotter;Också bra"]),
    )
    run = ImportRun.objects.get()
    assert len(enqueued) == 1
    import_run_execute_task(run.pk)

    page = client.get(reverse("incidents:import_run_detail", args=[run.pk]))
    assert page.context["awaiting_decision"] and page.context["may_decide"]
    body = page.content.decode()
    assert 'value="import_good_rows"' in body
    assert "hx-trigger" not in body  # waiting for the user, not for the worker
    assert [row["line"] for row in page.context["problems"]] == [3]
    assert not Report.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as decided:
        response = client.post(
            reverse("incidents:import_run_decide", args=[run.pk]),
            {"decision": "import_good_rows"},
        )
    assert response.status_code == 302
    assert len(decided) == 1
    import_run_execute_task(run.pk)
    assert Report.objects.count() == 2

    # A second click after the decision changes nothing.
    again = client.post(
        reverse("incidents:import_run_decide", args=[run.pk]), {"decision": "cancel"}, follow=True
    )
    assert again.status_code == 200
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE


def test_it_sends_again_the_runs_whose_message_was_lost(organisations, monkeypatch):
    sent = []
    monkeypatch.setattr(import_run_execute_task, "delay", sent.append)
    lost = make_run(organisations["lpo_city"])
    ImportRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    make_run(organisations["lpo_city"])  # just uploaded: its message is on its way
    busy = make_run(organisations["lpo_city"], status=ImportStatus.RUNNING)
    ImportRun.objects.filter(pk=busy.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert import_runs_requeue_stale_task() == 1
    assert sent == [lost.pk]


def test_it_keeps_the_upload_when_the_broker_cannot_be_reached(
    client, police_centrum, organisations, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(run_id):
        raise ConnectionError("redis is gone")

    monkeypatch.setattr(import_run_execute_task, "delay", broker_down)
    client.force_login(police_centrum)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            POLICE_NEW, {"organisation": organisations["lpo_city"].pk, "file": events_file()}
        )
    assert response.status_code == 302
    assert ImportRun.objects.get().status == ImportStatus.PENDING  # for the sweep


def test_it_lists_runs_in_a_fixed_number_of_queries(
    client, organisations, police_centrum, django_assert_max_num_queries
):
    for _ in range(30):
        make_run(organisations["lpo_city"], status=ImportStatus.DONE, started_by=police_centrum)
    client.force_login(police_centrum)
    client.get(LIST)  # the session and the access, once
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["runs"]) == 25
