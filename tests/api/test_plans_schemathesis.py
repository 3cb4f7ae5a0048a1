"""Schemathesis against the plans endpoints with a plan behind them: tests/api/
test_schemathesis.py calls every operation with a housing company's token, which reads no
problem, plan or follow-up, so the answers it validates are empty lists. Here a police
system's token of Centrum reads a problem with a linked report, an agreed plan, its public
measure and a follow-up, and every answer must match the schema.
"""

import pytest
import schemathesis
from django.utils import timezone
from schemathesis import GenerationMode

from accounts.choices import ApiScope
from plans.models import ProblemReport
from plans.services.measures import follow_up_create
from tests.api.schema_checks import schema_failures
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401  (fixtures)

SEED = 20261127
EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}
PLANS_PATHS = r"^/api/v1/(problems|action-plans|measures|follow-ups)/"


@pytest.fixture
def seeded(request, make_api_client, make_report, police_centrum, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "100000/min", "user": "100000/min"},
    }
    the_problem = request.getfixturevalue("problem")
    request.getfixturevalue("agreed_plan")
    ProblemReport.objects.create(problem=the_problem, report=make_report())
    follow_up_create(
        actor=police_centrum,
        measure=request.getfixturevalue("measure"),
        date=timezone.localdate(),
        status="started",
        indicator_value=12,
    )
    return make_api_client(
        "schemathesis-polis", organisation="lpo_city", scopes=ApiScope.values,
        districts=("centrum",),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_holds_to_its_schema_with_a_plan_behind_it(live_server, seeded):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    schema = schema.include(path_regex=PLANS_PATHS)
    operations, failures = schema_failures(
        schema, base_url=live_server.url, headers=seeded.headers, seed=SEED, examples=EXAMPLES
    )
    # Problems, plans, measures (with their evaluation) and follow-ups: 12 operations.
    assert operations == 12
    assert not failures, "\n\n".join(failures)
