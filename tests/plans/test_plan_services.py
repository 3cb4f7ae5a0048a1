"""Action plans, measures and follow-ups: who signs, agreement, revisions of a plan in force,
edit conflicts, the link to a problem, and försenad by date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from core.concurrency import field_changes
from core.exceptions import DomainError
from core.identity_numbers import MASK
from plans.choices import MeasureStatus, PlanStatus
from plans.forms.plans import MeasureForm
from plans.models import ActionPlan, Measure, PlanRevision, PlanSignature
from plans.querysets import effective_status
from plans.selectors.editing import measure_labels, measure_seen
from plans.selectors.plans import plan_measures, plan_progress
from plans.selectors.revisions import plan_snapshot, snapshot_changes, snapshot_digest
from plans.services.measures import (
    MeasureConflict,
    follow_up_create,
    measure_create,
    measure_delete,
    measure_update,
)
from plans.services.plans import PlanConflict, plan_create, plan_set_status, plan_sign, plan_update
from tests.plans.conftest import THIS_YEAR, measure_data

# --- Signatures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        "manager_lpo_hisingen_in_centrum",  # a police manager of the wrong organisation
        "manager_police_hisingen_only",  # a manager of the right organisation, wrong district
        "police_centrum",  # an analyst, not a manager
        "reporter_centrum",
        "coordinator",
        "partner_centrum",
        "administrator",
    ],
)
def test_it_refuses_a_signature_by_anyone_but_a_manager_of_an_owner(request, plan, measure, who):
    user = request.getfixturevalue(who)

    with pytest.raises(DomainError) as refused:
        plan_sign(actor=user, plan=plan)

    assert refused.value.code == "not_a_signatory"
    assert "Only a manager of Socialförvaltning Centrum or of LPO City in Centrum" in (
        refused.value.message
    )
    assert not PlanSignature.objects.exists()


def test_it_agrees_the_plan_when_both_owners_have_signed(
    plan, measure, manager_social_centrum, manager_police_centrum
):
    plan_sign(actor=manager_social_centrum, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    with pytest.raises(DomainError) as twice:
        plan_sign(actor=manager_social_centrum, plan=plan)
    assert twice.value.code == "already_signed"

    plan_sign(actor=manager_police_centrum, plan=plan)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert plan.revision == 1
    first = plan.revisions.get()
    assert [m["title"] for m in first.snapshot["measures"]] == [measure.title]
    assert set(plan.signatures.values_list("organisation__name", flat=True)) == {
        "Socialförvaltning Centrum",
        "LPO City",
    }
    with pytest.raises(DomainError):
        plan_sign(actor=manager_police_centrum, plan=plan)


def test_it_will_not_sign_an_empty_plan(plan, manager_social_centrum):
    with pytest.raises(DomainError) as refused:
        plan_sign(actor=manager_social_centrum, plan=plan)
    assert refused.value.code == "plan_empty"


def test_it_will_not_sign_a_plan_changed_since_it_was_read(
    plan, measure, manager_social_centrum, social_centrum
):
    digest = snapshot_digest(plan_snapshot(plan=plan))
    measure_update(
        actor=social_centrum,
        measure=measure,
        version=measure.version,
        data=measure_data([measure.problems.get()], measure.responsible, title="Ny titel"),
    )

    with pytest.raises(PlanConflict):
        plan_sign(actor=manager_social_centrum, plan=plan, digest=digest)

    fresh = snapshot_digest(plan_snapshot(plan=plan))
    plan_sign(actor=manager_social_centrum, plan=plan, digest=fresh)
    assert plan.signatures.count() == 1


def test_it_withdraws_a_draft_signature_when_the_draft_changes(
    plan, measure, manager_social_centrum, social_centrum
):
    plan_sign(actor=manager_social_centrum, plan=plan)

    _written, change = plan_update(
        actor=social_centrum, plan=plan, version=plan.version, summary="Nytt fokus", public_intro=""
    )

    assert change.withdrawn_signatures == ("Socialförvaltning Centrum",)
    assert not plan.signatures.exists()
    assert not PlanRevision.objects.exists()


# --- Revisions -----------------------------------------------------------------------------------


def test_it_makes_a_revision_with_a_reason_when_an_agreed_plan_changes(
    agreed_plan, measure, problem, organisations, social_centrum, police_centrum
):
    with pytest.raises(ValidationError) as no_reason:
        plan_update(
            actor=social_centrum,
            plan=agreed_plan,
            version=agreed_plan.version,
            summary="Ändrat fokus",
            public_intro="",
        )
    assert "reason" in no_reason.value.message_dict

    plan_update(
        actor=social_centrum,
        plan=agreed_plan,
        version=agreed_plan.version,
        summary="Ändrat fokus",
        public_intro="",
        reason="Nytt läge efter sommaren",
    )
    _written, change = measure_create(
        actor=police_centrum,
        plan=agreed_plan,
        data=measure_data([problem], organisations["bostad"], title="Ny belysning"),
        reason="Belysningen brister",
    )

    revisions = list(agreed_plan.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert change.revision == revisions[2]
    assert revisions[1].reason == "Nytt läge efter sommaren"
    # The earlier revisions stay as they were.
    assert revisions[0].snapshot["plan"]["summary"] == "Fokus på kollektivtrafikens knutpunkter."
    assert [m["title"] for m in revisions[1].snapshot["measures"]] == [measure.title]
    assert {m["title"] for m in revisions[2].snapshot["measures"]} == {
        measure.title,
        "Ny belysning",
    }
    assert snapshot_changes(revisions[1].snapshot, revisions[2].snapshot) == [
        "Measure added: Ny belysning"
    ]
    agreed_plan.refresh_from_db()
    assert agreed_plan.revision == 3
    assert agreed_plan.status == PlanStatus.AGREED  # still agreed: signatures stand


def test_it_keeps_measures_of_a_plan_in_force(agreed_plan, measure, social_centrum):
    with pytest.raises(DomainError) as refused:
        measure_delete(actor=social_centrum, measure=measure)
    assert refused.value.code == "plan_in_force"


def test_it_starts_and_closes_a_plan_in_order(agreed_plan, social_centrum, measure):
    with pytest.raises(DomainError):
        plan_set_status(actor=social_centrum, plan=agreed_plan, status=PlanStatus.CLOSED)
    plan_set_status(actor=social_centrum, plan=agreed_plan, status=PlanStatus.ACTIVE)
    plan_set_status(actor=social_centrum, plan=agreed_plan, status=PlanStatus.CLOSED)
    agreed_plan.refresh_from_db()
    with pytest.raises(DomainError) as closed:
        plan_update(
            actor=social_centrum,
            plan=agreed_plan,
            version=agreed_plan.version,
            summary="x",
            public_intro="",
            reason="y",
        )
    assert closed.value.code == "plan_closed"


# --- The link to problems ------------------------------------------------------------------------


def test_it_refuses_a_measure_without_a_problem(plan, organisations, social_centrum):
    with pytest.raises(ValidationError) as refused:
        measure_create(
            actor=social_centrum, plan=plan, data=measure_data([], organisations["lpo_city"])
        )
    assert "problems" in refused.value.message_dict
    assert not Measure.objects.exists()

    form = MeasureForm(
        {
            "title": "Utan problem",
            "responsible": organisations["lpo_city"].pk,
            "target": "Något",
            "target_direction": "at_least",
            "start_date": f"{THIS_YEAR}-01-01",
            "end_date": f"{THIS_YEAR}-12-31",
        },
        plan=plan,
    )
    assert not form.is_valid()
    assert "problems" in form.errors


def test_it_refuses_problems_of_another_district_and_causes_of_other_problems(
    plan, problem, organisations, social_centrum, social_hisingen, hisingen
):
    from plans.models import Cause, Problem

    elsewhere = Problem.objects.create(district=hisingen, title="Annat", created_by=social_hisingen)
    with pytest.raises(ValidationError) as other_district:
        measure_create(
            actor=social_centrum,
            plan=plan,
            data=measure_data([elsewhere], organisations["lpo_city"]),
        )
    assert "problems" in other_district.value.message_dict

    stray = Cause.objects.create(
        problem=elsewhere, description="Annan orsak", kind="social", horizon="long"
    )
    with pytest.raises(ValidationError) as stray_cause:
        measure_create(
            actor=social_centrum,
            plan=plan,
            data=measure_data([problem], organisations["lpo_city"], causes=[stray]),
        )
    assert "causes" in stray_cause.value.message_dict


# --- Edit conflicts ------------------------------------------------------------------------------


def test_it_refuses_a_stale_measure_save_and_tells_what_changed(
    measure, problem, social_centrum, police_centrum
):
    seen = measure_seen(measure)
    measure_update(
        actor=police_centrum,
        measure=measure,
        version=1,
        data=measure_data([problem], measure.responsible, title="Polisens titel"),
    )

    with pytest.raises(MeasureConflict) as conflict:
        measure_update(
            actor=social_centrum,
            measure=measure,
            version=1,
            data=measure_data([problem], measure.responsible, title="Socialtjänstens titel"),
        )

    current = conflict.value.current
    assert current.title == "Polisens titel" and current.version == 2
    changes = field_changes(seen=seen, saved=measure_seen(current), labels=measure_labels())
    by_label = {change.label: change for change in changes}
    assert by_label["Measure"].seen == "Närvaro vid hållplatserna"
    assert by_label["Measure"].saved == "Polisens titel"
    measure.refresh_from_db()
    assert measure.title == "Polisens titel"

    measure_update(
        actor=social_centrum,
        measure=measure,
        version=2,
        data=measure_data([problem], measure.responsible, title="Socialtjänstens titel"),
    )
    measure.refresh_from_db()
    assert (measure.title, measure.version) == ("Socialtjänstens titel", 3)


def test_it_refuses_a_stale_plan_save(plan, social_centrum, police_centrum):
    plan_update(
        actor=police_centrum, plan=plan, version=1, summary="Polisens fokus", public_intro=""
    )
    with pytest.raises(PlanConflict) as conflict:
        plan_update(
            actor=social_centrum, plan=plan, version=1, summary="Vårt fokus", public_intro=""
        )
    assert conflict.value.current.summary == "Polisens fokus"
    plan.refresh_from_db()
    assert plan.summary == "Polisens fokus"


def test_it_does_not_make_an_open_edit_stale_by_a_follow_up_or_revision(
    agreed_plan, measure, social_centrum, police_centrum
):
    follow_up_create(
        actor=police_centrum, measure=measure, date=date.today(), status=MeasureStatus.STARTED
    )
    measure_update(
        actor=social_centrum,
        measure=measure,
        version=1,
        data=measure_data([measure.problems.get()], measure.responsible, title="Ny"),
        reason="Tydligare",
    )
    measure.refresh_from_db()
    assert measure.title == "Ny" and measure.status == MeasureStatus.STARTED


# --- Follow-ups and försenad ---------------------------------------------------------------------


def test_it_shows_a_measure_past_its_end_date_and_not_done_as_delayed(
    agreed_plan, problem, organisations, social_centrum
):
    end = date(THIS_YEAR, 6, 30)
    written, _change = measure_create(
        actor=social_centrum,
        plan=agreed_plan,
        data=measure_data([problem], organisations["bostad"], title="Klotter", end_date=end),
        reason="Nytt",
    )
    late = written.obj

    assert late.display_status(end) == MeasureStatus.NOT_STARTED
    assert late.display_status(end + timedelta(days=1)) == MeasureStatus.DELAYED
    late.status = MeasureStatus.STARTED
    assert late.display_status(end + timedelta(days=1)) == MeasureStatus.DELAYED
    late.status = MeasureStatus.DONE
    assert late.display_status(end + timedelta(days=1)) == MeasureStatus.DONE
    assert effective_status(MeasureStatus.CANCELLED, end, end + timedelta(days=1)) == "cancelled"

    # The same rule in SQL, as the plan page counts it.
    after = end + timedelta(days=1)
    measures = plan_measures(plan=agreed_plan, user=social_centrum, today=after)
    assert {m.title: m.effective_status for m in measures}["Klotter"] == MeasureStatus.DELAYED
    assert {m.title: m.display_status() for m in measures}["Klotter"] == MeasureStatus.DELAYED
    counts = {s: c for s, _l, c in plan_progress(measures=measures).by_status}
    assert counts[MeasureStatus.DELAYED] == 1


def test_it_records_follow_ups_and_counts_targets_met(
    agreed_plan, measure, police_centrum, social_centrum
):
    with pytest.raises(ValidationError):
        follow_up_create(
            actor=police_centrum,
            measure=measure,
            date=date.today() + timedelta(days=1),
            status=MeasureStatus.STARTED,
        )
    follow_up_create(
        actor=police_centrum,
        measure=measure,
        date=date.today() - timedelta(days=30),
        status=MeasureStatus.STARTED,
        indicator_value=Decimal(90),
    )
    written = follow_up_create(
        actor=police_centrum,
        measure=measure,
        date=date.today(),
        status=MeasureStatus.STARTED,
        indicator_value=Decimal(210),
        note="Personen 811228-9874 syns ofta.",
    )

    assert MASK in written.obj.note
    assert written.masked_identity_numbers == 1
    progress = plan_progress(measures=plan_measures(plan=agreed_plan, user=social_centrum))
    assert (progress.targets_met, progress.with_target) == (1, 1)
    audit = AuditEvent.objects.filter(action="measure.followed_up").first()
    assert audit.details["masked_identity_numbers"] == 1
    assert "9874" not in str(audit.details)


def test_it_follows_up_only_plans_in_force(plan, measure, police_centrum):
    with pytest.raises(DomainError) as refused:
        follow_up_create(
            actor=police_centrum, measure=measure, date=date.today(), status=MeasureStatus.STARTED
        )
    assert refused.value.code == "plan_not_agreed"


def test_it_refuses_a_second_plan_for_an_overlapping_period(
    plan, centrum, organisations, social_centrum
):
    with pytest.raises(DomainError) as refused:
        plan_create(
            actor=social_centrum,
            district=centrum,
            period_start=date(THIS_YEAR, 6, 1),
            period_end=date(THIS_YEAR + 1, 5, 31),
            social_services=organisations["sf_centrum"],
            police=organisations["lpo_city"],
        )
    assert refused.value.code == "plan_exists"


def test_it_refuses_owners_that_are_not_the_districts(
    centrum, organisations, social_centrum, police_centrum
):
    with pytest.raises(ValidationError) as refused:
        plan_create(
            actor=social_centrum,
            district=centrum,
            period_start=date(THIS_YEAR + 1, 1, 1),
            period_end=date(THIS_YEAR + 1, 12, 31),
            social_services=organisations["sf_hisingen"],
            police=organisations["bostad"],
        )
    assert set(refused.value.message_dict) == {"social_services", "police"}
    assert not ActionPlan.objects.exists()


def test_it_gives_the_overview_its_top_problems_and_plan_progress(
    agreed_plan, measure, problem, police_centrum, coordinator, partner, django_assert_num_queries
):
    from plans.selectors.overview import plan_progress_by_district, prioritised_problems

    follow_up_create(
        actor=police_centrum, measure=measure, date=date.today(), status=MeasureStatus.DONE
    )
    plan_progress_by_district(user=coordinator)  # reads the coordinator's memberships once
    with django_assert_num_queries(2):
        rows = plan_progress_by_district(user=coordinator)
    assert [(row.plan, row.counts["done"], row.done_percent) for row in rows] == [
        (agreed_plan, 1, 100)
    ]
    assert [p for p, _score in prioritised_problems(user=coordinator)] == [problem]
    assert plan_progress_by_district(user=partner) == []
    assert prioritised_problems(user=partner) == []
