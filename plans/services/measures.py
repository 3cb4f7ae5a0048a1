"""Writes of measures and their follow-ups.

A measure always addresses at least one problem of its plan's district, and only causes of
those problems: that is what makes the link from problem to measure unavoidable. A database
constraint cannot say so (a CHECK sees one row, never the link table), so ``_check_links``
does, here, for every write path; the form asks first.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.services import audit_record
from core.concurrency import EditConflict, update_if_version
from core.exceptions import DomainError
from plans.choices import MeasureStatus, PlanStatus, TargetDirection
from plans.models import ActionPlan, Cause, FollowUp, Measure, Problem
from plans.services.common import (
    Written,
    audit_details,
    check_may_edit,
    check_may_follow_up,
    mask_texts,
    require_reason,
)
from plans.services.evaluation import STARTED_STATUSES, evaluation_design_fix
from plans.services.plans import check_open
from plans.services.revisions import PlanChange, plan_record_change

MEASURE_TEXT_FIELDS = ("title", "description", "target", "target_unit", "public_text")


class MeasureConflict(EditConflict):
    """Someone else saved the measure after the editor opened it."""


@dataclass(frozen=True)
class MeasureData:
    """A measure as written in its form."""

    title: str
    responsible: Organisation
    target: str
    start_date: date
    end_date: date
    problems: Sequence[Problem]
    description: str = ""
    target_direction: str = TargetDirection.AT_LEAST
    target_value: Decimal | None = None
    target_unit: str = ""
    is_public: bool = False
    public_text: str = ""
    causes: Sequence[Cause] = ()

    def fields(self) -> dict:
        return {
            "title": self.title,
            "description": self.description,
            "responsible": self.responsible,
            "target": self.target,
            "target_direction": self.target_direction,
            "target_value": self.target_value,
            "target_unit": self.target_unit,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "is_public": self.is_public,
            "public_text": self.public_text if self.is_public else "",
        }


def _check_links(plan: ActionPlan, data: MeasureData) -> None:
    if not data.problems:
        raise ValidationError(
            {
                "problems": _(
                    "A measure must address at least one problem. Name the problem "
                    "first; then the measure."
                )
            }
        )
    elsewhere = [p.title for p in data.problems if p.district_id != plan.district_id]
    if elsewhere:
        raise ValidationError(
            {
                "problems": _("Not a problem of %(district)s: %(names)s.")
                % {"district": plan.district, "names": "; ".join(elsewhere)}
            }
        )
    problem_ids = {p.pk for p in data.problems}
    strays = [c.description for c in data.causes if c.problem_id not in problem_ids]
    if strays:
        raise ValidationError(
            {
                "causes": _(
                    "These causes belong to problems the measure does not address: %(names)s."
                )
                % {"names": "; ".join(strays)}
            }
        )


def _check_dates(plan: ActionPlan, data: MeasureData) -> None:
    if data.end_date < data.start_date:
        raise ValidationError({"end_date": _("The measure must end after it starts.")})
    if data.start_date > plan.period_end or data.end_date < plan.period_start:
        raise ValidationError({"start_date": _("The measure must run during the plan's period.")})


def _prepare(*, actor, plan: ActionPlan, data: MeasureData, reason: str):
    check_may_edit(actor, plan.district_id)
    check_open(plan)
    if plan.is_in_force:
        reason = require_reason(reason)
    _check_links(plan, data)
    _check_dates(plan, data)
    values, masked = mask_texts(data.fields(), MEASURE_TEXT_FIELDS)
    reason, reason_masked = mask_texts({"reason": reason}, ["reason"])
    return values, reason["reason"], masked + reason_masked


@transaction.atomic
def measure_create(
    *, actor, plan: ActionPlan, data: MeasureData, reason: str = "", request=None
) -> tuple[Written, PlanChange]:
    """Add a measure to ``plan``. In force, ``reason`` is required and a revision is made."""
    values, reason, masked = _prepare(actor=actor, plan=plan, data=data, reason=reason)
    measure = Measure(plan=plan, created_by=actor, **values)
    measure.full_clean()
    measure.save()
    return _linked_and_recorded(
        actor=actor, measure=measure, data=data, reason=reason, masked=masked, request=request
    )


@transaction.atomic
def measure_update(
    *,
    actor,
    measure: Measure,
    version: int,
    data: MeasureData,
    reason: str = "",
    request=None,
) -> tuple[Written, PlanChange]:
    """Save a measure. ``version`` is the one the editor read: a save made since by someone
    else raises ``MeasureConflict`` and nothing is written."""
    plan = measure.plan
    values, reason, masked = _prepare(actor=actor, plan=plan, data=data, reason=reason)
    candidate = Measure(
        pk=measure.pk, plan=plan, created_by_id=measure.created_by_id, status=measure.status
    )
    candidate._state.adding = False  # the row exists: not a duplicate of itself
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    if not update_if_version(Measure.objects, pk=measure.pk, version=version, **values):
        raise MeasureConflict(
            _(
                "Someone else saved this measure after you opened it. What they changed is "
                "shown below; your entries are kept in the form. Save again to replace theirs."
            ),
            current=Measure.objects.get(pk=measure.pk),
        )
    saved = Measure.objects.select_related("plan", "plan__district").get(pk=measure.pk)
    return _linked_and_recorded(
        actor=actor, measure=saved, data=data, reason=reason, masked=masked, request=request
    )


def _linked_and_recorded(
    *, actor, measure: Measure, data: MeasureData, reason: str, masked: int, request
) -> tuple[Written, PlanChange]:
    """After a measure's row is written: its problems and causes, what the change does to
    the plan (a revision, or withdrawn signatures), and the audit entry."""
    created = measure.version == 1
    measure.problems.set(data.problems)
    measure.causes.set(data.causes)
    change = plan_record_change(actor=actor, plan=measure.plan, reason=reason, request=request)
    details = {"version": measure.version, "problems": sorted(p.pk for p in data.problems)}
    if change.revision is not None:
        details["revision"] = change.revision.number
    audit_record(
        action="measure.created" if created else "measure.updated",
        actor=actor,
        target=measure,
        request=request,
        details=audit_details(details, masked),
    )
    return Written(measure, masked), change


@transaction.atomic
def measure_delete(*, actor, measure: Measure, request=None) -> PlanChange:
    """Delete a measure of a draft. A plan in force keeps its measures: one that will not be
    carried out is followed up as cancelled."""
    plan = measure.plan
    check_may_edit(actor, plan.district_id)
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(
            _(
                "The plan is in force, so its measures stay. Record a follow-up with the status "
                "cancelled instead."
            ),
            code="plan_in_force",
        )
    audit_record(
        action="measure.deleted",
        actor=actor,
        target=measure,
        request=request,
        details={"plan": plan.pk, "title": measure.title[:100]},
    )
    measure.delete()
    return plan_record_change(actor=actor, plan=plan, reason="", request=request)


@transaction.atomic
def follow_up_create(
    *,
    actor,
    measure: Measure,
    date: date,
    status: str,
    indicator_value: Decimal | None = None,
    note: str = "",
    request=None,
) -> Written:
    """Record how a measure stands; the measure takes the follow-up's status.

    ``actor`` is a person or an API client (a party's system sending indicator values); the
    follow-up and the audit entry name whichever it is."""
    plan = measure.plan
    check_may_follow_up(actor, plan.district_id)
    if plan.status == PlanStatus.DRAFT:
        raise DomainError(
            _("Measures are followed up once the plan is agreed."), code="plan_not_agreed"
        )
    check_open(plan)
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("A follow-up cannot lie in the future.")})
    texts, masked = mask_texts({"note": note}, ["note"])
    follow_up = FollowUp(
        measure=measure,
        date=date,
        status=status,
        indicator_value=indicator_value,
        note=texts["note"],
        **(
            {"created_by_client": actor}
            if getattr(actor, "is_api_client", False)
            else {"created_by": actor}
        ),
    )
    follow_up.full_clean()
    follow_up.save()
    # Not the measure's version: a follow-up does not make an open edit of the measure stale.
    Measure.objects.filter(pk=measure.pk).update(status=status, updated_at=timezone.now())
    if status in STARTED_STATUSES:
        # The measure has started: what its effect is measured over is fixed now, before
        # any after-period figure can sway the choice.
        evaluation_design_fix(measure=measure, actor=actor, request=request)
    audit_record(
        action="measure.followed_up",
        actor=actor,
        target=measure,
        request=request,
        details=audit_details(
            {"follow_up": follow_up.pk, "status": status, "date": date.isoformat()}, masked
        ),
    )
    return Written(follow_up, masked)
