"""Upload → task in a real Celery worker → status page, with committed rows."""

import gzip
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.choices import ImportStatus
from incidents.models import ImportRun, Report
from tests.workers import WorkerProcess


@pytest.mark.celery_worker
# The worker is another process: it sees only committed rows. serialized_rollback puts back
# the categories the migrations seeded, which the flush after a transactional test removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_imports_an_upload_in_the_worker_while_the_status_page_polls(
    client, police_centrum, organisations, settings, tmp_path, monkeypatch
):
    # The worker must find the uploaded file where the web process stored it.
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    events = [
        {
            "id": 700000 + n,
            "datetime": "2025-06-07 9:02:00 +02:00",
            "name": f"7 juni 0{n % 9}.15, Rån, Göteborg",
            "summary": "Rån vid Hjällbo torg." if n % 2 else "Rån på en buss.",
            "url": "/aktuellt/handelser/",
            "type": "Rån",
            "location": {"name": "Göteborg", "gps": "57.70887,11.97456"},
        }
        for n in range(40)
    ]
    payload = SimpleUploadedFile("handelser.json.gz", gzip.compress(json.dumps(events).encode()))
    worker = WorkerProcess("imports").start()
    try:
        client.force_login(police_centrum)
        response = client.post(
            reverse("incidents:import_police_create"),
            {"organisation": organisations["lpo_city"].pk, "file": payload},
        )
        assert response.status_code == 302
        run = ImportRun.objects.get()

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            partial = client.get(
                response.url + f"?shown={run.status}", headers={"HX-Request": "true"}
            )
            run.refresh_from_db()
            if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
                break
            assert 'hx-trigger="every 1s"' in partial.content.decode()
            time.sleep(0.2)
    finally:
        worker.stop()

    assert run.status == ImportStatus.DONE, run.message
    assert run.processed == run.total == 40
    assert Report.objects.filter(organisation=organisations["lpo_city"]).count() == 40
    final = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in final
