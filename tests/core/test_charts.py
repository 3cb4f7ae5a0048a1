"""The charts fit their container at every width (issue #13): drawn twice, wide and for
phones, nothing drawn past the edges of the ``viewBox``, text readable on a phone, the last
month's label whole, and the charts starting where the data do."""

import itertools
import re
from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import translation

from core.charts import (
    NARROW,
    WIDE,
    Bars,
    Line,
    bar_chart_svg,
    fit,
    label_indexes,
    line_chart_svg,
    responsive,
    text_width,
)
from plans.charts import report_curve_svg
from plans.choices import MeasureStatus

TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _months(last: date, count: int) -> list[date]:
    months = []
    year, month = last.year, last.month
    for _index in range(count):
        months.insert(0, date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _texts(svg: str) -> list[tuple[dict, str]]:
    return [(dict(ATTRIBUTE.findall(attributes)), text) for attributes, text in TEXT.findall(svg)]


def assert_within_its_box(svg: str, *, smallest_font: float) -> None:
    """Every text starts and ends inside the ``viewBox`` (at the width ``core.charts`` reckons
    its glyphs), at ``smallest_font`` or larger."""
    width, height = (float(v) for v in VIEWBOX.search(svg).groups())
    assert 'width="100%"' in svg
    for attributes, text in _texts(svg):
        size = float(attributes["font-size"])
        assert size >= smallest_font, text
        x, y = float(attributes["x"]), float(attributes["y"])
        drawn = text_width(text.replace("&amp;", "&"), size)
        left = {"start": x, "middle": x - drawn / 2, "end": x - drawn}[
            attributes.get("text-anchor", "start")
        ]
        assert left >= 0 and left + drawn <= width + 0.5, (text, left, left + drawn, width)
        assert 0 < y <= height, text


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def _lines(count: int, months: int) -> list[Line]:
    names = ["Nordost", "Centrum", "Sydväst", "Hisingen", "Ordningsstörningar och otrygghet"]
    return [
        Line(names[n % len(names)], [(n + 1) * (i % 7) * 13 for i in range(months)])
        for n in range(count)
    ]


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("count", [1, 2, 7, 13, 24, 25])
def test_it_draws_every_month_label_whole_and_the_last_one_always(width, count):
    months = _months(date(2026, 10, 1), count)
    svg = line_chart_svg(
        months=months,
        lines=_lines(5, count),
        title="Rapporter",
        description="Per månad",
        chart_id="c",
        width=width,
    )
    assert_within_its_box(svg, smallest_font=12 if width == NARROW else 11)
    labels = [text for _attributes, text in _texts(svg)]
    assert "Okt 26" in labels  # the last month, whole (it was cut to "Okt 2")


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_it_fits_bars_their_labels_and_values_in_the_box(width):
    rows = [
        Bars("Ordningsstörningar och otrygghet i offentlig miljö", 1234, "1234", 987, "987"),
        Bars("Brott", 0, "0", None, "–"),
        Bars("Skadegörelse", 55, "55", 60, "60"),
    ]
    svg = bar_chart_svg(
        rows=rows,
        legend=("1–15 december 2026", "1–15 november 2026"),
        title="Kategorier",
        description="Samma siffror i tabellen.",
        chart_id="b",
        width=width,
    )
    assert_within_its_box(svg, smallest_font=11)
    assert "–" in svg


def test_it_draws_each_chart_wide_and_for_phones_with_ids_of_their_own():
    html = responsive(
        line_chart_svg,
        chart_id="overview-x",
        months=_months(date(2026, 10, 1), 24),
        lines=_lines(2, 24),
        title="T",
        description="D",
    )
    wide, narrow = html.split('<div class="trygg-chart-narrow">')
    assert wide.startswith('<div class="trygg-chart-wide">')
    assert f'viewBox="0 0 {WIDE} ' in wide and 'id="overview-x-title"' in wide
    assert f'viewBox="0 0 {NARROW} ' in narrow and 'id="overview-x-narrow-title"' in narrow
    assert (
        responsive(line_chart_svg, chart_id="e", months=[], lines=[], title="", description="")
        == ""
    )


def test_it_spaces_labels_by_their_width_counting_back_from_the_last():
    assert label_indexes(24, 50, 30) == list(range(24))
    assert label_indexes(24, 13, 30)[-1] == 23
    shown = label_indexes(24, 13, 30)
    assert all(b - a >= 3 for a, b in itertools.pairwise(shown))
    assert fit("Ordningsstörningar", 60, 12) == "Ordning…"
    assert fit("Brott", 60, 12) == "Brott"


@dataclass
class _Point:
    month: date
    count: int


@dataclass
class _Measure:
    title: str
    start_date: date
    end_date: date

    def display_status(self):
        return MeasureStatus.STARTED


@pytest.mark.parametrize("count", [1, 5, 12, 24])
def test_it_draws_a_problems_curve_whole_at_both_widths(count):
    curve = [_Point(month, n % 9) for n, month in enumerate(_months(date(2026, 10, 1), count))]
    long_title = "Bättre belysning vid gångtunneln och trapporna ner mot torget"
    measures = [_Measure(long_title, date(2026, 3, 1), date(2026, 12, 31))]
    html = report_curve_svg(curve=curve, measures=measures)
    for svg in html.split('<div class="trygg-chart-narrow">'):
        assert_within_its_box(svg, smallest_font=10)
    narrow = html.split('<div class="trygg-chart-narrow">')[1]
    assert_within_its_box(narrow, smallest_font=12)
    assert "Okt 2026" in html


def test_it_keeps_the_charts_no_wider_than_their_container():
    from pathlib import Path

    css = Path(__file__).resolve().parents[2].joinpath("static/css/trygg.css").read_text()
    rule = css[css.index(".trygg-chart {") :]
    rule = rule[: rule.index("}")]
    assert "min-width" not in rule and "width: 100%" in rule
