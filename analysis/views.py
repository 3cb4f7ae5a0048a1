"""The method notes of the analysis (``docs/analysis.md``), as a page the figures link to."""

from functools import lru_cache

import markdown
from django.conf import settings
from django.shortcuts import render
from django.utils.safestring import mark_safe

METHOD_FILE = settings.BASE_DIR / "docs" / "analysis.md"


@lru_cache(maxsize=1)
def _method_html(modified: float) -> str:
    # The notes are the project's own file, not anyone's input: their HTML is trusted. Read
    # again when the file changes (``modified``), so an edited note shows without a restart.
    text = METHOD_FILE.read_text(encoding="utf-8")
    return markdown.markdown(text, extensions=["tables", "toc", "sane_lists"])


def analysis_method(request):
    """Every analyst may read how the alerts, hotspots and effects are computed: the page
    holds no data, only the method."""
    html = _method_html(METHOD_FILE.stat().st_mtime)
    return render(request, "analysis/method.html", {"method_html": mark_safe(html)})  # noqa: S308
