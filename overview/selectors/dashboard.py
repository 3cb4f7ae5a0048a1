"""The figures of a dashboard, citywide or for one district, read from the rollups only.

A fixed number of queries whatever the number of reports (about ten: districts, categories,
five GROUP BYs over the month rollups, one over the primärområde rollup, the freshness, the
first readable report's day), each over at most 25 months of rollup rows. A running period
(this month so far, the default) and the same days of the periods it is compared with are not
whole months: their figures are read from the day rollup instead (``_period_tables``).

A comparison period that begins before the first report the viewer may read has no data: its
figures read "–" and so do the changes against it (``Figure.known``, ``change``), never a 0
that reads as "no reports" and a change that reads as growth from nothing.

Every figure counts only the reports the viewer may read in detail
(``overview.selectors.counts.readable_counts``: the method and why are there), so a total, its
parts, a change, a share, a chart and a map colour all come from the same readable records;
every figure that a viewer may follow to the report list carries the list's URL with the
matching filters, and the list counts the same reports (``tests/overview/test_figures_agree``):
only reports deleted by retention are counted and not listed, which the page says.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import access_for
from accounts.choices import ANALYST_ROLES
from areas.models import District, IntermediateArea
from areas.selectors import Rate, per_km2_display, populations_as_of
from incidents.choices import SourceKind
from incidents.models import Category
from incidents.selectors.situation import COUNTED_STATUSES, NOT_AVAILABLE, Period
from overview.models import AreaMonthCount, ReportDayCount, ReportMonthCount
from overview.selectors.counts import (
    Figure,
    aggregate_district_ids,
    figure_aggregates,
    figure_from,
    figure_sum,
    readable_counts,
)
from overview.selectors.freshness import Freshness, overview_freshness
from overview.selectors.geography import MapArea, map_areas
from overview.selectors.periods import comparison_periods, is_part, period_value
from overview.selectors.plans import (
    PlanProgressRow,
    TopProblem,
    dashboard_plan_progress,
    dashboard_problems,
)

PERIOD_KEYS = ("current", "previous", "last_year")
SERIES_MONTHS = 24
TOP_AREAS = 10


@dataclass(frozen=True)
class Change:
    absolute: str
    percent: str


def change(current: Figure, earlier: Figure) -> Change:
    """The change from ``earlier`` to ``current``: "–" for both where either period has no
    data (it begins before the first report), never growth from nothing; a percentage only
    where ``earlier`` counted some reports."""
    if not (current.known and earlier.known):
        return Change(NOT_AVAILABLE, NOT_AVAILABLE)
    difference = current.total - earlier.total
    absolute = f"{difference:+d}" if difference else "±0"
    if not earlier.total:
        return Change(absolute, NOT_AVAILABLE)
    percent = round(difference * 100 / earlier.total)
    return Change(absolute, f"{percent:+d}\u00a0%" if percent else "±0\u00a0%")


@dataclass(frozen=True)
class Row:
    """A labelled line of a table: its figure for each period and the links behind them."""

    key: str
    label: str
    figures: dict[str, Figure]
    links: dict[str, str] = field(default_factory=dict)
    level: int = 0

    @property
    def current(self) -> Figure:
        return self.figures["current"]

    @property
    def previous(self) -> Figure:
        return self.figures["previous"]

    @property
    def last_year(self) -> Figure:
        return self.figures["last_year"]

    @property
    def change_previous(self) -> Change:
        return change(self.current, self.previous)

    @property
    def change_last_year(self) -> Change:
        return change(self.current, self.last_year)


@dataclass(frozen=True)
class AreaRow(Row):
    """A mellanområde's row: no population is known below the districts, so its density
    (reports of the current period per km² of the area) stands beside the counts."""

    area_km2: float | None = None

    @property
    def rate(self) -> str:
        return per_km2_display(self.current.total, self.area_km2)


@dataclass(frozen=True)
class SeriesLine:
    key: str
    label: str
    points: list[Figure]
    links: list[str]


@dataclass(frozen=True)
class Series:
    months: list[date]
    lines: list[SeriesLine]

    @property
    def table(self) -> list[tuple[date, list[tuple[Figure, str]]]]:
        """Month by month: each line's figure and link (the chart as a table)."""
        return [
            (month, [(line.points[index], line.links[index]) for line in self.lines])
            for index, month in enumerate(self.months)
        ]


