"""A measure's evaluation design and measured effect: fixed at the start, revised on record,
computed from the partnership-level rollups, and shown (page, API, PDF) only to those who
read the partnership records of every district of its areas."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reportlab import rl_config
from rest_framework.test import APIClient

from accounts.api.services import api_client_create
from accounts.choices import ApiScope, Confidentiality
from accounts.models import AuditEvent
from analysis.geography import neighbours
from areas.models import IntermediateArea
from overview.services.rollup import rollup_changes
from plans.choices import MeasureStatus
from plans.models import EvaluationDesign
from plans.selectors.evaluation import measure_evaluation
from plans.services.evaluation import (
    DesignChange,
    evaluation_design_fix,
    evaluation_design_revise,
    evaluation_designs_fix_due,
)
from plans.services.measures import follow_up_create

TARGET = "37"  # Norra Centrum: Brunnsparken, the problem's place


@pytest.fixture
def started(agreed_plan, measure, social_centrum):
    follow_up_create(
        actor=social_centrum,
        measure=measure,
        date=timezone.localdate(),
        status=MeasureStatus.STARTED,
    )
    return EvaluationDesign.objects.get(measure=measure)


@pytest.fixture
def counted(started, make_report, geography):
    """Periods relative to today, and reports: the target halves, the comparison holds."""
    today = timezone.localdate()
    start = today - timedelta(days=150)
    EvaluationDesign.objects.filter(pk=started.pk).update(
        before_start=start - timedelta(weeks=52),
        before_end=start - timedelta(days=1),
        after_start=start,
        after_end=today + timedelta(days=30),
    )
    target = IntermediateArea.objects.get(code=TARGET)
    comparison = started.comparison_areas.order_by("code").first()

    def reports(area, count, first_day, spacing):
        for i in range(count):
            make_report(intermediate_area=area, hours_ago=24 * (first_day + spacing * i) + 12)

    reports(target, 60, 160, 5)
    reports(target, 20, 2, 2)
    reports(comparison, 60, 160, 5)
    reports(comparison, 60, 2, 2)
    rollup_changes()
    started.refresh_from_db()
    return started


def _token(organisations, centrum, organisation="lpo_city"):
    created = api_client_create(
        name=f"{organisation}-plans",
        organisation=organisations[organisation],
        scopes=[ApiScope.PLANS_READ],
        districts=[centrum],
        expires_at=timezone.now() + timedelta(days=30),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {created.token}")
    return api


def _with_an_area_of_hisingen(design, actor):
    """The analyst adds a comparison area in Hisingen: Centrum's staff no longer read all."""
    evaluation_design_revise(
        actor=actor,
        design=design,
        change=DesignChange(
            target_areas=list(design.target_areas.all()),
            comparison_areas=[
                *design.comparison_areas.all(),
                IntermediateArea.objects.get(code="71"),
            ],
            buffer_areas=list(design.buffer_areas.all()),
            categories=list(design.categories.all()),
            before_start=design.before_start,
            before_end=design.before_end,
            after_start=design.after_start,
            after_end=design.after_end,
        ),
        reason="Backa liknar Norra Centrum mer.",
    )


# --- The design ---------------------------------------------------------------------------


def test_it_fixes_the_design_when_a_follow_up_says_the_measure_started(started, measure):
    target = IntermediateArea.objects.get(code=TARGET)
    areas = {
        name: set(getattr(started, name).values_list("pk", flat=True))
        for name in ("target_areas", "comparison_areas", "buffer_areas")
    }
    centrum_areas = set(
        IntermediateArea.objects.filter(district=measure.plan.district).values_list("pk", flat=True)
    )
    assert areas["target_areas"] == {target.pk}
    assert areas["buffer_areas"] == neighbours()[target.pk] & centrum_areas
    assert areas["buffer_areas"]
    assert (
        areas["comparison_areas"] == centrum_areas - areas["target_areas"] - areas["buffer_areas"]
    )
    assert started.before_end == measure.start_date - timedelta(days=1)
    assert (started.after_start, started.after_end) == (measure.start_date, measure.end_date)
    assert (started.before_end - started.before_start).days == 7 * 52 - 1
    assert started.fixed_by is not None
    assert AuditEvent.objects.filter(action="measure.evaluation_fixed").count() == 1


def test_it_fixes_the_design_once(started, measure, social_centrum):
    again = evaluation_design_fix(measure=measure, actor=social_centrum)
    follow_up_create(
        actor=social_centrum, measure=measure, date=timezone.localdate(), status="done"
    )
    assert again.pk == started.pk
    assert EvaluationDesign.objects.filter(measure=measure).count() == 1
    assert AuditEvent.objects.filter(action="measure.evaluation_fixed").count() == 1


