"""The measured effect of a measure, as its viewer may see it.

Computed on request from the partnership-level day rollups (``overview.models``: the reports
both parties read, counted statuses only) over the areas, weeks and categories of the
measure's fixed design, and shown only to those who read the partnership records of every
district those areas lie in (``accounts.access.partnership_district_ids``): the figure then
holds no record its viewer cannot read, and both parties see the same figure. An
organisation's own confidential reports are never in it.

Reads ``overview``'s rollups, against the usual direction (overview reads plans): the
rollups are the only source issue #12 allows, and the import is local to keep the module
graph free of a cycle at import time.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.access import partnership_district_ids
from accounts.choices import Confidentiality
from analysis import evaluation as stats
from areas.models import IntermediateArea
from plans.models import EvaluationDesign, EvaluationDesignRevision, Measure

NOT_STARTED = "not_started"  # no design yet: the measure has not started
NO_AFTER_PERIOD = "no_after_period"  # started today or later: nothing to compare yet
NO_AREAS = "no_areas"  # no target or no comparison area to compare
TOO_LITTLE_DATA = stats.TOO_LITTLE_DATA
OK = stats.OK


@dataclass
class MeasureEvaluation:
    """What the measure page, the API and the PDF show of the effect."""

    state: str
    design: EvaluationDesign | None = None
    target_areas: list = field(default_factory=list)
    comparison_areas: list = field(default_factory=list)
    buffer_areas: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    revisions: list = field(default_factory=list)
    after_end: date | None = None  # the last day counted: the design's, or yesterday
    result: stats.Evaluation | None = None
    reading: str = ""
    displacement: str = ""
    wdq_meaning: str = ""


def _reach_covers(user, district_ids: set[int]) -> bool:
    reach = partnership_district_ids(user)
    if reach is None:
        return True
    return bool(reach) and district_ids <= reach


def _pct(value: float) -> str:
    return number_format(round(abs(value)), decimal_pos=0)


def _signed(value: float) -> str:
    rounded = round(value)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
    return f"{sign}{number_format(abs(rounded), decimal_pos=0)}"


def effect_reading(effect: stats.Interval) -> str:
    """The change in plain words: a decrease, an increase, or no certain change."""
    if effect.high < 1:
        return _(
            "decreased by %(change)s %% (95 %% CI %(low)s–%(high)s %%) compared with the "
            "comparison area"
        ) % {
            "change": _pct(effect.change_pct),
            "low": _pct(effect.high_pct),
            "high": _pct(effect.low_pct),
        }
    if effect.low > 1:
        return _(
            "increased by %(change)s %% (95 %% CI %(low)s–%(high)s %%) compared with the "
            "comparison area"
        ) % {
            "change": _pct(effect.change_pct),
            "low": _pct(effect.low_pct),
            "high": _pct(effect.high_pct),
        }
    return _(
        "showed no certain change (%(change)s %%, 95 %% CI %(low)s to %(high)s %%) compared "
        "with the comparison area"
    ) % {
        "change": _signed(effect.change_pct),
        "low": _signed(effect.low_pct),
        "high": _signed(effect.high_pct),
    }


def displacement_reading(result: stats.Evaluation) -> str:
    """What the buffer says: its own interval decides (the quotient has none)."""
    if result.buffer_effect is None:
        return _("the neighbouring areas could not be checked for displacement (too few reports)")
    direction = result.buffer_effect.direction
    if direction == stats.BUFFER_ROSE:
        return _("signs of displacement to the neighbouring areas")
    if direction == stats.BUFFER_FELL:
        return _("signs that the benefit spread to the neighbouring areas")
    return _("no signs of displacement")


def wdq_meaning(reading: str | None) -> str:
    return {
        stats.WDQ_UNDEFINED: _(
            "not defined: the target area did not improve relative to the comparison area"
        ),
        stats.WDQ_DIFFUSION_MORE: _("diffusion of benefit, larger than the effect in the target"),
        stats.WDQ_DIFFUSION: _("diffusion of benefit to the neighbouring areas"),
        stats.WDQ_NONE: _("neither displacement nor diffusion"),
        stats.WDQ_DISPLACEMENT: _("some displacement, smaller than the effect in the target"),
        stats.WDQ_DISPLACEMENT_MORE: _(
            "displacement larger than the effect in the target: a net loss"
        ),
    }.get(reading or "", "")


def too_little_data_message() -> str:
    return _(
        "Too little data: at least %(reports)d reports in each period in both the target and "
        "the comparison area, and %(weeks)d weeks in each period, are needed."
    ) % {"reports": stats.MIN_REPORTS_PER_CELL, "weeks": stats.MIN_WEEKS_PER_PERIOD}


def _weeks(start: date, end: date) -> list[tuple[date, int]]:
    """The period in weeks of seven days from ``start``; the last may be shorter."""
    weeks, day = [], start
    while day <= end:
        weeks.append((day, min(7, (end - day).days + 1)))
        day += timedelta(days=7)
    return weeks


def _weekly_counts(design: EvaluationDesign, groups: dict[int, str], after_end: date):
    """Per group, the weekly counts of the before and the after period: one grouped query
    over the partnership-level day rollups."""
    from incidents.selectors.situation import COUNTED_STATUSES
    from overview.models import ReportDayCount

    rows = ReportDayCount.objects.filter(
        confidentiality=Confidentiality.PARTNERSHIP,
        status__in=COUNTED_STATUSES,
        day__gte=design.before_start,
        day__lte=after_end,
        intermediate_area_id__in=list(groups),
    )
    categories = [c.pk for c in design.categories.all()]
    if categories:
        rows = rows.filter(Q(category_id__in=categories) | Q(category__parent_id__in=categories))
    before = _weeks(design.before_start, design.before_end)
    after = _weeks(design.after_start, after_end)
    counts = {
        group: {"before": [0] * len(before), "after": [0] * len(after)}
        for group in set(groups.values())
    }
    for row in rows.values("day", "intermediate_area_id").annotate(n=Sum("reports")).order_by():
        day, group = row["day"], groups[row["intermediate_area_id"]]
        if design.before_start <= day <= design.before_end:
            counts[group]["before"][(day - design.before_start).days // 7] += row["n"]
        elif design.after_start <= day <= after_end:
            counts[group]["after"][(day - design.after_start).days // 7] += row["n"]
    return counts, [days for _s, days in before], [days for _s, days in after]


def measure_evaluation(*, user, measure: Measure, today: date | None = None):
    """The effect of ``measure`` as ``user`` may see it, or None when they may not see it
    (they do not read the measure, or not every district of its design's areas)."""
    if not Measure.objects.visible_to(user).filter(pk=measure.pk).exists():
        return None
    design = (
        EvaluationDesign.objects.filter(measure=measure)
        .prefetch_related("target_areas", "comparison_areas", "buffer_areas", "categories")
        .first()
    )
    if design is None:
        if not _reach_covers(user, {measure.plan.district_id}):
            return None
        return MeasureEvaluation(state=NOT_STARTED)
    target = list(design.target_areas.all())
    comparison = list(design.comparison_areas.all())
    buffer = list(design.buffer_areas.all())
    districts = {a.district_id for a in target + comparison + buffer}
    if not _reach_covers(user, districts | {measure.plan.district_id}):
        return None
    today = today or timezone.localdate()
    evaluation = MeasureEvaluation(
        state=OK,
        design=design,
        target_areas=target,
        comparison_areas=comparison,
        buffer_areas=buffer,
        categories=list(design.categories.all()),
        revisions=list(
            EvaluationDesignRevision.objects.filter(design=design).select_related("created_by")
        ),
        after_end=min(design.after_end, today - timedelta(days=1)),
    )
    if not target or not comparison:
        evaluation.state = NO_AREAS
        return evaluation
    if evaluation.after_end < design.after_start:
        evaluation.state = NO_AFTER_PERIOD
        return evaluation
    groups = {a.pk: "target" for a in target}
    groups |= {a.pk: "comparison" for a in comparison}
    groups |= {a.pk: "buffer" for a in buffer}
    counts, days_before, days_after = _weekly_counts(design, groups, evaluation.after_end)
    has_buffer = "buffer" in counts
    result = stats.evaluate(
        target_before=counts["target"]["before"],
        target_after=counts["target"]["after"],
        comparison_before=counts["comparison"]["before"],
        comparison_after=counts["comparison"]["after"],
        buffer_before=counts["buffer"]["before"] if has_buffer else None,
        buffer_after=counts["buffer"]["after"] if has_buffer else None,
        days_before=days_before,
        days_after=days_after,
    )
    evaluation.result = result
    evaluation.state = result.status
    if result.status == OK:
        evaluation.reading = _("Reports in the target area %(effect)s; %(displacement)s.") % {
            "effect": effect_reading(result.effect),
            "displacement": displacement_reading(result),
        }
        evaluation.wdq_meaning = wdq_meaning(result.wdq_reading)
    else:
        evaluation.reading = too_little_data_message()
    return evaluation


def measures_with_evaluations(*, user, measures: list[Measure]) -> list[tuple]:
    """(measure, evaluation or None) for the measures of a problem page or a plan's PDF."""
    return [(m, measure_evaluation(user=user, measure=m)) for m in measures]


def area_names(areas: list[IntermediateArea]) -> str:
    return ", ".join(f"{a.name} ({a.code})" for a in sorted(areas, key=lambda a: a.code))
