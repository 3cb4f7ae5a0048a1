"""A problem's report curve with its measures' periods beneath, as inline SVG drawn here
(no JavaScript). The page carries the same numbers in a table."""

from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from plans.choices import MeasureStatus

_WIDTH = 640
_LEFT = 8
_CHART_TOP = 22
_CHART_HEIGHT = 120
_AXIS = 18
_LANE = 18
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


def report_curve_svg(
    *, curve, measures, chart_id: str = "problem-curve", width: int = _WIDTH
) -> SafeString:
    """Bars of linked reports by month; below them, each measure's period as a line in the
    colour of its status, so that what was done can be read against what happened."""
    if not curve:
        return SafeString("")
    # A phone's drawing (core.charts): a label every half year instead of every quarter.
    labelled = (1, 7) if width < _WIDTH else (1, 4, 7, 10)
    slot = (width - 2 * _LEFT) / len(curve)
    first, end = curve[0].month, _month_after(curve[-1].month)
    span = (end - first).days
    largest = max(point.count for point in curve) or 1
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
                round(slot - 2, 1),
                height,
                BAR_COLOUR,
            )
        )
        if point.count:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                    round(x + slot / 2, 1),
                    y - 3,
                    point.count,
                )
            )
        if point.month.month in labelled:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10">{}</text>',
                    round(x + 1, 1),
                    _CHART_TOP + _CHART_HEIGHT + 13,
                    date_format(point.month, "M Y"),
                )
            )
    top = _CHART_TOP + _CHART_HEIGHT + _AXIS + 6
    lanes = [m for m in measures if m.end_date >= first and m.start_date < end]
    for index, measure in enumerate(lanes):
        start = max(measure.start_date, first)
        stop = min(measure.end_date + timedelta(days=1), end)
        x1 = _LEFT + (start - first).days / span * (width - 2 * _LEFT)
        x2 = _LEFT + (stop - first).days / span * (width - 2 * _LEFT)
        y = top + index * _LANE
        status = measure.display_status()
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="6" rx="3" fill="{}"/>'
                '<text x="{}" y="{}" font-size="10">{} ({})</text>',
                round(x1, 1),
                y,
                round(max(x2 - x1, 3), 1),
                STATUS_COLOURS[status],
                _LEFT,
                y + 15,
                measure.title[: 70 if width >= _WIDTH else 38],
                MeasureStatus(status).label.lower(),
            )
        )
    height = top + len(lanes) * _LANE + 8
    title = gettext("Linked reports by month, with the measures' periods below")
    description = "; ".join(
        f"{date_format(point.month, 'F Y')}: {point.count}" for point in curve if point.count
    ) or gettext("No linked reports in these months.")
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}-title {}-desc" class="img-fluid" '
        'font-family="sans-serif"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#999"/>{}</svg>',
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        _LEFT,
        width - _LEFT,
        _CHART_TOP + _CHART_HEIGHT,
        _CHART_TOP + _CHART_HEIGHT,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
