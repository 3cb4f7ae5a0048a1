"""The settings module, imported in a fresh interpreter with a given environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_SECRET = "s3cr3t-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "trygg.goteborg.se",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/trygg",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_django(env: dict, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    environ |= {"DJANGO_SETTINGS_MODULE": "trygg.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 50"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"DATABASE_URL": ""}, "DATABASE_URL and REDIS_URL must be set"),
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        ({"DATABASE_URL": "mysql://root@localhost/trygg"}, "DATABASE_URL must start with"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL must start with"),
        ({"AXES_FAILURE_LIMIT": "many"}, "AXES_FAILURE_LIMIT='many' is not a whole number"),
    ],
)
def test_it_refuses_to_start_with_a_bad_value(change, message):
    result = run_django(PRODUCTION | change, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_it_passes_the_deployment_checklist_in_production():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def own_var_dir(tmp_path_factory):
    """A var/ of the test's own (Unix socket paths are short: a short name), whose embedded
    servers are stopped afterwards: none is left running in the checkout's var/, where
    `make run` would find and use it."""
    from trygg.embedded import stop_all

    var_dir = tmp_path_factory.mktemp("var")
    yield var_dir
    stop_all(var_dir)


def test_commands_run_on_the_embedded_default_as_readme_shows_them(own_var_dir):
    # No DATABASE_URL, SECRET_KEY or DEBUG: a developer's checkout, as under `make run`.
    result = run_django(
        {"TRYGG_VAR_DIR": str(own_var_dir)}, "makemigrations", "--check", "--dry-run"
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert (own_var_dir / "pg").is_dir()  # the embedded default did start, in the test's var/
