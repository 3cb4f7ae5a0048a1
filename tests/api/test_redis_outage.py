"""Writes while Redis is down (issue #10): the form and the API still accept reports, which are
folded once Redis is back; the API throttle falls back to a per-process count and says so;
``/readyz`` names Redis while ``/healthz`` stays 200. Each test stops a Redis of its own."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from rest_framework.settings import api_settings

from incidents.models import Report
from overview.models import ReportChange
from tests.overview.conftest import assert_rollups_exact
from tests.overview.test_rollup_worker import wait_until_folded
from tests.workers import WorkerProcess
from trygg.embedded import EmbeddedRedis

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "trygg",
        }
    }


@pytest.fixture
def own_redis(tmp_path):
    server = EmbeddedRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_accepts_reports_from_the_form_and_the_api_while_redis_is_down_and_folds_them_after(
    own_redis, social_centrum, organisations, category, make_api_client
):
    token = make_api_client().token
    environ = {"REDIS_URL": own_redis.url, "TRYGG_ROLLUP_SWEEP_SECONDS": "3"}
    worker = WorkerProcess("writes-outage", environ=environ, beat=True).start()
    try:
        own_redis.stop()
        web = {
            **os.environ,
            **environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "TRYGG_TEST_WORKER_DATABASE": connection.settings_dict["NAME"],
        }
        filed = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.api.write_during_outage",
                social_centrum.username,
                str(organisations["sf_centrum"].pk),
                str(category.pk),
                token,
            ],
            cwd=BASE_DIR,
            env=web,
            capture_output=True,
            text=True,
            timeout=90,
        )
        output = filed.stdout + filed.stderr
        assert filed.returncode == 0, output
        assert "form 302" in output and "api 201" in output
        # The wake-up could not be sent, and said so; the throttle fell back and said so.
        assert "periodic sweep will catch up" in output
        assert "limiting per process" in output
        assert Report.objects.count() == 2
        assert ReportChange.objects.exists()

        own_redis.start()
        wait_until_folded(timeout=90)
        assert_rollups_exact()
    finally:
        worker.stop()


@pytest.mark.django_db
def test_it_throttles_per_process_while_redis_is_down_and_says_so(
    own_redis, api, bostad_client, settings, caplog
):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api_client": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    with override_settings(CACHES=_caches(own_redis.url)):
        own_redis.stop()
        with caplog.at_level(logging.WARNING, logger="accounts.api.throttling"):
            answers = [
                api.get("/api/v1/me/", headers=bostad_client.headers).status_code for _ in range(4)
            ]
        # Still a limit, not a 500 and not none.
        assert answers == [200, 200, 200, 429]
        warnings = [r.getMessage() for r in caplog.records if "per process" in r.getMessage()]
        assert len(warnings) == 1  # once per outage, not once per request

        own_redis.start()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="accounts.api.throttling"):
            assert api.get("/api/v1/me/", headers=bostad_client.headers).status_code == 200
        assert "Redis answers again" in caplog.text
        # Counted in Redis again: this Redis holds the count.
        own_redis_client = own_redis._client()
        assert own_redis_client.dbsize() >= 1


@pytest.mark.django_db
def test_it_names_redis_in_readyz_while_healthz_stays_ok(own_redis, client):
    own_redis.stop()
    with override_settings(REDIS_URL=own_redis.url, CACHES=_caches(own_redis.url)):
        started = time.monotonic()
        ready = client.get("/readyz")
        elapsed = time.monotonic() - started
        healthy = client.get("/healthz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["failed"] == ["redis", "celery"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("failed: ConnectionError")
    assert body["checks"]["celery"] == "skipped: redis is down"
    assert elapsed < 5
    assert healthy.status_code == 200
    assert healthy.json() == {"status": "ok"}
