import pytest
from django.test import override_settings

from tests.workers import WorkerProcess


def test_it_says_ok_to_anyone_while_the_process_serves(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.celery_worker
@pytest.mark.django_db
def test_it_is_ready_with_a_worker_and_not_once_the_worker_is_gone(client):
    worker = WorkerProcess("readyz").start()
    try:
        response = client.get("/readyz")
        assert response.status_code == 200, response.json()
        assert response.json()["checks"] == {"database": "ok", "redis": "ok", "celery": "ok"}
    finally:
        worker.kill()

    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["celery"]


@pytest.mark.django_db
def test_it_is_not_ready_when_redis_is_gone(client):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert "redis" in body["failed"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("failed: ConnectionError")
