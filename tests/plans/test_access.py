"""Who reaches which page and export, for the fixed cast (DESIGN.md section 5): the two
parties' staff read their districts, analysts and managers write there, coordinators read
all, partners read public measures only, administrators nothing; the rest is 404 (403 for a
list or form the role has no use of)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import ActionPlan, FollowUp, Measure, PlanRevision, Problem
from plans.services.measures import follow_up_create, measure_create
from plans.services.plans import plan_create
from tests.plans.conftest import THIS_YEAR, measure_data

CAST = [
    "police_centrum",
    "social_centrum",
    "manager_police_centrum",
    "manager_social_centrum",
    "reporter_centrum",
    "coordinator",
    "social_hisingen",
    "police_hisingen",
    "partner",
    "partner_centrum",
    "administrator",
    "outsider",
]
READS = {
    "police_centrum",
    "social_centrum",
    "manager_police_centrum",
    "manager_social_centrum",
    "reporter_centrum",
    "coordinator",
}
EDITS = {"police_centrum", "social_centrum", "manager_police_centrum", "manager_social_centrum"}
# Analysts of some district (the forms for new problems and plans are theirs).
EDITS_SOMEWHERE = EDITS | {"social_hisingen"}
# Readers of some district's problems and plans (the lists and forms are theirs).
LISTS = READS | {"social_hisingen", "police_hisingen"}
# Everyone with a content role reads public measures, as anyone may on the public page.
READS_PUBLIC = LISTS | {"partner", "partner_centrum"}


@pytest.fixture
def world(agreed_plan, measure, problem, organisations, social_centrum, police_centrum, centrum):
    internal, _change = measure_create(
        actor=social_centrum,
        plan=agreed_plan,
        data=measure_data([problem], organisations["bostad"], title="Intern åtgärd"),
        reason="Tillägg",
    )
    follow_up_create(
        actor=police_centrum, measure=measure, date=date.today(), status="started", note="Intern"
    )
    draft = plan_create(
        actor=social_centrum,
        district=centrum,
        period_start=date(THIS_YEAR + 1, 1, 1),
        period_end=date(THIS_YEAR + 1, 12, 31),
        social_services=organisations["sf_centrum"],
        police=organisations["lpo_city"],
    ).obj
    return {
        "problem": problem,
        "agreed": agreed_plan,
        "draft": draft,
        "public": measure,
        "internal": internal.obj,
    }


def _expected(who, readers, *, forbidden=404):
    return 200 if who in readers else forbidden


def _surfaces(world) -> list[tuple[str, str, set, int]]:
    """(name, url, who gets 200, what the others get)."""
    problem, agreed, draft = world["problem"], world["agreed"], world["draft"]
    public, internal = world["public"], world["internal"]
    return [
        ("problem list", reverse("plans:problem_list"), LISTS, 403),
        ("problem", reverse("plans:problem_detail", args=[problem.pk]), READS, 404),
        ("problem edit", reverse("plans:problem_update", args=[problem.pk]), EDITS, None),
        ("cause analysis", reverse("plans:problem_analysis", args=[problem.pk]), EDITS, None),
        ("new problem", reverse("plans:problem_create"), EDITS_SOMEWHERE, 403),
        ("review", reverse("plans:priority_review", args=["centrum"]), READS, 404),
        ("concern", reverse("plans:resident_concern"), LISTS, 403),
        ("plan list", reverse("plans:plan_list"), LISTS, 403),
        ("new plan", reverse("plans:plan_create"), EDITS_SOMEWHERE, 403),
        ("agreed plan", reverse("plans:plan_detail", args=[agreed.pk]), READS, 404),
        ("draft plan", reverse("plans:plan_detail", args=[draft.pk]), READS, 404),
        ("plan edit", reverse("plans:plan_update", args=[agreed.pk]), EDITS, None),
        ("revision", reverse("plans:plan_revision", args=[agreed.pk, 1]), READS, 404),
        ("pdf", reverse("plans:plan_pdf", args=[agreed.pk]), READS, 404),
        ("csv", reverse("plans:plan_csv", args=[agreed.pk]), READS, 404),
        ("new measure", reverse("plans:measure_create", args=[agreed.pk]), EDITS, None),
        ("public measure", reverse("plans:measure_detail", args=[public.pk]), READS_PUBLIC, 404),
        ("internal measure", reverse("plans:measure_detail", args=[internal.pk]), READS, 404),
        ("measure edit", reverse("plans:measure_update", args=[internal.pk]), EDITS, None),
        ("public promise", reverse("plans:public_district", args=["centrum"]), set(CAST), 0),
    ]


@pytest.mark.parametrize("who", CAST)
def test_it_gives_each_person_exactly_the_pages_their_role_allows(request, client, world, who):
    client.force_login(request.getfixturevalue(who))

    for name, url, allowed, others in _surfaces(world):
        response = client.get(url)
        if others is None:
            # A form: 403 for those who read but may not write, 404 for those who cannot read.
            others = 403 if who in READS else 404
        expected = 200 if who in allowed else others
        assert response.status_code == expected, f"{who} on {name}: {response.status_code}"


@pytest.mark.parametrize("who", CAST)
def test_it_lists_only_what_each_person_may_read(request, client, world, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert set(Problem.objects.visible_to(user)) == ({world["problem"]} if who in READS else set())
    assert set(ActionPlan.objects.visible_to(user)) == (
        {world["agreed"], world["draft"]} if who in READS else set()
    )
    expected_measures = {world["public"], world["internal"]} if who in READS else set()
    if who in READS_PUBLIC - READS:
        expected_measures = {world["public"]}
    assert set(Measure.objects.visible_to(user)) == expected_measures
    assert FollowUp.objects.visible_to(user).exists() == (who in READS)
    assert PlanRevision.objects.visible_to(user).exists() == (who in READS)
    if who in LISTS:
        problems = client.get(reverse("plans:problem_list")).content.decode()
        link = reverse("plans:problem_detail", args=[world["problem"].pk])
        assert (f'href="{link}"' in problems) == (who in READS)
        plans = client.get(reverse("plans:plan_list")).content.decode()
        link = reverse("plans:plan_detail", args=[world["agreed"].pk])
        assert (f'href="{link}"' in plans) == (who in READS)


def test_it_shows_a_partner_a_public_measure_without_its_internal_parts(
    client, world, partner_centrum
):
    client.force_login(partner_centrum)
    response = client.get(reverse("plans:measure_detail", args=[world["public"].pk]))
    html = response.content.decode()
    assert response.context["reads_plan"] is False
    assert "Intern" not in html  # the follow-up's note
    assert world["problem"].title not in html
    assert reverse("plans:plan_detail", args=[world["agreed"].pk]) not in html


@pytest.mark.parametrize("who", ["reporter_centrum", "coordinator", "social_hisingen", "partner"])
def test_it_refuses_every_write_to_those_who_may_not_write(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    problem, agreed, public = world["problem"], world["agreed"], world["public"]
    posts = [
        (reverse("plans:problem_link_reports"), {"problem": problem.pk, "report": [1]}),
        (reverse("plans:plan_sign", args=[world["draft"].pk]), {}),
        (reverse("plans:plan_status", args=[agreed.pk]), {"status": "active"}),
        (reverse("plans:follow_up_create", args=[public.pk]), {"date": "2020-01-01"}),
        (reverse("plans:priority_decide", args=["centrum", problem.pk]), {}),
    ]
    before = FollowUp.objects.count(), agreed.status, world["draft"].signatures.count()

    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404), url

    agreed.refresh_from_db()
    assert (FollowUp.objects.count(), agreed.status, world["draft"].signatures.count()) == before
    assert not problem.priority_decisions.exists()


def test_it_shows_the_public_promise_without_login(world):
    response = Client().get(reverse("plans:public_district", args=["centrum"]))
    assert response.status_code == 200
    assert Client().get(reverse("plans:public_index")).status_code == 200
    assert Client().get(reverse("plans:problem_list")).status_code == 302  # to the login
    assert Client().get(reverse("plans:public_district", args=["nowhere"])).status_code == 404
