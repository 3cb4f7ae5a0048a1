"""Fixtures shared from other apps' tests: the cross-cutting checks here (masking on every road
in, headers on every kind of answer) need an API client, a report, an agreed plan and the like."""

from tests.api.conftest import api, make_api_client  # noqa: F401  (fixtures)
from tests.incidents.conftest import category, make_report  # noqa: F401
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401
