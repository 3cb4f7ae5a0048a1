"""A partner system's whole flow, as a plain HTTP client against a live server: get a token
(the service behind ``create_api_client``), file reports one by one and in a batch, retry
safely, read them back, find them counted in the overview, and be refused once the token is
revoked."""

import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from accounts.api.services import api_client_create, api_client_revoke
from accounts.choices import ApiScope
from accounts.models import Organisation
from areas.models import District
from overview.services.rollup import rollup_changes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_walks_the_partner_flow_end_to_end(live_server, organisations):
    created = api_client_create(
        name="poseidon-felanmalan",
        organisation=Organisation.objects.get(slug="bostadsbolaget"),
        scopes=[ApiScope.REPORTS_READ, ApiScope.REPORTS_WRITE, ApiScope.OVERVIEW_READ],
        districts=[District.objects.get(slug="nordost")],
        expires_at=timezone.now() + timedelta(days=365),
        actor_label="test",
    )
    api = f"{live_server.url}/api/v1"
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {created.token}"

    me = session.get(f"{api}/me/", timeout=10)
    assert me.status_code == 200
    assert me.json()["districts"] == ["nordost"]

    places = session.get(f"{api}/places/", params={"page_size": 100}, timeout=10).json()
    nordost_places = [p["slug"] for p in places["results"] if p["district"] == "nordost"]
    when = (timezone.now() - timedelta(hours=3)).isoformat()

    def report(number, place):
        return {
            "category": "skadegorelse",
            "occurred_at": when,
            "place": place,
            "description": f"Krossad ruta i trapphus {number}",
            "severity": 2,
            "external_id": f"POS-{number}",
        }

    key = str(uuid.uuid4())
    first = session.post(
        f"{api}/reports/", json=report(1, nordost_places[0]), headers={"Idempotency-Key": key}
    )
    assert first.status_code == 201, first.text
    retry = session.post(
        f"{api}/reports/", json=report(1, nordost_places[0]), headers={"Idempotency-Key": key}
    )
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]

    batch = [
        report(number, nordost_places[number % len(nordost_places)]) for number in range(1, 31)
    ]
    filed = session.post(f"{api}/reports/bulk/", json={"reports": batch}, timeout=60)
    assert filed.status_code == 200, filed.text
    assert (filed.json()["created"], filed.json()["existing"]) == (29, 1)

    seen, url = [], f"{api}/reports/?district=nordost&category=skadegorelse&page_size=10"
    while url:
        page = session.get(url, timeout=10)
        assert page.status_code == 200
        seen += page.json()["results"]
        url = page.json()["next"]
    assert sorted(r["external_id"] for r in seen) == sorted(f"POS-{n}" for n in range(1, 31))
    assert {r["organisation"] for r in seen} == {"bostadsbolaget"}

    one = session.get(f"{api}/reports/{first.json()['id']}/", timeout=10)
    assert one.json()["description"] == "Krossad ruta i trapphus 1"

    # The overview counts them once the rollup has folded them in (in production a worker
    # does within seconds; its freshness has tests of its own). All 30 are the partner's own,
    # so every figure is exact, however small.
    rollup_changes()
    today = timezone.localdate()
    counts = session.get(
        f"{api}/overview/counts/",
        params={
            "grain": "day",
            "start": (today - timedelta(days=1)).isoformat(),
            "end": today.isoformat(),
            "district": "nordost",
            "category": "skadegorelse",
            "by": "district,category",
        },
        timeout=10,
    )
    assert counts.status_code == 200, counts.text
    assert counts.json()["computed_at"] is not None
    rows = counts.json()["results"]
    assert {(row["district"], row["category"]) for row in rows} == {("nordost", "skadegorelse")}
    assert sum(row["reports"] for row in rows) == 30
    assert sum(row["severity_sum"] for row in rows) == 30 * 2

    api_client_revoke(client=created.client, actor_label="test")
    refused = session.get(f"{api}/reports/", timeout=10)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"].startswith("application/json")
