"""GET /api/v1/overview/counts/: figures from the rollups, as each caller may see them.

The expected figures are counted here over the reports themselves (the ORM's Trunc* in the
portal's time zone, ``Report.objects.visible_to`` for the part a viewer may read), never over
the rollup tables, so that a mistake in the rollups or the selector does not hide in both.
Reach, refusals, cost and shape are in test_access.py.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import (
    Coalesce,
    TruncDay,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone

from incidents.models import Report
from incidents.selectors.situation import COUNTED_STATUSES
from overview.models import RollupRun
from overview.selectors.counts import BY_CHOICES
from overview.services.plans_rollup import rollup_plans
from overview.services.rollup import rollup_changes
from tests.api.overview.cast import (
    URL,
    day_iso,
    ok_body,
)

# --- The expected figures, counted over the reports ------------------------------------------

TRUNC = {
    "day": TruncDay,
    "week": TruncWeek,
    "month": TruncMonth,
    "quarter": TruncQuarter,
    "year": TruncYear,
}
DIMENSIONS = {
    "district": F("district__slug"),
    "intermediate_area": F("intermediate_area__code"),
    "primary_area": F("primary_area__code"),
    "category": F("category__code"),
    "main_category": Coalesce(F("category__parent__code"), F("category__code")),
    "source_kind": F("source_kind"),
}


def expected_rows(viewer, *, districts, grain, by, where=None) -> dict:
    """Rows keyed by (period_start, *dimensions): what ``viewer`` should see of the reports
    (all of them in ``REPORTS`` lie within every span asked for here): the reports they may
    read, nothing else. ``districts``: the viewer's districts, or None for every district and
    the unplaced reports."""
    counted = Report.objects.visible_to(viewer).filter(status__in=COUNTED_STATUSES).order_by()
    if districts is not None:
        counted = counted.filter(district__slug__in=districts)
    if where is not None:
        counted = counted.filter(where)
    names = [name for name in BY_CHOICES if name in by]
    rows = (
        counted.annotate(
            period=TRUNC[grain]("occurred_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
            **{f"d_{name}": DIMENSIONS[name] for name in names},
        )
        .values("period", *[f"d_{name}" for name in names])
        .annotate(total=Count("pk"), severity=Sum("severity"))
    )
    return {
        (row["period"].date(), *[row[f"d_{name}"] for name in names]): {
            "reports": row["total"],
            "severity_sum": row["severity"],
        }
        for row in rows
    }


def answered_rows(body, *, by) -> dict:
    names = [name for name in BY_CHOICES if name in by]
    answered = {}
    for row in body["results"]:
        for name in BY_CHOICES:
            if name not in names:
                assert row[name] is None, (name, row)
        key = (datetime.fromisoformat(row["period_start"]).date(), *[row[n] for n in names])
        assert key not in answered, key
        answered[key] = {field: row[field] for field in ("reports", "severity_sum")}
    return answered


QUERIES = [
    ("day", ()),
    ("day", ("district",)),
    ("week", ("district", "category")),
    ("month", ("main_category", "source_kind")),
    ("quarter", ("district", "category")),
    ("year", ()),
    # By primärområde: from the day rollup at days and weeks, or with a category or source.
    ("week", ("district", "primary_area")),
    ("year", ("primary_area", "category")),
    ("month", BY_CHOICES),
]


@pytest.mark.parametrize(
    ("who", "districts"),
    [
        ("coordinator", None),
        ("social_centrum", ["centrum"]),
        ("police_centrum", ["centrum"]),
        ("police_hisingen", ["hisingen"]),
        ("partner", ["nordost"]),
        ("token", ["nordost"]),
    ],
)
def test_it_answers_the_figures_an_independent_count_gives(call, request, reports, who, districts):
    if who == "token":
        viewer = request.getfixturevalue("overview_client").client
    else:
        viewer = request.getfixturevalue(who)
    for grain, by in QUERIES:
        query = {
            "grain": grain,
            "start": day_iso(70),
            "end": day_iso(0),
            "by": ",".join(by) or None,
        }
        body = ok_body(call(who, **query))
        expected = expected_rows(viewer, districts=districts, grain=grain, by=by)
        assert expected, (grain, by)
        assert answered_rows(body, by=by) == expected, (grain, by)


def test_it_counts_only_its_own_reports_for_a_housing_token(call, reports):
    query = {"grain": "day", "start": day_iso(1), "end": day_iso(1), "by": "district,category"}
    body = ok_body(call("token", **query))
    rows = {row["category"]: row for row in body["results"]}
    # The police's 2 and 3 reports in Nordost are not the token's to read: no row, not even
    # a zero, whatever their number.
    assert set(rows) == {"skadegorelse"}
    own = rows["skadegorelse"]
    assert (own["reports"], own["severity_sum"]) == (2, 1 + 2)
    assert {row["district"] for row in body["results"]} == {"nordost"}
    assert body["counted"] == "readable"


def test_it_counts_unplaced_reports_citywide_for_coordinators_only(call, reports):
    one_day = {"grain": "day", "start": day_iso(1), "end": day_iso(1)}
    citywide = ok_body(call("coordinator", by="district", **one_day))["results"]
    by_district = {row["district"]: row["reports"] for row in citywide}
    # What the coordinator reads: partnership reports anywhere (not the police's or the
    # housing company's organisation-level ones).
    assert by_district == {"centrum": 2, "nordost": 5, None: 2}
    total = ok_body(call("coordinator", **one_day))["results"]
    assert [row["reports"] for row in total] == [9]

    staff = ok_body(call("social_centrum", by="district", **one_day))["results"]
    assert [row["district"] for row in staff] == ["centrum"]
    # Their total is their district's, without the unplaced reports.
    total = ok_body(call("social_centrum", **one_day))["results"]
    assert [row["reports"] for row in total] == [2]


def _filters(nordost_area: str) -> list[tuple[dict, Q]]:
    """Query filters and the same condition on the reports."""
    return [
        ({"district": "hisingen"}, Q(district__slug="hisingen")),
        ({"primary_area": nordost_area}, Q(primary_area__code=nordost_area)),
        # A main category counts its subcategories.
        ({"category": "fysisk-miljo"}, Q(category__parent__code="fysisk-miljo")),
        ({"category": "klotter"}, Q(category__code="klotter")),
        ({"source_kind": "partner_system"}, Q(source_kind="partner_system")),
        (
            {"district": "nordost", "category": "brott", "source_kind": "police_event"},
            Q(district__slug="nordost", category__parent__code="brott", source_kind="police_event"),
        ),
    ]


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
def test_it_counts_reports_without_a_primary_area_at_every_grain(call, coordinator, reports, grain):
    by = ("district", "primary_area")
    query = {"grain": grain, "start": day_iso(70), "end": day_iso(0), "by": ",".join(by)}
    body = ok_body(call("coordinator", **query))
    expected = expected_rows(coordinator, districts=None, grain=grain, by=by)
    assert answered_rows(body, by=by) == expected


def test_it_filters_by_district_area_category_and_source(call, coordinator, reports):
    span = {"grain": "year", "start": day_iso(70), "end": day_iso(0)}
    empty = []
    for filters, where in _filters(reports["nordost"].code):
        for by in ((), ("district", "category")):
            body = ok_body(call("coordinator", **span, **filters, by=",".join(by) or None))
            expected = expected_rows(coordinator, districts=None, grain="year", by=by, where=where)
            if not expected:
                empty.append(filters)
            assert answered_rows(body, by=by) == expected, (filters, by)
    # The partners' reports are organisation-level: the coordinator may read none of them.
    assert empty == [{"source_kind": "partner_system"}] * 2


def test_it_shows_a_token_only_its_own_reports_under_a_filter(call, reports):
    # In Nordost: fysisk miljö is 3 of the token's own reports and 3 of the police's.
    rows = ok_body(
        call("token", grain="year", start=day_iso(70), end=day_iso(0), category="fysisk-miljo")
    )["results"]
    assert sum(row["reports"] for row in rows) == 3
    rows = ok_body(
        call(
            "token",
            grain="year",
            start=day_iso(70),
            end=day_iso(0),
            primary_area=reports["nordost"].code,
        )
    )["results"]
    assert sum(row["reports"] for row in rows) == 2


def test_it_takes_by_repeated_or_comma_separated(api, overview_client, reports):
    query = f"grain=day&start={day_iso(1)}&end={day_iso(1)}"

    def results(by_part):
        response = api.get(f"{URL}?{query}&{by_part}", headers=overview_client.headers)
        return ok_body(response)["results"]

    repeated = results("by=category&by=district")
    assert repeated == results("by=district,category")
    assert repeated == results("by=category, district&by=district")
    assert {(row["district"], row["category"]) for row in repeated} == {
        ("nordost", "skadegorelse"),
    }


def test_it_snaps_the_start_back_to_its_period(call, reports):
    today = timezone.localdate()
    rows = ok_body(call("coordinator", grain="week", start=day_iso(1), end=day_iso(1)))["results"]
    monday = today - timedelta(days=1) - timedelta(days=(today - timedelta(days=1)).weekday())
    assert [row["period_start"] for row in rows] == [monday.isoformat()]
    rows = ok_body(call("coordinator", grain="month", start=day_iso(1), end=day_iso(1)))["results"]
    assert [row["period_start"] for row in rows] == [
        (today - timedelta(days=1)).replace(day=1).isoformat()
    ]


def test_it_says_when_the_count_rollups_were_last_brought_up_to_date(call, make_report, geography):
    one_day = {"grain": "day", "start": day_iso(1), "end": day_iso(0)}
    assert ok_body(call("coordinator", **one_day))["computed_at"] is None
    make_report()
    run = rollup_changes()
    body = ok_body(call("coordinator", **one_day))
    assert datetime.fromisoformat(body["computed_at"]) == run.finished_at
    assert [row["reports"] for row in body["results"]] == [1]
    # A plan progress rollup brings no count up to date.
    rollup_plans()
    assert RollupRun.objects.filter(kind="plans").exists()
    assert datetime.fromisoformat(ok_body(call("coordinator", **one_day))["computed_at"]) == (
        run.finished_at
    )
