"""GET /api/v1/overview/counts/: figures from the rollups, as each caller may see them.

The expected figures are counted here over the reports themselves (the ORM's Trunc* in the
portal's time zone, ``Report.objects.visible_to`` for the part a viewer may read), never over
the rollup tables, so that a mistake in the rollups or the selector does not hide in both.
"""

from dataclasses import asdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import (
    Coalesce,
    TruncDay,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers as drf_serializers

from accounts.api.services import api_client_revoke
from accounts.choices import ApiScope, Confidentiality
from areas.models import PrimaryArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category, Report
from incidents.selectors.situation import COUNTED_STATUSES
from overview.api.serializers import OverviewCountRowSerializer
from overview.models import RollupRun
from overview.selectors.counts import BY_CHOICES, MAX_SPAN, CountRow
from overview.services.plans_rollup import rollup_plans
from overview.services.rollup import rollup_changes

URL = "/api/v1/overview/counts/"
ORG, SHARED = Confidentiality.ORGANISATION, Confidentiality.PARTNERSHIP
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def _noon_hours_ago(days_ago: int) -> float:
    """``hours_ago`` for ``make_report`` that lands at local noon ``days_ago`` days back, so
    that a report never slips into another day (or month) with the clock of the test run."""
    local = ZoneInfo(settings.TIME_ZONE)
    noon = datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(12), local)
    return (timezone.now() - noon).total_seconds() / 3600


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


# The reports every test here counts: (district, organisation, confidentiality, category,
# source, days ago, how many, in a primärområde). The district's own primärområde when the
# last field is set.
F_OBS, P_EVENT, PARTNER = (
    SourceKind.FIELD_OBSERVATION,
    SourceKind.POLICE_EVENT,
    SourceKind.PARTNER_SYSTEM,
)
REPORTS = [
    # Centrum: the partnership's reports, police-only ones, and a housing company's.
    ("centrum", "sf_centrum", SHARED, "narkotikahandel", F_OBS, 1, 2, True),
    ("centrum", "sf_centrum", SHARED, "narkotikahandel", F_OBS, 9, 2, False),
    ("centrum", "lpo_city", ORG, "vald", P_EVENT, 1, 2, False),
    ("centrum", "lpo_city", SHARED, "klotter", P_EVENT, 65, 1, True),
    ("centrum", "bostad", ORG, "skadegorelse", PARTNER, 2, 1, False),
    ("hisingen", "sf_hisingen", SHARED, "brak", F_OBS, 2, 1, False),
    ("hisingen", "lpo_hisingen", ORG, "hot", P_EVENT, 33, 1, True),
    # Nordost, as Bostadsbolaget's token sees it one day: 2 of the police's (shown "<3"),
    # 2 of its own (shown exactly), 3 of the police's (shown: not a small count).
    ("nordost", "lpo_city", SHARED, "narkotikahandel", P_EVENT, 1, 2, False),
    ("nordost", "bostad", ORG, "skadegorelse", PARTNER, 1, 2, True),
    ("nordost", "lpo_city", SHARED, "klotter", P_EVENT, 1, 3, True),
    ("nordost", "bostad", ORG, "skadegorelse", PARTNER, 33, 1, False),
    # Unplaced: no district, counted citywide for coordinators.
    (None, "sf_centrum", SHARED, "rykten-sociala-medier", F_OBS, 1, 2, False),
    (None, "lpo_city", ORG, "narkotikahandel", P_EVENT, 1, 1, False),
]


@pytest.fixture
def reports(make_report, geography):
    """The reports above, a dismissed one (never counted), folded into the rollups."""
    categories = {category.code: category for category in Category.objects.all()}
    areas = {
        slug: PrimaryArea.objects.filter(district=district).order_by("code").first()
        for slug, district in geography.items()
    }
    for district, organisation, level, category, source, days_ago, count, in_area in REPORTS:
        for n in range(count):
            make_report(
                district=district,
                organisation=organisation,
                confidentiality=level,
                category=categories[category],
                source_kind=source,
                primary_area=areas[district] if in_area and district else None,
                severity=1 + n % 4,
                hours_ago=_noon_hours_ago(days_ago),
            )
    make_report(status=ReportStatus.DISMISSED, hours_ago=_noon_hours_ago(1))
    rollup_changes()
    return areas


