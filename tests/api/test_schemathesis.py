"""Schemathesis against the live schema and a live server: generated requests, valid ones
(positive) and ones that break the schema (negative), for every operation, with a fixed seed
and a bounded number of examples. No answer may be a server error, break the schema, or
accept what the schema forbids.

A token with every scope calls the API, so the calls reach the views rather than stopping
at 403; writes land in the client's own organisation in Nordost.

The positive-data-acceptance check is left out: a schema-valid string is rarely a category
code, a place slug or a signed cursor that exists, so a 400 for it is the right answer.
Every other check runs, negative data rejection among them.
"""

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.choices import ApiScope

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
    headers = seeded.headers
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in EXAMPLES.items():

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            @hypothesis.seed(SEED)
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                case.call_and_validate(
                    base_url=live_server.url,
                    headers=headers,
                    excluded_checks=[positive_data_acceptance],
                )

            try:
                call()
            except (Exception, BaseExceptionGroup) as error:  # collect all failures
                failures.append(f"{mode.value} {operation.label}: {error}"[:2000])
    assert not failures, "\n\n".join(failures)
