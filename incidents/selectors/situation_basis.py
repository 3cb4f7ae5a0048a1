"""The basis (underlag) of a situation picture: the figures a lägesbild is drafted from, each
linked to its source, and the starting text drafted from them.

When an analyst starts a lägesbild the portal drafts it: a drafter compiles sections (the
district and its mellanområden in rates, the previous picture's problems and what became of
them, the plan's measures, ...), each with a starting text in Swedish and rows of figures that
link to the dashboard, list, problem or measure they come from. The sections are stored on the
picture (``SituationPicture.basis``), the starting texts go into its narrative fields, and the
analysts edit the text from there while the figures stay linked.

**Who sees it.** The basis is stored once and shown alike to every reader of the picture (both
parties' staff of the district and coordinators), on its page, in its PDF and in the API. So
it holds only what every one of them may read: figures of the district's ``partnership``-level
reports (the shared base of every joint figure, ``incidents.selectors.situation``) and the
district's problems and measures, which those same readers read. Nothing in it depends on who
drafted it or who looks: a coordinator's draft holds no more than an analyst's.

**Who drafts it.** The sections need the rollups, problems, plans and the analysis, which sit
above this app (``core ← accounts, areas ← incidents ← plans ← overview, analysis``). So
incidents imports none of them: the top of the stack registers its drafter here at start-up
(``register_situation_drafter``), as the overview listens to ``incidents.signals``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

BASIS_SCHEMA = 1
# The narrative fields a section's starting text may go into (the picture's TEXT_FIELDS).
NARRATIVE_FIELDS = ("summary", "developments", "focus_places", "assessment")


# --- What a section is made of -----------------------------------------------------------------


@dataclass(frozen=True)
class BasisLink:
    """A source inside the portal: a named URL, its arguments and its query. Stored by name
    and reversed when shown, so that a renamed path does not leave dead links in old pictures;
    a name that no longer exists shows as text."""

    route: str
    args: tuple[str | int, ...] = ()
    query: tuple[tuple[str, str], ...] = ()

    @classmethod
    def to(cls, route: str, *args, **query) -> "BasisLink":
        """``BasisLink.to("overview:district", "centrum", period="quarter:2026-01-01")``; a
        list value repeats its key (``status=["new", "reviewed"]``), an empty one is left out."""
        pairs = []
        for name, value in query.items():
            for item in value if isinstance(value, list | tuple) else [value]:
                if item not in (None, ""):
                    pairs.append((name, str(item)))
        return cls(route, tuple(args), tuple(pairs))

    @property
    def url(self) -> str:
        try:
            path = reverse(self.route, args=self.args)
        except NoReverseMatch:
            return ""
        return f"{path}?{urlencode(self.query)}" if self.query else path

    def to_json(self) -> dict:
        return {
            "route": self.route,
            "args": list(self.args),
            "query": [list(pair) for pair in self.query],
        }

    @classmethod
    def from_json(cls, value: Mapping | None) -> "BasisLink | None":
        if not value:
            return None
        return cls(
            value["route"],
            tuple(value.get("args", ())),
            tuple((str(name), str(item)) for name, item in value.get("query", ())),
        )


@dataclass(frozen=True)
class BasisCell:
    """One value of a row as shown ("412", "18,3", "Aktivt"), and where it comes from."""

    text: str
    link: BasisLink | None = None

    @property
    def url(self) -> str:
        return self.link.url if self.link is not None else ""

    def to_json(self) -> dict:
        return {"text": self.text, "link": self.link.to_json() if self.link else None}

    @classmethod
    def from_json(cls, value: Mapping) -> "BasisCell":
        return cls(str(value["text"]), BasisLink.from_json(value.get("link")))


@dataclass(frozen=True)
class BasisRow:
    """A row of figures: its cells (the first names the row), its source in words for print
    ("Översikten, Centrum, kvartal 1 2026") and the source in the portal."""

    cells: tuple[BasisCell, ...]
    source: str
    link: BasisLink | None = None
    level: int = 0  # 1 for a row under the one before (a mellanområde under its district)

    @property
    def label(self) -> BasisCell:
        return self.cells[0]

    @property
    def values(self) -> tuple[BasisCell, ...]:
        return self.cells[1:]

    @property
    def url(self) -> str:
        return self.link.url if self.link is not None else ""

    def to_json(self) -> dict:
        return {
            "cells": [cell.to_json() for cell in self.cells],
            "source": self.source,
            "link": self.link.to_json() if self.link else None,
            "level": self.level,
        }

    @classmethod
    def from_json(cls, value: Mapping) -> "BasisRow":
        return cls(
            tuple(BasisCell.from_json(cell) for cell in value["cells"]),
            str(value.get("source", "")),
            BasisLink.from_json(value.get("link")),
            int(value.get("level", 0)),
        )


@dataclass(frozen=True)
class DraftSection:
    """One part of the basis, as a drafter returns it.

    - ``key``: a stable name ("rates", "alerts", "hotspots", "previous_problems", "measures").
    - ``title``: its heading, in Swedish.
    - ``field``: the narrative field its starting text goes into (one of NARRATIVE_FIELDS).
    - ``text``: the starting text, in Swedish, with the figures of its rows; may be empty.
    - ``columns`` and ``rows``: the table of figures; each row's first cell names it.
    - ``note``: what the figures count and over which period, shown under the table.
    - ``source`` and ``link``: where the section as a whole comes from (the plan, the
      previous picture, the dashboard), in words and in the portal.
    - ``data``: machine-readable facts for later drafts (e.g. the problem ids the picture
      stood on), stored and never shown.
    """

    key: str
    title: str
    field: str
    text: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[BasisRow, ...] = ()
    note: str = ""
    source: str = ""
    link: BasisLink | None = None
    data: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.link.url if self.link is not None else ""

    def __post_init__(self) -> None:
        if self.field not in NARRATIVE_FIELDS:
            raise ValueError(f"Not a narrative field of a situation picture: {self.field!r}")
        for row in self.rows:
            if self.columns and len(row.cells) != len(self.columns):
                raise ValueError(f"A row of {self.key!r} has not one cell per column")

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "field": self.field,
            "text": self.text,
            "columns": list(self.columns),
            "rows": [row.to_json() for row in self.rows],
            "note": self.note,
            "source": self.source,
            "link": self.link.to_json() if self.link else None,
            "data": self.data,
        }

    @classmethod
    def from_json(cls, value: Mapping) -> "DraftSection":
        return cls(
            key=str(value["key"]),
            title=str(value["title"]),
            field=str(value["field"]),
            text=str(value.get("text", "")),
            columns=tuple(str(column) for column in value.get("columns", ())),
            rows=tuple(BasisRow.from_json(row) for row in value.get("rows", ())),
            note=str(value.get("note", "")),
            source=str(value.get("source", "")),
            link=BasisLink.from_json(value.get("link")),
            data=dict(value.get("data") or {}),
        )


# --- The drafter --------------------------------------------------------------------------------

# A drafter takes the picture and returns its sections in order, and the titles of those it
# could not compile (logged where they failed).
Drafter = Callable[..., tuple[list[DraftSection], list[str]]]
_drafters: list[Drafter] = []


def register_situation_drafter(drafter: Drafter) -> None:
    """Called once at start-up by the app that drafts pictures (``analysis``)."""
    if drafter not in _drafters:
        _drafters.append(drafter)


def situation_basis_compute(*, picture) -> dict:
    """The basis of ``picture`` as stored (JSON): its sections from every registered drafter.

    Written in the portal's language (Swedish) whatever the language of the person who starts
    it: a lägesbild is one document that both parties sign and read alike."""
    sections: list[DraftSection] = []
    failed: list[str] = []
    with translation.override(settings.LANGUAGE_CODE):
        for drafter in _drafters:
            drafted, missing = drafter(picture=picture)
            sections.extend(drafted)
            failed.extend(missing)
    return {
        "schema": BASIS_SCHEMA,
        "computed_at": timezone.now().isoformat(),
        "language": settings.LANGUAGE_CODE,
        "sections": [section.to_json() for section in sections],
        "failed": failed,
    }


def basis_content(basis: Mapping | None) -> tuple:
    """What a basis says, without when it was compiled: two bases that say the same are equal."""
    if not basis:
        return ()
    return (basis.get("sections", []), basis.get("failed", []))


def basis_starting_texts(basis: Mapping) -> dict[str, str]:
    """Each narrative field's starting text: its sections' texts in order, a blank line apart."""
    texts: dict[str, list[str]] = {}
    for value in basis.get("sections", []):
        text = (value.get("text") or "").strip()
        if text:
            texts.setdefault(value["field"], []).append(text)
    return {name: "\n\n".join(parts) for name, parts in texts.items()}


# --- Showing it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """A stored basis, ready for a page, the PDF or the API."""

    computed_at: datetime | None
    sections: tuple[DraftSection, ...]
    failed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.sections or self.failed)


def situation_basis_present(basis: Mapping | None) -> Basis:
    """The stored ``basis`` as sections to show (an empty Basis for a picture without one)."""
    if not basis:
        return Basis(None, (), ())
    computed_at = basis.get("computed_at")
    return Basis(
        computed_at=datetime.fromisoformat(computed_at) if computed_at else None,
        sections=tuple(DraftSection.from_json(value) for value in basis.get("sections", [])),
        failed=tuple(str(title) for title in basis.get("failed", [])),
    )


def sources_of(section: DraftSection) -> Iterable[tuple[int, BasisRow]]:
    """The rows of ``section`` that name a source, numbered from 1 (the PDF's notes)."""
    numbered = 0
    for row in section.rows:
        if row.source:
            numbered += 1
            yield numbered, row