@pytest.fixture
def overview_client(make_api_client):
    """Bostadsbolaget's statistics system: overview:read in Nordost."""
    return make_api_client("bostad-statistik", scopes=(ApiScope.OVERVIEW_READ,))


@pytest.fixture
def call(api, request):
    """``call(who, **query)``: GET the counts as a person of the cast (by fixture name), as
    ``"token"`` (``overview_client``), or as ``"anonymous"``; parameters that are None are
    left out."""

    def get(who, **query):
        query = {name: value for name, value in query.items() if value is not None}
        api.logout()
        headers = {}
        if who == "token":
            headers = request.getfixturevalue("overview_client").headers
        elif who != "anonymous":
            api.force_login(request.getfixturevalue(who))
        return api.get(URL, query, headers=headers)

    return get


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"computed_at", "threshold", "results"}
    return body


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    return body


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
    "primary_area": F("primary_area__code"),
    "category": F("category__code"),
    "main_category": Coalesce(F("category__parent__code"), F("category__code")),
    "source_kind": F("source_kind"),
}


def expected_rows(viewer, *, districts, grain, by, where=None, threshold=3) -> dict:
    """Rows keyed by (period_start, *dimensions): what ``viewer`` should see of the reports
    (all of them in ``REPORTS`` lie within every span asked for here). ``districts``: the
    viewer's districts, or None for every district and the unplaced reports."""
    counted = Report.objects.filter(status__in=COUNTED_STATUSES).order_by()
    if districts is not None:
        counted = counted.filter(district__slug__in=districts)
    if where is not None:
        counted = counted.filter(where)
    readable = Report.objects.visible_to(viewer).values("pk")
    names = [name for name in BY_CHOICES if name in by]
    rows = (
        counted.annotate(
            period=TRUNC[grain]("occurred_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
            **{f"d_{name}": DIMENSIONS[name] for name in names},
        )
        .values("period", *[f"d_{name}" for name in names])
        .annotate(
            total=Count("pk"),
            readable=Count("pk", filter=Q(pk__in=readable)),
            severity=Sum("severity"),
        )
    )
    expected = {}
    for row in rows:
        hidden_small = row["readable"] < row["total"] < threshold
        key = (row["period"].date(), *[row[f"d_{name}"] for name in names])
        expected[key] = {
            "reports": None if hidden_small else row["total"],
            "reports_display": f"<{threshold}" if hidden_small else str(row["total"]),
            "severity_sum": None if hidden_small else row["severity"],
            "suppressed": hidden_small,
        }
    return expected


def answered_rows(body, *, by) -> dict:
    names = [name for name in BY_CHOICES if name in by]
    answered = {}
    for row in body["results"]:
        for name in BY_CHOICES:
            if name not in names:
                assert row[name] is None, (name, row)
        key = (datetime.fromisoformat(row["period_start"]).date(), *[row[n] for n in names])
        assert key not in answered, key
        answered[key] = {
            field: row[field]
            for field in ("reports", "reports_display", "severity_sum", "suppressed")
        }
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
        query = {"grain": grain, "start": _day(70), "end": _day(0), "by": ",".join(by) or None}
        body = _ok(call(who, **query))
        expected = expected_rows(viewer, districts=districts, grain=grain, by=by)
        assert expected, (grain, by)
        assert answered_rows(body, by=by) == expected, (grain, by)


def test_it_suppresses_small_counts_of_others_reports_for_a_housing_token(call, reports):
    query = {"grain": "day", "start": _day(1), "end": _day(1), "by": "district,category"}
    body = _ok(call("token", **query))
    rows = {row["category"]: row for row in body["results"]}
    assert set(rows) == {"narkotikahandel", "skadegorelse", "klotter"}
    # Two of the police's: the token may not read them, so the figure is withheld.
    hidden = rows["narkotikahandel"]
    assert (hidden["reports"], hidden["reports_display"]) == (None, "<3")
    assert (hidden["severity_sum"], hidden["suppressed"]) == (None, True)
    # Two of its own: shown as they are, small or not.
    own = rows["skadegorelse"]
    assert (own["reports"], own["reports_display"], own["suppressed"]) == (2, "2", False)
    assert own["severity_sum"] == 1 + 2
    # Three of the police's: no small count.
    shown = rows["klotter"]
    assert (shown["reports"], shown["reports_display"], shown["suppressed"]) == (3, "3", False)
    assert {row["district"] for row in body["results"]} == {"nordost"}
    assert body["threshold"] == 3


def test_it_follows_the_configured_threshold(call, reports, settings):
    settings.TRYGG_SMALL_COUNT_THRESHOLD = 5
    body = _ok(call("token", grain="day", start=_day(1), end=_day(1), by="category"))
    rows = {row["category"]: row["reports_display"] for row in body["results"]}
    assert rows == {"narkotikahandel": "<5", "skadegorelse": "2", "klotter": "<5"}
    assert body["threshold"] == 5


def test_it_counts_unplaced_reports_citywide_for_coordinators_only(call, reports):
    one_day = {"grain": "day", "start": _day(1), "end": _day(1)}
    citywide = _ok(call("coordinator", by="district", **one_day))["results"]
    by_district = {row["district"]: row["reports"] for row in citywide}
    assert by_district == {"centrum": 4, "nordost": 7, None: 3}
    total = _ok(call("coordinator", **one_day))["results"]
    assert [row["reports"] for row in total] == [14]

    staff = _ok(call("social_centrum", by="district", **one_day))["results"]
    assert [row["district"] for row in staff] == ["centrum"]
    # Their total is their district's, without the unplaced reports.
    total = _ok(call("social_centrum", **one_day))["results"]
    assert [row["reports"] for row in total] == [4]


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
    query = {"grain": grain, "start": _day(70), "end": _day(0), "by": ",".join(by)}
    body = _ok(call("coordinator", **query))
    expected = expected_rows(coordinator, districts=None, grain=grain, by=by)
    assert answered_rows(body, by=by) == expected


def test_it_filters_by_district_area_category_and_source(call, coordinator, reports):
    span = {"grain": "year", "start": _day(70), "end": _day(0)}
    for filters, where in _filters(reports["nordost"].code):
        for by in ((), ("district", "category")):
            body = _ok(call("coordinator", **span, **filters, by=",".join(by) or None))
            expected = expected_rows(coordinator, districts=None, grain="year", by=by, where=where)
            assert expected, filters
            assert answered_rows(body, by=by) == expected, (filters, by)


def test_it_shows_a_token_its_own_and_larger_figures_under_a_filter(call, reports):
    # In Nordost: fysisk miljö is 3 of the token's own reports and 3 of the police's.
    rows = _ok(call("token", grain="year", start=_day(70), end=_day(0), category="fysisk-miljo"))[
        "results"
    ]
    assert sum(row["reports"] for row in rows) == 6
    rows = _ok(
        call(
            "token", grain="year", start=_day(70), end=_day(0), primary_area=reports["nordost"].code
        )
    )["results"]
    assert sum(row["reports"] for row in rows) == 5


def test_it_takes_by_repeated_or_comma_separated(api, overview_client, reports):
    query = f"grain=day&start={_day(1)}&end={_day(1)}"

    def results(by_part):
        response = api.get(f"{URL}?{query}&{by_part}", headers=overview_client.headers)
        return _ok(response)["results"]

    repeated = results("by=category&by=district")
    assert repeated == results("by=district,category")
    assert repeated == results("by=category, district&by=district")
    assert {(row["district"], row["category"]) for row in repeated} == {
        ("nordost", "narkotikahandel"),
        ("nordost", "skadegorelse"),
        ("nordost", "klotter"),
    }


def test_it_snaps_the_start_back_to_its_period(call, reports):
    today = timezone.localdate()
    rows = _ok(call("coordinator", grain="week", start=_day(1), end=_day(1)))["results"]
    monday = today - timedelta(days=1) - timedelta(days=(today - timedelta(days=1)).weekday())
    assert [row["period_start"] for row in rows] == [monday.isoformat()]
    rows = _ok(call("coordinator", grain="month", start=_day(1), end=_day(1)))["results"]
    assert [row["period_start"] for row in rows] == [
        (today - timedelta(days=1)).replace(day=1).isoformat()
    ]


def test_it_says_when_the_count_rollups_were_last_brought_up_to_date(call, make_report, geography):
    one_day = {"grain": "day", "start": _day(1), "end": _day(0)}
    assert _ok(call("coordinator", **one_day))["computed_at"] is None
    make_report()
    run = rollup_changes()
    body = _ok(call("coordinator", **one_day))
    assert datetime.fromisoformat(body["computed_at"]) == run.finished_at
    assert [row["reports"] for row in body["results"]] == [1]
    # A plan progress rollup brings no count up to date.
    rollup_plans()
    assert RollupRun.objects.filter(kind="plans").exists()
    assert datetime.fromisoformat(_ok(call("coordinator", **one_day))["computed_at"]) == (
        run.finished_at
    )


# --- Reach and refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "district"),
    [
        ("social_centrum", "hisingen"),
        ("police_hisingen", "nordost"),
        ("partner", "centrum"),
        ("token", "centrum"),
    ],
)
def test_it_refuses_a_district_out_of_reach_with_403(call, reports, who, district):
    response = call(who, start=_day(1), end=_day(1), district=district)
    body = _problem(response, 403)
    assert body["type"] == "urn:trygg:problem:permission_denied"
    assert "stadsområdet" in body["detail"]


