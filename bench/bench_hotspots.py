"""The hotspots (issue #12) at 1 or 5 million reports, against a baseline of the same run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_hotspots.py [--reports 1000000] [--keep]

Generates the reports as ``bench_rollup.py`` does (four years, seeded), places each in its
primärområde's mellanområde (the generator sets only the primärområde), rebuilds the rollups,
then measures, each the median of several runs, for a month and for a year:

1. ``hotspots_for`` for every main category and for all categories together, as a
   coordinator (36 mellanområden: the areas, one grouped SUM over the day rollup, the
   statistics), against
2. the bare grouped SUM of the same rows in raw SQL (the same partnership and status
   conditions, the category and its subcategories): the query is the cost.
"""

import argparse
import statistics
import time
from datetime import date, timedelta

from _setup import bench_django, generate_history
from bench_rollup import coordinator, organisations, owners

RUNS = 5
PLACE = """
UPDATE incidents_report r SET intermediate_area_id = p.intermediate_area_id
FROM areas_primaryarea p
WHERE p.id = r.primary_area_id AND r.intermediate_area_id IS DISTINCT FROM p.intermediate_area_id
"""
RAW = """
SELECT intermediate_area_id, sum(reports) FROM overview_reportdaycount
WHERE day BETWEEN %(start)s AND %(end)s AND confidentiality = 'partnership'
  AND status = ANY(%(statuses)s) AND intermediate_area_id IS NOT NULL {category}
GROUP BY intermediate_area_id
"""


def median_time(function, runs: int = RUNS) -> float:
    function()  # warm: caches, the contiguity, the plan
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def prepare(count: int) -> None:
    from django.db import connection

    from overview.services.rollup import rollup_full

    started = time.perf_counter()
    if generate_history(count, owners()):
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
            try:
                cursor.execute(PLACE)
            finally:
                cursor.execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")
            cursor.execute("VACUUM ANALYZE incidents_report")
        print(f"generated and placed in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        rollup_full()
        print(f"rollups rebuilt in {time.perf_counter() - started:.0f} s", flush=True)


def measure(user, start: date, end: date, label: str) -> None:
    from django.db import connection

    from incidents.models import Category
    from incidents.selectors.situation import COUNTED_STATUSES
    from overview.selectors.hotspots import hotspots_for

    mains = list(Category.objects.filter(parent__isnull=True).order_by("code"))
    children = {
        main.pk: [main.pk, *Category.objects.filter(parent=main).values_list("pk", flat=True)]
        for main in mains
    }
    statuses = [str(status) for status in COUNTED_STATUSES]

    def ours():
        found = 0
        for category in [None, *mains]:
            analysis = hotspots_for(user, period=(start, end), category=category)
            found += len(analysis.hotspots)
        return found

    def raw():
        with connection.cursor() as cursor:
            for category in [None, *mains]:
                condition = "" if category is None else "AND category_id = ANY(%(ids)s)"
                ids = children[category.pk] if category else []
                cursor.execute(
                    RAW.format(category=condition),
                    {"start": start, "end": end, "statuses": statuses, "ids": ids},
                )
                cursor.fetchall()

    ours_time, raw_time = median_time(ours), median_time(raw)
    hotspots = ours()
    print(
        f"{label}: hotspots for all {len(mains)} main categories and all together "
        f"{ours_time * 1000:.0f} ms ({ours_time * 1000 / (len(mains) + 1):.1f} ms each; "
        f"{hotspots} hotspots in all); bare grouped SUM {raw_time * 1000:.0f} ms; "
        f"ratio {ours_time / raw_time:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated rows")
    options = parser.parse_args()
    bench_django(fresh=not options.keep)

    from django.db import connection
    from django.utils import timezone

    from incidents.models import Report
    from overview.models import ReportDayCount

    user = coordinator(organisations())
    prepare(options.reports)
    print(
        f"{Report.objects.count():,} reports, {ReportDayCount.objects.count():,} day rows",
        flush=True,
    )
    today = timezone.localdate()
    month_end = today.replace(day=1) - timedelta(days=1)
    measure(user, month_end.replace(day=1), month_end, "last whole month")
    measure(user, today - timedelta(days=365), today, "last 365 days")
    connection.close()


if __name__ == "__main__":
    main()
