"""Writes of action plans: draft, edit, sign, start and close.

A plan is drafted and edited by the district's analysts and managers of the two parties and
agreed when a manager of each owning organisation (the district's social services and its
local police area) has signed it. A signature names the content it was given to (a digest of
the plan's snapshot), so nobody signs a plan changed since they read it; a change to a draft
withdraws the signatures already given. A change to a plan in force needs a reason and makes
a new revision (``plans.services.revisions``).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import SIGN, organisation_ids
from accounts.choices import OrganisationKind
from accounts.models import Organisation
from accounts.services import audit_record
from areas.models import District
from core.concurrency import EditConflict, update_if_version
from core.exceptions import DomainError
from plans.choices import PlanStatus
from plans.models import ActionPlan, PlanRevision, PlanSignature
from plans.selectors.plans import plan_owner_candidates
from plans.selectors.revisions import plan_snapshot, snapshot_digest
from plans.services.common import (
    Written,
    audit_details,
    check_may_edit,
    mask_texts,
    require_reason,
    save_checked,
)
from plans.services.revisions import PlanChange, plan_record_change

PLAN_TEXT_FIELDS = ("summary", "public_intro")
# Which status a plan may go to from which, besides agreement by signing.
STATUS_STEPS = {PlanStatus.AGREED: PlanStatus.ACTIVE, PlanStatus.ACTIVE: PlanStatus.CLOSED}


class PlanConflict(EditConflict):
    """Someone else saved or changed the plan after the user opened it."""


def check_open(plan: ActionPlan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise DomainError(_("The plan is closed and can no longer change."), code="plan_closed")


def _check_owners(district: District, social_services: Organisation, police: Organisation):
    social_candidates, police_candidates = plan_owner_candidates(district=district)
    errors = {}
    if social_services.kind != OrganisationKind.SOCIAL_SERVICES or not (
        social_candidates.filter(pk=social_services.pk).exists()
    ):
        errors["social_services"] = _("%(organisation)s is not social services in %(district)s.")
    if (
        police.kind != OrganisationKind.POLICE
        or not police_candidates.filter(pk=police.pk).exists()
    ):
        errors["police"] = _("%(organisation)s is not a local police area of %(district)s.")
    if errors:
        owners = {"social_services": social_services, "police": police}
        raise ValidationError(
            {
                field: message % {"organisation": owners[field], "district": district}
                for field, message in errors.items()
            }
        )


@transaction.atomic
def plan_create(
    *,
    actor,
    district: District,
    period_start: date,
    period_end: date,
    social_services: Organisation,
    police: Organisation,
    summary: str = "",
    public_intro: str = "",
    request=None,
) -> Written:
    """Draft the action plan of ``district`` for a period, owned by the two organisations."""
    check_may_edit(actor, district.pk)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})
    _check_owners(district, social_services, police)
    overlapping = (
        ActionPlan.objects.filter(
            district=district, period_start__lte=period_end, period_end__gte=period_start
        )
        .order_by("period_start")
        .first()
    )
    if overlapping is not None:
        raise DomainError(
            _("%(district)s already has a plan for this period: %(plan)s.")
            % {"district": district, "plan": overlapping.period_label},
            code="plan_exists",
        )
    texts, masked = mask_texts({"summary": summary, "public_intro": public_intro}, PLAN_TEXT_FIELDS)
    plan = ActionPlan(
        district=district,
        period_start=period_start,
        period_end=period_end,
        social_services=social_services,
        police=police,
        created_by=actor,
        **texts,
    )
    plan.full_clean(validate_constraints=False)
    save_checked(
        plan, message=_("%(district)s already has a plan for this period.") % {"district": district}
    )
    audit_record(
        action="plan.created",
        actor=actor,
        target=plan,
        request=request,
        details=audit_details(
            {"period_start": period_start.isoformat(), "period_end": period_end.isoformat()},
            masked,
        ),
    )
    return Written(plan, masked)


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: ActionPlan,
    version: int,
    summary: str,
    public_intro: str,
    reason: str = "",
    request=None,
) -> tuple[Written, PlanChange]:
    """Save the plan's text. In force, ``reason`` is required and a revision is made."""
    check_may_edit(actor, plan.district_id)
    check_open(plan)
    if plan.is_in_force:
        reason = require_reason(reason)
    texts, masked = mask_texts({"summary": summary, "public_intro": public_intro}, PLAN_TEXT_FIELDS)
    for name, value in texts.items():
        if len(value) > ActionPlan._meta.get_field(name).max_length:
            raise ValidationError({name: _("The text is too long.")})
    if not update_if_version(ActionPlan.objects, pk=plan.pk, version=version, **texts):
        raise PlanConflict(
            _(
                "Someone else saved this plan after you opened it. What they changed is shown "
                "below; your text is kept in the form. Save again to replace theirs."
            ),
            current=ActionPlan.objects.get(pk=plan.pk),
        )
    reason, reason_masked = mask_texts({"reason": reason}, ["reason"])
    change = plan_record_change(actor=actor, plan=plan, reason=reason["reason"], request=request)
    saved = ActionPlan.objects.select_related("district").get(pk=plan.pk)
    audit_record(
        action="plan.updated",
        actor=actor,
        target=saved,
        request=request,
        details=audit_details({"version": saved.version}, masked + reason_masked),
    )
    return Written(saved, masked + reason_masked), change