def test_it_fixes_due_designs_on_the_start_date_without_a_follow_up(agreed_plan, measure):
    assert not EvaluationDesign.objects.filter(measure=measure).exists()
    assert evaluation_designs_fix_due(today=measure.start_date - timedelta(days=1)) == 0
    assert evaluation_designs_fix_due(today=measure.start_date) == 1
    design = EvaluationDesign.objects.get(measure=measure)
    assert design.fixed_by is None
    assert evaluation_designs_fix_due(today=measure.start_date) == 0


def test_it_keeps_the_old_design_when_an_analyst_changes_it(started, police_centrum):
    before = set(started.comparison_areas.values_list("code", flat=True))
    _with_an_area_of_hisingen(started, police_centrum)
    started.refresh_from_db()
    revision = started.revisions.get()
    assert started.revision == revision.number == 1
    assert {a["code"] for a in revision.previous["comparison_areas"]} == before
    assert revision.reason == "Backa liknar Norra Centrum mer."
    assert revision.created_by == police_centrum
    assert "71" in set(started.comparison_areas.values_list("code", flat=True))
    assert AuditEvent.objects.filter(action="measure.evaluation_revised").count() == 1


def test_it_refuses_a_change_without_a_reason_or_by_a_reader(
    started, police_centrum, reporter_centrum
):
    from django.core.exceptions import ValidationError

    from core.exceptions import DomainError

    change = DesignChange(
        target_areas=list(started.target_areas.all()),
        comparison_areas=list(started.comparison_areas.all()),
        buffer_areas=[],
        categories=[],
        before_start=started.before_start,
        before_end=started.before_end,
        after_start=started.after_start,
        after_end=started.after_end,
    )
    with pytest.raises(ValidationError):
        evaluation_design_revise(actor=police_centrum, design=started, change=change, reason=" ")
    with pytest.raises(DomainError):
        evaluation_design_revise(
            actor=reporter_centrum, design=started, change=change, reason="Why not"
        )
    assert not started.revisions.exists()


# --- The figure ---------------------------------------------------------------------------


def test_it_measures_the_effect_from_the_partnership_rollups(counted, measure, police_centrum):
    evaluation = measure_evaluation(user=police_centrum, measure=measure)
    result = evaluation.result
    assert evaluation.state == "ok"
    assert (result.target.before, result.target.after) == (60, 20)
    assert (result.comparison.before, result.comparison.after) == (60, 60)
    assert result.effect.ratio == pytest.approx(1 / 3)
    assert evaluation.reading.startswith("Reports in the target area decreased by 67 % (95 % CI")


def test_it_changes_no_figure_for_organisation_confidential_reports(
    counted, measure, police_centrum, make_report, coordinator
):
    target = IntermediateArea.objects.get(code=TARGET)
    before = measure_evaluation(user=coordinator, measure=measure).result
    for i in range(25):
        make_report(
            intermediate_area=target,
            organisation="lpo_city",
            confidentiality=Confidentiality.ORGANISATION,
            hours_ago=24 * (3 + i),
        )
    rollup_changes()
    # Neither for the police, who read their own confidential reports, nor for anyone else.
    assert measure_evaluation(user=police_centrum, measure=measure).result == before
    assert measure_evaluation(user=coordinator, measure=measure).result == before


def test_it_says_too_little_data_and_not_started(agreed_plan, measure, started, police_centrum):
    evaluation = measure_evaluation(user=police_centrum, measure=measure)
    assert evaluation.state in ("too_little_data", "no_after_period")
    other = measure.plan.measures.exclude(pk=measure.pk).first()
    assert other is None or measure_evaluation(user=police_centrum, measure=other).state == (
        "not_started"
    )


# --- Who may NOT see it, on every surface -------------------------------------------------


@pytest.mark.parametrize("who", ["partner_centrum", "administrator", "social_hisingen"])
def test_it_shows_the_effect_to_nobody_without_partnership_reach(counted, measure, who, request):
    user = request.getfixturevalue(who)
    assert measure_evaluation(user=user, measure=measure) is None


def test_it_hides_the_effect_from_district_staff_when_an_area_lies_elsewhere(
    counted, measure, police_centrum, social_centrum, coordinator
):
    assert measure_evaluation(user=police_centrum, measure=measure) is not None
    _with_an_area_of_hisingen(counted, social_centrum)
    assert measure_evaluation(user=police_centrum, measure=measure) is None
    assert measure_evaluation(user=coordinator, measure=measure).state == "ok"


def test_it_shows_the_section_on_the_pages_only_to_those_with_reach(
    client, counted, measure, police_centrum, partner_centrum, social_centrum
):
    page = reverse("plans:measure_detail", args=[measure.pk])
    problem_page = reverse("plans:problem_detail", args=[measure.problems.get().pk])
    client.force_login(police_centrum)
    assert "trygg-evaluation" in client.get(page).content.decode()
    assert "trygg-evaluation" in client.get(problem_page).content.decode()
    client.force_login(partner_centrum)  # reads the public measure, not its effect
    response = client.get(page)
    assert response.status_code == 200 and "trygg-evaluation" not in response.content.decode()
    _with_an_area_of_hisingen(counted, social_centrum)
    client.force_login(police_centrum)
    assert "trygg-evaluation" not in client.get(page).content.decode()
    assert "trygg-evaluation" not in client.get(problem_page).content.decode()


