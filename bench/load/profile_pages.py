"""Where the load test's requests spend their time: each kind, in-process, on the load's data.

    .venv/bin/python bench/load/profile_pages.py [--var-dir var/load] [--runs 5] [--top 12]

Run after ``run_load.py --keep-servers`` (it reuses that database: 1 million reports and the
cast). For each kind of request of the locustfile, as the same kind of user: the median time
of the whole Django request (session, middleware, view, template) through Django's test
client, its SQL queries (count and time) and, with ``--top``, the functions that took the
most time (cProfile, by own time), so the largest costs are found at their cause.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=BASE_DIR / "var" / "load")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=0, help="print the top functions")
    parser.add_argument("--only", help="only kinds whose name contains this")
    options = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    from trygg.embedded import ensure_started

    urls: dict = {}
    ensure_started(urls, var_dir=options.var_dir.resolve())
    os.environ.update(
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="trygg.settings",
        DATABASE_URL=urls["DATABASE_URL"],
        REDIS_URL=urls["REDIS_URL"],
        TRYGG_API_CLIENT_RATE_PER_MINUTE="1000000",
        TRYGG_API_USER_RATE_PER_MINUTE="1000000",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.api.services import api_client_create
    from accounts.choices import ApiScope
    from accounts.models import ApiClient, Organisation, User
    from areas.models import District

    def person(username: str) -> Client:
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        if username.startswith("load.samordnare"):
            # As after a verified code: django-otp keeps the device in the session.
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
            session.save()
        return client

    ApiClient.objects.filter(name="load-profile").delete()
    token = api_client_create(
        name="load-profile",
        organisation=Organisation.objects.get(slug="bostadsbolaget"),
        scopes=[ApiScope.REPORTS_READ, ApiScope.REPORTS_WRITE, ApiScope.OVERVIEW_READ],
        districts=[District.objects.get(slug="nordost")],
        expires_at=timezone.now() + timedelta(days=1),
        actor_label="load profile",
    ).token
    partner = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    analyst = person("polis.centrum")
    reporter = person("partner.bostad")
    coordinator = person("load.samordnare.0")
    end = date.today()
    start = (end.replace(day=1) - timedelta(days=330)).replace(day=1)
    first = analyst.get("/rapporter/")
    assert first.status_code == 200, first.status_code
    html = first.content.decode()
    cursor = re.search(r'href="(\?[^"]*cursor=[^"]+)" rel="next"', html).group(1)
    cursor = cursor.replace("&amp;", "&")
    some_id = re.search(r'href="/rapporter/(\d+)/"', html).group(1)
    kinds = {
        "form: open": (reporter, "/rapporter/ny/"),
        "my reports": (reporter, "/rapporter/mina/"),
        "list": (analyst, "/rapporter/"),
        "list: next page": (analyst, "/rapporter/" + cursor),
        "list: filter": (analyst, "/rapporter/?district=centrum&category=brott"),
        "list: search": (analyst, "/rapporter/?q=narkotika"),
        "report": (analyst, f"/rapporter/{some_id}/"),
        "dashboard: city": (coordinator, "/oversikt/"),
        "dashboard: district": (coordinator, "/oversikt/nordost/"),
        "api: list": (partner, "/api/v1/reports/?district=nordost&category=brott&page_size=50"),
        "api: counts": (
            partner,
            f"/api/v1/overview/counts/?grain=month&by=category&start={start}&end={end}",
        ),
    }
    print(f"{'kind':<22} {'ms':>7} {'queries':>8} {'sql ms':>7}")
    for name, (client, url) in kinds.items():
        if options.only and options.only not in name:
            continue
        answer = client.get(url)
        assert answer.status_code == 200, (name, answer.status_code)
        samples = []
        for _ in range(options.runs):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        captured = list(queries.captured_queries)  # the next request clears Django's log
        sql = sum(float(query["time"]) for query in captured)
        print(
            f"{name:<22} {statistics.median(samples) * 1000:>7.1f} {len(captured):>8} "
            f"{sql * 1000:>7.1f}",
            flush=True,
        )
        if options.top:
            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(options.top)
            print(out.getvalue())
            for query in sorted(captured, key=lambda q: -float(q["time"]))[:3]:
                print(f"    {float(query['time']) * 1000:.1f} ms  {query['sql'][:400]}")


if __name__ == "__main__":
    main()
