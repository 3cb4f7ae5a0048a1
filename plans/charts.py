"""A problem's report curve with its measures' periods beneath, as inline SVG drawn here
(no JavaScript), wide and for phones (``core.charts.responsive``). The page carries the same
numbers in a table."""

from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.charts import NARROW, fit, label_indexes, responsive, svg, text_width
from plans.choices import MeasureStatus

_LEFT = 8
_CHART_TOP = 22
_CHART_HEIGHT = 120
_AXIS = 18
BAR_COLOUR = "#12355b"
STATUS_COLOURS = {
    MeasureStatus.NOT_STARTED: "#8aa4c2",
    MeasureStatus.STARTED: "#2f6fb0",
    MeasureStatus.DONE: "#2e7d32",
    MeasureStatus.DELAYED: "#b3261e",
    MeasureStatus.CANCELLED: "#757575",
}


def _month_after(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def report_curve_svg(*, curve, measures, chart_id: str = "problem-curve") -> SafeString:
    """Bars of linked reports by month; below them, each measure's period as a line in the
    colour of its status, so that what was done can be read against what happened."""
    if not curve:
        return SafeString("")
    return responsive(_curve_svg, chart_id=chart_id, curve=curve, measures=measures)


def _curve_svg(*, curve, measures, chart_id: str, width: int) -> SafeString:
    font = 12 if width <= NARROW else 10
    plot = width - 2 * _LEFT
    slot = plot / len(curve)
    first, end = curve[0].month, _month_after(curve[-1].month)
    span = (end - first).days
    largest = max(point.count for point in curve) or 1
    # Counts above the bars only where they fit in a bar's slot.
    counts_fit = text_width(str(largest), font) <= slot
    labels = [date_format(point.month, "M Y") for point in curve]
    label_width = max(text_width(label, font) for label in labels)
    labelled = set(label_indexes(len(curve), slot, label_width))
    parts = []
    for index, point in enumerate(curve):
        x = _LEFT + index * slot
        height = round(point.count * _CHART_HEIGHT / largest, 1)
        y = _CHART_TOP + _CHART_HEIGHT - height
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                round(x + 1, 1),
                y,
                round(max(slot - 2, 1), 1),
                height,
                BAR_COLOUR,
            )
        )
        if point.count and counts_fit:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text>',
                    round(x + slot / 2, 1),
                    y - 3,
                    font,
                    point.count,
                )
            )
        if index in labelled:
            # Centred under its month, but never past either edge.
            centre = x + slot / 2
            anchor, at = "middle", centre
            if centre + label_width / 2 > width - 2:
                anchor, at = "end", x + slot
            elif centre - label_width / 2 < 2:
                anchor, at = "start", x
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="{}">{}</text>',
                    round(at, 1),
                    _CHART_TOP + _CHART_HEIGHT + font + 3,
                    font,
                    anchor,
                    labels[index],
                )
            )
    top = _CHART_TOP + _CHART_HEIGHT + _AXIS + 6
    # A lane: the measure's bar, its title below, and a gap before the next bar.
    lane = font + 14
    lanes = [m for m in measures if m.end_date >= first and m.start_date < end]
    for index, measure in enumerate(lanes):
        start = max(measure.start_date, first)
        stop = min(measure.end_date + timedelta(days=1), end)
        x1 = _LEFT + (start - first).days / span * plot
        x2 = _LEFT + (stop - first).days / span * plot
        y = top + index * lane
        status = measure.display_status()
        status_label = MeasureStatus(status).label.lower()
        title_room = plot - text_width(f" ({status_label})", font)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="6" rx="3" fill="{}"/>'
                '<text x="{}" y="{}" font-size="{}">{} ({})</text>',
                round(x1, 1),
                y,
                round(max(x2 - x1, 3), 1),
                STATUS_COLOURS[status],
                _LEFT,
                y + 6 + font,
                font,
                fit(measure.title, title_room, font),
                status_label,
            )
        )
    height = top + len(lanes) * lane + 8
    title = gettext("Linked reports by month, with the measures' periods below")
    description = "; ".join(
        f"{date_format(point.month, 'F Y')}: {point.count}" for point in curve if point.count
    ) or gettext("No linked reports in these months.")
    parts.insert(
        0,
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#999"/>',
            _LEFT,
            width - _LEFT,
            _CHART_TOP + _CHART_HEIGHT,
            _CHART_TOP + _CHART_HEIGHT,
        ),
    )
    return svg(chart_id, title, description, width, height, parts)
