"""Every page costs the same number of SQL queries whatever the number of problems, measures,
follow-ups, reports and decisions: measured on a small world, asserted on a grown one."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.services.measures import follow_up_create, measure_create
from plans.services.priority import priority_decision_record, resident_concern_save
from plans.services.problems import (
    CauseInput,
    problem_analysis_update,
    problem_create,
    problem_link_reports,
)
from tests.plans.conftest import THIS_YEAR, measure_data


@pytest.fixture
def grow(make_report, centrum, organisations, agreed_plan, social_centrum, police_centrum):
    places = list(centrum.places.all())
    areas = list(centrum.primary_areas.all()[:3])
    counter = {"n": 0}

    def add(problems: int):
        for _ in range(problems):
            counter["n"] += 1
            n = counter["n"]
            problem, _links = problem_create(
                actor=social_centrum,
                district=centrum,
                title=f"Problem {n}",
                places=places[: n % 3 + 1],
                primary_areas=areas[: n % 2 + 1],
                influence=n % 5 + 1,
                report_ids=[make_report(hours_ago=24 * n + h).pk for h in range(3)],
            )
            problem = problem.obj
            problem = problem_analysis_update(
                actor=social_centrum,
                problem=problem,
                version=problem.version,
                triangle={"offender": "Grupper"},
                causes=[CauseInput(f"Orsak {n}", "situational", "short", "place")],
            ).obj
            priority_decision_record(
                actor=social_centrum, problem=problem, level="prioritised", reason="Viktigt"
            )
            measure = measure_create(
                actor=social_centrum,
                plan=agreed_plan,
                data=measure_data(
                    [problem],
                    organisations["bostad"],
                    title=f"Åtgärd {n}",
                    causes=list(problem.causes.all()),
                    is_public=bool(n % 2),
                    public_text="Vi lovar" if n % 2 else "",
                    end_date=date(THIS_YEAR, 1, 1) + timedelta(days=n),
                ),
                reason=f"Tillägg {n}",
            )[0].obj
            for days in (3, 2, 1):
                follow_up_create(
                    actor=police_centrum,
                    measure=measure,
                    date=date.today() - timedelta(days=days),
                    status="started",
                    indicator_value=days,
                )
            problem_link_reports(actor=police_centrum, problem=problem, report_ids=[])

    resident_concern_save(
        actor=social_centrum, district=centrum, year=THIS_YEAR, level=3, basis="Enkät"
    )
    add(1)
    return add


def _pages(plan, problem_id, measure_id):
    return {
        "problem list": reverse("plans:problem_list"),
        "problem": reverse("plans:problem_detail", args=[problem_id]),
        "review": reverse("plans:priority_review", args=["centrum"]),
        "concern": reverse("plans:resident_concern"),
        "plan list": reverse("plans:plan_list"),
        "plan": reverse("plans:plan_detail", args=[plan.pk]),
        "revision": reverse("plans:plan_revision", args=[plan.pk, 2]),
        "measure": reverse("plans:measure_detail", args=[measure_id]),
        "csv": reverse("plans:plan_csv", args=[plan.pk]),
        "pdf": reverse("plans:plan_pdf", args=[plan.pk]),
        "report list": reverse("incidents:report_list"),
    }


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["social_centrum", "coordinator"])
def test_it_keeps_each_page_to_the_same_queries_as_the_data_grows(
    request, client, grow, agreed_plan, django_assert_num_queries, who
):
    client.force_login(request.getfixturevalue(who))
    problem = agreed_plan.measures.order_by("pk").last().problems.get()
    measure = agreed_plan.measures.order_by("pk").last()
    pages = _pages(agreed_plan, problem.pk, measure.pk)
    small = {name: _count(client, url) for name, url in pages.items()}

    grow(12)

    for name, url in pages.items():
        with django_assert_num_queries(small[name]):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)


def test_it_keeps_the_public_page_to_the_same_queries(grow, django_assert_num_queries):
    anonymous = Client()
    url = reverse("plans:public_district", args=["centrum"])
    small = _count(anonymous, url)
    assert small <= 4

    grow(10)

    with django_assert_num_queries(small):
        response = anonymous.get(url)
    assert len(response.context["promise"].plans[0].public_measures) > 5
