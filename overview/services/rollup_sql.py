"""The rollups' SQL: the day bucket as the trigger computes it, the fold, the rebuilds from
the reports or the day table, and the comparisons the sweep makes. Composed of this module's own
constants (table and column names); every value is a bound parameter.

"From the reports" means the reports plus ``overview_archivedreportcount``, the day buckets of
the reports that retention deleted: a rebuild or a repair counts them as it did before.
"""

# ruff: noqa: S608

DAY_COLUMNS = (
    "day, district_id, intermediate_area_id, primary_area_id, category_id, source_kind, "
    "organisation_id, confidentiality, status"
)
MONTH_COLUMNS = "month, district_id, category_id, source_kind, organisation_id, confidentiality"
AREA_COLUMNS = (
    "month, district_id, intermediate_area_id, primary_area_id, organisation_id, confidentiality"
)
DAY_GROUP = "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
# The area table holds the reports placed in a mellanområde or a primärområde.
IN_AN_AREA = "(intermediate_area_id IS NOT NULL OR primary_area_id IS NOT NULL)"


def bucket(alias: str = "r") -> str:
    """A report's day bucket, as the trigger computes it (local date in TIME_ZONE)."""
    return (
        f"({alias}.occurred_at AT TIME ZONE %(tz)s)::date, {alias}.district_id, "
        f"{alias}.intermediate_area_id, {alias}.primary_area_id, {alias}.category_id, "
        f"{alias}.source_kind, {alias}.organisation_id, {alias}.confidentiality, {alias}.status"
    )


# --- SQL -----------------------------------------------------------------------------------

_UPSERT = """
    INSERT INTO {table} AS t ({columns}, reports, severity_sum, computed_at)
    SELECT {columns}, reports, severity_sum, %(now)s FROM {source}
    ON CONFLICT ({columns}) DO UPDATE SET
        reports = t.reports + EXCLUDED.reports,
        severity_sum = t.severity_sum + EXCLUDED.severity_sum,
        computed_at = EXCLUDED.computed_at
    RETURNING 1
"""

# One statement: consume every change this snapshot sees, sum them per bucket, and add them to
# the three tables. The months count only reports that describe the situation (not dismissed).
FOLD_SQL = f"""
WITH consumed AS (
    DELETE FROM overview_reportchange
    RETURNING id, {DAY_COLUMNS}, reports, severity_sum
), delta AS (
    SELECT {DAY_COLUMNS}, sum(reports)::int AS reports, sum(severity_sum)::int AS severity_sum
    FROM consumed {DAY_GROUP}
    HAVING sum(reports) <> 0 OR sum(severity_sum) <> 0
), month_delta AS (
    SELECT date_trunc('month', day)::date AS month, district_id, category_id, source_kind,
           organisation_id, confidentiality,
           sum(reports)::int AS reports, sum(severity_sum)::int AS severity_sum
    FROM delta WHERE status = ANY(%(counted)s)
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(reports) <> 0 OR sum(severity_sum) <> 0
), area_delta AS (
    SELECT date_trunc('month', day)::date AS month, district_id, intermediate_area_id,
           primary_area_id, organisation_id, confidentiality,
           sum(reports)::int AS reports, sum(severity_sum)::int AS severity_sum
    FROM delta WHERE status = ANY(%(counted)s) AND {IN_AN_AREA}
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(reports) <> 0 OR sum(severity_sum) <> 0
), day_rows AS ({
    _UPSERT.format(table="overview_reportdaycount", columns=DAY_COLUMNS, source="delta")
}), month_rows AS ({
    _UPSERT.format(table="overview_reportmonthcount", columns=MONTH_COLUMNS, source="month_delta")
}), area_rows AS ({
    _UPSERT.format(table="overview_areamonthcount", columns=AREA_COLUMNS, source="area_delta")
})
SELECT (SELECT count(*) FROM consumed), (SELECT max(id) FROM consumed),
       (SELECT count(*) FROM day_rows) + (SELECT count(*) FROM month_rows)
           + (SELECT count(*) FROM area_rows)
"""