def test_it_refuses_a_primary_area_out_of_reach_with_403(call, reports):
    one_day = {"start": _day(1), "end": _day(1)}
    body = _problem(call("token", primary_area=reports["centrum"].code, **one_day), 403)
    assert "stadsområdet" in body["detail"]
    _problem(call("social_centrum", primary_area=reports["nordost"].code, **one_day), 403)
    assert _ok(call("coordinator", primary_area=reports["nordost"].code, **one_day))["results"]


def _query(**changes) -> dict:
    query = {"grain": "month", "start": _day(10), "end": _day(1)}
    query.update(changes)
    return {name: value for name, value in query.items() if value is not None}


BAD = [
    ("unknown grain", _query(grain="decade"), "grain"),
    ("empty grain", _query(grain=""), "grain"),
    ("no start", _query(start=None), "start"),
    ("blank start", _query(start=""), "start"),
    ("no end", _query(end=None), "end"),
    ("month 13", _query(start="2026-13-01"), "start"),
    ("february 30", _query(end="2026-02-30"), "end"),
    ("a word", _query(start="yesterday"), "start"),
    ("basic ISO format", _query(start="20260101"), "start"),
    ("ISO week date", _query(end="2026-W01-1"), "end"),
    ("a datetime", _query(start="2026-01-01T00:00:00"), "start"),
    ("end before start", _query(start=_day(1), end=_day(2)), "end"),
    ("too long for days", _query(grain="day", start=_day(401), end=_day(0)), "end"),
    (
        "too long for weeks",
        _query(grain="week", start=_day(MAX_SPAN["week"].days + 1), end=_day(0)),
        "end",
    ),
    ("unknown district", _query(district="atlantis"), "district"),
    ("blank district", _query(district=""), "district"),
    ("district code, not slug", _query(district="01"), "district"),
    ("unknown category", _query(category="tjuvjakt"), "category"),
    ("unknown primary area", _query(primary_area="999"), "primary_area"),
    ("area of another district", _query(district="nordost", primary_area="101"), "primary_area"),
    ("unknown source", _query(source_kind="pigeon"), "source_kind"),
    ("blank source", _query(source_kind=""), "source_kind"),
    ("blank category", _query(category=""), "category"),
    ("unknown group", _query(by="reporter"), "by"),
    ("one unknown among groups", _query(by="district,organisation"), "by"),
    ("empty group", _query(by=""), "by"),
    ("trailing comma", _query(by="district,"), "by"),
    ("repeated, one unknown", _query(by=["district", "confidentiality"]), "by"),
]


