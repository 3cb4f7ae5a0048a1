"""Importing the all-Sweden police events file, against loading it whole and COPYing it raw.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        DEBUG=1 .venv/bin/python bench/bench_import_polisen.py [--file PATH]

Creates the database ``trygg_bench`` anew on the server of DATABASE_URL (never the portal's
own), migrates it and loads the geography. Then, each in a process of its own so that each
peak memory (``ru_maxrss``) is its own:

- ``idle``: Django set up, nothing else: the floor every process starts from;
- ``import``: ``police_events_import_file`` into the empty table (85k read, ~1,500 written);
- ``reimport``: the same file again (everything unchanged: the idempotent path);
- ``baseline``: ``json.load`` of the whole file, the same Göteborg filter, and one ``COPY`` of
  those rows into a scratch table: the least any import of this file could do.

Prints events read per second, peak memory and the ratio of each import to the baseline.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "trygg_bench"
DEFAULT_FILE = (
    BASE_DIR.parent / "shared" / "data" / "polisen_events_all_sweden_2022-09_2026-08.json.gz"
)
ORGANISATION_SLUG = "bench-polisen"


def bench_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL (and REDIS_URL) to the servers to benchmark on.")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def create_database() -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(bench_url())._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "trygg.settings"
    os.environ["DATABASE_URL"] = bench_url()
    import django

    django.setup()


def prepare() -> None:
    from django.core.management import call_command

    from accounts.choices import OrganisationKind
    from accounts.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("load_geography", verbosity=0)
    Organisation.objects.create(
        name="Polisen (bench)", slug=ORGANISATION_SLUG, kind=OrganisationKind.POLICE
    )


def peak_mib() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mib(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak() -> float | None:
    """Start a new peak at the current resident memory (Linux: clear_refs 5 resets VmHWM),
    so that a phase's peak is not hidden under one reached while Django was set up."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_mib("VmRSS")


def phase_import(path: Path) -> dict:
    from accounts.models import Organisation
    from incidents.services.imports import police_events_import_file

    organisation = Organisation.objects.get(slug=ORGANISATION_SLUG)
    started = time.perf_counter()
    _, summary = police_events_import_file(organisation=organisation, path=path)
    elapsed = time.perf_counter() - started
    assert summary.adds_up(), summary.as_counts()
    return {"seconds": elapsed, **summary.as_counts()}


def phase_baseline(path: Path) -> dict:
    import gzip

    from django.db import connection

    started = time.perf_counter()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        events = json.load(fh)

    def goteborg(event: dict) -> bool:
        location = (event.get("location") or {}).get("name", "")
        return location == "Göteborg" or event["name"].rsplit(",", 1)[-1].strip() == "Göteborg"

    rows = [
        (str(e["id"]), e["datetime"], e["name"], e["type"], e.get("summary", ""))
        for e in events
        if goteborg(e) and not e["type"].startswith(("Sammanfattning", "Uppdatering"))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_events (id text, published text, name text, type text, "
            "summary text)"
        )
        with cursor.copy("COPY bench_events FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "read": len(events), "written": len(rows)}


def run_phase(name: str, path: Path) -> dict:
    """Run one phase in a fresh interpreter and read back its JSON line."""
    output = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--phase", choices=["idle", "import", "reimport", "baseline"])
    options = parser.parse_args()
    if not options.file.is_file():
        raise SystemExit(f"{options.file} is missing.")

    if options.phase:  # a child: set up, measure, print one JSON line
        setup_django()
        before = reset_peak()
        result = {"idle": lambda p: {}, "baseline": phase_baseline}.get(
            options.phase, phase_import
        )(options.file)
        during = _status_mib("VmHWM") if before is not None else None
        growth = during - before if during is not None else None
        print(json.dumps({**result, "peak_mib": peak_mib(), "growth_mib": growth}))
        return

    size = options.file.stat().st_size / 1024 / 1024
    print(f"{options.file.name} ({size:.1f} MiB) into a fresh {BENCH_DATABASE} …")
    create_database()
    setup_django()
    prepare()
    results = {name: run_phase(name, options.file) for name in ("idle", "import", "reimport")}
    results["baseline"] = run_phase("baseline", options.file)

    idle = results["idle"]["peak_mib"]
    base = results["baseline"]
    print(f"\nprocess after Django setup: {idle:.0f} MiB peak (ru_maxrss)")
    print(
        f"{'case':<10} {'seconds':>8} {'events/s':>10} {'written':>8} {'peak MiB':>9} "
        f"{'+MiB':>6} {'/ baseline':>10}"
    )
    for name in ("import", "reimport", "baseline"):
        result = results[name]
        written = result.get("written", result.get("imported", 0) + result.get("updated", 0))
        growth = result["growth_mib"]
        print(
            f"{name:<10} {result['seconds']:>8.2f} {result['read'] / result['seconds']:>10,.0f} "
            f"{written:>8} {result['peak_mib']:>9.0f} "
            f"{'?' if growth is None else f'{growth:.0f}':>6} "
            f"{result['seconds'] / base['seconds']:>10.2f}"
        )
    print("(+MiB: the phase's own peak above the memory it started with)")
    counts = results["import"]
    print(f"\nfirst import: {json.dumps({k: counts[k] for k in ('skipped', 'unplaced')})}")


if __name__ == "__main__":
    main()
