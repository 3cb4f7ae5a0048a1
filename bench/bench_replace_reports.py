"""Placing every report again and rebuilding the rollups (``manage.py replace_reports``) at
1 million reports, against one raw UPDATE that writes the same mellanområden.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/bench_replace_reports.py [--reports 1000000] [--keep]

Generates the reports with one INSERT … SELECT per 250,000 (seeded): seven in ten with a point
near one of the fourteen seeded places (within about 1 km), two in ten with a primärområde
only, one in ten with a place name in the text only; all as stored before the mellanområden
(a district, no mellanområde). Then times ``reports_place_again`` (the command's placing) and
``rollup_full`` (its rebuild), and as the baseline the least any re-placing could write: the
same mellanområden, already computed, set by one ``UPDATE … FROM`` with the triggers on.
"""

import argparse
import time

import _setup
from _setup import bench_django

BATCH = 250_000
# A database of its own: other benchmarks may be using trygg_bench on the same server.
_setup.BENCH_DATABASE = "trygg_bench_replace"

GENERATE = """
INSERT INTO incidents_report (
    created_at, updated_at, category_id, occurred_at, district_id, primary_area_id, latitude,
    longitude, placed_by, place_text, source_kind, organisation_id, description, severity,
    confidentiality, status, external_id)
SELECT now(), now(),
       c.ids[1 + floor(g.r_category * array_length(c.ids, 1))::int],
       now() - interval '1 hour' - g.r_time * interval '1460 days',
       CASE WHEN g.r_kind < 0.9 THEN p.districts[g.place] ELSE NULL END,
       CASE WHEN g.r_kind >= 0.7 AND g.r_kind < 0.9 THEN a.ids[g.area] END,
       CASE WHEN g.r_kind < 0.7 THEN round((p.lats[g.place] + g.r_lat * 0.016 - 0.008)::numeric, 5)
       END,
       CASE WHEN g.r_kind < 0.7 THEN round((p.lons[g.place] + g.r_lon * 0.024 - 0.012)::numeric, 5)
       END,
       CASE WHEN g.r_kind < 0.7 THEN 'point' WHEN g.r_kind < 0.9 THEN 'place'
            ELSE 'unplaced' END,
       '',
       'field_observation', o.id,
       CASE WHEN g.r_kind >= 0.9 THEN 'Bråk vid ' || p.names[g.place] || ' i kväll'
            ELSE 'Genererad rapport' END,
       1 + floor(g.r_severity * 4)::int, 'partnership', 'reviewed', ''
FROM (SELECT i, random() AS r_category, random() AS r_time, random() AS r_kind,
             random() AS r_lat, random() AS r_lon, random() AS r_severity,
             1 + floor(random() * 14)::int AS place,
             1 + floor(random() * (SELECT count(*) FROM areas_primaryarea))::int AS area
      FROM generate_series(1, %(count)s) AS i) AS g,
     (SELECT array_agg(id) AS ids FROM incidents_category WHERE parent_id IS NOT NULL) AS c,
     (SELECT array_agg(id ORDER BY id) AS ids FROM areas_primaryarea) AS a,
     (SELECT array_agg(latitude::float ORDER BY id) AS lats,
             array_agg(longitude::float ORDER BY id) AS lons,
             array_agg(district_id ORDER BY id) AS districts,
             array_agg(name ORDER BY id) AS names FROM areas_place) AS p,
     (SELECT min(id) AS id FROM accounts_organisation) AS o
"""


def generate(count: int) -> None:
    from django.db import connection

    from accounts.choices import OrganisationKind
    from accounts.models import Organisation

    Organisation.objects.get_or_create(
        slug="bench-social", defaults={"name": "Bench", "kind": OrganisationKind.SOCIAL_SERVICES}
    )
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE incidents_report CASCADE")
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
        try:
            for start in range(0, count, BATCH):
                cursor.execute(GENERATE, {"count": min(BATCH, count - start)})
        finally:
            cursor.execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE incidents_report")


def baseline() -> float:
    """The same mellanområden, already known, written by one UPDATE (triggers on)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_placed AS "
            "SELECT id, intermediate_area_id FROM incidents_report"
        )
        cursor.execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
        cursor.execute("UPDATE incidents_report SET intermediate_area_id = NULL")
        cursor.execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE incidents_report")
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(
                "UPDATE incidents_report r SET intermediate_area_id = b.intermediate_area_id "
                "FROM bench_placed b WHERE r.id = b.id"
            )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated rows")
    options = parser.parse_args()
    bench_django(fresh=not options.keep)

    from incidents.models import Report
    from incidents.services.placement import reports_place_again
    from overview.services.rollup import rollup_full

    started = time.perf_counter()
    generate(options.reports)
    print(f"{Report.objects.count():,} reports in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    summary = reports_place_again()
    placing = time.perf_counter() - started
    started = time.perf_counter()
    run = rollup_full()
    rebuild = time.perf_counter() - started
    print(
        f"placed again: {summary.read:,} read, {summary.changed:,} changed, "
        f"{summary.with_intermediate_area:,} in a mellanområde, {summary.kept:,} kept; "
        f"{placing:.1f} s ({summary.read / placing:,.0f} reports/s)"
    )
    print(f"rollups rebuilt: {run.rows_written:,} rows in {rebuild:.1f} s")
    print(f"total (replace_reports): {placing + rebuild:.1f} s")
    started = time.perf_counter()
    again = reports_place_again()
    print(
        f"second run (nothing to change): {again.changed} changed, "
        f"{time.perf_counter() - started:.1f} s"
    )
    raw = baseline()
    print(f"baseline, one UPDATE of the same mellanområden: {raw:.1f} s")
    print(f"ratio placing / baseline: {placing / raw:.1f}")


if __name__ == "__main__":
    main()