def test_it_refuses_the_api_to_tokens_and_people_without_reach(
    counted,
    measure,
    police_centrum,
    partner_centrum,
    administrator,
    social_hisingen,
    organisations,
    centrum,
):
    url = f"/api/v1/measures/{measure.pk}/evaluation/"
    api = APIClient()
    api.force_authenticate(police_centrum)
    body = api.get(url).json()
    assert body["state"] == "ok"
    assert body["estimate"]["target"] == {"before": 60, "after": 20}
    assert body["design"]["target_areas"][0]["code"] == TARGET
    for user, status in ((partner_centrum, 403), (administrator, 404), (social_hisingen, 403)):
        api.force_authenticate(user)
        response = api.get(url)
        assert response.status_code == status, user
        assert "detail" in response.json()
    token = _token(organisations, centrum).get(url)
    assert token.status_code == 403 and "detail" in token.json()


def test_it_leaves_the_effect_out_of_the_pdf_of_those_without_reach(
    client, counted, measure, police_centrum, social_centrum, coordinator, monkeypatch
):
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    url = reverse("plans:plan_pdf", args=[measure.plan_id])

    def has_effects() -> bool:
        # The section's heading, in the page's language (Swedish unless the browser asks).
        content = client.get(url).content
        return b"(Uppm" in content or b"(Measured effects" in content

    client.force_login(police_centrum)
    assert has_effects()
    _with_an_area_of_hisingen(counted, social_centrum)
    assert not has_effects()
    client.force_login(coordinator)
    assert has_effects()


def test_it_lets_an_analyst_change_the_design_through_the_form(
    client, counted, measure, police_centrum, reporter_centrum
):
    url = reverse("plans:evaluation_design_update", args=[measure.pk])
    client.force_login(reporter_centrum)
    assert client.get(url).status_code in (403, 404)
    client.force_login(police_centrum)
    assert client.get(url).status_code == 200
    data = {
        "target_areas": [a.pk for a in counted.target_areas.all()],
        "comparison_areas": [a.pk for a in counted.comparison_areas.all()][:2],
        "buffer_areas": [a.pk for a in counted.buffer_areas.all()],
        "before_start": counted.before_start.isoformat(),
        "before_end": counted.before_end.isoformat(),
        "after_start": counted.after_start.isoformat(),
        "after_end": counted.after_end.isoformat(),
        "reason": "",
    }
    assert client.post(url, data).status_code == 200  # the reason is required
    assert not counted.revisions.exists()
    response = client.post(url, data | {"reason": "Två områden räcker."})
    assert response.status_code == 302
    assert counted.revisions.get().reason == "Två områden räcker."


# --- In the lägesbild's draft (issue #12 item 4) --------------------------------------------


def _drafted_measures(actor, district):
    from incidents.choices import PeriodKind
    from incidents.selectors.situation_basis import situation_basis_present
    from incidents.services.situation import situation_picture_create
    from tests.plans.conftest import THIS_YEAR

    picture = situation_picture_create(
        actor=actor,
        district=district,
        period_kind=PeriodKind.YEAR,
        period_start=timezone.localdate().replace(year=THIS_YEAR, month=1, day=1),
    )
    sections = situation_basis_present(picture.basis).sections
    return picture, next(section for section in sections if section.key == "measures")


def test_it_drafts_the_measured_effect_into_the_lagesbild(
    counted, measure, social_centrum, police_centrum, centrum
):
    evaluation = measure_evaluation(user=police_centrum, measure=measure)
    picture, section = _drafted_measures(social_centrum, centrum)

    assert section.columns[-1] == "Uppmätt effekt"
    (row,) = [row for row in section.rows if row.label.text == measure.title]
    effect = evaluation.result.effect
    assert row.values[-1].text.startswith(f"−{round(-effect.change_pct)} % (95 % KI −")
    assert row.values[-1].url == reverse("plans:measure_detail", args=[measure.pk])
    assert f"{measure.title}: Rapporterna i målområdet minskade med 67 %" in (picture.assessment)


def test_it_drafts_no_effect_whose_areas_reach_outside_the_district(
    counted, measure, social_centrum, centrum, coordinator
):
    _with_an_area_of_hisingen(counted, social_centrum)
    assert measure_evaluation(user=coordinator, measure=measure).state == "ok"

    picture, section = _drafted_measures(social_centrum, centrum)

    assert "Uppmätt effekt" not in section.columns
    assert "målområdet" not in picture.assessment