@pytest.mark.parametrize(("query", "field"), [case[1:] for case in BAD], ids=[c[0] for c in BAD])
def test_it_answers_every_bad_parameter_with_a_400_naming_it(call, geography, query, field):
    body = _problem(call("token", **query), 400)
    assert body["type"] == "urn:trygg:problem:invalid"
    assert list(body["errors"]) == [field]
    messages = body["errors"][field]
    assert messages and all(isinstance(message, str) and message for message in messages)


def test_it_checks_the_role_before_the_query(call, geography):
    # Who may see no overview learns nothing about their parameters.
    _problem(call("administrator", grain="decade"), 403)
    _problem(call("outsider"), 403)


# Who may read the counts at all (their own reach, no district asked for).
PEOPLE = {
    "anonymous": 401,
    "police_centrum": 200,
    "manager_police_centrum": 200,
    "social_centrum": 200,
    "manager_social_centrum": 200,
    "social_hisingen": 200,
    "police_hisingen": 200,  # a reporter: the district's aggregates
    "coordinator": 200,
    "partner": 200,  # a housing company's reporter: aggregates only
    "administrator": 403,  # no content role
    "outsider": 403,  # no membership
}
OVERVIEW = (ApiScope.OVERVIEW_READ,)
TOKENS = {
    # name: (organisation, scopes, districts, state), expected status
    "overview:read": (("bostad", OVERVIEW, ("nordost",), "valid"), 200),
    "police, overview:read": (("lpo_city", OVERVIEW, ("centrum", "hisingen"), "valid"), 200),
    "every scope but overview:read": (
        ("bostad", tuple(set(ApiScope.values) - set(OVERVIEW)), ("nordost",), "valid"),
        403,
    ),
    "reports:read": (("bostad", (ApiScope.REPORTS_READ,), ("nordost",), "valid"), 403),
    "overview:read, no district": (("bostad", OVERVIEW, (), "valid"), 403),
    "overview:read, revoked": (("bostad", OVERVIEW, ("nordost",), "revoked"), 401),
    "overview:read, expired": (("bostad", OVERVIEW, ("nordost",), "expired"), 401),
}


