"""The overview's rollups at 1 or 5 million reports, each against a baseline of the same run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_rollup.py [--reports 1000000] [--keep]

Generates the reports with INSERT … SELECT (seeded, four years, the four districts and their
primärområden, owners and sources that go together, a tenth police-only, some unplaced), then
measures, each the median of several runs:

1. full rebuild (``rollup_full``: the day, month and primärområde tables) against the raw
   ``INSERT … SELECT … GROUP BY`` of the same day rows into an empty table;
2. the fold of 10,000 new reports (``rollup_changes``) against a hand-written upsert of the
   same rows (``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE``) into copies of the same
   three tables; also what the trigger adds to inserting the 10,000;
3. the coordinator's citywide dashboard (the whole Django view) against one raw aggregate
   over the reports of the same window (25 months, the three compared periods included).
"""

import argparse
import statistics
import time

from _setup import RECENT, bench_django, generate_history, generate_reports

RUNS = 5
NEW_REPORTS = 10_000
WORK_MEM = "128MB"  # what rollup_full sets for itself; the baselines get the same


def organisations():
    from accounts.choices import OrganisationKind
    from accounts.models import Organisation

    for number in range(1, 5):
        for kind, prefix in (
            (OrganisationKind.SOCIAL_SERVICES, "social"),
            (OrganisationKind.POLICE, "police"),
        ):
            Organisation.objects.get_or_create(
                slug=f"bench-{prefix}-{number}",
                defaults={"name": f"Bench {prefix} {number}", "kind": kind},
            )
    Organisation.objects.get_or_create(
        slug="bench-housing", defaults={"name": "Bench housing", "kind": OrganisationKind.HOUSING}
    )
    city, _ = Organisation.objects.get_or_create(
        slug="bench-city", defaults={"name": "Bench city", "kind": OrganisationKind.OTHER}
    )
    return city


def coordinator(city):
    from accounts.choices import Role
    from accounts.models import Membership, User

    user, created = User.objects.get_or_create(username="bench.samordnare")
    if created:
        Membership.objects.create(user=user, organisation=city, role=Role.COORDINATOR)
    return user


def owners() -> dict:
    """The generator's owners per district code: bench-social-N and bench-police-N of
    district N, and the housing company."""
    from accounts.models import Organisation

    ids = dict(Organisation.objects.filter(slug__startswith="bench-").values_list("slug", "id"))
    return {
        "social": [ids[f"bench-social-{n}"] for n in range(1, 5)],
        "police": [ids[f"bench-police-{n}"] for n in range(1, 5)],
        "housing": ids["bench-housing"],
    }


