"""What a change to a plan does besides itself: a revision when the plan is in force, the
withdrawal of signatures given to an earlier draft."""

from dataclasses import dataclass

from django.db import transaction

from accounts.services import audit_record
from plans.choices import PlanStatus
from plans.models import ActionPlan, PlanRevision, PlanSignature
from plans.selectors.revisions import plan_snapshot


@dataclass(frozen=True)
class PlanChange:
    """The revision a change made (plan in force), or the signatures it withdrew (draft)."""

    revision: PlanRevision | None = None
    withdrawn_signatures: tuple[str, ...] = ()


def plan_revision_create(*, actor, plan: ActionPlan, reason: str, request=None) -> PlanRevision:
    """Keep the plan as it stands now as its next revision. The plan row is locked, so two
    changes at once get consecutive numbers."""
    locked = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("district", "social_services", "police")
        .get(pk=plan.pk)
    )
    number = locked.revision + 1
    revision = PlanRevision.objects.create(
        plan=locked,
        number=number,
        reason=reason,
        snapshot=plan_snapshot(plan=locked),
        created_by=actor,
    )
    # Not the plan's version: a new revision does not make an open edit of its text stale.
    ActionPlan.objects.filter(pk=plan.pk).update(revision=number)
    plan.revision = number
    audit_record(
        action="plan.revised",
        actor=actor,
        target=locked,
        request=request,
        details={"revision": number},
    )
    return revision


@transaction.atomic
def plan_record_change(*, actor, plan: ActionPlan, reason: str, request=None) -> PlanChange:
    """After a change to ``plan`` or one of its measures: in force, a new revision with the
    reason; a draft loses the signatures already given, since they were given to what it
    said before."""
    status = ActionPlan.objects.values_list("status", flat=True).get(pk=plan.pk)
    if status in (PlanStatus.AGREED, PlanStatus.ACTIVE):
        return PlanChange(
            revision=plan_revision_create(actor=actor, plan=plan, reason=reason, request=request)
        )
    signatures = list(PlanSignature.objects.filter(plan=plan).select_related("organisation"))
    if not signatures:
        return PlanChange()
    PlanSignature.objects.filter(pk__in=[s.pk for s in signatures]).delete()
    audit_record(
        action="plan.signatures_withdrawn",
        actor=actor,
        target=plan,
        request=request,
        details={"organisations": [s.organisation_id for s in signatures]},
    )
    return PlanChange(withdrawn_signatures=tuple(s.organisation.name for s in signatures))
