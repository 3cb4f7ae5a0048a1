"""Shared set-up for benchmarks: a dedicated database, migrated, with the geography.

Each benchmark runs against ``trygg_bench`` (or ``TRYGG_BENCH_DATABASE``) on the server of
DATABASE_URL (never the portal's own database), so it can generate millions of rows and throw
them away.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
# Engineers who benchmark at the same time on one server each name their own database.
BENCH_DATABASE = os.environ.get("TRYGG_BENCH_DATABASE", "trygg_bench")


def bench_django(*, fresh: bool) -> None:
    """Point Django at the bench database (created anew when ``fresh``) and set it up."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "trygg.settings"
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL (and REDIS_URL) to the servers to benchmark on.")
    parts = urlsplit(url)
    import psycopg

    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        if fresh and exists:
            connection.execute(f"DROP DATABASE {BENCH_DATABASE} WITH (FORCE)")
        if fresh or not exists:
            connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_geography", verbosity=0)
