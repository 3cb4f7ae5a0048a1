"""The sections of a lägesbild draft that issue #12's analysis fills: the period's alerts
(``period_alerts``, from the stored ``analysis.models.Alert``), its hotspots
(``period_hotspots``, Gi* over the district's mellanområden) and the measured effect of each
measure (``measure_effect``, from its fixed evaluation design). Each has a row type and a
section builder here; a quiet period (no alarm, no hotspot) gives no section, and a measure
with nothing to estimate no effect cell.

**What they may fetch.** The section is stored on the picture and shown to every reader of it,
so fetch as for a reader whose partnership reach is the picture's district only
(``context.district_ids``), whoever started the draft: the district's alerts (the district
and its mellanområden), hotspots computed over the district's mellanområden only, and effects
of measures whose target, comparison and buffer areas all lie within the district.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from analysis.draft.context import (
    DraftContext,
    dashboard_link,
    dashboard_source,
    decimal,
    in_sentence,
    join_words,
    whole,
)
from incidents.selectors.situation_basis import BasisCell, BasisLink, BasisRow, DraftSection

ALERTS_TITLE = gettext_lazy("Alerts of the period")
HOTSPOTS_TITLE = gettext_lazy("Hotspots of the period")
ALL_REPORTS = gettext_lazy("All reports")
SHARED_NOTE = gettext_lazy("The section is built on the reports shared in the partnership.")


# --- Alerts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRow:
    """One alert of the period, as the draft shows it."""

    area: str  # the district's or the mellanområde's name
    category: str  # the main category's name
    week: date  # the Monday of the alerting week
    observed: int
    expected: float
    upper: float  # the threshold the week exceeded
    reading: str  # how unusual, in words ("happens less than once in a hundred weeks")
    link: BasisLink | None = None  # the alert (or the dashboard it is shown on)
    source: str = ""  # the same in words, for print


def alerts_section(
    context: DraftContext, alerts: Sequence[AlertRow], *, method: str = ""
) -> DraftSection:
    """The alerts section from the period's ``alerts`` (of the district and its mellanområden,
    in the picture's period); ``method`` names the method in the note."""
    rows = tuple(
        BasisRow(
            cells=(
                BasisCell(alert.area, alert.link),
                BasisCell(alert.category),
                BasisCell(_week(alert.week)),
                BasisCell(whole(alert.observed), alert.link),
                BasisCell(decimal(alert.expected, 1)),
                BasisCell(decimal(alert.upper, 1)),
                BasisCell(alert.reading),
            ),
            source=alert.source,
            link=alert.link,
        )
        for alert in sorted(alerts, key=lambda a: (a.week, a.area, a.category))
    )
    if alerts:
        named = [
            _(
                "%(category)s in %(area)s in week %(week)s (%(observed)s reports, %(expected)s "
                "expected)"
            )
            % {
                "category": alert.category,
                "area": alert.area,
                "week": _week(alert.week),
                "observed": whole(alert.observed),
                "expected": decimal(alert.expected, 1),
            }
            for alert in sorted(alerts, key=lambda a: (a.week, a.area, a.category))
        ]
        text = ngettext(
            "In %(period)s the trend watch raised %(count)s alert: %(alerts)s.",
            "In %(period)s the trend watch raised %(count)s alerts: %(alerts)s.",
            len(alerts),
        ) % {
            "period": in_sentence(context.period),
            "count": whole(len(alerts)),
            "alerts": join_words(named),
        }
    else:
        text = _("In %(period)s the trend watch raised no alert in %(district)s.") % {
            "period": in_sentence(context.period),
            "district": context.district.name,
        }
    return DraftSection(
        key="alerts",
        title=str(ALERTS_TITLE),
        field="developments",
        text=text,
        columns=(
            _("Area"),
            _("Main category"),
            _("Week"),
            pgettext("situation basis", "Observed"),
            pgettext("situation basis", "Expected"),
            pgettext("situation basis", "Upper bound"),
            pgettext("situation basis", "How unusual"),
        ),
        rows=rows,
        note=" ".join(part for part in (method, str(SHARED_NOTE)) if part),
    )