@dataclass(frozen=True)
class Dashboard:
    district: District | None  # None: the whole city
    periods: dict[str, Period]
    total: Row
    # On a district's dashboard, the whole city for comparison: only for viewers who read the
    # whole city (coordinators). Anyone else's readable "city" is their own districts, so a
    # comparison would mislead and add nothing.
    city_total: Row | None
    districts: list[Row]  # citywide: one row per district, then the unplaced reports
    categories: list[Row]  # main categories, each followed by its subcategories (level 1)
    data_from: date | None  # the first readable report's day: no figure before it
    sources: list[Row]
    areas: list[Row]  # the primärområden with most reports in the period
    intermediate_areas: list[AreaRow]  # a district's mellanområden; citywide the top ones
    rates: list[Rate]  # per 1,000 inhabitants: the districts shown, then the city
    series_by_district: Series | None
    series_by_category: Series
    map_areas: list[MapArea]
    freshness: Freshness
    may_drill_down: bool
    problems: list[TopProblem] | None  # None: the viewer reads no problems
    plan_progress: list[PlanProgressRow] | None

    @property
    def current(self) -> Period:
        return self.periods["current"]

    @property
    def main_categories(self) -> list[Row]:
        return [row for row in self.categories if row.level == 0]

    @property
    def share_of_city(self) -> str:
        if self.city_total is None:
            return NOT_AVAILABLE
        city = self.city_total.current
        if not city.total:
            return NOT_AVAILABLE
        return f"{round(self.total.current.total * 100 / city.total)}\u00a0%"


def _add_months(month: date, months: int) -> date:
    years, index = divmod(month.month - 1 + months, 12)
    return date(month.year + years, index + 1, 1)


def _source_label(value: str) -> str:
    try:
        return str(SourceKind(value).label)
    except ValueError:
        return value


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _period_tables(user, periods: dict[str, Period]):
    """The rollups the periods' figures are read from, as ``user`` may read them, and their
    date column: the month tables for whole months, the day table (counted statuses only)
    when a period is the first days of one (a running period and its comparisons)."""
    if any(is_part(period) for period in periods.values()):
        days = readable_counts(ReportDayCount.objects.filter(status__in=COUNTED_STATUSES), user)
        return days, days, "day"
    return (
        readable_counts(ReportMonthCount.objects.all(), user),
        readable_counts(AreaMonthCount.objects.all(), user),
        "month",
    )


def data_from(user) -> date | None:
    """The day of the first report ``user`` may read that the figures count: before it the
    portal holds no data for them (a figure says "–", not 0). Of readable buckets only, so it
    says nothing about a report they may not read."""
    first = (
        readable_counts(ReportDayCount.objects.filter(status__in=COUNTED_STATUSES), user)
        .order_by()
        .aggregate(first=Min("day"))["first"]
    )
    return first


class _Links:
    """Drill-down URLs to the report list, for viewers who may open it for the figure's
    district (the list then shows the reports behind the figure that they may read)."""

    def __init__(self, user, periods: dict[str, Period]) -> None:
        access = access_for(user)
        self.coordinator = access.is_coordinator
        self.analyst_districts = access.district_ids(*ANALYST_ROLES)
        self.base = reverse("incidents:report_list")
        self.periods = periods

    def may(self, district: District | None) -> bool:
        """Whether figures of ``district`` (None: the whole city or the unplaced reports) link
        to the report list: for coordinators, and for analysts and managers of the district."""
        if self.coordinator:
            return True
        if district is None:
            return False
        return self.analyst_districts is None or district.pk in self.analyst_districts

    def url(self, start: date, end: date, district: District | None, **filters) -> str:
        query = {
            **({"district": district.slug} if district is not None else {}),
            **{name: value for name, value in filters.items() if value},
            "occurred_after": start.isoformat(),
            "occurred_before": end.isoformat(),
            "status": [str(status) for status in COUNTED_STATUSES],
        }
        return f"{self.base}?{urlencode(query, doseq=True)}"

    def for_periods(self, district: District | None, **filters) -> dict[str, str]:
        if not self.may(district):
            return {}
        return {
            key: self.url(period.start, period.end, district, **filters)
            for key, period in self.periods.items()
        }


def _period_aggregates(periods: dict[str, Period], field: str) -> dict:
    aggregates = {}
    for key, period in periods.items():
        aggregates |= figure_aggregates(prefix=f"{key}_", where=_in(period, field))
    return aggregates


class _Figures:
    """A row's figures per period; those of a period the data do not reach are unknown."""

    def __init__(self, unknown: set[str]) -> None:
        self.unknown = unknown

    def __call__(self, row: dict | None) -> dict[str, Figure]:
        figures = {
            key: figure_from(row, f"{key}_") if row is not None else Figure() for key in PERIOD_KEYS
        }
        return {
            key: figure.unknown() if key in self.unknown else figure
            for key, figure in figures.items()
        }


