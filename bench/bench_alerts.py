"""The trend alerts for every cell at 1 (or 5) million reports, against a baseline of the same
run: reading the weekly sums they are computed from.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_alerts.py [--reports 1000000] [--keep]

Generates four years of reports (``bench_rollup``'s generator, seeded), places them in their
primärområde's mellanområde, rebuilds the rollups, then measures, each the median of a few
runs:

1. the baseline: the one grouped query of weekly sums per district, mellanområde and main
   category (``analysis.alerts.weekly_counts``) that the alerts read;
2. ``alerts_compute``: that query, the Farrington fits of the last 8 weeks for every
   district × main category and mellanområde × main category, and the upsert;
3. the fits alone (``analysis.farrington.evaluate`` on the same matrix).
"""

import argparse
import statistics
import time

from _setup import bench_django
from bench_rollup import generate, organisations

RUNS = 3


def timed(function, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def place_in_mellanomraden() -> None:
    """The generator fills the primärområde only; the mellanområde follows from it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE incidents_report r SET intermediate_area_id = p.intermediate_area_id "
            "FROM areas_primaryarea p WHERE p.id = r.primary_area_id "
            "AND r.intermediate_area_id IS DISTINCT FROM p.intermediate_area_id"
        )
        cursor.execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated rows")
    options = parser.parse_args()
    bench_django(fresh=not options.keep)

    from analysis import farrington
    from analysis.alerts import (
        EVALUATED_WEEKS,
        alerts_compute,
        cell_matrix,
        last_complete_week,
        weekly_counts,
    )
    from analysis.models import Alert
    from overview.services.rollup import rollup_full

    organisations()
    print(f"Reports: {options.reports:,}", flush=True)
    generate(options.reports)
    if not options.keep:
        place_in_mellanomraden()
        started = time.perf_counter()
        rollup_full()
        print(f"  rollups rebuilt ({time.perf_counter() - started:.0f} s)", flush=True)

    latest = last_complete_week()
    rows = weekly_counts(latest)
    cells = cell_matrix(rows, latest)
    weeks = range(cells.counts.shape[1] - EVALUATED_WEEKS, cells.counts.shape[1])
    baseline = timed(lambda: weekly_counts(latest))
    fits = timed(lambda: farrington.evaluate(cells.counts, weeks))
    ours = timed(alerts_compute)
    print(
        f"  {len(cells.keys)} cells × {cells.counts.shape[1]} weeks "
        f"({len(rows):,} weekly rows), {EVALUATED_WEEKS} weeks evaluated, "
        f"{Alert.objects.filter(alarm=True).count()} alarms stored"
    )
    print(f"  baseline, the weekly sums:   {baseline:7.2f} s")
    print(f"  alerts_compute:              {ours:7.2f} s  ({ours / baseline:.1f} × baseline)")
    print(f"  of which the fits:           {fits:7.2f} s  ({fits / baseline:.1f} × baseline)")


if __name__ == "__main__":
    main()
