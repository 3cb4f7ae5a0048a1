"""The hostile-input set counts its cases; the totals are printed at the end of the run."""

from collections import Counter

import pytest

# The fixtures the hostile-input set shares with the API, incidents and plans tests.
from tests.api.conftest import api, bostad_client, make_api_client  # noqa: F401
from tests.incidents.conftest import category, make_report  # noqa: F401
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401

COUNTS: Counter = Counter()


@pytest.fixture
def count_cases():
    return COUNTS


def pytest_terminal_summary(terminalreporter):
    cases = COUNTS["form fields × values"] + COUNTS["api fields × values"]
    if cases:
        terminalreporter.write_line(
            f"hostile-input cases (field × value): {cases} (forms "
            f"{COUNTS['form fields × values']}, API {COUNTS['api fields × values']}), in "
            f"{COUNTS['form requests'] + COUNTS['api requests']} requests"
        )
    if COUNTS["fuzz examples"]:
        terminalreporter.write_line(f"fuzz examples run: {COUNTS['fuzz examples']}")
