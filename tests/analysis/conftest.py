"""The analysis tests' fixtures: the API clients of tests/api (partner systems' tokens)."""

from tests.api.conftest import make_api_client  # noqa: F401 - shared fixture
