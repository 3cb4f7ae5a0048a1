"""The dashboards' charts: the portal's inline SVG charts (``core.charts``), each drawn for
wide screens and for phones, the page showing the one that fits (``core.charts.responsive``).
The page puts the same numbers in a table after each chart."""

from django.utils.safestring import SafeString

from core.charts import BAR_COLOURS, DASHES, LINE_COLOURS, Bars, Line, responsive
from core.charts import bar_chart_svg as _bar_chart_svg
from core.charts import line_chart_svg as _line_chart_svg

__all__ = [
    "BAR_COLOURS",
    "DASHES",
    "LINE_COLOURS",
    "Bars",
    "Line",
    "bar_chart_svg",
    "line_chart_svg",
]


def line_chart_svg(*, chart_id: str, **kwargs) -> SafeString:
    """Monthly counts as lines (``core.charts.line_chart_svg``), wide and narrow."""
    return responsive(_line_chart_svg, chart_id=chart_id, **kwargs)


def bar_chart_svg(*, chart_id: str, **kwargs) -> SafeString:
    """Pairs of bars (``core.charts.bar_chart_svg``), wide and narrow."""
    return responsive(_bar_chart_svg, chart_id=chart_id, **kwargs)
