"""Writes of a measure's evaluation design: fixed when the measure starts, revised on record.

The design is fixed once (``evaluation_design_fix`` is idempotent: a second call returns
the design the first one stored), when a follow-up says the measure has started or, failing
that, by the daily job on its start date. From then on only ``evaluation_design_revise``
changes it, and it keeps the old design with the reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from analysis.geography import neighbours
from areas.models import IntermediateArea
from incidents.models import Category
from plans.choices import PLAN_IN_FORCE, MeasureStatus
from plans.models import EvaluationDesign, EvaluationDesignRevision, Measure
from plans.services.common import audit_details, check_may_edit, mask_texts

# The before period by default: the 52 weeks before the start, a whole year of seasons.
BEFORE_WEEKS = 52
# Statuses that say the measure is under way or was: its design is due.
PERIOD_FIELDS = ("before_start", "before_end", "after_start", "after_end")
STARTED_STATUSES = (MeasureStatus.STARTED, MeasureStatus.DONE, MeasureStatus.DELAYED)


def _target_area_ids(measure: Measure) -> set[int]:
    """The mellanområden of the problems' places and primärområden."""
    ids = set()
    for problem in measure.problems.all():
        ids |= set(
            problem.places.filter(primary_area__isnull=False).values_list(
                "primary_area__intermediate_area", flat=True
            )
        )
        ids |= set(problem.primary_areas.values_list("intermediate_area", flat=True))
    ids.discard(None)
    return ids


def _neighbours_of(area_ids: set[int]) -> set[int]:
    # The contiguity follows the polygons' version by itself (analysis.geography).
    adjacent = neighbours()
    return set().union(*(adjacent.get(pk, frozenset()) for pk in area_ids)) - area_ids


def _main_categories(measure: Measure) -> set[int]:
    """The main categories of the problems' linked reports (a category's parent, or itself)."""
    rows = Category.objects.filter(
        pk__in=measure.problems.values("report_links__report__category")
    ).values_list("pk", "parent_id")
    return {parent or pk for pk, parent in rows}


def default_design(measure: Measure) -> dict:
    """What the design is when nobody chose otherwise: the values ``evaluation_design_fix``
    stores (area and category ids, dates)."""
    target = _target_area_ids(measure)
    district_areas = set(
        IntermediateArea.objects.filter(district=measure.plan.district_id).values_list(
            "pk", flat=True
        )
    )
    # The neighbours within the plan's district only: an area of another district would hide
    # the effect from the district's own staff, who read the partnership records of their
    # districts only (an analyst may still add one, on record).
    buffer = _neighbours_of(target) & district_areas
    return {
        "target_areas": target,
        "buffer_areas": buffer,
        "comparison_areas": district_areas - target - buffer,
        "categories": _main_categories(measure),
        "before_start": measure.start_date - timedelta(weeks=BEFORE_WEEKS),
        "before_end": measure.start_date - timedelta(days=1),
        "after_start": measure.start_date,
        "after_end": measure.end_date,
    }


def evaluation_design_fix(*, measure: Measure, actor=None, request=None) -> EvaluationDesign:
    """Fix ``measure``'s evaluation design with the defaults, unless it is fixed already.

    Safe to call twice, or from two requests at once: the one-to-one key lets one design in,
    and the loser reads it."""
    existing = EvaluationDesign.objects.filter(measure=measure).first()
    if existing is not None:
        return existing
    values = default_design(measure)
    person = actor if actor is not None and not getattr(actor, "is_api_client", False) else None
    try:
        with transaction.atomic():
            design = EvaluationDesign.objects.create(
                measure=measure,
                fixed_by=person,
                **{
                    k: values[k] for k in ("before_start", "before_end", "after_start", "after_end")
                },
            )
            _set_relations(design, values)
            audit_record(
                action="measure.evaluation_fixed",
                actor=actor,
                actor_label="" if actor is not None else "evaluation_designs_fix_due",
                target=measure,
                request=request,
                details={"target_areas": sorted(values["target_areas"])},
            )
    except IntegrityError:
        return EvaluationDesign.objects.get(measure=measure)
    return design