def test_it_lets_people_in_by_their_role(call, reports):
    answered = {who: call(who, start=_day(1), end=_day(1)).status_code for who in PEOPLE}
    assert answered == PEOPLE


def test_it_lets_tokens_in_by_their_scope_and_districts(api, make_api_client, reports):
    answered = {}
    for name, ((organisation, scopes, districts, state), _status) in TOKENS.items():
        caller = make_api_client(
            name.replace(" ", "-").replace(":", "-").replace(",", ""),
            organisation=organisation,
            scopes=scopes,
            districts=districts,
            expires_in=timedelta(days=-1) if state == "expired" else timedelta(days=1),
        )
        if state == "revoked":
            api_client_revoke(client=caller.client, actor_label="test")
        response = api.get(URL, {"start": _day(1), "end": _day(1)}, headers=caller.headers)
        answered[name] = response.status_code
        if response.status_code != 200:
            _problem(response, response.status_code)
    assert answered == {name: status for name, (_setup, status) in TOKENS.items()}


def test_it_names_the_missing_scope(api, bostad_client, geography):
    response = api.get(URL, {"start": _day(1), "end": _day(1)}, headers=bostad_client.headers)
    assert "overview:read" in _problem(response, 403)["detail"]


def test_it_is_read_only(call, api, overview_client, coordinator, geography):
    response = api.post(URL, {}, format="json", headers=overview_client.headers)
    # A token names no write scope here: refused before the method is looked at.
    _problem(response, 403)
    api.force_login(coordinator)
    _problem(api.post(URL, {}, format="json"), 405)


