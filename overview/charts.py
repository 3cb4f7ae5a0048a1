"""The dashboards' charts, drawn here as inline SVG: no JavaScript, nothing fetched, printable.

Every chart is an image with a title and a description for screen readers, and the page puts
the same numbers in a table beside it. Lines differ by dash pattern as well as by colour
(Okabe–Ito colours, told apart with colour-blindness too). A month without a value (None)
draws no point: the line breaks there.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
BAR_COLOURS = {"current": "#12355b", "previous": "#8aa4c2"}

_WIDTH = 640
_LEFT = 44
_RIGHT = 12
_TOP = 12
_PLOT_HEIGHT = 200
_AXIS = 22
_LEGEND_ROW = 20


@dataclass(frozen=True)
class Line:
    label: str
    values: list[int | None]  # one per month; None where there is no value


@dataclass(frozen=True)
class Bars:
    """A row of the bar chart: this period's and the previous one's count as shown."""

    label: str
    current: int | None  # None where there is no value
    current_display: str
    previous: int | None
    previous_display: str


def _nice_maximum(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 5:
        return 5
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _svg(
    chart_id: str, title: str, description: str, height: float, parts: list, width: int = _WIDTH
) -> SafeString:
    return format_html(
        '<svg role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
        'width="100%" class="trygg-chart" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id,
        width,
        height,
        title,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def line_chart_svg(
    *,
    months: list[date],
    lines: list[Line],
    title: str,
    description: str,
    chart_id: str,
    width: int = _WIDTH,
) -> SafeString:
    """Monthly counts as lines, one per district or category."""
    top = _nice_maximum(max((v or 0 for line in lines for v in line.values), default=0))
    narrow = width < _WIDTH
    plot_width = width - _LEFT - _RIGHT
    step = plot_width / max(len(months) - 1, 1)

    def x(index: int) -> float:
        return round(_LEFT + index * step, 1)

    def y(value: int) -> float:
        return round(_TOP + _PLOT_HEIGHT * (1 - value / top), 1)

    parts = []
    for fraction in (0, 0.5, 1):
        value = round(top * fraction)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>',
                _LEFT,
                width - _RIGHT,
                y(value),
                y(value),
                _LEFT - 6,
                y(value) + 4,
                value,
            )
        )
    # A label is about 40 units wide: every third month fits 640 units, every sixth 360.
    label_every = (6 if narrow else 3) if len(months) > 12 else (2 if narrow else 1)
    for index, month in enumerate(months):
        if index % label_every == 0 or index == len(months) - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
                    x(index),
                    _TOP + _PLOT_HEIGHT + 16,
                    date_format(month, "M y"),
                )
            )
    for number, line in enumerate(lines):
        colour = LINE_COLOURS[number % len(LINE_COLOURS)]
        dash = DASHES[number % len(DASHES)]
        segment: list[str] = []
        segments = []
        for index, value in enumerate(line.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(index)},{y(value)}")
        if segment:
            segments.append(segment)
        for points in segments:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
                    'stroke-dasharray="{}"/>',
                    " ".join(points),
                    colour,
                    dash,
                )
            )
            if len(points) == 1:  # a lone month between two without a value
                px, py = points[0].split(",")
                parts.append(
                    format_html('<circle cx="{}" cy="{}" r="3" fill="{}"/>', px, py, colour)
                )
    legend_top = _TOP + _PLOT_HEIGHT + _AXIS + 8
    per_row = 2 if narrow else 3
    for number, line in enumerate(lines):
        lx = _LEFT + (number % per_row) * (plot_width / per_row)
        ly = legend_top + (number // per_row) * _LEGEND_ROW
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3" '
                'stroke-dasharray="{}"/><text x="{}" y="{}" font-size="12">{}</text>',
                lx,
                lx + 28,
                ly,
                ly,
                LINE_COLOURS[number % len(LINE_COLOURS)],
                DASHES[number % len(DASHES)],
                lx + 34,
                ly + 4,
                line.label,
            )
        )
    height = legend_top + ((len(lines) + per_row - 1) // per_row) * _LEGEND_ROW
    return _svg(chart_id, title, description, height, parts, width)


_BAR_LABEL = 170
_BAR_VALUE = 48
_BAR = 12
_BAR_ROW = 2 * _BAR + 12


def bar_chart_svg(
    *,
    rows: list[Bars],
    legend: tuple[str, str],
    title: str,
    description: str,
    chart_id: str,
    width: int = _WIDTH,
) -> SafeString:
    """Pairs of horizontal bars (this period, the previous one) per row label."""
    largest = max([value or 0 for row in rows for value in (row.current, row.previous)] or [0])
    label_width = _BAR_LABEL if width >= _WIDTH else 130
    scale = (width - label_width - _BAR_VALUE) / largest if largest else 0
    parts = []
    for index, (key, label) in enumerate(zip(("current", "previous"), legend, strict=True)):
        # The legend starts under the labels on a phone: from the bars' start it would not fit.
        lx = (label_width if width >= _WIDTH else 4) + index * 180
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="14" font-size="12">{}</text>',
                lx,
                BAR_COLOURS[key],
                lx + 18,
                label,
            )
        )
    for index, row in enumerate(rows):
        top = 28 + index * _BAR_ROW
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>',
                label_width - 8,
                top + _BAR + 4,
                row.label,
            )
        )
        bars = (
            ("current", row.current, row.current_display),
            ("previous", row.previous, row.previous_display),
        )
        for offset, (key, value, display) in enumerate(bars):
            bar_top = top + offset * _BAR
            bar_width = round((value or 0) * scale, 1)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" font-size="11">{}</text>',
                    label_width,
                    bar_top,
                    bar_width,
                    _BAR - 1,
                    BAR_COLOURS[key],
                    label_width + bar_width + 4,
                    bar_top + _BAR - 2,
                    display,
                )
            )
    height = 28 + len(rows) * _BAR_ROW + 4
    return _svg(chart_id, title, description, height, parts, width)