def plan_signable_organisation_ids(*, user, plan: ActionPlan) -> frozenset[int]:
    """The plan's owners that ``user`` manages in the plan's district: whom they sign for."""
    return organisation_ids(user, SIGN, plan)


def _not_a_signatory(plan: ActionPlan) -> DomainError:
    return DomainError(
        _("Only a manager of %(social)s or of %(police)s in %(district)s may sign this plan.")
        % {"social": plan.social_services, "police": plan.police, "district": plan.district},
        code="not_a_signatory",
    )


@transaction.atomic
def plan_sign(
    *,
    actor,
    plan: ActionPlan,
    digest: str | None = None,
    organisation: Organisation | None = None,
    request=None,
) -> ActionPlan:
    """Sign ``plan`` for one of its owning organisations, as its manager in the district.

    ``digest`` (when given) fingerprints the plan as the manager read it: a plan changed since
    is not signed unseen. When both owners have signed, the plan is agreed and revision 1
    keeps what they agreed to.
    """
    allowed = plan_signable_organisation_ids(user=actor, plan=plan)
    if organisation is not None:
        allowed &= {organisation.pk}
    if not allowed:
        raise _not_a_signatory(plan)
    locked = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("district", "social_services", "police")
        .get(pk=plan.pk)
    )
    if locked.status != PlanStatus.DRAFT:
        raise DomainError(_("This plan has already been agreed."), code="plan_agreed")
    if not locked.measures.exists():
        raise DomainError(
            _("The plan has no measures yet. Add at least one before it is signed."),
            code="plan_empty",
        )
    snapshot = plan_snapshot(plan=locked)
    if digest is not None and digest != snapshot_digest(snapshot):
        raise PlanConflict(
            _("The plan changed after you opened it. Read it again, then sign."), current=locked
        )
    signed = set(PlanSignature.objects.filter(plan=locked).values_list("organisation", flat=True))
    unsigned = sorted(allowed - signed)
    if not unsigned:
        names = ", ".join(
            str(owner) for owner in (locked.social_services, locked.police) if owner.pk in allowed
        )
        raise DomainError(
            _("%(organisation)s has already signed this plan.") % {"organisation": names},
            code="already_signed",
        )
    if len(unsigned) > 1:
        raise DomainError(
            _("You manage both owners of this plan; choose which one you sign for."),
            code="choose_organisation",
        )
    PlanSignature.objects.create(plan=locked, organisation_id=unsigned[0], signed_by=actor)
    audit_record(
        action="plan.signed",
        actor=actor,
        target=locked,
        request=request,
        details={"organisation": unsigned[0]},
    )
    if signed | {unsigned[0]} >= set(locked.owner_ids):
        _agree(actor=actor, plan=locked, snapshot=snapshot, request=request)
    return locked


def _agree(*, actor, plan: ActionPlan, snapshot: dict, request) -> None:
    plan.status = PlanStatus.AGREED
    plan.agreed_at = timezone.now()
    plan.revision = 1
    plan.save(update_fields=["status", "agreed_at", "revision", "updated_at"])
    PlanRevision.objects.create(plan=plan, number=1, reason="", snapshot=snapshot, created_by=actor)
    audit_record(
        action="plan.agreed",
        actor=actor,
        target=plan,
        request=request,
        details={"measures": len(snapshot["measures"])},
    )


@transaction.atomic
def plan_set_status(*, actor, plan: ActionPlan, status: str, request=None) -> ActionPlan:
    """Start an agreed plan (active) or close an active one."""
    check_may_edit(actor, plan.district_id)
    if status not in PlanStatus.values:
        raise DomainError(_("Unknown status."), code="invalid_transition")
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if STATUS_STEPS.get(locked.status) != status:
        raise DomainError(
            _("A plan that is %(current)s cannot become %(new)s.")
            % {
                "current": PlanStatus(locked.status).label.lower(),
                "new": PlanStatus(status).label.lower(),
            },
            code="invalid_transition",
        )
    previous = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        action=f"plan.{status}",
        actor=actor,
        target=locked,
        request=request,
        details={"from": previous},
    )
    return locked
