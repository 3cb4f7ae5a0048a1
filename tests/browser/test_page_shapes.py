"""What holds the phone-width fixes of issue #13 without a browser, on every template: a table
scrolls sideways in its own box (Bootstrap's .table-responsive), never the page; the browser
journeys check the pages they reach, this the ones they do not (yet)."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
WRAPPERS = re.compile(r'class="[^"]*\b(table-responsive|overflow-x-auto)\b')


def _unwrapped_tables(source: str) -> list[int]:
    """Line numbers of <table> elements with no scrolling box open around them."""
    lines = []
    open_wrappers = 0
    depth_stack: list[bool] = []
    for match in re.finditer(r"<(/?)(div|table)\b[^>]*>", source):
        closing, tag = match.group(1), match.group(2)
        if tag == "div":
            if closing:
                if depth_stack and depth_stack.pop():
                    open_wrappers -= 1
            else:
                wraps = bool(WRAPPERS.search(match.group(0)))
                depth_stack.append(wraps)
                open_wrappers += wraps
        elif not closing and open_wrappers == 0:
            lines.append(source.count("\n", 0, match.start()) + 1)
    return lines


def test_it_wraps_every_table_of_every_template_in_a_scrolling_box():
    unwrapped = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        source = template.read_text()
        # A partial may be wrapped where it is included: it says so in its comment.
        if "wrapped where included" in source:
            continue
        lines = _unwrapped_tables(source)
        if lines:
            unwrapped[str(template.relative_to(TEMPLATES))] = lines
    # Swagger UI's and Django admin's own tables are not ours; only the portal's templates.
    assert unwrapped == {}, unwrapped
