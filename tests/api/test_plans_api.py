"""The plans API's behaviour: problems named and changed through the services (masking,
refusals in the standard error format, edit conflicts), follow-ups recorded by the two
parties' systems, the effective status of measures, the public part for partners, and lists
that cost the same queries for few rows and for many."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApiScope, Confidentiality
from accounts.models import AuditEvent
from core.identity_numbers import MASK, find_identity_numbers
from plans.choices import PlanStatus
from plans.models import ActionPlan, FollowUp, Measure, PlanSignature, Problem, ProblemReport
from plans.services.measures import measure_create
from plans.services.plans import plan_create
from tests.plans.conftest import (  # noqa: F401  (fixtures)
    THIS_YEAR,
    agreed_plan,
    english,
    measure,
    measure_data,
    plan,
    problem,
)

PLANS_READ, PLANS_WRITE = ApiScope.PLANS_READ, ApiScope.PLANS_WRITE
PERSONNUMMER = "19811218-9876"


@pytest.fixture
def centrum_plan(request):
    """The plans tests' fixtures (imported above): a problem in Centrum and the agreed plan
    with its public measure."""
    return {name: request.getfixturevalue(name) for name in ("problem", "agreed_plan", "measure")}


@pytest.fixture
def police_system(make_api_client):
    return make_api_client(
        "lpo-city-indikatorer",
        organisation="lpo_city",
        scopes=(PLANS_READ, PLANS_WRITE),
        districts=("centrum",),
    )


def _token(api, caller):
    api.credentials(HTTP_AUTHORIZATION=caller.headers["Authorization"])
    return api


# --- Problems ---------------------------------------------------------------------------------


def test_it_creates_a_problem_and_masks_an_identity_number(api, social_centrum, centrum):
    assert find_identity_numbers(PERSONNUMMER)  # a valid number, Luhn and all
    api.force_login(social_centrum)
    response = api.post(
        "/api/v1/problems/",
        {
            "district": "centrum",
            "title": "Langning vid Brunnsparken kvällstid",
            "situation": f"En man med personnummer {PERSONNUMMER} säljer vid trappan.",
            "places": ["brunnsparken"],
            "influence": 4,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["masked_identity_numbers"] == 1
    assert PERSONNUMMER not in body["situation"] and MASK in body["situation"]
    assert (body["district"], body["places"], body["status"]) == (
        "centrum",
        ["brunnsparken"],
        "active",
    )
    assert body["report_count"] == 0 and body["version"] == 1
    assert float(body["priority_score"]) >= 0
    created = Problem.objects.get(pk=body["id"])
    assert PERSONNUMMER not in created.situation and created.created_by == social_centrum
    event = AuditEvent.objects.get(action="problem.created", object_id=str(created.pk))
    assert event.actor == social_centrum and event.details["masked_identity_numbers"] == 1
    assert PERSONNUMMER not in str(event.details)


def test_it_refuses_a_problem_in_another_district_in_the_standard_error_format(
    api, social_hisingen, centrum
):
    api.force_login(social_hisingen)
    response = api.post(
        "/api/v1/problems/", {"district": "centrum", "title": "Bråk vid torget"}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["type"] == "urn:trygg:problem:not_an_analyst"
    assert (body["status"], body["errors"]) == (403, {})
    assert "analytiker och chefer" in body["detail"]
    assert not Problem.objects.exists()


def test_it_refuses_places_of_another_district_as_a_field_error(api, social_centrum, centrum):
    api.force_login(social_centrum)
    response = api.post(
        "/api/v1/problems/",
        {"district": "centrum", "title": "Bråk", "places": ["hjallbo-centrum"]},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "urn:trygg:problem:invalid"
    assert "Hjällbo" in body["errors"]["places"][0]


def test_it_refuses_tokens_writing_problems_even_with_plans_write(api, police_system, centrum):
    response = _token(api, police_system).post(
        "/api/v1/problems/", {"district": "centrum", "title": "Bråk"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:trygg:problem:permission_denied"


def test_it_changes_a_problem_and_refuses_a_stale_version(api, social_centrum, centrum_plan):
    the_problem = centrum_plan["problem"]
    api.force_login(social_centrum)
    url = f"/api/v1/problems/{the_problem.pk}/"
    changed = api.patch(url, {"status": "resolved", "version": the_problem.version}, format="json")
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    # Only the fields sent change; the places stay.
    assert (body["status"], body["version"], body["places"]) == ("resolved", 2, ["brunnsparken"])
    assert body["title"] == the_problem.title
    stale = api.patch(url, {"title": "Gammal läsning", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:trygg:problem:edit_conflict"
    assert Problem.objects.get(pk=the_problem.pk).title == the_problem.title


def test_it_counts_only_the_linked_reports_the_caller_may_read(
    api, make_report, centrum_plan, social_centrum, police_centrum
):
    the_problem = centrum_plan["problem"]
    for organisation, level in [
        ("sf_centrum", Confidentiality.PARTNERSHIP),
        ("lpo_city", Confidentiality.ORGANISATION),  # police only
    ]:
        report = make_report(organisation=organisation, confidentiality=level)
        ProblemReport.objects.create(problem=the_problem, report=report)
    counts = {}
    for person in (social_centrum, police_centrum):
        api.force_login(person)
        counts[person.username] = api.get(f"/api/v1/problems/{the_problem.pk}/").json()[
            "report_count"
        ]
    assert counts == {"social.centrum": 1, "polis.centrum": 2}


# --- Follow-ups -------------------------------------------------------------------------------


def _follow_up(of, **fields) -> dict:
    return {
        "measure": of.pk,
        "date": timezone.localdate().isoformat(),
        "status": "started",
        "indicator_value": "87.00",
        "note": "Från polisens system",
    } | fields


def test_it_records_a_follow_up_from_a_police_system_and_names_it(
    api, police_system, centrum_plan, social_centrum
):
    public = centrum_plan["measure"]
    response = _token(api, police_system).post(
        "/api/v1/follow-ups/", _follow_up(public), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["recorded_by"] == {"kind": "api_client", "name": "lpo-city-indikatorer"}
    assert (body["indicator_value"], body["masked_identity_numbers"]) == ("87.00", 0)
    follow_up = FollowUp.objects.get(pk=body["id"])
    assert follow_up.created_by is None and follow_up.created_by_client == police_system.client
    assert Measure.objects.get(pk=public.pk).status == "started"
    event = AuditEvent.objects.get(action="measure.followed_up")
    assert (event.actor, event.actor_label) == (None, "api:lpo-city-indikatorer")
    assert event.details["follow_up"] == follow_up.pk
    listed = api.get(f"/api/v1/follow-ups/?measure={public.pk}").json()["results"]
    assert [row["recorded_by"]["name"] for row in listed] == ["lpo-city-indikatorer"]
    # The measure's page names the system that recorded it.
    page = Client()
    page.force_login(social_centrum)
    html = page.get(reverse("plans:measure_detail", args=[public.pk])).content.decode()
    assert "lpo-city-indikatorer" in html and "API-klient" in html


def test_it_records_a_follow_up_once_per_idempotency_key(api, police_system, centrum_plan):
    api = _token(api, police_system)
    payload = _follow_up(centrum_plan["measure"], note=f"Mannen {PERSONNUMMER} sågs")
    first = api.post("/api/v1/follow-ups/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/follow-ups/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert first.json()["masked_identity_numbers"] == 1 and MASK in first.json()["note"]
    assert FollowUp.objects.count() == 1


def test_it_refuses_follow_ups_out_of_the_token_s_reach(
    api, make_api_client, centrum_plan, social_centrum, organisations, centrum
):
    public = centrum_plan["measure"]
    internal, _change = measure_create(
        actor=social_centrum,
        plan=centrum_plan["agreed_plan"],
        data=measure_data([centrum_plan["problem"]], organisations["lpo_city"]),
        reason="Tillägg",
    )
    # A police system of Hisingen does not know Centrum's internal measure; it reads the
    # public one, as anyone does, but follows up in Hisingen only.
    hisingen = make_api_client(
        "lpo-hisingen", organisation="lpo_hisingen", scopes=(PLANS_READ, PLANS_WRITE),
        districts=("hisingen",),
    )  # fmt: skip
    api = _token(api, hisingen)
    response = api.post("/api/v1/follow-ups/", _follow_up(internal.obj), format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"measure"}
    response = api.post("/api/v1/follow-ups/", _follow_up(public), format="json")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:trygg:problem:not_a_follow_up_client"
    # A housing company's system reads the public measure but follows up nothing.
    bostad = make_api_client(
        "bostad", scopes=(PLANS_READ, PLANS_WRITE), districts=("nordost", "centrum")
    )
    response = _token(api, bostad).post("/api/v1/follow-ups/", _follow_up(public), format="json")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:trygg:problem:not_a_follow_up_client"
    # A draft's measures wait for the agreement, whoever records.
    draft = plan_create(
        actor=social_centrum,
        district=centrum,
        period_start=date(THIS_YEAR + 1, 1, 1),
        period_end=date(THIS_YEAR + 1, 12, 31),
        social_services=organisations["sf_centrum"],
        police=organisations["lpo_city"],
    ).obj
    drafted, _change = measure_create(
        actor=social_centrum,
        plan=draft,
        data=measure_data(
            [centrum_plan["problem"]],
            organisations["lpo_city"],
            start_date=draft.period_start,
            end_date=draft.period_end,
        ),
    )
    police = make_api_client(
        "lpo-city", organisation="lpo_city", scopes=(PLANS_WRITE,), districts=("centrum",)
    )
    response = _token(api, police).post(
        "/api/v1/follow-ups/", _follow_up(drafted.obj), format="json"
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:trygg:problem:plan_not_agreed"
    assert not FollowUp.objects.exists()


def test_it_records_exactly_one_recorder_per_follow_up(centrum_plan, social_centrum, police_system):
    public = centrum_plan["measure"]
    for recorders in (
        {},
        {"created_by": social_centrum, "created_by_client": police_system.client},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUp.objects.create(
                measure=public, date=timezone.localdate(), status="started", **recorders
            )


# --- Measures and plans -----------------------------------------------------------------------


def test_it_shows_a_measure_past_its_end_date_as_delayed(
    api, social_centrum, centrum, organisations, centrum_plan
):
    last_year = plan_create(
        actor=social_centrum,
        district=centrum,
        period_start=date(THIS_YEAR - 1, 1, 1),
        period_end=date(THIS_YEAR - 1, 12, 31),
        social_services=organisations["sf_centrum"],
        police=organisations["lpo_city"],
    ).obj
    late, _change = measure_create(
        actor=social_centrum,
        plan=last_year,
        data=measure_data(
            [centrum_plan["problem"]],
            organisations["lpo_city"],
            start_date=date(THIS_YEAR - 1, 3, 1),
            end_date=date(THIS_YEAR - 1, 6, 30),
        ),
    )
    api.force_login(social_centrum)
    body = api.get(f"/api/v1/measures/{late.obj.pk}/").json()
    assert (body["status"], body["effective_status"]) == ("not_started", "delayed")
    delayed = api.get("/api/v1/measures/?effective_status=delayed").json()["results"]
    assert [row["id"] for row in delayed] == [late.obj.pk]
    not_started = api.get("/api/v1/measures/?effective_status=not_started").json()["results"]
    assert late.obj.pk not in {row["id"] for row in not_started}
    refused = api.get("/api/v1/measures/?effective_status=&plan=")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"effective_status", "plan"}
    progress = api.get(f"/api/v1/action-plans/{last_year.pk}/").json()["progress"]
    assert progress == {
        "total": 1, "not_started": 0, "started": 0, "done": 0, "delayed": 1, "cancelled": 0,
    }  # fmt: skip


def test_it_gives_partners_the_public_part_of_a_measure_only(
    api, make_api_client, centrum_plan, social_centrum
):
    public = centrum_plan["measure"]
    bostad = make_api_client("bostad-lasare", scopes=(PLANS_READ,), districts=("centrum",))
    shown = _token(api, bostad).get(f"/api/v1/measures/{public.pk}/").json()
    assert (shown["description"], shown["problems"]) == (None, None)
    assert shown["public_text"] == public.public_text
    api.credentials()
    api.force_login(social_centrum)
    full = api.get(f"/api/v1/measures/{public.pk}/").json()
    assert full["problems"] == [centrum_plan["problem"].pk]
    assert full["description"] == public.description


def test_it_describes_an_agreed_plan_with_its_owners_and_signatures(
    api, police_system, centrum_plan
):
    agreed = centrum_plan["agreed_plan"]
    body = _token(api, police_system).get(f"/api/v1/action-plans/{agreed.pk}/").json()
    assert (body["district"], body["status"], body["revision"]) == ("centrum", "agreed", 1)
    assert (body["social_services"], body["police"]) == ("socialförvaltning-centrum", "lpo-city")
    assert sorted(s["organisation"] for s in body["signatures"]) == [
        "lpo-city",
        "socialförvaltning-centrum",
    ]
    assert body["progress"]["total"] == 1


# --- Lists: cursor pages and query budgets ----------------------------------------------------


@pytest.fixture
def grow(request, make_report, centrum, organisations, social_centrum, police_system):
    """Adds problems (with places, areas and linked reports), plans (signed), measures and
    follow-ups (by people and by a token) in Centrum, straight to the tables."""
    agreed = request.getfixturevalue("agreed_plan")
    places, areas = list(centrum.places.all()[:3]), list(centrum.primary_areas.all()[:2])
    counter = {"n": 0}

    def add(rows: int) -> None:
        for _ in range(rows):
            counter["n"] += 1
            n = counter["n"]
            added = Problem.objects.create(
                district=centrum, title=f"Problem {n}", influence=3, created_by=social_centrum
            )
            added.places.set(places)
            added.primary_areas.set(areas)
            for _report in range(2):
                ProblemReport.objects.create(problem=added, report=make_report())
            other_plan = ActionPlan.objects.create(
                district=centrum,
                period_start=date(THIS_YEAR + n, 1, 1),
                period_end=date(THIS_YEAR + n, 12, 31),
                social_services=organisations["sf_centrum"],
                police=organisations["lpo_city"],
                status=PlanStatus.AGREED,
                created_by=social_centrum,
            )
            for organisation in ("sf_centrum", "lpo_city"):
                PlanSignature.objects.create(
                    plan=other_plan,
                    organisation=organisations[organisation],
                    signed_by=social_centrum,
                )
            added_measure = Measure.objects.create(
                plan=agreed,
                title=f"Åtgärd {n}",
                responsible=organisations["lpo_city"],
                target="Minst 10",
                start_date=date(THIS_YEAR, 1, 1),
                end_date=timezone.localdate() - timedelta(days=n % 2),
                created_by=social_centrum,
            )
            added_measure.problems.set([added])
            for recorder in (
                {"created_by": social_centrum},
                {"created_by_client": police_system.client},
            ):
                FollowUp.objects.create(
                    measure=added_measure, date=timezone.localdate(), status="started", **recorder
                )

    return add


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("resource", ["problems", "action-plans", "measures", "follow-ups"])
def test_it_lists_with_the_same_queries_for_few_rows_and_many(
    api, social_centrum, police_system, grow, resource
):
    url = f"/api/v1/{resource}/"
    grow(1)
    api.force_login(social_centrum)
    _queries(api, url)  # the session, the language and the weights: the same from now on
    few = _queries(api, url)
    api.logout()
    token = _token(api, police_system)
    _queries(token, url)  # the token's last use is written once a minute
    few_token = _queries(token, url)
    grow(12)
    many_token = _queries(token, url)
    api.credentials()
    api.force_login(social_centrum)
    many = _queries(api, url)
    assert len(api.get(url).json()["results"]) > 12
    assert (many, many_token) == (few, few_token)


@pytest.mark.parametrize(
    "path", ["problems/", "action-plans/", "measures/", "follow-ups/", "problems/?ordering=title"]
)
def test_it_pages_each_list_by_cursor(api, coordinator, grow, path):
    grow(3)
    api.force_login(coordinator)
    separator = "&" if "?" in path else "?"
    first = api.get(f"/api/v1/{path}{separator}page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert second["results"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_it_documents_the_plans_endpoints(api, db):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {
        "/api/v1/problems/",
        "/api/v1/problems/{id}/",
        "/api/v1/action-plans/",
        "/api/v1/measures/{id}/",
        "/api/v1/follow-ups/",
    } <= set(paths)
    # Problems are changed, never replaced or deleted; follow-ups only added.
    assert set(paths["/api/v1/problems/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/follow-ups/{id}/"]) == {"get"}
