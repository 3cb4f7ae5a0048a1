"""`make run` serves the portal as its users see it (issue #13): DEBUG off, so a missing page is
the Swedish 404 page and not Django's technical one listing every URL; on this machine only,
with a secret key generated under var/; and manage.py commands work there as README shows."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from trygg.local import local_secret_key
from trygg.run import local_environ

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOYMENT = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "TRYGG_VAR_DIR")


def _environ(tmp_path, **extra) -> dict:
    """`make run`'s environment for a process of the portal, on the test's servers."""
    environ = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT}
    environ = local_environ(environ)
    return environ | {
        "DJANGO_SETTINGS_MODULE": "trygg.settings",
        "TRYGG_VAR_DIR": str(tmp_path),
        **extra,
    }


def _run(environ, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


PAGES = """
from django.test import Client
from core.api.exceptions import handler500
from django.test import RequestFactory
from django.conf import settings
print("DEBUG", settings.DEBUG, "DEMO", settings.TRYGG_DEMO)
response = Client().get("/finns-inte/", headers={"host": "localhost", "accept-language": "sv"})
print("404", response.status_code)
print(response.content.decode())
english = Client()
english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
print("EN", english.get("/finns-inte/", headers={"host": "localhost"}).content.decode())
from django.utils import translation
translation.activate("sv")
failure = handler500(RequestFactory().get("/oversikt/", headers={"host": "localhost"}))
print("500", failure.status_code)
print(failure.content.decode())
"""


def test_make_run_is_local_with_debug_off_unless_asked():
    assert local_environ({})["TRYGG_LOCAL"] == "1"
    assert "DEBUG" not in local_environ({})
    assert local_environ({"DEBUG": "1"})["DEBUG"] == "1"


def test_a_missing_page_under_make_run_is_the_swedish_404_page_and_500_renders(tmp_path):
    result = _run(_environ(tmp_path), "shell", "-c", PAGES)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "DEBUG False DEMO True" in out
    page_404 = out[out.index("404 ") : out.index("EN ")]
    assert "Page not found" in out[out.index("EN ") : out.index("500 ")]
    assert "404 404" in page_404
    assert "Sidan finns inte" in page_404
    assert "Using the URLconf" not in page_404 and "technical_404" not in page_404
    assert "/static/favicon.svg" in page_404
    page_500 = out[out.index("500 ") :]
    assert "500 500" in page_500
    assert "Något gick fel" in page_500
    # Its secret was generated and kept under var/, readable by its owner alone.
    secret = tmp_path / "secret_key"
    assert len(secret.read_text()) >= 50
    assert secret.stat().st_mode & 0o077 == 0


def test_it_keeps_one_generated_secret_per_checkout(tmp_path):
    first = local_secret_key(tmp_path)
    assert len(first) >= 50
    assert local_secret_key(tmp_path) == first


def test_a_local_run_refuses_to_serve_other_hosts(tmp_path):
    result = _run(_environ(tmp_path, ALLOWED_HOSTS="trygg.goteborg.se"), "check")
    assert result.returncode != 0
    assert "TRYGG_LOCAL serves this machine only" in result.stderr


def _database_url() -> str:
    """The test database, as a URL for a process of its own."""
    db = connection.settings_dict
    if str(db["HOST"]).startswith("/"):
        return f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_create_api_client_works_as_readme_shows_it_under_the_local_settings(
    tmp_path, organisations, nordost
):
    from accounts.models import ApiClient

    environ = _environ(tmp_path, DATABASE_URL=_database_url())
    environ.pop("DATABASE_OWNER_URL", None)
    result = _run(
        environ,
        *("create_api_client", "--name", "Bostadsbolagets system"),
        *("--organisation", organisations["bostad"].slug),
        *("--scopes", "reports:read", "reports:write", "--districts", "nordost"),
    )
    assert result.returncode == 0, result.stderr
    assert "SECRET_KEY" not in result.stderr
    client = ApiClient.objects.get(name="Bostadsbolagets system")
    assert client.organisation == organisations["bostad"]


def test_make_manage_runs_the_command_through_manage_py():
    # What README documents for a shell without the virtualenv; -n prints, runs nothing.
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "manage", "ARGS=create_api_client --help"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        ".venv/bin/python manage.py create_api_client --help"
    )
