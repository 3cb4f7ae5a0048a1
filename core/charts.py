"""What the portal's inline SVG charts share: drawn twice, for a phone and for a wider screen.

An SVG drawn 640 units wide and shrunk to a phone's 358 px sets its 11-unit text at about 6 px;
drawn for 360 units it keeps its text at the size written. The stylesheet shows the drawing that
fits (.trygg-chart-narrow under 576 px, .trygg-chart-wide from there); the other is not
displayed, so it is not read out twice either.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString

NARROW_WIDTH = 360


def responsive_chart(draw, *, chart_id: str, **kwargs) -> SafeString:
    """``draw(chart_id=..., width=..., **kwargs)`` for a phone and at its own default width."""
    narrow = draw(chart_id=f"{chart_id}-narrow", width=NARROW_WIDTH, **kwargs)
    wide = draw(chart_id=chart_id, **kwargs)
    if not wide:
        return wide
    return format_html(
        '<div class="trygg-chart-narrow">{}</div><div class="trygg-chart-wide">{}</div>',
        narrow,
        wide,
    )