def _week(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{week}/{year}"


def period_alerts(context: DraftContext) -> DraftSection | None:
    """The alerts raised in the picture's period for the district and its mellanområden, by
    main category: each with its observed and expected count, the upper bound and how unusual
    the week is in words, linked to the district's dashboard that shows it.

    The alerts are computed from the partnership-level rollups (``analysis.alerts``) of one
    district at a time, so those of the picture's district hold nothing its readers may not
    read. Weeks that began before the period's first day but reach into it count."""
    from analysis.models import Alert
    from analysis.texts import reading

    alerts = (
        Alert.objects.filter(
            alarm=True,
            district_id__in=context.district_ids,
            week__gt=context.period.start - timedelta(days=7),
            week__lte=context.period.end,
        )
        .select_related("district", "intermediate_area", "category")
        .order_by("week", "level", "intermediate_area__code", "category__code")
    )
    link = BasisLink.to("overview:district", context.district.slug)
    rows = [
        AlertRow(
            area=(alert.intermediate_area or alert.district).name,
            category=alert.category.name,
            week=alert.week,
            observed=alert.observed,
            expected=alert.expected or 0.0,
            upper=alert.upper or 0.0,
            reading=reading(alert),
            link=link,
            source=_("The district's dashboard, trend alerts"),
        )
        for alert in alerts
    ]
    if not rows:
        return None  # a quiet period: the draft says nothing rather than "no alerts"
    return alerts_section(context, rows, method=_("Method: the improved Farrington method."))


period_alerts.title = ALERTS_TITLE


# --- Hotspots -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HotspotRow:
    """One mellanområde found significantly above expectation in the period."""

    area: str  # the mellanområde's name
    category: str  # the main category's name, or "all reports"
    observed: int
    expected: float
    rate: str  # its rate as shown, with its unit ("4,2 per 1 000 invånare", "31,0 per km²")
    significance: str  # e.g. "Gi* z = 3,1; q = 0,01"
    link: BasisLink | None = None
    source: str = ""


def hotspots_section(
    context: DraftContext, hotspots: Sequence[HotspotRow], *, method: str = ""
) -> DraftSection:
    """The hotspots section from the period's ``hotspots`` among the district's
    mellanområden; ``method`` names the method and the normalisation in the note."""
    ordered = sorted(hotspots, key=lambda h: (h.category, h.area))
    rows = tuple(
        BasisRow(
            cells=(
                BasisCell(hotspot.area, hotspot.link),
                BasisCell(hotspot.category),
                BasisCell(whole(hotspot.observed), hotspot.link),
                BasisCell(decimal(hotspot.expected, 1)),
                BasisCell(hotspot.rate),
                BasisCell(hotspot.significance),
            ),
            source=hotspot.source,
            link=hotspot.link,
        )
        for hotspot in ordered
    )
    if hotspots:
        named = [
            _("%(category)s in %(area)s (%(observed)s reports, %(expected)s expected)")
            % {
                "category": hotspot.category,
                "area": hotspot.area,
                "observed": whole(hotspot.observed),
                "expected": decimal(hotspot.expected, 1),
            }
            for hotspot in ordered
        ]
        text = _("Significantly more reports than expected in %(period)s: %(hotspots)s.") % {
            "period": in_sentence(context.period),
            "hotspots": join_words(named),
        }
    else:
        text = _(
            "In %(period)s no intermediate area of %(district)s had significantly more "
            "reports than expected."
        ) % {"period": in_sentence(context.period), "district": context.district.name}
    return DraftSection(
        key="hotspots",
        title=str(HOTSPOTS_TITLE),
        field="focus_places",
        text=text,
        columns=(
            _("Intermediate area"),
            _("Main category"),
            pgettext("situation basis", "Observed"),
            pgettext("situation basis", "Expected"),
            pgettext("situation basis", "Rate"),
            pgettext("situation basis", "Significance"),
        ),
        rows=rows,
        note=" ".join(part for part in (method, str(SHARED_NOTE)) if part),
    )


def period_hotspots(context: DraftContext) -> DraftSection | None:
    """The mellanområden of the district with significantly more reports than expected in the
    picture's period, for all reports and by main category: observed and expected, the rate
    per km² and the significance after the FDR correction, linked to the district's dashboard
    for the period, where the hotspot map and table show the same analysis.

    Computed over the district's mellanområden only (``context.district_ids``), from the
    partnership-level rollups (``overview.selectors.hotspots.hotspots_within_by_category``):
    what a district dashboard shows its staff. None when no area is a hotspot: the draft says
    nothing rather than "no hotspots" (as with alerts)."""
    from incidents.models import Category
    from overview.selectors.hotspots import hotspots_within_by_category, q_display

    link = dashboard_link(context.district, context.period)
    source = dashboard_source(context.district, context.period)
    analyses = hotspots_within_by_category(
        context.district_ids,
        period=(context.period.start, context.period.end),
        categories=list(Category.objects.filter(parent__isnull=True).order_by("code")),
        district=context.district,
    )
    rows = [
        HotspotRow(
            area=hotspot.name,
            category=category.name if category else str(ALL_REPORTS),
            observed=hotspot.count,
            expected=hotspot.expected,
            rate=_("%(rate)s per km²") % {"rate": decimal(hotspot.rate, 1)},
            significance=q_display(hotspot.q),
            link=link,
            source=source,
        )
        for category, analysis in analyses
        for hotspot in analysis.hotspots
    ]
    if not rows:
        return None
    return hotspots_section(
        context,
        rows,
        method=_(
            "Method: Getis-Ord Gi* over the district's intermediate areas, with the "
            "Benjamini–Hochberg correction (q ≤ 0.05); rates per km², as no population is "
            "known per intermediate area."
        ),
    )


period_hotspots.title = HOTSPOTS_TITLE


# --- The effect of a measure ----------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureEffect:
    """A measure's measured effect as the measures section shows it."""

    text: str  # the table cell: "−30 % (95 % KI −45 till −10 %)"
    sentence: str = ""  # the plain-Swedish reading for the starting text, a whole sentence
    link: BasisLink | None = None  # the evaluation


def measure_effect(measure, context: DraftContext) -> MeasureEffect | None:
    """The measured effect of ``measure`` (a plans ``Measure`` of the district's plan), as
    its page shows it: the ratio of rate ratios against the comparison area as a change in
    per cent with its 95 % interval, and for the starting text the reading in plain Swedish
    with the displacement check ("minskade med 30 % (95 % KI 10–45 %) jämfört med
    jämförelseområdet; inga tecken på förflyttning").

    Estimated as for a reader of the district only (``context.district_ids``): None when the
    design's areas reach outside the district, and when nothing can be estimated yet (not
    started, no after period, no areas); "too little data" when the counts are too few."""
    from plans.selectors.evaluation import (
        OK,
        TOO_LITTLE_DATA,
        measure_evaluations_within,
        signed_percent,
    )

    evaluation = measure_evaluations_within(
        context.district_ids, measures=[measure], today=context.today
    )[measure.pk]
    if evaluation is None or evaluation.state not in (OK, TOO_LITTLE_DATA):
        return None
    link = BasisLink.to("plans:measure_detail", measure.pk)
    if evaluation.state == TOO_LITTLE_DATA:
        return MeasureEffect(_("too little data"), "", link)
    effect = evaluation.result.effect
    text = _("%(change)s %% (95 %% CI %(low)s to %(high)s %%)") % {
        "change": signed_percent(effect.change_pct),
        "low": signed_percent(effect.low_pct),
        "high": signed_percent(effect.high_pct),
    }
    return MeasureEffect(text, evaluation.reading, link)
