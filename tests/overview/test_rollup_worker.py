"""The rollups through real Celery workers: fresh within seconds, exact after every write, after
two workers at once, after a worker killed (SIGKILL) in the middle of a job, and after Redis was
down while a report was filed."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from incidents.models import Category, Report
from incidents.signals import reports_written
from overview.choices import RollupKind, RollupStatus
from overview.models import ReportChange, ReportDayCount, RollupRun
from overview.services.rollup import rollup_changes
from overview.tasks import rollup_changes_task, rollup_sweep_task
from tests.overview.conftest import DAY, assert_rollups_exact, expected_days, stored
from tests.workers import WorkerProcess
from trygg.embedded import EmbeddedRedis

BASE_DIR = Path(__file__).resolve().parent.parent.parent
pytestmark = [
    pytest.mark.celery_worker,
    # Workers are other processes: they see only committed rows. serialized_rollback puts
    # back the categories the migrations seeded, which the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_until_folded(timeout: float = 30) -> float:
    """Seconds until no change waits and the day rollup equals the reports; fails after
    ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not ReportChange.objects.exists() and stored(ReportDayCount, DAY) == expected_days():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"the rollups did not catch up within {timeout} s")


def test_it_shows_a_filed_report_within_seconds_and_follows_every_change(
    client, social_centrum, category, geography, organisations, make_report
):
    worker = WorkerProcess("rollup-fresh").start()
    try:
        client.force_login(social_centrum)
        response = client.post(
            reverse("incidents:report_create"),
            {
                "organisation": organisations["sf_centrum"].pk,
                "category": category.pk,
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "description": "Langning vid trappan",
                "place_name": "Brunnsparken",
                "severity": "3",
                "confidentiality": "partnership",
            },
        )
        assert response.status_code == 302
        assert wait_until_folded(timeout=10) < 10
        assert ReportDayCount.objects.get().reports == 1

        # An edit that moves the report to another district, category and day.
        report = Report.objects.get()
        report.district = geography["hisingen"]
        report.category = Category.objects.get(code="klotter")
        report.occurred_at -= timezone.timedelta(days=3)
        report.save()
        wait_until_folded()
        # A bulk write (as the police import does) and a delete.
        with transaction.atomic():
            made = [make_report(hours_ago=hours) for hours in range(1, 40)]
            Report.objects.filter(pk__in=[r.pk for r in made[:10]]).update(severity=4)
            reports_written.send(sender=Report)
        wait_until_folded()
        report.delete()
        wait_until_folded()
        assert_rollups_exact()
    finally:
        worker.stop()
    assert not RollupRun.objects.exclude(status=RollupStatus.DONE).exists()


def test_it_stays_exact_with_two_workers_and_every_job_sent_twice(make_report, geography):
    workers = [WorkerProcess(f"rollup-{n}").start() for n in (1, 2)]
    try:
        districts = ["centrum", "hisingen", "nordost", None]
        for round_number in range(20):
            for n in range(5):
                make_report(district=districts[n % 4], hours_ago=1 + round_number * 7 + n)
            # The report's own wake-up, and more: duplicates and sweeps on both workers.
            rollup_changes_task.delay()
            rollup_changes_task.delay()
            if round_number % 5 == 0:
                rollup_sweep_task.delay()
        wait_until_folded(timeout=60)
        # Jobs sent again with nothing left to do change nothing (and leave no run).
        folds = RollupRun.objects.filter(kind=RollupKind.CHANGES)
        runs = folds.count()
        for _ in range(4):
            rollup_changes_task.delay()
        time.sleep(1)
        assert folds.count() == runs
        assert_rollups_exact()
    finally:
        for worker in workers:
            worker.stop()
    assert not RollupRun.objects.filter(status=RollupStatus.FAILED).exists()


def _separate_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=False)


def _waiting_rollup_backend(monitor: psycopg.Connection) -> int | None:
    row = monitor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE %s",
        ["%overview_reportchange%"],
    ).fetchone()
    monitor.commit()
    return row[0] if row else None


def test_it_stays_exact_when_a_worker_is_killed_in_the_middle_of_a_job(make_report):
    for _ in range(5):
        make_report()
    rollup_changes()
    before = stored(ReportDayCount, DAY)
    # Another transaction holds the rollup's rows, so the job that folds the next reports
    # blocks half way through its fold: it has consumed the queued changes and written other
    # rows, not yet committed. (The worker starts first: its start-up sweep has nothing to do.)
    worker = WorkerProcess("rollup-killed").start()
    with _separate_connection() as blocker, _separate_connection() as monitor:
        try:
            blocker.execute("SELECT 1 FROM overview_reportdaycount FOR UPDATE")
            for hours in range(1, 30):
                make_report(hours_ago=hours)  # the first ones fall in a locked bucket
            deadline = time.monotonic() + 20
            while _waiting_rollup_backend(monitor) is None:
                assert time.monotonic() < deadline, "the job never reached the locked row"
                time.sleep(0.1)
        finally:
            worker.kill()
            blocker.rollback()  # the killed job's statement goes on, and is rolled back
        deadline = time.monotonic() + 20
        while _waiting_rollup_backend(monitor) is not None:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    # Nothing of the killed job stayed: the changes wait, the counts are as they were.
    assert ReportChange.objects.exists()
    assert stored(ReportDayCount, DAY) == before
    assert RollupRun.objects.filter(status=RollupStatus.RUNNING).count() == 1

    # A worker that starts sweeps at once: the killed run is marked, the counts catch up.
    worker = WorkerProcess("rollup-restarted").start()
    try:
        wait_until_folded(timeout=60)
        assert_rollups_exact()
        deadline = time.monotonic() + 10
        while RollupRun.objects.filter(status=RollupStatus.RUNNING).exists():
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        worker.stop()
    assert RollupRun.objects.filter(status=RollupStatus.INTERRUPTED).count() == 1


def _file_report_through_the_web(environ: dict, social_centrum, organisations, category):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.overview.file_report",
            social_centrum.username,
            str(organisations["sf_centrum"].pk),
            str(category.pk),
        ],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_it_catches_up_by_itself_after_redis_was_down(
    tmp_path, social_centrum, organisations, category
):
    redis = EmbeddedRedis(tmp_path)
    url = redis.start()
    environ = {"REDIS_URL": url, "TRYGG_ROLLUP_SWEEP_SECONDS": "3"}
    worker = WorkerProcess("rollup-redis", environ=environ, beat=True).start()
    try:
        redis.stop()
        web = {
            **os.environ,
            **environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "TRYGG_TEST_WORKER_DATABASE": connection.settings_dict["NAME"],
        }
        filed = _file_report_through_the_web(web, social_centrum, organisations, category)
        assert filed.returncode == 0, filed.stdout + filed.stderr
        assert "periodic sweep will catch up" in filed.stdout + filed.stderr
        # Saved, and its change queued, while nothing could be sent.
        assert Report.objects.count() == 1
        assert ReportChange.objects.exists()
        time.sleep(1)
        assert ReportChange.objects.exists()

        redis.start()  # the same socket: the worker and its beat reconnect by themselves
        wait_until_folded(timeout=90)
        assert_rollups_exact()
    finally:
        worker.stop()
        redis.stop()