# Buckets a fold emptied are deleted; one below zero (or with severities but no reports) means
# the table had lost rows before: its day (or month) is rebuilt.
DELETE_MONTHS = "DELETE FROM {table} WHERE month = ANY(%s::date[])"

DROP_EMPTY = """
WITH gone AS (
    DELETE FROM {table} WHERE reports <= 0 RETURNING {period}, reports, severity_sum
)
SELECT count(*),
       coalesce(array_agg(DISTINCT {period}) FILTER (WHERE reports < 0 OR severity_sum <> 0),
                '{{}}')
FROM gone
"""

_SPANS = "unnest(%(starts)s::timestamptz[], %(ends)s::timestamptz[]) AS span(starts, ends)"
_DAY_SPANS = "unnest(%(first)s::date[], %(after)s::date[]) AS span(first_day, after_day)"

# The archived buckets of the spans' days (a span runs from one local midnight to another).
_ARCHIVED_IN_SPANS = f"""
    SELECT {DAY_COLUMNS}, a.reports, a.severity_sum
    FROM {_SPANS} JOIN overview_archivedreportcount a
        ON a.day >= (span.starts AT TIME ZONE %(tz)s)::date
        AND a.day < (span.ends AT TIME ZONE %(tz)s)::date
"""

# The day buckets of the spans, from the reports and the archived buckets.
_SOURCE_DAYS = f"""
    SELECT {DAY_COLUMNS}, sum(reports)::int AS reports, sum(severity_sum)::int AS severity_sum
    FROM (
        SELECT {bucket()}, count(*) AS reports, sum(r.severity) AS severity_sum
        FROM {_SPANS}
        JOIN incidents_report r ON r.occurred_at >= span.starts AND r.occurred_at < span.ends
        {DAY_GROUP}
        UNION ALL
        {_ARCHIVED_IN_SPANS}
    ) AS counted ({DAY_COLUMNS}, reports, severity_sum)
    {DAY_GROUP}
"""

DAYS_FROM_REPORTS = f"""
INSERT INTO overview_reportdaycount ({DAY_COLUMNS}, reports, severity_sum, computed_at)
SELECT *, %(now)s FROM ({_SOURCE_DAYS}) AS source
"""

MONTHS_FROM_DAYS = f"""
INSERT INTO overview_reportmonthcount ({MONTH_COLUMNS}, reports, severity_sum, computed_at)
SELECT date_trunc('month', d.day)::date, d.district_id, d.category_id, d.source_kind,
       d.organisation_id, d.confidentiality, sum(d.reports), sum(d.severity_sum), %(now)s
FROM {_DAY_SPANS} JOIN overview_reportdaycount d
    ON d.day >= span.first_day AND d.day < span.after_day
WHERE d.status = ANY(%(counted)s)
GROUP BY 1, 2, 3, 4, 5, 6
"""

AREAS_FROM_DAYS = f"""
INSERT INTO overview_areamonthcount ({AREA_COLUMNS}, reports, severity_sum, computed_at)
SELECT date_trunc('month', d.day)::date, d.district_id, d.intermediate_area_id,
       d.primary_area_id, d.organisation_id, d.confidentiality, sum(d.reports),
       sum(d.severity_sum), %(now)s
FROM {_DAY_SPANS} JOIN overview_reportdaycount d
    ON d.day >= span.first_day AND d.day < span.after_day
WHERE d.status = ANY(%(counted)s)
    AND (d.intermediate_area_id IS NOT NULL OR d.primary_area_id IS NOT NULL)
GROUP BY 1, 2, 3, 4, 5, 6
"""

# The days in the spans whose buckets differ from a GROUP BY over the reports (either way).
DAYS_DIFFERING = f"""
WITH source ({DAY_COLUMNS}, reports, severity_sum) AS ({_SOURCE_DAYS}), stored AS (
    SELECT {DAY_COLUMNS}, reports, severity_sum
    FROM overview_reportdaycount
    WHERE day >= %(first_day)s AND day < %(after_day)s
), differing AS (
    (SELECT * FROM source EXCEPT ALL SELECT * FROM stored)
    UNION ALL
    (SELECT * FROM stored EXCEPT ALL SELECT * FROM source)
)
SELECT DISTINCT day FROM differing ORDER BY 1
"""

