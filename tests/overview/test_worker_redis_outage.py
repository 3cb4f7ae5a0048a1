"""A Celery worker that holds unacknowledged tasks when its Redis goes away for 10 s stays up,
and the overview is exact once Redis is back (issue #10).

The rollup lock is held by another session, so the worker's fold jobs find it busy and are
retried with a countdown: those retries wait in the worker, unacknowledged, when Redis stops.
Before the fix this ended the worker with ``AttributeError("'NoneType' object has no attribute
'hostname'")`` (see ``CELERY_BROKER_TRANSPORT_OPTIONS`` in trygg/settings.py).
"""

import contextlib
import time

import psycopg
import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from incidents.models import Report
from overview.services.rollup import ROLLUP_LOCK
from tests.overview.conftest import assert_rollups_exact
from tests.overview.test_rollup_worker import wait_until_folded
from tests.workers import WorkerProcess
from trygg.embedded import EmbeddedRedis
from trygg.env import celery_broker_url

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _separate_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _unacked(server: EmbeddedRedis) -> int:
    client = redis.Redis(unix_socket_path=str(server.socket_path), socket_timeout=2)
    return client.hlen("unacked")


def _shutdown_nosave(server: EmbeddedRedis) -> None:
    """Redis goes away at once, as a crash would (no final save)."""
    with contextlib.suppress(redis.ConnectionError):
        server._client().shutdown(nosave=True)
    deadline = time.monotonic() + 15
    while server.is_running():
        assert time.monotonic() < deadline, "Redis did not stop"
        time.sleep(0.05)


def test_it_keeps_the_worker_up_when_redis_stops_with_tasks_unacknowledged(tmp_path, make_report):
    server = EmbeddedRedis(tmp_path)
    url = server.start()
    environ = {"REDIS_URL": url, "TRYGG_ROLLUP_SWEEP_SECONDS": "3"}
    worker = WorkerProcess("redis-outage", environ=environ, beat=True, as_make_run=True).start()
    sender = Celery("trygg-test-send", broker=celery_broker_url(url), set_as_current=False)
    try:
        with _separate_connection() as holder:
            # The rollup's own lock, held as a long job would hold it.
            holder.execute("SELECT pg_advisory_lock(%s, %s)", ROLLUP_LOCK)
            held_since = time.monotonic()
            for hours in (1, 2, 3):
                make_report(hours_ago=hours)
                sender.send_task(
                    "overview.rollup_changes", queue=settings.CELERY_TASK_DEFAULT_QUEUE
                )
            # The jobs found the lock busy and wait for their retry, unacknowledged.
            deadline = time.monotonic() + 10
            while _unacked(server) == 0:
                assert time.monotonic() < deadline, "no task was left unacknowledged"
                time.sleep(0.1)

            _shutdown_nosave(server)
            time.sleep(10)
            assert worker.process.poll() is None, "the worker exited while Redis was down"
            server.start()
            time.sleep(max(0, 12 - (time.monotonic() - held_since)))
            holder.execute("SELECT pg_advisory_unlock(%s, %s)", ROLLUP_LOCK)

        wait_until_folded(timeout=90)
        assert_rollups_exact()
        assert Report.objects.count() == 3
        assert worker.process.poll() is None, "the worker exited after Redis came back"
        # And it still takes work: a report filed now is folded too.
        make_report(hours_ago=4)
        sender.send_task("overview.rollup_changes", queue=settings.CELERY_TASK_DEFAULT_QUEUE)
        wait_until_folded(timeout=30)
        assert_rollups_exact()
    finally:
        worker.stop()
        server.stop()