def _unknown_periods(periods: dict[str, Period], first: date | None) -> set[str]:
    """The comparison periods that begin before the first readable report (the current one is
    always shown: its figures are what the data hold so far)."""
    if first is None:
        return set()
    return {key for key, period in periods.items() if key != "current" and period.start < first}


def _sum_rows(rows: list[dict[str, Figure]]) -> dict[str, Figure]:
    return {key: figure_sum(row[key] for row in rows) for key in PERIOD_KEYS}


def dashboard_compute(*, user, period: Period, district: District | None = None) -> Dashboard:
    """The dashboard of ``district`` (or of the whole city) for ``period``, as ``user`` may see
    it. The caller checks that ``user`` may see it (``overview_districts_for``)."""
    periods = comparison_periods(period)
    links = _Links(user, periods)
    first = data_from(user)
    _figures = _Figures(_unknown_periods(periods, first))
    first_day = min(each.start for each in periods.values())
    series_start = _add_months(period.start.replace(day=1), -(SERIES_MONTHS - 1))
    months = (
        readable_counts(ReportMonthCount.objects.all(), user)
        .filter(month__gte=series_start, month__lte=period.end)
        .order_by()
    )
    counted, areas, field = _period_tables(user, periods)
    counted = counted.filter(**{f"{field}__gte": first_day, f"{field}__lte": period.end}).order_by()
    in_scope = counted.filter(district=district) if district is not None else counted
    scoped = months.filter(district=district) if district is not None else months
    aggregates = _period_aggregates(periods, field)

    districts = list(District.objects.order_by("code"))
    by_district = {
        row["district_id"]: _figures(row)
        for row in counted.values("district_id").annotate(**aggregates)
    }
    district_rows = [
        Row(d.slug, d.name, _figures(None) | by_district.get(d.pk, {}), links.for_periods(d))
        for d in districts
    ]
    unplaced = Row("", _("Unplaced"), _figures(None) | by_district.get(None, {}))
    city = Row(
        "", _("The whole city"), _sum_rows(list(by_district.values())), links.for_periods(None)
    )
    if district is None:
        total = city
    else:
        total = next(row for row in district_rows if row.key == district.slug)

    categories = list(Category.objects.order_by("name"))
    by_category = {
        row["category_id"]: _figures(row)
        for row in in_scope.values("category_id").annotate(**aggregates)
    }
    category_rows = _category_rows(categories, by_category, links, district)

    sources = [
        Row(
            row["source_kind"],
            _source_label(row["source_kind"]),
            _figures(row),
            links.for_periods(district, source_kind=row["source_kind"]),
        )
        for row in in_scope.values("source_kind")
        .annotate(**aggregates)
        .order_by("-current_total", "source_kind")
    ]

    areas = areas.filter(**{f"{field}__gte": first_day, f"{field}__lte": period.end}).order_by()
    if district is not None:
        areas = areas.filter(district=district)
    intermediate_rows = _intermediate_rows(areas, aggregates, links, districts, district, _figures)
    areas = areas.filter(primary_area__isnull=False)
    area_rows = [
        Row(
            row["primary_area__code"],
            row["primary_area__name"],
            _figures(row),
            links.for_periods(
                next((d for d in districts if d.pk == row["district_id"]), None),
                primary_area=row["primary_area__code"],
            ),
        )
        for row in areas.values("primary_area__code", "primary_area__name", "district_id")
        .annotate(**aggregates)
        .filter(current_total__gt=0)
        .order_by("-current_total", "primary_area__code")[:TOP_AREAS]
    ]

    # The charts start where the data do (the first readable report), not with empty years.
    if first is not None and first.replace(day=1) > series_start:
        series_start = first.replace(day=1)
    # Whole months only: a running month would end every line in a fall that is only the
    # days still to come (its figures are in the tables).
    series_end = period.end.replace(day=1)
    if _add_months(series_end, 1) - timedelta(days=1) != period.end:
        series_end = _add_months(series_end, -1)
    month_list = []
    month = series_start
    while month <= series_end:
        month_list.append(month)
        month = _add_months(month, 1)
    series_months = scoped.filter(month__gte=series_start, month__lte=series_end)
    series_by_district = None
    if district is None:
        series_by_district = _series(
            series_months,
            "district_id",
            [(d.pk, d.slug, d.name, d) for d in districts],
            month_list,
            links,
        )
    mains = [c for c in categories if c.parent_id is None]
    series_by_category = _series(
        series_months,
        "category_id",
        [(c.pk, c.code, c.display_name, district) for c in mains],
        month_list,
        links,
        parents={c.pk: c.parent_id or c.pk for c in categories},
    )
    shown = districts if district is None else [district]
    city_total = city if district is not None and aggregate_district_ids(user) is None else None
    return Dashboard(
        district=district,
        periods=periods,
        total=total,
        city_total=city_total,
        districts=[*district_rows, unplaced] if district is None else [],
        categories=category_rows,
        data_from=first,
        sources=sources,
        areas=area_rows,
        intermediate_areas=intermediate_rows,
        # The city's rate only where its count is the whole city's (as city_total).
        rates=_rates(
            period,
            districts,
            district_rows if district is None else [total],
            city if district is None or city_total is not None else None,
        ),
        series_by_district=series_by_district,
        series_by_category=series_by_category,
        map_areas=map_areas(
            districts=districts,
            shown=shown,
            figures={row.key: row.current for row in district_rows},
            # Citywide, a district on the map opens its dashboard (only coordinators see
            # the city, and they see every district).
            links={
                d.slug: f"{reverse('overview:district', args=[d.slug])}"
                f"?{urlencode({'period': period_value(period)})}"
                for d in shown
                if district is None
            },
        ),
        freshness=overview_freshness(),
        may_drill_down=links.may(district),
        problems=dashboard_problems(user=user, district=district),
        plan_progress=dashboard_plan_progress(user=user, district=district),
    )


