"""Schemathesis against the live schema and a live server: generated requests, valid ones
(positive) and ones that break the schema (negative), for every operation, with a fixed seed
and a bounded number of examples. No answer may be a server error, break the schema, or
accept what the schema forbids.

A token with every scope calls the API, so the calls reach the views rather than stopping
at 403; writes land in the client's own organisation in Nordost.
"""

import pytest
import schemathesis
from schemathesis import GenerationMode

from accounts.choices import ApiScope
from tests.api.schema_checks import schema_failures

SEED = 20261125
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 15}


@pytest.fixture
def seeded(make_api_client, make_report, settings):
    # The throttle would answer 429 to a fast generator; it has its own test.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "100000/min", "user": "100000/min"},
    }
    for hours in range(1, 4):
        make_report(organisation="bostad", district="nordost", hours_ago=hours)
    return make_api_client("schemathesis", scopes=ApiScope.values, districts=("nordost",))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_holds_to_its_schema_under_generated_requests(live_server, seeded):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    _operations, failures = schema_failures(
        schema, base_url=live_server.url, headers=seeded.headers, seed=SEED, examples=EXAMPLES
    )
    assert not failures, "\n\n".join(failures)