_MONTHS_DIFFERING = """
WITH derived AS (
    SELECT date_trunc('month', d.day)::date AS month, {derived_columns},
           sum(d.reports)::int, sum(d.severity_sum)::int
    FROM {spans} JOIN overview_reportdaycount d
        ON d.day >= span.first_day AND d.day < span.after_day
    WHERE d.status = ANY(%(counted)s) {extra_condition}
    GROUP BY {group}
), stored AS (
    SELECT {columns}, reports, severity_sum FROM {table} WHERE month = ANY(%(first)s::date[])
), differing AS (
    (SELECT * FROM derived EXCEPT ALL SELECT * FROM stored)
    UNION ALL
    (SELECT * FROM stored EXCEPT ALL SELECT * FROM derived)
)
SELECT DISTINCT month FROM differing ORDER BY 1
"""
MONTHS_DIFFERING = _MONTHS_DIFFERING.format(
    derived_columns="d.district_id, d.category_id, d.source_kind, d.organisation_id, "
    "d.confidentiality",
    spans=_DAY_SPANS,
    extra_condition="",
    group="1, 2, 3, 4, 5, 6",
    columns=MONTH_COLUMNS,
    table="overview_reportmonthcount",
)
AREA_MONTHS_DIFFERING = _MONTHS_DIFFERING.format(
    derived_columns="d.district_id, d.intermediate_area_id, d.primary_area_id, "
    "d.organisation_id, d.confidentiality",
    spans=_DAY_SPANS,
    extra_condition="AND (d.intermediate_area_id IS NOT NULL OR d.primary_area_id IS NOT NULL)",
    group="1, 2, 3, 4, 5, 6",
    columns=AREA_COLUMNS,
    table="overview_areamonthcount",
)


# The whole rebuild in one statement: the reports are read and grouped once; the month and
# primärområde rows are grouped from those day rows in memory, not read back from the table.
REBUILD = f"""
WITH days ({DAY_COLUMNS}, reports, severity_sum) AS MATERIALIZED (
    SELECT {DAY_COLUMNS}, sum(reports)::int, sum(severity_sum)::int
    FROM (
        SELECT {bucket()}, count(*) AS reports, sum(r.severity) AS severity_sum
        FROM incidents_report r
        {DAY_GROUP}
        UNION ALL
        SELECT {DAY_COLUMNS}, reports, severity_sum FROM overview_archivedreportcount
    ) AS counted ({DAY_COLUMNS}, reports, severity_sum)
    {DAY_GROUP}
), day_rows AS (
    INSERT INTO overview_reportdaycount ({DAY_COLUMNS}, reports, severity_sum, computed_at)
    SELECT {DAY_COLUMNS}, reports, severity_sum, %(now)s FROM days
), counted AS MATERIALIZED (
    SELECT date_trunc('month', day)::date AS month, district_id, intermediate_area_id,
           primary_area_id, category_id, source_kind, organisation_id, confidentiality,
           sum(reports) AS reports, sum(severity_sum) AS severity_sum
    FROM days WHERE status = ANY(%(counted)s)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
), month_rows AS (
    INSERT INTO overview_reportmonthcount ({MONTH_COLUMNS}, reports, severity_sum, computed_at)
    SELECT {MONTH_COLUMNS}, sum(reports), sum(severity_sum), %(now)s FROM counted
    GROUP BY 1, 2, 3, 4, 5, 6
    RETURNING 1
), area_rows AS (
    INSERT INTO overview_areamonthcount ({AREA_COLUMNS}, reports, severity_sum, computed_at)
    SELECT {AREA_COLUMNS}, sum(reports), sum(severity_sum), %(now)s FROM counted
    WHERE {IN_AN_AREA}
    GROUP BY 1, 2, 3, 4, 5, 6
    RETURNING 1
)
SELECT (SELECT count(*) FROM days) + (SELECT count(*) FROM month_rows)
           + (SELECT count(*) FROM area_rows),
       (SELECT coalesce(sum(reports), 0) FROM days)
"""