def _intermediate_rows(areas, aggregates, links, districts, district, _figures) -> list[AreaRow]:
    """Reports by mellanområde: all of a district's, or citywide the ``TOP_AREAS`` with most
    reports in the period."""
    names = {
        area.pk: area
        for area in IntermediateArea.objects.only("pk", "code", "name", "district_id", "area_km2")
    }
    by_district = {d.pk: d for d in districts}
    rows = (
        areas.filter(intermediate_area__isnull=False)
        .values("intermediate_area_id")
        .annotate(**aggregates)
        .order_by("-current_total", "intermediate_area_id")
    )
    if district is None:
        rows = rows.filter(current_total__gt=0)[:TOP_AREAS]
    result = []
    for row in rows:
        area = names.get(row["intermediate_area_id"])
        if area is None:
            continue
        result.append(
            AreaRow(
                area.code,
                area.name,
                _figures(row),
                links.for_periods(by_district.get(area.district_id), intermediate_area=area.code),
                area_km2=float(area.area_km2) if area.area_km2 else None,
            )
        )
    return result


def _rates(
    period: Period, districts: list[District], district_rows: list[Row], city: Row | None
) -> list[Rate]:
    """Reports per 1,000 inhabitants for each district shown and for the city."""
    populations = populations_as_of(period.start.year)
    by_slug = {d.slug: d.pk for d in districts}
    rates = []
    for row in [*district_rows, *([city] if city is not None else [])]:
        figure = populations.get(by_slug.get(row.key)) if row.key else populations.get(None)
        rates.append(
            Rate(
                row.key,
                row.label,
                row.current.total,
                figure.population if figure else None,
                figure.year if figure else None,
            )
        )
    return rates


def _category_rows(categories, by_category, links, district) -> list[Row]:
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    rows = []
    for main in (c for c in categories if c.parent_id is None):
        own = [by_category[c.pk] for c in [main, *children.get(main.pk, [])] if c.pk in by_category]
        if not own:
            continue
        rows.append(
            Row(
                main.code,
                main.display_name,
                _sum_rows(own),
                links.for_periods(district, category=main.code),
            )
        )
        subrows = [
            Row(
                child.code,
                child.display_name,
                by_category[child.pk],
                links.for_periods(district, category=child.code),
                level=1,
            )
            for child in children.get(main.pk, [])
            if child.pk in by_category
        ]
        subrows.sort(key=lambda row: -row.current.total)
        rows.extend(subrows)
    return rows


def _series(rows, field_name, lines, months, links, parents=None) -> Series:
    """Monthly figures per line; ``parents`` folds subcategories into their main category."""
    values = {}
    for row in rows.values("month", field_name).annotate(**figure_aggregates()):
        key = row[field_name]
        if parents is not None:
            key = parents.get(key, key)
        cell = (key, row["month"])
        values[cell] = values.get(cell, Figure()) + figure_from(row)
    series_lines = []
    for pk, key, label, district in lines:
        points = [values.get((pk, month), Figure()) for month in months]
        if not any(point.total for point in points):
            continue
        filters = {"category": key} if parents is not None else {}
        series_lines.append(
            SeriesLine(
                key,
                label,
                points,
                [
                    links.url(month, _add_months(month, 1) - timedelta(days=1), district, **filters)
                    if links.may(district)
                    else ""
                    for month in months
                ],
            )
        )
    return Series(months, series_lines)
