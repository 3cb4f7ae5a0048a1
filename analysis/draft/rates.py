"""The district and its mellanområden in rates: the lägesbild draft's opening section.

Reports per 1,000 inhabitants for the district (the population of the nearest year at or
before the period's), and per km² for the district and each of its mellanområden, whose
population is not known; each mellanområde's density also as a multiple of the district's.
Read from the month rollups, ``partnership`` level only (the rollups hold no dismissed report).

**Not the whole city.** A city figure is made of every district's reports, which the
district's own staff, readers of this picture, may not read; a figure in a joint document
contains nothing any of its readers cannot read (issue #9's rule, as for the frozen figures of
an agreed picture, which have no city comparison either). The note under the table says so;
coordinators see the city on the dashboards.
"""

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from analysis.draft.context import (
    PARTNERSHIP,
    DraftContext,
    change_cell,
    change_phrase,
    dashboard_link,
    dashboard_source,
    decimal,
    in_sentence,
    join_words,
    report_list_link,
    report_list_source,
    whole,
)
from areas.models import IntermediateArea
from areas.selectors import populations_as_of
from incidents.selectors.situation import Period
from incidents.selectors.situation_basis import BasisCell, BasisRow, DraftSection
from overview.models import AreaMonthCount, ReportMonthCount

TITLE = gettext_lazy("The district and its intermediate areas")
# The mellanområden the starting text names: the densest ones.
DENSEST_NAMED = 3


def _in(period: Period) -> Q:
    return Q(month__gte=period.start, month__lte=period.end)


def _counts(rows, periods: dict[str, Period], group: str | None = None):
    aggregates = {
        key: Coalesce(Sum("reports", filter=_in(period)), 0) for key, period in periods.items()
    }
    first = min(period.start for period in periods.values())
    last = max(period.end for period in periods.values())
    rows = rows.filter(confidentiality=PARTNERSHIP, month__gte=first, month__lte=last).order_by()
    if group is None:
        return rows.aggregate(**aggregates)
    return {row[group]: row for row in rows.values(group).annotate(**aggregates)}


def _density(count: int, km2: float | None) -> float | None:
    return count / km2 if km2 else None


def district_rates(context: DraftContext) -> DraftSection:
    district, period = context.district, context.period
    periods = {
        "current": period,
        "previous": period.previous(),
        "last_year": period.same_last_year(),
    }
    total = _counts(ReportMonthCount.objects.filter(district=district), periods)
    by_area = _counts(
        AreaMonthCount.objects.filter(district=district, intermediate_area__isnull=False),
        periods,
        group="intermediate_area_id",
    )
    areas = list(
        IntermediateArea.objects.filter(district=district).only("pk", "code", "name", "area_km2")
    )
    # As the dashboards: most reports first.
    areas.sort(key=lambda area: (-by_area.get(area.pk, {"current": 0})["current"], area.name))
    known = [float(area.area_km2) for area in areas if area.area_km2]
    district_km2 = sum(known) if areas and len(known) == len(areas) else None
    population = populations_as_of(period.start.year).get(district.pk)
    per_1000 = total["current"] * 1000 / population.population if population else None
    district_density = _density(total["current"], district_km2)

    def count_cell(count: int, which: Period, **filters) -> BasisCell:
        link = report_list_link(district, which, **filters) if count else None
        return BasisCell(whole(count), link)

    rows = [
        BasisRow(
            cells=(
                BasisCell(district.name, dashboard_link(district, period)),
                count_cell(total["current"], period),
                count_cell(total["previous"], periods["previous"]),
                BasisCell(change_cell(total["current"], total["previous"])),
                BasisCell(decimal(per_1000) if per_1000 is not None else "–"),
                BasisCell(decimal(district_density) if district_density is not None else "–"),
                BasisCell(""),
            ),
            source=dashboard_source(district, period),
            link=dashboard_link(district, period),
        )
    ]
    densities = []
    for area in areas:
        counts = by_area.get(area.pk, {"current": 0, "previous": 0})
        km2 = float(area.area_km2) if area.area_km2 else None
        density = _density(counts["current"], km2)
        multiple = density / district_density if density is not None and district_density else None
        if density is not None and counts["current"]:
            densities.append((density, area, counts["current"], multiple))
        current_link = report_list_link(district, period, intermediate_area=area.code)
        rows.append(
            BasisRow(
                cells=(
                    BasisCell(area.name, current_link),
                    count_cell(counts["current"], period, intermediate_area=area.code),
                    count_cell(
                        counts["previous"], periods["previous"], intermediate_area=area.code
                    ),
                    BasisCell(change_cell(counts["current"], counts["previous"])),
                    BasisCell("–"),
                    BasisCell(decimal(density) if density is not None else "–"),
                    BasisCell(
                        _("%(multiple)s ×") % {"multiple": decimal(multiple, 1)}
                        if multiple is not None
                        else "–"
                    ),
                ),
                source=report_list_source(district, period, area.name),
                link=current_link,
                level=1,
            )
        )

    return DraftSection(
        key="rates",
        title=str(TITLE),
        field="summary",
        text=_text(context, periods, total, per_1000, densities),
        columns=(
            _("Area"),
            period.label,
            periods["previous"].label,
            pgettext("situation basis", "Change"),
            pgettext("situation basis", "Per 1,000 inhabitants"),
            _("Per km²"),
            pgettext("situation basis", "Density against the district"),
        ),
        rows=tuple(rows),
        note=_note(context, population),
        source=dashboard_source(district, period),
        link=dashboard_link(district, period),
    )


