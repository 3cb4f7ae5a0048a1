"""Writes of prioritisation: the weights (administrators), resident concern and the quarterly
priority decisions (the district's analysts)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.services import audit_record
from areas.models import District
from core.exceptions import DomainError
from incidents.choices import PeriodKind
from incidents.selectors.situation import period_start_of
from plans.choices import Criterion, PriorityLevel, ProblemStatus
from plans.models import PriorityDecision, PriorityWeights, Problem, ResidentConcern
from plans.models.priority import WEIGHT_TOTAL
from plans.selectors.priority import priority_scores, priority_weights_current, ranked
from plans.services.common import Written, audit_details, check_may_edit, mask_texts


@transaction.atomic
def priority_weights_create(
    *, actor, weights: dict[str, int], frequency_full_at: int, note: str = "", request=None
) -> PriorityWeights:
    """A new version of the weights, in force from now. Earlier versions stay as they were:
    the decisions made with them name them."""
    if not access_for(actor).is_administrator:
        raise DomainError(_("Only administrators set the priority weights."), code="not_admin")
    if set(weights) != set(Criterion.values):
        raise TypeError("A weight for each criterion, and nothing else")
    if sum(weights.values()) != WEIGHT_TOTAL or min(weights.values()) < 0:
        raise ValidationError(
            _(
                "The weights are points out of %(total)d: together they must make %(total)d; "
                "now they make %(sum)d."
            )
            % {"total": WEIGHT_TOTAL, "sum": sum(weights.values())}
        )
    latest = PriorityWeights.objects.aggregate(latest=Max("version"))["latest"] or 0
    version = PriorityWeights(
        version=latest + 1,
        frequency_full_at=frequency_full_at,
        note=note,
        created_by=actor,
        **weights,
    )
    version.full_clean()
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise DomainError(
            _("Someone else saved new weights at the same moment. Please try again."),
            code="weights_race",
        ) from None
    audit_record(
        action="priority_weights.created",
        actor=actor,
        target=version,
        request=request,
        details={"version": version.version, **weights, "frequency_full_at": frequency_full_at},
    )
    return version


@transaction.atomic
def resident_concern_save(
    *,
    actor,
    district: District,
    year: int,
    level: int,
    basis: str,
    note: str = "",
    request=None,
) -> Written:
    """Enter (or correct) the resident concern of ``district`` for ``year``."""
    check_may_edit(actor, district.pk)
    texts, masked = mask_texts({"basis": basis, "note": note}, ["basis", "note"])
    concern = (
        ResidentConcern.objects.select_for_update().filter(district=district, year=year).first()
    )
    created = concern is None
    if created:
        concern = ResidentConcern(district=district, year=year)
    concern.level = level
    concern.entered_by = actor
    concern.basis, concern.note = texts["basis"], texts["note"]
    concern.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:
        raise DomainError(
            _(
                "Someone else entered the concern for this year at the same moment. Reload and "
                "check theirs."
            ),
            code="concern_race",
        ) from None
    audit_record(
        action="resident_concern.created" if created else "resident_concern.updated",
        actor=actor,
        target=concern,
        request=request,
        details=audit_details({"year": year, "level": level}, masked),
    )
    return Written(concern, masked)


def review_quarter(day: date) -> date:
    """The first day of the quarter a review on ``day`` belongs to."""
    return period_start_of(PeriodKind.QUARTER, day)


@transaction.atomic
def priority_decision_record(
    *,
    actor,
    problem: Problem,
    level: str,
    reason: str,
    as_of: date | None = None,
    request=None,
) -> Written:
    """Record the review's decision on ``problem`` with the score, breakdown, rank and
    weights version as they are now. Earlier decisions stay: they are the history."""
    check_may_edit(actor, problem.district_id)
    if problem.status != ProblemStatus.ACTIVE:
        raise DomainError(_("Only active problems are prioritised."), code="problem_not_active")
    if level not in PriorityLevel.values:
        raise ValidationError({"level": _("Choose a decision.")})
    texts, masked = mask_texts({"reason": reason.strip()}, ["reason"])
    if not texts["reason"]:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    as_of = as_of or timezone.localdate()
    weights = priority_weights_current()
    district_problems = list(
        Problem.objects.filter(
            district_id=problem.district_id, status=ProblemStatus.ACTIVE
        ).select_related("district")
    )
    scores = priority_scores(problems=district_problems, as_of=as_of, weights=weights)
    order = [p.pk for p in ranked(district_problems, scores)]
    score = scores[problem.pk]
    decision = PriorityDecision(
        problem=problem,
        quarter_start=review_quarter(as_of),
        level=level,
        reason=texts["reason"],
        score=score.total,
        rank=order.index(problem.pk) + 1,
        breakdown=score.as_json(),
        weights=weights,
        decided_by=actor,
    )
    decision.full_clean()
    decision.save()
    audit_record(
        action="priority.decided",
        actor=actor,
        target=problem,
        request=request,
        details=audit_details(
            {
                "decision": decision.pk,
                "level": level,
                "score": str(score.total),
                "weights_version": weights.version,
            },
            masked,
        ),
    )
    return Written(decision, masked)
