"""The portal's charts, drawn here as inline SVG: no JavaScript, nothing fetched, printable.

Every chart is an image with a title and a description for screen readers, and its page puts
the same numbers in a table beside it. Lines differ by dash pattern as well as by colour
(Okabe–Ito colours, told apart with colour-blindness too). A month without a value (None)
draws no point: the line breaks there.

**Fitting every width.** An SVG scales with its container (a ``viewBox`` and ``width: 100%``),
and its text with it: a chart drawn 640 units wide is shown at 55 % on a phone of 390 px, its
12-unit text at 6.6 px. So each chart is drawn twice (``responsive``), 640 units wide for
screens from 576 px and 360 units wide for phones, where its text stays at 12 px or more; the
stylesheet shows the one that fits. Nothing is drawn outside the ``viewBox``: month labels are
spaced by their own width and the last one ends at the right edge; labels too long for their
column end with "…" (the table beside has them whole).
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDE = 640
NARROW = 360
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
BAR_COLOURS = {"current": "#12355b", "previous": "#8aa4c2"}
# An average glyph's advance as a share of the font size (a sans-serif's digits and lower case).
_GLYPH = 0.6


def text_width(text: str, font_size: float) -> float:
    """About how wide ``text`` is drawn at ``font_size``, to place and fit it."""
    return len(str(text)) * font_size * _GLYPH


def fit(text: str, width: float, font_size: float) -> str:
    """``text``, cut to end with "…" where it would be wider than ``width``."""
    text = str(text)
    room = int(width / (font_size * _GLYPH))
    if len(text) <= room:
        return text
    return text[: max(room - 1, 1)].rstrip() + "…"


def _font(width: int) -> int:
    """The text size: larger on the narrow drawing, which is shown at about its own size."""
    return 12 if width <= NARROW else 11


def svg(
    chart_id: str, title: str, description: str, width: int, height: float, parts
) -> SafeString:
    return format_html(
        '<svg role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" '
        'width="100%" class="trygg-chart" font-family="sans-serif" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id,
        width,
        round(height, 1),
        title,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def responsive(draw, *, chart_id: str, **kwargs) -> SafeString:
    """The chart ``draw(width=…, chart_id=…, **kwargs)`` draws, wide and narrow, for the
    stylesheet to show the one that fits (``.trygg-chart-wide``, ``.trygg-chart-narrow``).
    The hidden one is ``display: none``, which hides it from screen readers too."""
    wide = draw(width=WIDE, chart_id=chart_id, **kwargs)
    narrow = draw(width=NARROW, chart_id=f"{chart_id}-narrow", **kwargs)
    if not wide:
        return SafeString("")
    return format_html(
        '<div class="trygg-chart-wide">{}</div><div class="trygg-chart-narrow">{}</div>',
        wide,
        narrow,
    )


# --- Lines over months ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    values: list[int | None]  # one per month; None where there is no value


def nice_maximum(value: int) -> int:
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


_TOP = 12
_PLOT_HEIGHT = 200
_RIGHT = 12
_LEGEND_ROW = 20


def label_indexes(count: int, step: float, label_width: float) -> list[int]:
    """Which of ``count`` evenly spaced ticks get a label, ``step`` apart, each label
    ``label_width`` wide: as many as fit without touching, counted back from the last (the
    latest month is always labelled)."""
    if count <= 0:
        return []
    every = max(1, math.ceil((label_width + 6) / step)) if step else 1
    for nice in (1, 2, 3, 4, 6, 12, 24):
        if nice >= every:
            every = nice
            break
    return [index for index in range(count) if (count - 1 - index) % every == 0]


def line_chart_svg(
    *,
    months: list[date],
    lines: list[Line],
    title: str,
    description: str,
    chart_id: str,
    width: int = WIDE,
) -> SafeString:
    """Monthly counts as lines, one per district or category, ``width`` units wide."""
    if not months or not lines:
        return SafeString("")
    font = _font(width)
    top = nice_maximum(max((v or 0 for line in lines for v in line.values), default=0))
    labels = [date_format(month, "M y") for month in months]
    label_width = max(text_width(label, font) for label in labels)
    # Room for the axis's numbers on the left, and for half a month label at either end: every
    # label is centred under its month and none runs past the edge.
    left = max(text_width(str(top), font) + 10, label_width / 2 + 2)
    right = max(_RIGHT, label_width / 2 + 2)
    plot_width = width - left - right
    step = plot_width / max(len(months) - 1, 1)

    def x(index: int) -> float:
        return round(left + index * step, 1)

    def y(value: int) -> float:
        return round(_TOP + _PLOT_HEIGHT * (1 - value / top), 1)

    parts = []
    for fraction in (0, 0.5, 1):
        value = round(top * fraction)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/>'
                '<text x="{}" y="{}" font-size="{}" text-anchor="end">{}</text>',
                round(left, 1),
                round(width - right, 1),
                y(value),
                y(value),
                round(left - 6, 1),
                y(value) + 4,
                font,
                value,
            )
        )
    for index in label_indexes(len(months), step, label_width):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text>',
                x(index),
                _TOP + _PLOT_HEIGHT + font + 5,
                font,
                labels[index],
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
    # The legend: as many entries a row as fit (one a row on a phone).
    legend_top = _TOP + _PLOT_HEIGHT + font + 5 + 22
    swatch = 34
    longest = max(text_width(line.label, font) for line in lines)
    per_row = max(1, min(3, int((width - 8) // (swatch + longest + 16))))
    column = (width - 8) / per_row
    for number, line in enumerate(lines):
        lx = round(4 + (number % per_row) * column, 1)
        ly = legend_top + (number // per_row) * _LEGEND_ROW
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3" '
                'stroke-dasharray="{}"/><text x="{}" y="{}" font-size="{}">{}</text>',
                lx,
                lx + 28,
                ly,
                ly,
                LINE_COLOURS[number % len(LINE_COLOURS)],
                DASHES[number % len(DASHES)],
                lx + swatch,
                ly + 4,
                font,
                fit(line.label, column - swatch - 4, font),
            )
        )
    height = legend_top + ((len(lines) + per_row - 1) // per_row) * _LEGEND_ROW
    return svg(chart_id, title, description, width, height, parts)


# --- Pairs of bars ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bars:
    """A row of the bar chart: this period's and the previous one's count as shown."""

    label: str
    current: int | None  # None where there is no value
    current_display: str
    previous: int | None
    previous_display: str


_BAR = 12


def bar_chart_svg(
    *,
    rows: list[Bars],
    legend: tuple[str, str],
    title: str,
    description: str,
    chart_id: str,
    width: int = WIDE,
) -> SafeString:
    """Pairs of horizontal bars (this period, the previous one) per row label: wide, the
    labels in a column on the left; narrow, each label above its bars, which then have the
    whole width."""
    if not rows:
        return SafeString("")
    font = _font(width)
    narrow = width <= NARROW
    label_column = 0 if narrow else 200
    displays = [display for row in rows for display in (row.current_display, row.previous_display)]
    value_column = max(text_width(display, font) for display in displays) + 10
    largest = max([value or 0 for row in rows for value in (row.current, row.previous)] or [0])
    scale = (width - label_column - value_column - 4) / largest if largest else 0
    parts = []
    # The legend: side by side where both fit, else one above the other.
    legend_width = [text_width(label, font) + 22 for label in legend]
    stacked = 4 + sum(legend_width) + 16 > width
    for index, (key, label) in enumerate(zip(("current", "previous"), legend, strict=True)):
        lx = 4 if stacked or index == 0 else 4 + legend_width[0] + 16
        ly = 4 + (index * 18 if stacked else 0)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" font-size="{}">{}</text>',
                round(lx, 1),
                ly,
                BAR_COLOURS[key],
                round(lx + 18, 1),
                ly + 10,
                font,
                fit(label, width - lx - 22, font),
            )
        )
    first_row = 28 + (18 if stacked else 0)
    row_height = 2 * _BAR + 12 + (font + 4 if narrow else 0)
    for index, row in enumerate(rows):
        top = first_row + index * row_height
        if narrow:
            parts.append(
                format_html(
                    '<text x="2" y="{}" font-size="{}">{}</text>',
                    top + font,
                    font,
                    fit(row.label, width - 4, font),
                )
            )
            bars_top = top + font + 4
        else:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="end">{}</text>',
                    label_column - 8,
                    top + _BAR + 4,
                    font,
                    fit(row.label, label_column - 12, font),
                )
            )
            bars_top = top
        bars = (
            ("current", row.current, row.current_display),
            ("previous", row.previous, row.previous_display),
        )
        for offset, (key, value, display) in enumerate(bars):
            bar_top = bars_top + offset * _BAR
            bar_width = round((value or 0) * scale, 1)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" font-size="{}">{}</text>',
                    label_column,
                    bar_top,
                    bar_width,
                    _BAR - 1,
                    BAR_COLOURS[key],
                    round(label_column + bar_width + 4, 1),
                    bar_top + _BAR - 2,
                    font,
                    display,
                )
            )
    height = first_row + len(rows) * row_height + 4
    return svg(chart_id, title, description, width, height, parts)
