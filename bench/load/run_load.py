"""A load test of a real day: the portal as `make run` starts it, 1 million reports, locust.

    .venv/bin/pip install -e ".[bench]"      # locust
    .venv/bin/python bench/load/run_load.py [--users 4 8 12] [--warmup 25] [--seconds 45] \
        [--keep-servers] [--json results.json]

1. Starts the embedded PostgreSQL and Redis (the default of `make run`) in a folder of its own
   (``--var-dir``, default ``var/load``), migrates, loads the geography and the demo, and
   generates 1,000,000 reports over four years (``bench/_setup.py``) with the rollups rebuilt
   (once: about 7 minutes on the shared machine). The folder keeps them for the next run,
   with the few hundred reports each run files; ``--keep-servers`` leaves PostgreSQL and
   Redis running for ``profile_pages.py``.
2. Adds the load's cast: coordinators with the demo TOTP secret (one device each: a code is
   taken once per device), and one API token per partner system.
3. Starts ``python -m trygg.run`` (web, worker, beat) on a free port with that folder, and runs
   locust headless once (``bench/load/locustfile.py``), stepping the users up (``--users``):
   each step has ``--warmup`` seconds for its new users to log in, then ``--seconds``
   measured with the statistics reset at its start.
4. Prints, per step, the throughput, the errors and p50/p95 per kind of request, and writes
   the same as JSON (``--json``; ``table.py`` makes the before/after table of such files).
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = BENCH_DIR.parent
BIN = Path(sys.executable).parent
COORDINATORS = 200
PARTNER_SYSTEMS = 60
TOTP_SECRET = "TRYGGDEMOTRYGGDEMOTRYGGDEMOTRYGG"  # seed_demo's published demo secret  # noqa: S105


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def servers(var_dir: Path) -> dict:
    """The embedded servers in ``var_dir``: their URLs, started where they are not running."""
    sys.path.insert(0, str(BASE_DIR))
    from trygg.embedded import ensure_started

    environ: dict = {}
    ensure_started(environ, var_dir=var_dir)
    return environ


def prepare(urls: dict, var_dir: Path, reports: int) -> dict:
    """Migrate, geography, demo, the million reports and the cast; returns the cast."""
    os.environ.update(
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="trygg.settings",
        TRYGG_VAR_DIR=str(var_dir),
        # As the owner: the generator switches the rollup triggers off while it writes.
        DATABASE_URL=urls["DATABASE_OWNER_URL"],
        REDIS_URL=urls["REDIS_URL"],
    )
    os.environ.pop("DATABASE_OWNER_URL", None)
    sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()
    from _setup import generate_history
    from django.core.management import call_command

    from overview.demo import _owners_by_district

    for command in ("migrate", "load_geography", "seed_demo"):
        print(f"  prepare | manage.py {command}", flush=True)
        call_command(command, verbosity=0)
    from areas.models import District

    codes = dict(District.objects.values_list("pk", "code"))
    by_code = {int(codes[pk]): owners for pk, owners in _owners_by_district().items()}
    owners = {
        "social": [by_code[n].social.pk for n in range(1, 5)],
        "police": [by_code[n].police.pk for n in range(1, 5)],
        "housing": by_code[1].housing.pk,
    }
    started = time.perf_counter()
    if generate_history(reports, owners, replace=False):
        from overview.services.rollup import rollup_full

        print(f"  prepare | {reports:,} reports in {time.perf_counter() - started:.0f} s")
        rollup_full()
        print(f"  prepare | rollups rebuilt, {time.perf_counter() - started:.0f} s in all")
    return cast()


def cast() -> dict:
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.api.services import api_client_create
    from accounts.choices import ApiScope, Role
    from accounts.models import ApiClient, Membership, Organisation, User
    from areas.models import District
    from overview.management.commands.seed_demo import demo_totp_device_set

    city = Organisation.objects.get(slug="trygg-i-goteborg")
    password = make_password(settings.TRYGG_DEMO_PASSWORD)  # hashed once, not per user
    coordinators = []
    for number in range(COORDINATORS):
        user, created = User.objects.get_or_create(
            username=f"load.samordnare.{number}", defaults={"password": password}
        )
        if created:
            Membership.objects.create(user=user, organisation=city, role=Role.COORDINATOR)
            demo_totp_device_set(user)
        coordinators.append(user.username)
    # Tokens are shown once: new ones each run.
    ApiClient.objects.filter(name__startswith="load-partner-").delete()
    housing = Organisation.objects.get(slug="bostadsbolaget")
    nordost = District.objects.get(slug="nordost")
    tokens = [
        api_client_create(
            name=f"load-partner-{number}",
            organisation=housing,
            scopes=[ApiScope.REPORTS_READ, ApiScope.REPORTS_WRITE, ApiScope.OVERVIEW_READ],
            districts=[nordost],
            expires_at=timezone.now() + timedelta(days=1),
            actor_label="load test",
        ).token
        for number in range(PARTNER_SYSTEMS)
    ]
    return {
        "password": settings.TRYGG_DEMO_PASSWORD,
        "coordinators": coordinators,
        "totp_secret": TOTP_SECRET,
        "tokens": tokens,
    }


def start_portal(urls: dict, var_dir: Path, port: int, log) -> subprocess.Popen:
    """``python -m trygg.run`` as `make run` starts it, on the embedded servers above."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    environ.update(urls, PORT=str(port), TRYGG_VAR_DIR=str(var_dir), DEBUG="1")
    portal = subprocess.Popen(
        [sys.executable, "-m", "trygg.run"],
        cwd=BASE_DIR,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if portal.poll() is not None:
            raise SystemExit(f"trygg.run exited with {portal.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return portal
        except OSError:
            pass
        time.sleep(1)
    stop_portal(portal)
    raise SystemExit(f"the portal did not get ready; see {log.name}")


def stop_portal(portal: subprocess.Popen) -> None:
    if portal.poll() is None:
        portal.send_signal(signal.SIGINT)  # Ctrl-C: trygg.run stops its children in order
        try:
            portal.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(portal.pid, signal.SIGKILL)
            portal.wait()


def run_locust(port: int, options, cast_path: Path, out: Path, offset: int) -> list[dict]:
    """One locust run over the steps; returns each step's statistics per kind of request."""
    environ = dict(os.environ, TRYGG_LOAD_CAST=str(cast_path))
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update(
        TRYGG_LOAD_COORDINATOR_OFFSET=str(offset),
        TRYGG_LOAD_STEPS=",".join(str(users) for users in options.users),
        TRYGG_LOAD_WARMUP=str(options.warmup),
        TRYGG_LOAD_SECONDS=str(options.seconds),
        TRYGG_LOAD_OUT=str(out),
    )
    out.unlink(missing_ok=True)
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=environ,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return json.loads(out.read_text())


def report(result: dict) -> None:
    total = result["kinds"]["Aggregated"]
    print(
        f"\n{result['users']} users: {total['rps']:.1f} req/s, "
        f"{total['failures']} failed of {total['requests']}, "
        f"{result['exceptions']} exceptions in the load's users"
    )
    for error in result["errors"]:
        print(f"  error: {error}")
    print(f"  {'kind':<22} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for name, kind in sorted(result["kinds"].items(), key=lambda item: item[0] == "Aggregated"):
        print(
            f"  {name:<22} {kind['requests']:>6} {kind['rps']:>7.2f} {kind['p50']:>7.0f} "
            f"{kind['p95']:>7.0f} {kind['failures']:>6}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--seconds", type=int, default=60, help="measured time per step")
    parser.add_argument("--warmup", type=int, default=30, help="time per step to log in")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--var-dir", type=Path, default=BASE_DIR / "var" / "load")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--keep-servers", action="store_true", help="leave PostgreSQL/Redis up")
    options = parser.parse_args()
    var_dir = options.var_dir.resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    urls = servers(var_dir)
    try:
        cast_path = var_dir / "load-cast.json"
        cast_path.write_text(json.dumps(prepare(urls, var_dir, options.reports)))
        from django.db import connections

        connections.close_all()
        port = free_port()
        with open(var_dir / "portal.log", "a") as log:
            portal = start_portal(urls, var_dir, port, log)
            try:
                offset_file = var_dir / "coordinator-offset"
                offset = int(offset_file.read_text()) if offset_file.exists() else 0
                offset_file.write_text(str((offset + max(options.users)) % COORDINATORS))
                results = run_locust(port, options, cast_path, var_dir / "locust.json", offset)
                for result in results:
                    report(result)
            finally:
                stop_portal(portal)
        if options.json:
            options.json.write_text(json.dumps(results, indent=2))
    finally:
        if not options.keep_servers:
            from trygg.embedded import stop_all

            stop_all(var_dir)


if __name__ == "__main__":
    main()