def generate(count: int) -> None:
    """``count`` reports over four years, written with the rollup triggers off (the full
    rebuild measured next builds the rollups from them)."""
    started = time.perf_counter()
    if generate_history(count, owners()):
        print(f"  {count:>9,} ({time.perf_counter() - started:.0f} s)", flush=True)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def timed(function, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return median(samples)


def execute(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def full_rebuild() -> tuple[float, float, float, float, int]:
    """``rollup_full`` against the raw SQL that writes the same rows into bare tables: the day
    rows by one INSERT … SELECT … GROUP BY over the reports, the month and primärområde rows
    by the same GROUP BYs over those day rows (and against the day rows alone); and the same
    raw SQL into tables that have the rollups' keys, as usable tables must."""
    from overview.services.rollup import rollup_full
    from overview.services.rollup_sql import (
        AREAS_FROM_DAYS,
        DAY_COLUMNS,
        DAY_GROUP,
        MONTHS_FROM_DAYS,
        bucket,
    )

    rows = 0

    def ours():
        nonlocal rows
        rows = rollup_full().rows_written

    names = {
        "overview_reportdaycount": "bench_raw_days",
        "overview_reportmonthcount": "bench_raw_months",
        "overview_areamonthcount": "bench_raw_areas",
    }

    def bare(sql: str) -> str:
        for table, copy in names.items():
            sql = sql.replace(table, copy)
        return sql

    def raw(keys: bool = False) -> tuple[float, float]:
        # Bare tables, or (keys) tables with the rollups' own primary and unique keys.
        including = "ALL" if keys else "DEFAULTS INCLUDING IDENTITY"
        for table, copy in names.items():
            execute(f"DROP TABLE IF EXISTS {copy}")
            execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING {including})")
        execute("SET work_mem = %s", [WORK_MEM])
        started = time.perf_counter()
        execute(
            f"INSERT INTO bench_raw_days ({DAY_COLUMNS}, reports, severity_sum, computed_at) "  # noqa: S608
            f"SELECT {bucket()}, count(*), sum(r.severity), %(now)s "
            f"FROM incidents_report r {DAY_GROUP}",
            {"tz": "Europe/Stockholm", "now": timezone_now()},
        )
        days = time.perf_counter() - started
        span = {"first": ["1900-01-01"], "after": ["2100-01-01"]}
        params = {"now": timezone_now(), "counted": ["new", "reviewed", "linked"], **span}
        execute(bare(MONTHS_FROM_DAYS), params)
        execute(bare(AREAS_FROM_DAYS), params)
        everything = time.perf_counter() - started
        execute("RESET work_mem")
        return everything, days

    ours_time = timed(ours, runs=3)
    raws = [raw() for _ in range(3)]
    keyed = [raw(keys=True)[0] for _ in range(3)]
    for copy in names.values():
        execute(f"DROP TABLE IF EXISTS {copy}")
    return (
        ours_time,
        median([r[0] for r in raws]),
        median([r[1] for r in raws]),
        median(keyed),
        rows,
    )


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def incremental() -> tuple[float, float, float, float]:
    """The fold of 10,000 new reports against a hand-written upsert of the same rows into
    copies of the same tables; and the insert of the 10,000 with and without the trigger."""
    from django.db import connection

    from overview.services.rollup import rollup_changes
    from overview.services.rollup_sql import (
        AREA_COLUMNS,
        DAY_COLUMNS,
        IN_AN_AREA,
        MONTH_COLUMNS,
        bucket,
    )

    upsert = """
        INSERT INTO {copy} AS t ({columns}, reports, severity_sum, computed_at)
        SELECT {columns}, sum(reports), sum(severity_sum), now() FROM new_rows {where}
        GROUP BY {columns}
        ON CONFLICT ({columns}) DO UPDATE SET reports = t.reports + EXCLUDED.reports,
            severity_sum = t.severity_sum + EXCLUDED.severity_sum, computed_at = now()
    """
    month = "date_trunc('month', day)::date AS month"
    hand = f"""
        WITH new_rows ({DAY_COLUMNS}, reports, severity_sum) AS MATERIALIZED (
            SELECT {bucket()}, 1 AS reports, r.severity AS severity_sum
            FROM incidents_report r WHERE r.id > %(after)s
        ), day_rows AS ({upsert.format(copy="bench_days", columns=DAY_COLUMNS, where="")}),
        month_input AS (SELECT {month}, * FROM new_rows WHERE status <> 'dismissed'),
        month_rows AS ({
        upsert.format(copy="bench_months", columns=MONTH_COLUMNS, where="").replace(
            "FROM new_rows", "FROM month_input"
        )
    }), area_rows AS ({
        upsert.format(
            copy="bench_areas", columns=AREA_COLUMNS, where=f"WHERE {IN_AN_AREA}"
        ).replace("FROM new_rows", "FROM month_input")
    })
        SELECT 1
    """  # noqa: S608
    folds, hands, with_trigger, without_trigger = [], [], [], []
    for _ in range(RUNS):
        for table, copy in (
            ("overview_reportdaycount", "bench_days"),
            ("overview_reportmonthcount", "bench_months"),
            ("overview_areamonthcount", "bench_areas"),
        ):
            execute(f"DROP TABLE IF EXISTS {copy}")
            execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            execute(f"INSERT INTO {copy} SELECT * FROM {table}")  # noqa: S608
        execute("ANALYZE bench_days")
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM incidents_report")
            after = cursor.fetchone()[0]
        # The same insert, once without the trigger (then deleted), once with it.
        execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
        started = time.perf_counter()
        generate_reports(NEW_REPORTS, owners(), occurred=RECENT)
        without_trigger.append(time.perf_counter() - started)
        execute("DELETE FROM incidents_report WHERE id > %s", [after])
        execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM incidents_report")
            after = cursor.fetchone()[0]
        started = time.perf_counter()
        generate_reports(NEW_REPORTS, owners(), occurred=RECENT)
        with_trigger.append(time.perf_counter() - started)

        started = time.perf_counter()
        rollup_changes(wait=True)
        folds.append(time.perf_counter() - started)
        started = time.perf_counter()
        execute(hand, {"after": after, "tz": "Europe/Stockholm"})
        hands.append(time.perf_counter() - started)
        # Both ways made the same rows (the fold also drops emptied ones; there are none).
        for table, copy, columns in (
            ("overview_reportdaycount", "bench_days", DAY_COLUMNS),
            ("overview_reportmonthcount", "bench_months", MONTH_COLUMNS),
            ("overview_areamonthcount", "bench_areas", AREA_COLUMNS),
        ):
            values = f"{columns}, reports, severity_sum"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM ((SELECT {values} FROM {table} EXCEPT "  # noqa: S608
                    f"SELECT {values} FROM {copy}) UNION ALL (SELECT {values} FROM {copy} "
                    f"EXCEPT SELECT {values} FROM {table})) AS d"
                )
                assert cursor.fetchone()[0] == 0, f"{table} differs from the hand-written upsert"
        for copy in ("bench_days", "bench_months", "bench_areas"):
            execute(f"DROP TABLE {copy}")
    return median(folds), median(hands), median(with_trigger), median(without_trigger)


def dashboard(user) -> tuple[float, float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from incidents.selectors.situation import COUNTED_STATUSES
    from overview.selectors.dashboard import SERIES_MONTHS, _add_months, dashboard_compute
    from overview.selectors.periods import period_default
    from overview.services.rollup import _local_midnight

    setup_test_environment()
    client = Client()
    client.force_login(user)
    period = period_default()
    assert client.get("/oversikt/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get("/oversikt/")
    view_time = timed(lambda: client.get("/oversikt/"), runs=9)
    selector_time = timed(lambda: dashboard_compute(user=user, period=period), runs=9)
    first = min(_add_months(period.start, -(SERIES_MONTHS - 1)), period.same_last_year().start)
    raw = """
        SELECT date_trunc('month', occurred_at AT TIME ZONE 'Europe/Stockholm'), district_id,
               category_id, source_kind, organisation_id, confidentiality, count(*),
               sum(severity)
        FROM incidents_report
        WHERE occurred_at >= %s AND occurred_at < %s AND status = ANY(%s)
        GROUP BY 1, 2, 3, 4, 5, 6
    """
    params = [
        _local_midnight(first),
        _local_midnight(_add_months(period.start, 1)),
        [str(s) for s in COUNTED_STATUSES],
    ]

    def run_raw():
        with connection.cursor() as cursor:
            cursor.execute(raw, params)
            cursor.fetchall()

    raw_time = timed(run_raw, runs=5)
    return view_time, selector_time, raw_time, len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated rows")
    options = parser.parse_args()
    bench_django(fresh=not options.keep)

    from django.db import connection

    from incidents.models import Report
    from overview.models import ReportDayCount, ReportMonthCount

    user = coordinator(organisations())
    started = time.perf_counter()
    generate(options.reports)
    print(
        f"{Report.objects.count():,} reports ready in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    ours, raw, raw_days, raw_keyed, rows = full_rebuild()
    months = ReportMonthCount.objects.count()
    print(
        f"full rebuild: {ours:.2f} s; raw INSERT … SELECT … GROUP BY of the same rows "
        f"{raw:.2f} s (ratio {ours / raw:.2f}), of the day rows alone {raw_days:.2f} s "
        f"(ratio {ours / raw_days:.2f}), into tables with the same keys {raw_keyed:.2f} s "
        f"(ratio {ours / raw_keyed:.2f}); {rows:,} rows: "
        f"{ReportDayCount.objects.count():,} days, {months:,} months",
        flush=True,
    )
    fold, hand, with_trigger, without_trigger = incremental()
    print(
        f"10,000 new reports: fold {fold * 1000:.0f} ms, hand-written upsert {hand * 1000:.0f} ms, "
        f"ratio {fold / hand:.2f}; inserting them {without_trigger * 1000:.0f} ms, "
        f"{with_trigger * 1000:.0f} ms with the trigger "
        f"({(with_trigger / without_trigger - 1) * 100:+.0f} %)"
    )
    view_time, selector_time, raw_time, queries = dashboard(user)
    print(
        f"citywide dashboard: view {view_time * 1000:.0f} ms ({queries} queries), its figures "
        f"{selector_time * 1000:.0f} ms; raw aggregate of the window {raw_time * 1000:.0f} ms; "
        f"ratio {view_time / raw_time:.3f} (figures alone {selector_time / raw_time:.3f})"
    )
    connection.close()


if __name__ == "__main__":
    main()