district_rates.title = TITLE


def _text(context, periods, total, per_1000, densities) -> str:
    district, period = context.district, context.period
    values = {
        "period": in_sentence(period),
        "count": whole(total["current"]),
        "district": district.name,
    }
    if per_1000 is not None:
        values["rate"] = decimal(per_1000)
        opening = ngettext(
            "In %(period)s, %(count)s report was registered in %(district)s, %(rate)s per "
            "1,000 inhabitants.",
            "In %(period)s, %(count)s reports were registered in %(district)s, %(rate)s per "
            "1,000 inhabitants.",
            total["current"],
        )
    else:
        opening = ngettext(
            "In %(period)s, %(count)s report was registered in %(district)s.",
            "In %(period)s, %(count)s reports were registered in %(district)s.",
            total["current"],
        )
    sentences = [opening % values]
    comparisons = [
        phrase
        for phrase in (
            change_phrase(total["current"], total["previous"], periods["previous"]),
            change_phrase(total["current"], total["last_year"], periods["last_year"]),
        )
        if phrase
    ]
    if comparisons:
        sentences.append(_("That is %(comparisons)s.") % {"comparisons": join_words(comparisons)})
    densest = sorted(densities, key=lambda item: (-item[0], item[1].name))[:DENSEST_NAMED]
    if densest:
        named = []
        for density, area, _count, multiple in densest:
            if multiple is not None:
                named.append(
                    _("%(area)s (%(density)s per km², %(multiple)s times the district's)")
                    % {
                        "area": area.name,
                        "density": decimal(density),
                        "multiple": decimal(multiple, 1),
                    }
                )
            else:
                named.append(
                    _("%(area)s (%(density)s per km²)")
                    % {"area": area.name, "density": decimal(density)}
                )
        sentences.append(
            _("The most reports per km² were registered in %(areas)s.")
            % {"areas": join_words(named)}
        )
    return " ".join(sentences)


def _note(context: DraftContext, population) -> str:
    parts = [
        _(
            "Reports shared in the partnership, not dismissed, from the overview's monthly "
            "counts; the links open the same reports in the report list."
        )
    ]
    if population is not None:
        parts.append(
            _("Inhabitants of %(district)s: %(population)s (%(year)s).")
            % {
                "district": context.district.name,
                "population": whole(population.population),
                "year": population.year,
            }
        )
    else:
        parts.append(_("No population is known for the period, so no rate per inhabitant."))
    parts.append(
        _(
            "No population is known per intermediate area, so they are compared per km² of "
            "their area."
        )
    )
    parts.append(
        _(
            "The whole city is not in the situation picture: its figures would count other "
            "districts' reports, which not every reader of the picture may read."
        )
    )
    return " ".join(parts)
