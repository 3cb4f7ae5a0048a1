"""The dashboards' problems and plan progress, read through the plans app."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from overview.choices import RollupKind
from overview.models import PlanProgressCount
from overview.services.plans_rollup import rollup_plans
from plans.services.measures import follow_up_create


def _progress(action_plan) -> dict[str, tuple[int, int, int]]:
    return {
        row.status: (row.measures, row.with_target, row.targets_met)
        for row in PlanProgressCount.objects.filter(plan=action_plan)
    }


def test_it_rolls_up_the_measures_of_plans_in_force(agreed_plan, measure, social_centrum):
    run = rollup_plans()
    assert run.kind == RollupKind.PLANS and run.rows_written == 1
    assert _progress(agreed_plan) == {measure.status: (1, 1, 0)}

    follow_up_create(
        actor=social_centrum,
        measure=measure,
        date=timezone.localdate(),
        status="started",
        indicator_value=Decimal(250),
    )
    rollup_plans()
    assert _progress(agreed_plan) == {"started": (1, 1, 1)}  # 250 times: at least 200


def test_it_counts_a_measure_past_its_end_as_delayed(agreed_plan, measure):
    type(measure).objects.filter(pk=measure.pk).update(
        start_date=date(2000, 1, 1), end_date=date(2000, 12, 31)
    )
    rollup_plans()
    assert _progress(agreed_plan) == {"delayed": (1, 1, 0)}


def test_it_leaves_draft_plans_out(plan, measure):
    rollup_plans()
    assert not PlanProgressCount.objects.exists()


def test_it_shows_problems_and_plan_progress_to_their_readers(
    client, social_centrum, coordinator, partner, agreed_plan, measure, problem
):
    rollup_plans()
    for user in (social_centrum, coordinator):
        client.force_login(user)
        url = reverse("overview:district", args=["centrum"])
        dashboard = client.get(url).context["dashboard"]
        assert [p.title for p in dashboard.problems] == [problem.title]
        (progress,) = dashboard.plan_progress
        assert progress.total == 1 and progress.with_target == 1
        assert progress.url == reverse("plans:plan_detail", args=[agreed_plan.pk])
    client.force_login(coordinator)
    html = client.get(reverse("overview:city")).content.decode()
    assert 'id="overview-plan-progress-table"' in html
    assert 'id="overview-problems-table"' in html


def test_it_shows_partners_no_problems_or_plans(client, partner, agreed_plan, measure):
    rollup_plans()
    client.force_login(partner)
    dashboard = client.get(reverse("overview:district", args=["nordost"])).context["dashboard"]
    assert dashboard.problems is None and dashboard.plan_progress is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_a_plans_rebuild_after_a_measure_is_saved(agreed_plan, measure, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "overview.tasks.rollup_plans_task.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    measure.title = "Närvaro vid hållplatserna kvällstid"
    measure.save()
    assert len(sent) == 1
