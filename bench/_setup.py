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


# Reports made by one INSERT … SELECT per call (seeded by the caller): the district and
# primärområde from a random primärområde (some unplaced), owners and sources that go together
# (the district's social services, its police, or the housing company), a quarter of the
# police's reports police-only, statuses and severities spread, and one of a few texts (a
# search for "narkotika" finds about one in eight). ``owners`` gives the owners per district,
# indexed by the district's code (1..4): arrays ``social`` and ``police`` and one ``housing``.
GENERATE = """
INSERT INTO incidents_report (
    created_at, updated_at, category_id, occurred_at, district_id, primary_area_id, placed_by,
    place_text, source_kind, organisation_id, description, severity, confidentiality, status,
    external_id)
SELECT now(), now(),
       c.ids[1 + floor(g.r_category * array_length(c.ids, 1))::int],
       {occurred},
       CASE WHEN g.r_place < 0.08 THEN NULL ELSE a.districts[g.area] END,
       CASE WHEN g.r_place < 0.18 THEN NULL ELSE a.ids[g.area] END,
       'point', '',
       CASE WHEN g.r_owner < 0.45 THEN
                CASE WHEN g.r_source < 0.7 THEN 'field_observation'
                     WHEN g.r_source < 0.85 THEN 'safety_walk' ELSE 'school' END
            WHEN g.r_owner < 0.85 THEN 'police_event' ELSE 'property_owner' END,
       CASE WHEN g.r_owner < 0.45 THEN o.social[a.positions[g.area]]
            WHEN g.r_owner < 0.85 THEN o.police[a.positions[g.area]] ELSE o.housing END,
       (ARRAY['Genererad rapport', 'Stökigt vid hållplatsen, grupp som stör',
              'Misstänkt narkotika vid trappan', 'Klotter och nedskräpning vid torget',
              'Trasig belysning på gångvägen', 'Bråk mellan några personer',
              'Mopeder kör på gångbanan', 'Berusade personer vid entrén'])
           [1 + floor(g.r_text * 8)::int],
       1 + floor(g.r_severity * 4)::int,
       CASE WHEN g.r_owner >= 0.45 AND g.r_owner < 0.85 AND g.r_secret < 0.25
            THEN 'organisation' ELSE 'partnership' END,
       CASE WHEN g.r_status < 0.2 THEN 'new' WHEN g.r_status < 0.9 THEN 'reviewed'
            WHEN g.r_status < 0.97 THEN 'dismissed' ELSE 'linked' END,
       ''
FROM (SELECT i, random() AS r_category, random() AS r_time, random() AS r_place,
             random() AS r_owner, random() AS r_source, random() AS r_severity,
             random() AS r_secret, random() AS r_status, random() AS r_text,
             1 + floor(random() * (SELECT count(*) FROM areas_primaryarea))::int AS area
      FROM generate_series(1, %(count)s) AS i) AS g,
     (SELECT array_agg(id) AS ids FROM incidents_category WHERE parent_id IS NOT NULL) AS c,
     (SELECT array_agg(p.id ORDER BY p.id) AS ids,
             array_agg(p.district_id ORDER BY p.id) AS districts,
             array_agg(d.code::int ORDER BY p.id) AS positions
      FROM areas_primaryarea p JOIN areas_district d ON d.id = p.district_id) AS a,
     (SELECT %(social)s::bigint[] AS social, %(police)s::bigint[] AS police,
             %(housing)s::bigint AS housing) AS o
"""
HISTORY = "now() - interval '1 hour' - g.r_time * interval '1460 days'"
RECENT = "now() - interval '1 hour' - g.r_time * interval '30 days'"
BATCH = 1_000_000


def generate_reports(count: int, owners: dict, *, occurred: str = HISTORY) -> None:
    """Add ``count`` reports (GENERATE) in batches of a million, the triggers as they are."""
    from django.db import connection

    with connection.cursor() as cursor:
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            cursor.execute(GENERATE.format(occurred=occurred), {"count": size, **owners})


def generate_history(count: int, owners: dict, *, replace: bool = True) -> bool:
    """Reports over four years up to ``count`` in all, with the rollup triggers off (rebuild
    the rollups afterwards): the table emptied first when ``replace``, else the missing ones
    added beside what it holds. Nothing when it holds as many already; True when it wrote."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_report")
        existing = cursor.fetchone()[0]
        if existing >= count:
            return False
        if replace:
            cursor.execute("TRUNCATE incidents_report CASCADE")
            existing = 0
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
        try:
            generate_reports(count - existing, owners)
        finally:
            cursor.execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE incidents_report")
    return True
