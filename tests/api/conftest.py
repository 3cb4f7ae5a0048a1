"""API fixtures: API clients (partner systems) beside the fixed cast of tests/conftest.py.

| fixture             | organisation   | scopes                       | districts |
|---------------------|----------------|------------------------------|-----------|
| bostad_client       | Bostadsbolaget | reports:read, reports:write  | Nordost   |
| bostad_reader       | Bostadsbolaget | reports:read                 | Nordost   |
| bostad_writer       | Bostadsbolaget | reports:write                | Nordost   |
| bostad_unscoped     | Bostadsbolaget | overview:read                | Nordost   |

Each is a ``Caller``: ``.headers`` to send, ``.client`` the ApiClient row.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.services import api_client_create
from accounts.choices import ApiScope
from accounts.models import ApiClient
from tests.incidents.conftest import category, make_report  # noqa: F401  (shared fixtures)

READ, WRITE = ApiScope.REPORTS_READ, ApiScope.REPORTS_WRITE


@dataclass
class Caller:
    client: ApiClient
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(db):
    # Request counts live in Redis (this suite's own database number); start each test at 0.
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_api_client(organisations, geography):
    def make(
        name="bostad-felanmalan",
        *,
        organisation="bostad",
        scopes=(READ, WRITE),
        districts=("nordost",),
        expires_in=timedelta(days=30),
    ) -> Caller:
        created = api_client_create(
            name=name,
            organisation=organisations[organisation],
            scopes=list(scopes),
            districts=[geography[slug] for slug in districts],
            expires_at=timezone.now() + expires_in if expires_in is not None else None,
        )
        return Caller(created.client, created.token)

    return make


@pytest.fixture
def bostad_client(make_api_client):
    return make_api_client()


@pytest.fixture
def bostad_reader(make_api_client):
    return make_api_client("bostad-statistik", scopes=(READ,))


@pytest.fixture
def bostad_writer(make_api_client):
    return make_api_client("bostad-inrapportering", scopes=(WRITE,))


@pytest.fixture
def bostad_unscoped(make_api_client):
    return make_api_client("bostad-oversikt", scopes=(ApiScope.OVERVIEW_READ,))


def report_payload(**fields) -> dict:
    """A valid report for the API: Hjällbo centrum lies in Nordost."""
    return {
        "category": "narkotikahandel",
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "place": "hjallbo-centrum",
        "description": "Langning vid trappan mot torget",
        **fields,
    }
