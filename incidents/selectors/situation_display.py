"""How a situation picture's figures are shown: cells, changes, drill-down links and the bar
chart (HTML and, through incidents.pdf, PDF). What the figures count is decided when they are
compiled (``incidents.selectors.situation``): only reports the reader may read, so nothing
here has to be withheld."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from areas.selectors import Rate, per_km2_display
from incidents.selectors.situation import (
    BASIS_PARTNERSHIP,
    CHART_TITLE,
    COUNTED_STATUSES,
    NOT_AVAILABLE,
    PERIOD_KEYS,
    Period,
)

# --- Showing the figures ------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{round(part * 100 / whole)}\u00a0%" if whole else NOT_AVAILABLE


@dataclass(frozen=True)
class Cell:
    """One count as shown."""

    count: int
    display: str
    url: str = ""


@dataclass(frozen=True)
class Change:
    absolute: str
    percent: str


def _change(current: Cell, earlier: Cell) -> Change:
    difference = current.count - earlier.count
    absolute = f"{difference:+d}" if difference else "±0"
    if not earlier.count:
        return Change(absolute, NOT_AVAILABLE)
    percent = round(difference * 100 / earlier.count)
    return Change(absolute, f"{percent:+d}\u00a0%" if percent else "±0\u00a0%")


@dataclass(frozen=True)
class CountRow:
    label: str
    current: Cell
    previous: Cell
    last_year: Cell
    level: int = 0  # 1 for a subcategory under its main category
    rate: str = ""  # a mellanområde's reports this period per km²

    @property
    def change_previous(self) -> Change:
        return _change(self.current, self.previous)

    @property
    def change_last_year(self) -> Change:
        return _change(self.current, self.last_year)


@dataclass(frozen=True)
class CityRow:
    """A main category in the district against the whole city."""

    label: str
    district: Cell
    city: Cell
    share_of_city: str  # the district's count as a share of the city's
    district_profile: str  # the category's share of all the district's reports
    city_profile: str  # the category's share of all the city's reports


@dataclass(frozen=True)
class SituationFigures:
    """The figures of a picture, ready for a page or a PDF."""

    basis: str
    computed_at: datetime | None
    current: Period
    previous: Period
    last_year: Period
    total: CountRow
    categories: list[CountRow]
    places: list[CountRow]
    primary_areas: list[CountRow]
    intermediate_areas: list[CountRow]  # empty in pictures frozen before they were counted
    rates: list[Rate]  # the district, and the city where it is compared
    city: list[CityRow]  # empty, and city_total None, where there is no city comparison
    city_total: CityRow | None

    @property
    def is_frozen(self) -> bool:
        return self.basis == BASIS_PARTNERSHIP

    @property
    def main_categories(self) -> list[CountRow]:
        return [row for row in self.categories if row.level == 0]


def _label(row: dict) -> str:
    english = row.get("name_en")
    return english if get_language() == "en" and english else row["name"]


class _Presenter:
    """Turns the stored figures into cells: changes and drill-down links."""

    def __init__(self, figures: dict, *, links: bool) -> None:
        self.figures = figures
        self.periods = {
            key: Period(
                value["kind"], date.fromisoformat(value["start"]), date.fromisoformat(value["end"])
            )
            for key, value in figures["periods"].items()
        }
        self.district_slug = figures["district"]["slug"]
        # Checked once: the links need the report list, which lives in the same app.
        self.report_list = reverse("incidents:report_list") if links else ""

    def link(self, period_key: str, **filters) -> str:
        if not self.report_list:
            return ""
        period = self.periods[period_key]
        query = {
            "district": self.district_slug,
            **{name: value for name, value in filters.items() if value},
            "occurred_after": period.start.isoformat(),
            "occurred_before": period.end.isoformat(),
            "status": [status.value for status in COUNTED_STATUSES],
        }
        return f"{self.report_list}?{urlencode(query, doseq=True)}"

    def district_cell(self, row: dict, period_key: str, filters: dict | None) -> Cell:
        count = row["counts"][period_key]
        url = self.link(period_key, **filters) if count and filters is not None else ""
        return Cell(count, str(count), url)

    def city_cell(self, count: int) -> Cell:
        return Cell(count, str(count))

    def count_row(self, row: dict, label: str, filters: dict | None, level: int = 0) -> CountRow:
        return CountRow(
            label=label,
            level=level,
            **{key: self.district_cell(row, key, filters) for key in PERIOD_KEYS},
        )

    def city_row(self, label: str, district: Cell, city: Cell, totals: tuple[Cell, Cell]):
        district_total, city_total = totals
        return CityRow(
            label=label,
            district=district,
            city=city,
            share_of_city=_percent(district.count, city.count),
            district_profile=_percent(district.count, district_total.count),
            city_profile=_percent(city.count, city_total.count),
        )

    def present(self) -> SituationFigures:
        figures = self.figures
        categories: list[CountRow] = []
        for main in figures["categories"]:
            categories.append(self.count_row(main, _label(main), {"category": main["code"]}))
            categories.extend(
                self.count_row(child, _label(child), {"category": child["code"]}, level=1)
                for child in main["children"]
            )
        places = [
            self.count_row(row, row["name"], {"place": row["slug"]}) for row in figures["places"]
        ]
        primary_areas = [
            self.count_row(row, row["name"], {"primary_area": row["code"]})
            if row["code"]
            else self.count_row(row, gettext("No primary area"), None)
            for row in figures["primary_areas"]
        ]
        intermediate_areas = [
            replace(
                self.count_row(row, row["name"], {"intermediate_area": row["code"]}),
                rate=per_km2_display(row["counts"]["current"], row.get("area_km2")),
            )
            if row["code"]
            else self.count_row(row, gettext("No intermediate area"), None)
            for row in figures.get("intermediate_areas", [])
        ]
        total = self.count_row(figures["total"], gettext("All reports"), {})
        city, city_total = self.city_rows(total) if figures.get("city") else ([], None)
        rates = self.rates(total, city_total)
        computed_at = figures.get("computed_at")
        return SituationFigures(
            basis=figures["basis"],
            computed_at=datetime.fromisoformat(computed_at) if computed_at else None,
            current=self.periods["current"],
            previous=self.periods["previous"],
            last_year=self.periods["last_year"],
            total=total,
            categories=categories,
            places=places,
            primary_areas=primary_areas,
            intermediate_areas=intermediate_areas,
            rates=rates,
            city=city,
            city_total=city_total,
        )

    def rates(self, total: CountRow, city_total: CityRow | None) -> list[Rate]:
        population = self.figures.get("population")
        if population is None:  # frozen before populations were loaded
            return []
        lines = []
        for key, label, count, entry in (
            (
                self.district_slug,
                self.figures["district"]["name"],
                total.current.count,
                population["district"],
            ),
            (
                "",
                gettext("The whole city"),
                city_total.city.count if city_total else None,
                population.get("city"),
            ),
        ):
            if count is None:
                continue
            lines.append(
                Rate(
                    key,
                    label,
                    count,
                    entry["population"] if entry else None,
                    entry["year"] if entry else None,
                )
            )
        return lines

    def city_rows(self, total: CountRow) -> tuple[list[CityRow], CityRow]:
        figures = self.figures
        city_counts = {row["code"]: row["count"] for row in figures["city"]["categories"]}
        city_total = self.city_cell(figures["city"]["total"])
        totals = (total.current, city_total)
        city = []
        for main in figures["categories"]:
            city_count = city_counts.pop(main["code"], 0)
            if main["counts"]["current"] or city_count:
                city.append(
                    self.city_row(
                        _label(main),
                        self.district_cell(main, "current", {"category": main["code"]}),
                        self.city_cell(city_count),
                        totals,
                    )
                )
        # Main categories with reports elsewhere in the city but none in the district.
        for row in figures["city"]["categories"]:
            if row["code"] in city_counts:
                city.append(
                    self.city_row(_label(row), Cell(0, "0"), self.city_cell(row["count"]), totals)
                )
        return city, self.city_row(gettext("All reports"), total.current, city_total, totals)


def situation_figures_present(*, figures: dict, links: bool = True) -> SituationFigures:
    """The stored or computed ``figures`` as rows to show; ``links`` adds drill-down URLs."""
    return _Presenter(figures, links=links).present()


# --- A bar chart without JavaScript -------------------------------------------------------------

_CHART_WIDTH = 640
_LABEL_WIDTH = 190
_VALUE_WIDTH = 50
_BAR_HEIGHT = 14
_ROW_HEIGHT = 2 * _BAR_HEIGHT + 14
_TOP = 34
CHART_COLOURS = {"current": "#12355b", "previous": "#8aa4c2"}


def situation_chart_svg(
    *, figures: SituationFigures, chart_id: str = "situation-chart", width: int = _CHART_WIDTH
) -> SafeString:
    """Main categories, this period against the previous one, as inline SVG drawn here.

    The table beside it carries the same numbers; the SVG is an image with a title and a
    description for screen readers.
    """
    rows = figures.main_categories
    largest = max([cell.count for row in rows for cell in (row.current, row.previous)] or [0])
    # A phone's drawing (core.charts) gives the labels less room and starts the legend at the
    # left edge, where both entries fit.
    narrow = width < _CHART_WIDTH
    label_width = 130 if narrow else _LABEL_WIDTH
    scale = (width - label_width - _VALUE_WIDTH) / largest if largest else 0
    height = _TOP + _ROW_HEIGHT * len(rows) + 6
    parts = []
    for index, (key, label) in enumerate(
        (("current", figures.current.label), ("previous", figures.previous.label))
    ):
        x = (4 if narrow else _LABEL_WIDTH) + index * 180
        parts.append(
            format_html(
                '<rect x="{}" y="6" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="16" font-size="12">{}</text>',
                x,
                CHART_COLOURS[key],
                x + 18,
                label,
            )
        )
    for index, row in enumerate(rows):
        y = _TOP + index * _ROW_HEIGHT
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>',
                label_width - 8,
                y + _BAR_HEIGHT + 4,
                row.label,
            )
        )
        for offset, key in enumerate(("current", "previous")):
            cell = getattr(row, key)
            bar_y = y + offset * _BAR_HEIGHT
            bar_width = round(cell.count * scale, 1)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" font-size="11">{}</text>',
                    label_width,
                    bar_y,
                    bar_width,
                    _BAR_HEIGHT - 2,
                    CHART_COLOURS[key],
                    label_width + bar_width + 4,
                    bar_y + _BAR_HEIGHT - 3,
                    cell.display,
                )
            )
    description = "; ".join(
        f"{row.label}: {row.current.display} ({row.previous.display})" for row in rows
    )
    return format_html(
        # Drawn at its natural size, shrinking on narrow screens (img-fluid).
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title {}-desc" class="img-fluid" '
        'font-family="sans-serif"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}</svg>",
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        CHART_TITLE,
        chart_id,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
