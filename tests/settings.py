"""Settings for the test suite: the portal's own settings with a handful of overrides."""

import os

# Tests run with the development defaults (no SECRET_KEY needed); pytest-django still runs
# each test with DEBUG off, as production does.
os.environ.setdefault("DEBUG", "1")

from trygg.settings import *  # noqa: F403

# Fast hashing: the cast logs in hundreds of times and the hash's strength is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A queue of the tests' own, so a worker of a running portal on the same Redis never
# steals a test's task.
# Set in the environment so that worker processes started by the tests inherit it.
CELERY_TASK_DEFAULT_QUEUE = os.environ.setdefault("TRYGG_TEST_QUEUE", f"trygg-test-{os.getpid()}")
# The suite creates and drops its databases, which only the owner may: where an owner is
# named (the embedded default), the tests connect as it. tests/accounts/test_database_roles.py
# then acts as the runtime role, with the rights `manage.py migrate` grants it.
if TRYGG_DATABASE_OWNER is not None:  # noqa: F405
    DATABASES["default"] = TRYGG_DATABASE_OWNER  # noqa: F405
    TRYGG_DATABASE_OWNER = None
# A worker process started by a test (tests/workers.py) reads the test's database.
if os.environ.get("TRYGG_TEST_WORKER_DATABASE"):
    DATABASES["default"]["NAME"] = os.environ["TRYGG_TEST_WORKER_DATABASE"]  # noqa: F405
AXES_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "tests.scoping"]  # noqa: F405
