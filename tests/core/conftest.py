"""The masking tests follow a number through every app's road in: they borrow those apps'
fixtures (an API client, a category and reports, a plan with a measure)."""

from tests.api.conftest import api, make_api_client  # noqa: F401  (fixtures)
from tests.incidents.conftest import category, make_report  # noqa: F401
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401