def _set_relations(design: EvaluationDesign, values: dict) -> None:
    design.target_areas.set(values["target_areas"])
    design.comparison_areas.set(values["comparison_areas"])
    design.buffer_areas.set(values["buffer_areas"])
    design.categories.set(values["categories"])


def evaluation_designs_fix_due(*, today: date | None = None) -> int:
    """Fix the designs of the measures of plans in force whose start date has come and that
    have none yet (not cancelled ones). The daily job; returns how many it fixed."""
    today = today or timezone.localdate()
    due = Measure.objects.filter(
        plan__status__in=PLAN_IN_FORCE,
        start_date__lte=today,
        evaluation_design__isnull=True,
    ).exclude(status=MeasureStatus.CANCELLED)
    fixed = 0
    for measure in due.select_related("plan"):
        evaluation_design_fix(measure=measure)
        fixed += 1
    return fixed


def design_snapshot(design: EvaluationDesign) -> dict:
    """The design as a revision keeps it: codes and names, readable whatever becomes of them."""

    def areas(manager) -> list[dict]:
        return [{"code": a.code, "name": a.name} for a in manager.order_by("code")]

    return {
        "target_areas": areas(design.target_areas),
        "comparison_areas": areas(design.comparison_areas),
        "buffer_areas": areas(design.buffer_areas),
        "categories": [
            {"code": c.code, "name": c.name} for c in design.categories.order_by("code")
        ],
        "before_start": design.before_start.isoformat(),
        "before_end": design.before_end.isoformat(),
        "after_start": design.after_start.isoformat(),
        "after_end": design.after_end.isoformat(),
    }


@dataclass(frozen=True)
class DesignChange:
    """A design as the analyst's form writes it."""

    target_areas: Iterable[IntermediateArea]
    comparison_areas: Iterable[IntermediateArea]
    buffer_areas: Iterable[IntermediateArea]
    categories: Iterable[Category]
    before_start: date
    before_end: date
    after_start: date
    after_end: date


def _check(change: DesignChange) -> dict:
    target = {a.pk for a in change.target_areas}
    comparison = {a.pk for a in change.comparison_areas}
    buffer = {a.pk for a in change.buffer_areas}
    if not target:
        raise ValidationError({"target_areas": _("Name at least one target area.")})
    if not comparison:
        raise ValidationError({"comparison_areas": _("Name at least one comparison area.")})
    if target & comparison or target & buffer or comparison & buffer:
        raise ValidationError(
            {"comparison_areas": _("An area can be in only one of target, comparison and buffer.")}
        )
    if not change.before_start <= change.before_end < change.after_start <= change.after_end:
        raise ValidationError(
            {"before_start": _("The before period must end before the after period starts.")}
        )
    if any(c.parent_id is not None for c in change.categories):
        raise ValidationError({"categories": _("Choose main categories only.")})
    return {
        "target_areas": target,
        "comparison_areas": comparison,
        "buffer_areas": buffer,
        "categories": {c.pk for c in change.categories},
        "before_start": change.before_start,
        "before_end": change.before_end,
        "after_start": change.after_start,
        "after_end": change.after_end,
    }


@transaction.atomic
def evaluation_design_revise(
    *, actor, design: EvaluationDesign, change: DesignChange, reason: str, request=None
) -> EvaluationDesignRevision:
    """Change a fixed design; the old one is kept as a revision with ``reason``, audited."""
    locked = (
        EvaluationDesign.objects.select_for_update()
        .select_related("measure__plan")
        .get(pk=design.pk)
    )
    check_may_edit(actor, locked.measure.plan.district_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the design changes: the reason is kept with the old design.")}
        )
    values = _check(change)
    texts, masked = mask_texts({"reason": reason}, ["reason"])
    number = locked.revision + 1
    revision = EvaluationDesignRevision.objects.create(
        design=locked,
        number=number,
        previous=design_snapshot(locked),
        reason=texts["reason"],
        created_by=actor,
    )
    for name in PERIOD_FIELDS:
        setattr(locked, name, values[name])
    locked.revision = number
    locked.full_clean(exclude=["measure"])
    locked.save()
    _set_relations(locked, values)
    audit_record(
        action="measure.evaluation_revised",
        actor=actor,
        target=locked.measure,
        request=request,
        details=audit_details({"revision": number}, masked),
    )
    return revision
