"""The charts drawn for a phone's width too (issue #13): a phone gets a drawing about its own
width, so its text is not shrunk to a few pixels, and the wide one stays for wider screens."""

import re

from django.utils.safestring import mark_safe

from core.charts import NARROW_WIDTH, responsive_chart


def _draw(*, chart_id, width=640, label="x"):
    # The test's own fixed markup, as a chart function returns it.
    svg = f'<svg id="{chart_id}" viewBox="0 0 {width} 100"><text>{label}</text></svg>'
    return mark_safe(svg)  # noqa: S308


def test_it_draws_a_chart_for_a_phone_and_for_a_wider_screen():
    html = str(responsive_chart(_draw, chart_id="c", label="Brott"))
    narrow, wide = re.findall(r'<div class="trygg-chart-(narrow|wide)">', html)
    assert (narrow, wide) == ("narrow", "wide")
    # Ids stay unique on the page: the phone's drawing gets its own.
    assert 'id="c-narrow"' in html and 'id="c"' in html
    assert f'viewBox="0 0 {NARROW_WIDTH} 100"' in html and 'viewBox="0 0 640 100"' in html


def test_it_draws_nothing_where_there_is_no_chart():
    assert responsive_chart(lambda **kwargs: "", chart_id="c") == ""


def test_it_keeps_the_dashboards_line_chart_inside_a_phones_drawing():
    from datetime import date

    from overview.charts import Line, line_chart_svg

    months = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(24)]
    svg = str(
        responsive_chart(
            line_chart_svg,
            months=months,
            lines=[Line("Centrum", list(range(24)))],
            title="t",
            description="d",
            chart_id="c",
        )
    )
    narrow = svg.split('<div class="trygg-chart-wide">')[0]
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)"', narrow)]
    assert xs and max(xs) <= NARROW_WIDTH
    # Every sixth month labelled on a phone (about 40 units a label), not every third.
    assert len(re.findall(r'text-anchor="middle"', narrow)) <= 6
