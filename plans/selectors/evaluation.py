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

from django.db.models import F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
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


def _covers(reach: set[int] | frozenset[int] | None, district_ids: set[int]) -> bool:
    if reach is None:
        return True
    return bool(reach) and district_ids <= reach


def _pct(value: float) -> str:
    return number_format(round(abs(value)), decimal_pos=0)


def signed_percent(value: float) -> str:
    """A change in whole per cent with its sign: "−30", "+12", "0"."""
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
        "change": signed_percent(effect.change_pct),
        "low": signed_percent(effect.low_pct),
        "high": signed_percent(effect.high_pct),
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


def _rollup_rows(designs: list[tuple[EvaluationDesign, date]]) -> list[dict]:
    """Reports per day, mellanområde and main category over every design's areas and days:
    one grouped query over the partnership-level day rollups, whatever the number of
    measures (a problem page, a plan's PDF)."""
    from incidents.selectors.situation import COUNTED_STATUSES
    from overview.models import ReportDayCount

    if not designs:
        return []
    area_ids = set()
    category_ids: set[int] | None = set()
    for design, _after_end in designs:
        area_ids |= {a.pk for a in _all_areas(design)}
        chosen = {c.pk for c in design.categories.all()}
        category_ids = None if category_ids is None or not chosen else category_ids | chosen
    rows = ReportDayCount.objects.filter(
        confidentiality=Confidentiality.PARTNERSHIP,
        status__in=COUNTED_STATUSES,
        day__gte=min(d.before_start for d, _e in designs),
        day__lte=max(after_end for _d, after_end in designs),
        intermediate_area_id__in=sorted(area_ids),
    )
    if category_ids is not None:
        rows = rows.filter(
            Q(category_id__in=category_ids) | Q(category__parent_id__in=category_ids)
        )
    return list(
        rows.annotate(main=Coalesce(F("category__parent_id"), F("category_id")))
        .values("day", "intermediate_area_id", "main")
        .annotate(n=Sum("reports"))
        .order_by()
    )


def _all_areas(design: EvaluationDesign) -> list[IntermediateArea]:
    return [*design.target_areas.all(), *design.comparison_areas.all(), *design.buffer_areas.all()]


def _weekly_counts(design: EvaluationDesign, after_end: date, rows: list[dict]):
    """Per group (target, comparison, buffer), the weekly counts of the before and the
    after period, and the lengths of the weeks in days."""
    groups = {a.pk: "target" for a in design.target_areas.all()}
    groups |= {a.pk: "comparison" for a in design.comparison_areas.all()}
    groups |= {a.pk: "buffer" for a in design.buffer_areas.all()}
    categories = {c.pk for c in design.categories.all()}
    before = _weeks(design.before_start, design.before_end)
    after = _weeks(design.after_start, after_end)
    counts = {
        group: {"before": [0] * len(before), "after": [0] * len(after)}
        for group in set(groups.values())
    }
    for row in rows:
        group = groups.get(row["intermediate_area_id"])
        if group is None or (categories and row["main"] not in categories):
            continue
        day = row["day"]
        if design.before_start <= day <= design.before_end:
            counts[group]["before"][(day - design.before_start).days // 7] += row["n"]
        elif design.after_start <= day <= after_end:
            counts[group]["after"][(day - design.after_start).days // 7] += row["n"]
    return counts, [days for _s, days in before], [days for _s, days in after]


def measure_evaluation(*, user, measure: Measure, today: date | None = None):
    """The effect of ``measure`` as ``user`` may see it, or None when they may not see it
    (they do not read the measure, or not every district of its design's areas)."""
    return measure_evaluations(user=user, measures=[measure], today=today)[measure.pk]


def measure_evaluations(
    *, user, measures: list[Measure], today: date | None = None
) -> dict[int, MeasureEvaluation | None]:
    """``measure_evaluation`` for many measures (a problem page, a plan's PDF) in the same
    few queries as for one."""
    return _evaluations(
        partnership_district_ids(user), Measure.objects.visible_to(user), measures, today
    )


def measure_evaluations_within(
    reach: set[int] | frozenset[int] | None, *, measures: list[Measure], today: date | None = None
) -> dict[int, MeasureEvaluation | None]:
    """``measure_evaluations`` for a reach of districts rather than a user: the effects that
    someone who reads the partnership records of ``reach`` (None: the whole city) and nothing
    else may see, as a lägesbild's draft shows its district's readers
    (``analysis.draft.context.DraftContext.district_ids``). The caller has chosen the
    measures; a measure whose design reaches outside ``reach`` gets None."""
    return _evaluations(reach, Measure.objects.all(), measures, today)


def _evaluations(reach, visible, measures: list[Measure], today: date | None):
    today = today or timezone.localdate()
    ids = [m.pk for m in measures]
    districts = dict(visible.filter(pk__in=ids).values_list("pk", "plan__district"))
    shown: dict[int, MeasureEvaluation | None] = dict.fromkeys(ids)
    designs = {
        d.measure_id: d
        for d in EvaluationDesign.objects.filter(measure__in=list(districts))
        .select_related("fixed_by")
        .prefetch_related(
            "target_areas",
            "comparison_areas",
            "buffer_areas",
            "categories",
            Prefetch(
                "revisions",
                queryset=EvaluationDesignRevision.objects.select_related("created_by"),
            ),
        )
    }
    to_compute = []
    for pk, district_id in districts.items():
        design = designs.get(pk)
        if design is None:
            if _covers(reach, {district_id}):
                shown[pk] = MeasureEvaluation(state=NOT_STARTED)
            continue
        areas = _all_areas(design)
        if not _covers(reach, {a.district_id for a in areas} | {district_id}):
            continue
        evaluation = MeasureEvaluation(
            state=OK,
            design=design,
            target_areas=list(design.target_areas.all()),
            comparison_areas=list(design.comparison_areas.all()),
            buffer_areas=list(design.buffer_areas.all()),
            categories=list(design.categories.all()),
            revisions=list(design.revisions.all()),
            after_end=min(design.after_end, today - timedelta(days=1)),
        )
        shown[pk] = evaluation
        if not evaluation.target_areas or not evaluation.comparison_areas:
            evaluation.state = NO_AREAS
        elif evaluation.after_end < design.after_start:
            evaluation.state = NO_AFTER_PERIOD
        else:
            to_compute.append(evaluation)
    rows = _rollup_rows([(e.design, e.after_end) for e in to_compute])
    for evaluation in to_compute:
        _estimate(evaluation, rows)
    return shown


def _estimate(evaluation: MeasureEvaluation, rows: list[dict]) -> None:
    counts, days_before, days_after = _weekly_counts(evaluation.design, evaluation.after_end, rows)
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
