"""The plan's measures, with their status and (once issue #12's evaluation is merged) their
measured effect.

**Which plan.** The district's action plan whose period overlaps the picture's: one in force or
closed before a draft one, the latest starting first. Its measures, each with who is
responsible, its period, its status as shown today (försenad past its end date) and its latest
follow-up. Plans, measures and follow-ups are read by exactly the readers of the picture (both
parties' staff of the district and coordinators).
"""

from collections import Counter

from django.db.models import Case, IntegerField, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from analysis.draft import slots
from analysis.draft.context import (
    DraftContext,
    day,
    in_sentence,
    join_words,
    measure_statuses,
    whole,
)
from incidents.selectors.situation_basis import BasisCell, BasisLink, BasisRow, DraftSection
from plans.choices import MeasureStatus, PlanStatus, TargetDirection
from plans.models import ActionPlan, Measure
from plans.selectors.plans import with_latest_follow_ups

TITLE = gettext_lazy("The action plan's measures")
KEY = "measures"


def current_plan(context: DraftContext) -> ActionPlan | None:
    """The district's plan for the period: in force or closed before a draft, newest first."""
    period = context.period
    return (
        ActionPlan.objects.filter(
            district=context.district,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .annotate(
            draft_last=Case(
                When(status=PlanStatus.DRAFT, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("draft_last", "-period_start")
        .first()
    )


def _value(value) -> str:
    return number_format(value.normalize(), force_grouping=True) if value is not None else ""


def _follow_up_text(measure: Measure) -> str:
    follow_up = measure.latest_follow_up
    if follow_up is None:
        return pgettext("situation basis", "None yet")
    parts = [day(follow_up.date), MeasureStatus(follow_up.status).label.lower()]
    if follow_up.indicator_value is not None:
        value = f"{_value(follow_up.indicator_value)} {measure.target_unit}".strip()
        if measure.target_value is not None:
            goal = (
                _("target at most %(value)s")
                if measure.target_direction == TargetDirection.AT_MOST
                else _("target at least %(value)s")
            ) % {"value": _value(measure.target_value)}
            value = f"{value} ({goal})"
        parts.append(value)
    return ", ".join(parts)


def plan_measures(context: DraftContext) -> DraftSection:
    plan = current_plan(context)
    if plan is None:
        return DraftSection(
            key=KEY,
            title=str(TITLE),
            field="assessment",
            note=_("%(district)s has no action plan for %(period)s.")
            % {"district": context.district.name, "period": in_sentence(context.period)},
        )
    measures = with_latest_follow_ups(
        list(
            Measure.objects.filter(plan=plan)
            .with_effective_status(context.today)
            .select_related("responsible")
            .order_by("start_date", "title", "pk")
        )
    )
    effects = {measure.pk: slots.measure_effect(measure, context) for measure in measures}
    with_effect = any(effect is not None for effect in effects.values())
    plan_link = BasisLink.to("plans:plan_detail", plan.pk)
    rows = []
    for measure in measures:
        link = BasisLink.to("plans:measure_detail", measure.pk)
        cells = [
            BasisCell(measure.title, link),
            BasisCell(measure.responsible.name),
            BasisCell(f"{day(measure.start_date)}–{day(measure.end_date)}"),
            BasisCell(str(MeasureStatus(measure.effective_status).label)),
            BasisCell(_follow_up_text(measure), link if measure.latest_follow_up else None),
        ]
        if with_effect:
            effect = effects[measure.pk]
            cells.append(
                BasisCell(effect.text, effect.link) if effect is not None else BasisCell("–")
            )
        rows.append(
            BasisRow(
                cells=tuple(cells),
                source=_("Measure page: %(title)s") % {"title": measure.title},
                link=link,
            )
        )
    columns = [
        _("Measure"),
        _("Responsible"),
        _("Period"),
        _("Status"),
        _("Latest follow-up"),
    ]
    if with_effect:
        columns.append(pgettext("situation basis", "Measured effect"))
    return DraftSection(
        key=KEY,
        title=str(TITLE),
        field="assessment",
        text=_text(context, plan, measures, effects),
        columns=tuple(columns),
        rows=tuple(rows),
        note=_(
            "The measures of the action plan %(plan)s (%(status)s), their status as of "
            "%(today)s: a measure past its end date and neither done nor cancelled is delayed."
        )
        % {
            "plan": plan.period_label,
            "status": PlanStatus(plan.status).label.lower(),
            "today": day(context.today),
        },
        source=_("Action plan %(plan)s") % {"plan": plan.period_label},
        link=plan_link,
        data={"plan_id": plan.pk},
    )


plan_measures.title = TITLE


def _text(context: DraftContext, plan: ActionPlan, measures: list[Measure], effects) -> str:
    if not measures:
        return _("The action plan %(plan)s has no measures yet.") % {"plan": plan.period_label}
    statuses = Counter(measure.effective_status for measure in measures)
    sentences = [
        ngettext(
            "The action plan %(plan)s has %(count)s measure: %(statuses)s.",
            "The action plan %(plan)s has %(count)s measures: %(statuses)s.",
            len(measures),
        )
        % {
            "plan": plan.period_label,
            "count": whole(len(measures)),
            "statuses": measure_statuses(statuses),
        }
    ]
    delayed = [m for m in measures if m.effective_status == MeasureStatus.DELAYED]
    if delayed:
        sentences.append(
            _("Delayed: %(measures)s.")
            % {
                "measures": join_words(
                    [
                        _("%(title)s (%(responsible)s, to be done by %(end)s)")
                        % {
                            "title": m.title,
                            "responsible": m.responsible.name,
                            "end": day(m.end_date),
                        }
                        for m in delayed
                    ]
                )
            }
        )
    for measure in measures:
        effect = effects.get(measure.pk)
        if effect is not None and effect.sentence:
            sentences.append(f"{measure.title}: {effect.sentence}")
    return " ".join(sentences)
