"""Change capture: triggers on incidents_report queue every change to a day bucket.

One statement-level trigger per kind of write, each reading the statement's transition table,
so a bulk INSERT of 10,000 rows queues one row per bucket, not 10,000. They fire for every
writer (the ORM's save and bulk_create, raw SQL, psql) in the writer's own transaction, so a
change and its queue entry commit together or not at all. TRUNCATE empties the rollups (the
rollup of no reports is empty), after waiting for any rollup job that holds the lock.

The reports that exist when this runs are queued as one change per bucket, so the first fold
builds the rollups of an existing database.

The day is the report's local date in the portal's time zone (settings.TIME_ZONE, read when
this migration runs, as the report filter's dates are); a change of TIME_ZONE needs the
function re-created and ``manage.py rollup --full``.
"""

# The SQL is composed of this module's constants and settings.TIME_ZONE.
# ruff: noqa: S608

from django.conf import settings
from django.db import migrations

# The rollup jobs' advisory lock (overview.services.rollup.ROLLUP_LOCK).
LOCK_NAMESPACE, LOCK_KEY = 0x6F76_7276, 1
BUCKET = """(occurred_at AT TIME ZONE '{tz}')::date, district_id, primary_area_id, category_id,
               source_kind, organisation_id, confidentiality, status"""
COLUMNS = """(day, district_id, primary_area_id, category_id, source_kind, organisation_id,
             confidentiality, status, reports, severity_sum, created_at)"""


def _sql() -> str:
    tz = settings.TIME_ZONE.replace("'", "")
    bucket = BUCKET.format(tz=tz)
    return f"""
CREATE FUNCTION overview_report_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO overview_reportchange {COLUMNS}
        SELECT {bucket}, count(*), sum(severity), now()
        FROM new_reports
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO overview_reportchange {COLUMNS}
        SELECT {bucket}, -count(*), -sum(severity), now()
        FROM old_reports
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    ELSIF TG_OP = 'UPDATE' THEN
        -- A report that moves (day, district, category, status, ...) leaves one bucket and
        -- enters another; one whose counted fields stay (a new description) queues nothing.
        INSERT INTO overview_reportchange {COLUMNS}
        SELECT day, district_id, primary_area_id, category_id, source_kind, organisation_id,
               confidentiality, status, sum(reports), sum(severity_sum), now()
        FROM (
            SELECT {bucket}, 1, severity FROM new_reports
            UNION ALL
            SELECT {bucket}, -1, -severity FROM old_reports
        ) AS moved(day, district_id, primary_area_id, category_id, source_kind,
                   organisation_id, confidentiality, status, reports, severity_sum)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(reports) <> 0 OR sum(severity_sum) <> 0;
    ELSIF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_advisory_xact_lock({LOCK_NAMESPACE}, {LOCK_KEY});
        DELETE FROM overview_reportchange;
        DELETE FROM overview_reportdaycount;
        DELETE FROM overview_reportmonthcount;
        DELETE FROM overview_areamonthcount;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER overview_report_inserted AFTER INSERT ON incidents_report
    REFERENCING NEW TABLE AS new_reports
    FOR EACH STATEMENT EXECUTE FUNCTION overview_report_changes();
CREATE TRIGGER overview_report_updated AFTER UPDATE ON incidents_report
    REFERENCING OLD TABLE AS old_reports NEW TABLE AS new_reports
    FOR EACH STATEMENT EXECUTE FUNCTION overview_report_changes();
CREATE TRIGGER overview_report_deleted AFTER DELETE ON incidents_report
    REFERENCING OLD TABLE AS old_reports
    FOR EACH STATEMENT EXECUTE FUNCTION overview_report_changes();
CREATE TRIGGER overview_report_truncated AFTER TRUNCATE ON incidents_report
    FOR EACH STATEMENT EXECUTE FUNCTION overview_report_changes();

INSERT INTO overview_reportchange {COLUMNS}
SELECT {bucket}, count(*), sum(severity), now()
FROM incidents_report
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
"""


REVERSE = """
DROP TRIGGER IF EXISTS overview_report_inserted ON incidents_report;
DROP TRIGGER IF EXISTS overview_report_updated ON incidents_report;
DROP TRIGGER IF EXISTS overview_report_deleted ON incidents_report;
DROP TRIGGER IF EXISTS overview_report_truncated ON incidents_report;
DROP FUNCTION IF EXISTS overview_report_changes();
DELETE FROM overview_reportchange;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("overview", "0001_initial"),
        ("incidents", "0003_importrun_good_rows_only"),
    ]

    operations = [migrations.RunSQL(sql=_sql(), reverse_sql=REVERSE)]
