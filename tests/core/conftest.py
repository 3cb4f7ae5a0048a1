"""Fixtures shared from other apps' tests: the cross-cutting checks here (headers on every
kind of answer) need a report, an agreed plan and the like."""

from tests.incidents.conftest import category, make_report  # noqa: F401
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401
