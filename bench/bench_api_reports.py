"""The reports list endpoint against a minimal JSON view, served by gunicorn, at 50,000 and
at 5,000,000 reports.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_api_reports.py [--sizes 50000 5000000] [--seconds 10]

For each size: generates the reports (``bench_report_list.generate``: one INSERT … SELECT),
starts gunicorn on 127.0.0.1 with production settings (DEBUG off), and counts requests per
second for a while, alternating between a minimal JSON view (``/bench/minimal/``: the same
server and middleware, no database) and the list endpoint as a partner system calls it: a
bearer token of a housing company scoped to Nordost, ``district=nordost&category=brott``, a
cursor page of 50. Prints both rates and their ratio, the ratio of the endpoint's rate at
the largest size to the smallest, and the queries of one request at page sizes 10 and 100.
"""

import argparse
import http.client
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from _setup import BASE_DIR, bench_django

BENCH_DIR = Path(__file__).resolve().parent
PORT = 8765
LIST_PATH = "/api/v1/reports/?district=nordost&category=brott&page_size=50"
MINIMAL_PATH = "/bench/minimal/"
ROUNDS = 3
LOAD_PROCESSES = 2
THREADS_PER_PROCESS = 2


def _hammer(path: str, token: str, seconds: float, counter) -> None:
    """Threads that request ``path`` until time is up; adds the answers to ``counter``."""
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}
    done = [0]
    failed = []

    def loop():
        while time.perf_counter() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                failed.append(response.status)
                return
            done[0] += 1

    threads = [threading.Thread(target=loop) for _ in range(THREADS_PER_PROCESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise SystemExit(f"{path} answered {failed[0]}")
    with counter.get_lock():
        counter.value += done[0]


def rate(path: str, token: str, seconds: float) -> float:
    counter = multiprocessing.Value("i", 0)
    processes = [
        multiprocessing.Process(target=_hammer, args=(path, token, seconds, counter))
        for _ in range(LOAD_PROCESSES)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"the load generator failed on {path}")
    return counter.value / (time.perf_counter() - started)


def start_server() -> subprocess.Popen:
    environ = dict(os.environ)
    environ.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="_api_bench_settings",
        PYTHONPATH=f"{BENCH_DIR}:{BASE_DIR}",
        LOG_LEVEL="ERROR",
        # The throttle would cut the run short; it is tested, not benchmarked.
        TRYGG_API_CLIENT_RATE_PER_MINUTE="100000000",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "trygg.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=environ,
        cwd=BASE_DIR,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", MINIMAL_PATH, headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def partner_token() -> str:
    from datetime import timedelta

    from django.utils import timezone

    from accounts.api.services import api_client_create
    from accounts.choices import ApiScope, OrganisationKind
    from accounts.models import ApiClient, Organisation
    from areas.models import District

    for slug, name, kind in (
        ("sf-centrum", "Socialförvaltning Centrum", OrganisationKind.SOCIAL_SERVICES),
        ("lpo-city", "LPO City", OrganisationKind.POLICE),
        ("bostadsbolaget", "Bostadsbolaget", OrganisationKind.HOUSING),
    ):
        Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    ApiClient.objects.filter(name="bench-partner").delete()
    return api_client_create(
        name="bench-partner",
        organisation=Organisation.objects.get(slug="bostadsbolaget"),
        scopes=[ApiScope.REPORTS_READ],
        districts=[District.objects.get(slug="nordost")],
        expires_at=timezone.now() + timedelta(days=1),
        actor_label="bench",
    ).token


def queries_per_request(token: str) -> dict[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    counts = {}
    for size in (10, 100):
        path = LIST_PATH.replace("page_size=50", f"page_size={size}")
        client.get(path)  # last_used_at is written at most once a minute: not counted
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == size
        counts[size] = len(queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 5_000_000])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    options = parser.parse_args()
    bench_django(fresh=not options.keep)
    sys.path.insert(0, str(BENCH_DIR))
    from bench_report_list import generate
    from django.db import connection

    token = partner_token()
    rates = {}
    for size in sorted(options.sizes):
        started = time.perf_counter()
        generate(size)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE incidents_report")
        print(f"{size:,} reports ready in {time.perf_counter() - started:.0f} s", flush=True)
        counts = queries_per_request(token)
        server = start_server()
        try:
            samples = {"minimal": [], "list": []}
            for _ in range(ROUNDS):
                samples["minimal"].append(rate(MINIMAL_PATH, token, options.seconds))
                samples["list"].append(rate(LIST_PATH, token, options.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
        minimal = statistics.median(samples["minimal"])
        listed = statistics.median(samples["list"])
        rates[size] = listed
        print(
            f"  minimal view {minimal:8.0f} req/s   list endpoint {listed:8.0f} req/s   "
            f"list / minimal {listed / minimal:.2f}   "
            f"queries at page size 10: {counts[10]}, at 100: {counts[100]}",
            flush=True,
        )
        print(
            "  samples: "
            + "; ".join(f"{k} {', '.join(f'{v:.0f}' for v in vs)}" for k, vs in samples.items()),
            flush=True,
        )
    smallest, largest = min(rates), max(rates)
    if largest != smallest:
        print(
            f"list endpoint at {largest:,} / at {smallest:,} reports: "
            f"{rates[largest] / rates[smallest]:.2f}"
        )
    print(f"database: {urlsplit(os.environ['DATABASE_URL']).path.lstrip('/')}")


if __name__ == "__main__":
    main()
