"""Streaming CSV files that spreadsheets open safely."""

import csv
from collections.abc import Iterable, Iterator

# Characters a spreadsheet would read as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object that hands back what is written: csv.writer into a stream."""

    def write(self, value):
        return value


def safe_cell(value) -> str:
    """``value`` as text a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV lines of ``header`` and ``rows``, every cell defused, for a streamed response.
    The first line starts with a BOM, which makes Excel read UTF-8."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(safe_cell(value) for value in header)
    for row in rows:
        yield writer.writerow(safe_cell(value) for value in row)
