"""GET /api/v1/overview/counts/: who is refused and how, what a request costs, and the
shape of the answer (the figures themselves are in test_counts.py)."""

from dataclasses import asdict
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers as drf_serializers

from accounts.api.services import api_client_revoke
from accounts.choices import ApiScope
from incidents.models import Category, Report
from overview.api.serializers import OverviewCountRowSerializer
from overview.selectors.counts import BY_CHOICES, MAX_SPAN, CountRow
from overview.services.rollup import rollup_changes
from tests.api.overview.cast import (
    F_OBS,
    ORG,
    P_EVENT,
    SHARED,
    URL,
    day_iso,
    ok_body,
    problem_body,
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
    response = call(who, start=day_iso(1), end=day_iso(1), district=district)
    body = problem_body(response, 403)
    assert body["type"] == "urn:trygg:problem:permission_denied"
    assert "stadsområdet" in body["detail"]


def test_it_refuses_a_primary_area_out_of_reach_with_403(call, reports):
    one_day = {"start": day_iso(1), "end": day_iso(1)}
    body = problem_body(call("token", primary_area=reports["centrum"].code, **one_day), 403)
    assert "stadsområdet" in body["detail"]
    problem_body(call("social_centrum", primary_area=reports["nordost"].code, **one_day), 403)
    assert ok_body(call("coordinator", primary_area=reports["nordost"].code, **one_day))["results"]


def _query(**changes) -> dict:
    query = {"grain": "month", "start": day_iso(10), "end": day_iso(1)}
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
    ("end before start", _query(start=day_iso(1), end=day_iso(2)), "end"),
    ("too long for days", _query(grain="day", start=day_iso(401), end=day_iso(0)), "end"),
    (
        "too long for weeks",
        _query(grain="week", start=day_iso(MAX_SPAN["week"].days + 1), end=day_iso(0)),
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
    body = problem_body(call("token", **query), 400)
    assert body["type"] == "urn:trygg:problem:invalid"
    assert list(body["errors"]) == [field]
    messages = body["errors"][field]
    assert messages and all(isinstance(message, str) and message for message in messages)


def test_it_checks_the_role_before_the_query(call, geography):
    # Who may see no overview learns nothing about their parameters.
    problem_body(call("administrator", grain="decade"), 403)
    problem_body(call("outsider"), 403)


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
    answered = {who: call(who, start=day_iso(1), end=day_iso(1)).status_code for who in PEOPLE}
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
        response = api.get(URL, {"start": day_iso(1), "end": day_iso(1)}, headers=caller.headers)
        answered[name] = response.status_code
        if response.status_code != 200:
            problem_body(response, response.status_code)
    assert answered == {name: status for name, (_setup, status) in TOKENS.items()}


def test_it_names_the_missing_scope(api, bostad_client, geography):
    response = api.get(URL, {"start": day_iso(1), "end": day_iso(1)}, headers=bostad_client.headers)
    assert "overview:read" in problem_body(response, 403)["detail"]


def test_it_is_read_only(call, api, overview_client, coordinator, geography):
    response = api.post(URL, {}, format="json", headers=overview_client.headers)
    # A token names no write scope here: refused before the method is looked at.
    problem_body(response, 403)
    api.force_login(coordinator)
    problem_body(api.post(URL, {}, format="json"), 405)


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
        "start": day_iso(300),
        "end": day_iso(0),
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
            body = ok_body(api.get(URL, query, headers=headers))
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
            intermediate_area=None,
            primary_area=None,
            category="klotter",
            main_category=None,
            source_kind="police_event",
            reports=2,
            severity_sum=5,
        ),
        CountRow(
            period_start=timezone.localdate(),
            district=None,
            intermediate_area="35",
            primary_area="101",
            category=None,
            main_category="brott",
            source_kind=None,
            reports=12,
            severity_sum=30,
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
        "intermediate_area",
        "primary_area",
        "category",
        "source_kind",
        "by",
    }
    assert parameters["start"]["required"] and parameters["end"]["required"]
    assert parameters["by"]["schema"]["items"]["enum"] == list(BY_CHOICES)
    assert "Not paginated" in operation["description"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