# --- Cost ------------------------------------------------------------------------------------


def _many_reports(count: int, *, organisations, geography) -> None:
    """``count`` reports over 200 days, four districts (and none), the crime categories and two
    sources, written in one statement (the rollup trigger captures bulk inserts too)."""
    categories = list(Category.objects.filter(parent__code="brott").order_by("code"))
    places = [*geography.values(), None]
    owners = [organisations["sf_centrum"], organisations["lpo_city"], organisations["bostad"]]
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            category=categories[n % len(categories)],
            occurred_at=now - timedelta(days=n % 200, hours=n % 7),
            district=places[n % len(places)],
            organisation=owners[n % len(owners)],
            confidentiality=(SHARED, ORG)[n % 2],
            source_kind=(F_OBS, P_EVENT)[n % 3 == 0],
            severity=1 + n % 4,
            description=f"Rapport {n}",
        )
        for n in range(count)
    )
    rollup_changes()


@pytest.mark.parametrize("who", ["token", "coordinator", "social_centrum"])
def test_it_costs_the_same_queries_for_10_and_1000_reports(
    api, request, who, organisations, geography, django_assert_max_num_queries
):
    query = {
        "grain": "day",
        "start": _day(300),
        "end": _day(0),
        "by": "district,category,source_kind",
        "category": "brott",
    }
    headers = {}
    if who == "token":
        headers = request.getfixturevalue("overview_client").headers
        query["district"] = "nordost"
    else:
        api.force_login(request.getfixturevalue(who))
        if who == "social_centrum":
            query["district"] = "centrum"
    api.get(URL, query, headers=headers)  # a token's first call records its use: not measured
    measured = []
    for count in (10, 990):
        _many_reports(count, organisations=organisations, geography=geography)
        with CaptureQueriesContext(connection) as queries:
            body = _ok(api.get(URL, query, headers=headers))
        measured.append((len(queries.captured_queries), len(body["results"])))
    (few_queries, few_rows), (many_queries, many_rows) = measured
    assert many_rows > 10 * few_rows > 0
    assert many_queries == few_queries
    # The session or token and its access, the district and category looked up, the counts,
    # the time of the rollup: a handful, whatever the number of rows.
    with django_assert_max_num_queries(8):
        api.get(URL, query, headers=headers)


# --- Shape and schema ------------------------------------------------------------------------


def test_it_writes_rows_as_the_declared_fields_would(reports):
    rows = [
        CountRow(
            period_start=timezone.localdate(),
            district="nordost",
            primary_area=None,
            category="klotter",
            main_category=None,
            source_kind="police_event",
            reports=None,
            reports_display="<3",
            severity_sum=None,
            suppressed=True,
        ),
        CountRow(
            period_start=timezone.localdate(),
            district=None,
            primary_area="101",
            category=None,
            main_category="brott",
            source_kind=None,
            reports=12,
            reports_display="12",
            severity_sum=30,
            suppressed=False,
        ),
    ]
    serializer = OverviewCountRowSerializer()
    for row in rows:
        by_fields = drf_serializers.Serializer.to_representation(serializer, row)
        assert serializer.to_representation(row) == dict(by_fields)
        assert set(by_fields) == set(asdict(row))


def test_it_documents_the_counts_in_the_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"][URL]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {
        "grain",
        "start",
        "end",
        "district",
        "primary_area",
        "category",
        "source_kind",
        "by",
    }
    assert parameters["start"]["required"] and parameters["end"]["required"]
    assert parameters["by"]["schema"]["items"]["enum"] == list(BY_CHOICES)
    assert "Not paginated" in operation["description"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
