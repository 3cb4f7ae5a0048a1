"""Reads in the areas app: which district a point or a text belongs to.

Both lookups come as an object built once from the database (``DistrictLocator``,
``IntermediateAreaLocator``, ``Gazetteer``) so that a bulk import can place thousands of rows
with no query per row, and as a thin function for a single call. Nothing is cached at module
level: an object lives as long as its caller keeps it, so an administrator's correction is seen
by the next import.
"""

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import partial
from pathlib import Path

import shapely
import shapely.geometry
from django.utils.formats import number_format

from areas.choices import PlaceNameKind
from areas.models import (
    District,
    IntermediateArea,
    Place,
    PlaceName,
    Population,
    PrimaryArea,
    VulnerableArea,
)

WELL_KNOWN_NAMES_PATH = Path(__file__).resolve().parent / "data" / "well_known_names.json"

Number = float | Decimal


class _PolygonLocator:
    """Point-in-polygon against stored boundaries (GeoJSON, EPSG:4326).

    Build it once (``from_db()``) and call ``locate`` per row: each call is a bounding-box
    test and at most a few prepared-geometry tests, without a query.
    """

    def __init__(self, areas: Iterable) -> None:
        self._entries = []
        for area in areas:
            if not area.boundary:
                continue
            geometry = shapely.geometry.shape(area.boundary)
            # Prepared geometries index their edges once, making each later point test cheap.
            shapely.prepare(geometry)
            self._entries.append((geometry.bounds, geometry, area))

    @staticmethod
    def _point(latitude: Number, longitude: Number) -> tuple[float, float] | None:
        try:
            lat, lon = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None
        return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None

    def locate(self, *, latitude: Number, longitude: Number):
        """The area the point lies in (its border counts as inside), or None."""
        point = self._point(latitude, longitude)
        if point is None:
            return None
        lat, lon = point
        for (min_lon, min_lat, max_lon, max_lat), geometry, area in self._entries:
            # The bounding box rules out most areas before any polygon test. GeoJSON
            # puts longitude first. intersects_xy, unlike contains_xy, counts a point on a
            # border, so a place on the line between two areas is not lost.
            if (
                min_lon <= lon <= max_lon
                and min_lat <= lat <= max_lat
                and shapely.intersects_xy(geometry, lon, lat)
            ):
                return area
        return None


class DistrictLocator(_PolygonLocator):
    """Point-in-polygon against the districts' stored boundaries."""

    @classmethod
    def from_db(cls) -> "DistrictLocator":
        """A locator over every district as it is stored now."""
        return cls(District.objects.order_by("code"))

    def locate(self, *, latitude: Number, longitude: Number) -> District | None:
        """The district the point lies in (its border counts as inside), or None."""
        return super().locate(latitude=latitude, longitude=longitude)

    def contains(self, *, latitude: Number, longitude: Number) -> bool:
        """Whether the point lies in any district, that is within the City of Gothenburg."""
        return self.locate(latitude=latitude, longitude=longitude) is not None


# How far outside every mellanområde polygon a point may lie and still be given the nearest
# one: the polygons are simplified to about 10 m independently of the districts', so a point
# just inside a district can fall in a sliver between two mellanområden. In degrees; 0.001°
# is about 110 m north-south and 60 m east-west at Gothenburg's latitude.
INTERMEDIATE_AREA_SLACK_DEGREES = 0.001


class IntermediateAreaLocator(_PolygonLocator):
    """Point-in-polygon against the mellanområden's stored boundaries (the finest level a
    point is placed in). Neighbours overlap by up to about 0.005 km² from the
    simplification; a point in such a sliver gets the first by code, always the same one."""

    @classmethod
    def from_db(cls) -> "IntermediateAreaLocator":
        """A locator over every mellanområde that has a boundary, as stored now."""
        return cls(IntermediateArea.objects.filter(boundary__isnull=False).order_by("code"))

    def locate(self, *, latitude: Number, longitude: Number) -> IntermediateArea | None:
        """The mellanområde the point lies in, or the nearest one within
        ``INTERMEDIATE_AREA_SLACK_DEGREES`` (a gap the simplification left), or None."""
        found = super().locate(latitude=latitude, longitude=longitude)
        if found is not None:
            return found
        point = self._point(latitude, longitude)
        if point is None:
            return None
        lat, lon = point
        near = shapely.Point(lon, lat)
        best = None
        for (min_lon, min_lat, max_lon, max_lat), geometry, area in self._entries:
            slack = INTERMEDIATE_AREA_SLACK_DEGREES
            if not (
                min_lon - slack <= lon <= max_lon + slack
                and min_lat - slack <= lat <= max_lat + slack
            ):
                continue
            distance = geometry.distance(near)
            if distance <= slack and (best is None or distance < best[0]):
                best = (distance, area)
        return best[1] if best else None


def district_for_point(*, latitude: Number, longitude: Number) -> District | None:
    """The district (stadsområde) a WGS 84 point lies in, or None outside Göteborg.

    One query per call; a bulk import should build a ``DistrictLocator`` once instead.
    """
    return DistrictLocator.from_db().locate(latitude=latitude, longitude=longitude)


def is_in_goteborg(*, latitude: Number, longitude: Number) -> bool:
    """Whether a WGS 84 point lies within the City of Gothenburg (any of its districts)."""
    return district_for_point(latitude=latitude, longitude=longitude) is not None


# The gazetteer.


class MatchSource(StrEnum):
    """Where a matched name comes from, most specific first: the order decides between hits
    that place a text equally finely."""

    PLACE = "place"
    PRIMARY_AREA = "primary_area"
    INTERMEDIATE_AREA = "intermediate_area"
    VULNERABLE_AREA = "vulnerable_area"
    WELL_KNOWN_NAME = "well_known_name"  # the curated place names (``PlaceName``)
    DISTRICT = "district"


_RANK = {source: rank for rank, source in enumerate(MatchSource)}

# Endings of a street, square or the like named after an area ("Hjällbovägen", "Kärramotet",
# "Angeredsbron", "Hammarkulletorget"): the thing lies in, or at the edge of, the area.
COMPOUND_ENDINGS = (
    "vägen",
    "gatan",
    "torget",
    "torg",
    "motet",
    "bron",
    "centrum",
    "skolan",
    "parken",
)
# Written as a word of their own after the name: "Sisjö industriområde", "Sävenäs
# industriområde".
SPACED_ENDINGS = ("industriområde", "industriområdet")
# A misspelt name ("Kortdala", "Slottskogen", "Hammerkullen") is read as the name when it
# is one letter off, long enough not to be another word, and the text names nothing else.
SPELLING_MIN_LENGTH = 8
_CAPITALISED_WORD = re.compile(r"(?<![\w-])[A-ZÅÄÖ][\w]+(?![\w-])")
# Short names would make accidental compounds ("Torpavägen" is fine, a three-letter stem is
# not), so only names at least this long get compounds.
COMPOUND_MIN_STEM = 4


@dataclass(frozen=True)
class GazetteerMatch:
    """A known name found in a text, and where it puts the text."""

    name: str  # the known name, as the gazetteer spells it
    matched_text: str  # as the text spells it
    source: MatchSource
    district: District
    place: Place | None = None
    primary_area: PrimaryArea | None = None
    intermediate_area: IntermediateArea | None = None
    start: int = 0  # where in the (NFC-normalised) text the name was found
    end: int = 0


def read_capitalised_only(path: Path = WELL_KNOWN_NAMES_PATH) -> frozenset[str]:
    """The names ``well_known_names.json`` lists as also ordinary words, normalised; raises
    ValueError when the list is malformed."""
    with Path(path).open(encoding="utf-8") as fh:
        data = json.load(fh)
    try:
        return frozenset(
            _normalise(_checked_name(name)) for name in data.get("capitalised_only", [])
        )
    except (AttributeError, TypeError) as exc:
        raise ValueError(f"{Path(path).name}: malformed ({exc!r})") from exc


def _checked_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{name!r} is not a name")
    return name.strip()


def _normalise(text: str) -> str:
    """The form names are compared in: NFC (so a decomposed "ö" equals "ö"), case-folded,
    with runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class _Entry:
    name: str
    source: MatchSource
    district: District
    place: Place | None = None
    primary_area: PrimaryArea | None = None
    intermediate_area: IntermediateArea | None = None
    # Whether streets and squares are named after it: areas and neighbourhoods are, a
    # street is not (Chalmersgatan is not at Chalmers).
    makes_compounds: bool = False

    def found(self, matched: str, start: int) -> GazetteerMatch:
        """The match of this entry where ``matched`` stands in the text, from ``start``."""
        return GazetteerMatch(
            name=self.name,
            matched_text=matched,
            source=self.source,
            district=self.district,
            place=self.place,
            primary_area=self.primary_area,
            intermediate_area=self.intermediate_area,
            start=start,
            end=start + len(matched),
        )

    @property
    def level(self) -> int:
        """How finely the entry places a text: 0 a place or primärområde, 1 a mellanområde,
        2 only a district. A place is a point, the finest of all."""
        if self.place is not None or self.primary_area is not None:
            return 0
        return 1 if self.intermediate_area is not None else 2


def _genitive_forms(name: str) -> list[str]:
    """Other forms of a name people write: "Lövgärdes centrum" (for Lövgärdet's). The plain
    genitive s ("Hjällbos") needs no form of its own: every name matches with an s."""
    forms = []
    if len(name) > COMPOUND_MIN_STEM and name.endswith("et") and " " not in name:
        forms.append(name[:-1] + "s")  # Lövgärdet → Lövgärdes
    return forms


def _compound_stems(name: str) -> list[str]:
    """How a name begins a compound: Hjällbo-, Kärra-, Angereds-, Hammarkulle-/Hammarkulls-
    (Hammarkullen), Bergsjö- (Bergsjön), Lövgärds- (Lövgärdet)."""
    if " " in name or len(name) < COMPOUND_MIN_STEM:
        return []
    stems = {name, name + "s"}
    if name.endswith(("en", "et")) and len(name) - 2 > COMPOUND_MIN_STEM:
        # Hammarkull-, Hammarkulls-, Hammarkulle-; not Lund- (Lundgatan is not in Lunden).
        base = name[:-2]
        stems |= {base, base + "s", name[:-1], *_genitive_forms(name)}  # + Lövgärdes-
    elif name.endswith("n") and not name.endswith("en") and name[-2] in "aeiouyåäö":
        stems |= {name[:-1], name[:-1] + "s"}  # Bergsjö-, Bergsjös-
    return sorted(stems)


class Gazetteer:
    """Finds the name that places a free text most finely.

    Names come from places (and their aliases), primärområden, mellanområden and each part
    of a hyphenated mellanområde name, the police's vulnerable areas, the curated place names
    (``PlaceName``: squares, streets, interchanges, arenas, landmarks, former stadsdelar) and
    the districts. Besides the names themselves it knows their genitive ("Hjällbos",
    "Lövgärdes") and the compounds built on an area's name ("Hjällbovägen", "Kärramotet",
    "Hammarkulletorget"). Names match as whole words, case-insensitively, except the names
    that are also ordinary words ("Backa", "Heden", "Centrum"), which count only written with
    a capital letter, and the district Centrum only where no name stands before it
    ("Lövgärdes Centrum" is Lövgärdet's centre).

    Between hits, the one that places the text most finely wins (a place or primärområde,
    then a mellanområde, then a district), then the more specific source, then the longest
    name, then the first in the text. Build it once per import with ``from_db``.
    """

    def __init__(self, entries: Iterable[_Entry], *, capitalised_only: Iterable[str] = ()):
        self._entries: dict[str, _Entry] = {}
        compounds: list[tuple[str, _Entry]] = []
        for entry in entries:
            self._add(_normalise(entry.name), entry)
            for form in _genitive_forms(entry.name):
                self._add(_normalise(form), entry)
            if entry.makes_compounds:
                compounds.extend((stem, entry) for stem in _compound_stems(entry.name))
        # Compounds only where the text is not already a known name ("Kallebäcksmotet" is a
        # place name of its own; "Hjällbovägen" is not).
        for stem, entry in compounds:
            forms = [stem + ending for ending in COMPOUND_ENDINGS]
            forms += [f"{stem} {ending}" for ending in SPACED_ENDINGS]
            for form in forms:
                key = _normalise(form)
                if key not in self._entries:
                    self._entries[key] = entry
        self._one_letter_off = _one_letter_off(self._entries)
        self._capitalised_only = frozenset(_normalise(n) for n in capitalised_only)
        self._pattern = self._compile(self._entries) if self._entries else None

    def _add(self, key: str, entry: _Entry) -> None:
        current = self._entries.get(key)
        # The same name at two levels (Bergsjön is a mellanområde and a vulnerable area)
        # keeps the one that places more finely, then the more specific source.
        if key and (current is None or _order(entry) < _order(current)):
            self._entries[key] = entry

    @staticmethod
    def _compile(entries: dict[str, _Entry]) -> re.Pattern:
        # Longest first, so that at any position the alternation tries "Frölunda Torg"
        # before "Frölunda". Words may be separated by any whitespace in the text.
        alternatives = [
            r"\s+".join(re.escape(word) for word in key.split())
            for key in sorted(entries, key=len, reverse=True)
        ]
        # A zero-width lookahead finds a name at every position, also inside a longer name
        # that started earlier; (?<!\w) and (?!\w) keep to whole words, and \w knows å, ä, ö.
        # A hyphen does not join words here: "Hisings-Backa" has Backa in it.
        return re.compile(
            r"(?<![\w-])(?=((?:" + "|".join(alternatives) + r")s?)(?!\w))", re.IGNORECASE
        )

    @classmethod
    def from_db(cls, *, well_known_names_path: Path = WELL_KNOWN_NAMES_PATH) -> "Gazetteer":
        """A gazetteer over the names stored now (and the file's list of ordinary words)."""
        entries: list[_Entry] = []
        places = Place.objects.select_related(
            "district", "primary_area__intermediate_area"
        ).order_by("name")
        for place in places:
            for name in [place.name, *place.aliases]:
                entries.append(
                    _Entry(
                        name,
                        MatchSource.PLACE,
                        place.district,
                        place,
                        place.primary_area,
                        getattr(place.primary_area, "intermediate_area", None),
                    )
                )
        for area in PrimaryArea.objects.select_related("district", "intermediate_area"):
            entries.append(
                _Entry(
                    area.name,
                    MatchSource.PRIMARY_AREA,
                    area.district,
                    primary_area=area,
                    intermediate_area=area.intermediate_area,
                    makes_compounds=True,
                )
            )
        for area in IntermediateArea.objects.select_related("district"):
            entry = partial(_Entry, source=MatchSource.INTERMEDIATE_AREA, district=area.district)
            entries.append(entry(area.name, intermediate_area=area))
            # "Kålltorp-Torpa-Björkekärr": each part names the area too (most parts are
            # primärområden as well, which then place more finely).
            if "-" in area.name:
                entries.extend(
                    entry(part.strip(), intermediate_area=area)
                    for part in area.name.split("-")
                    if part.strip()
                )
        vulnerable = VulnerableArea.objects.select_related("district").prefetch_related(
            "primary_areas__intermediate_area"
        )
        for area in vulnerable.order_by("-year"):
            linked = list(area.primary_areas.all())
            primary_area = linked[0] if len(linked) == 1 else None
            intermediate = {a.intermediate_area for a in linked}
            entries.append(
                _Entry(
                    area.name,
                    MatchSource.VULNERABLE_AREA,
                    area.district,
                    primary_area=primary_area,
                    intermediate_area=intermediate.pop() if len(intermediate) == 1 else None,
                    makes_compounds=True,
                )
            )
            # The police name some areas after several neighbourhoods
            # ("Tynnered/Grevegården/Opaltorget"); each of them alone names the area too.
            if "/" in area.name:
                for part in area.name.split("/"):
                    entries.append(_Entry(part.strip(), MatchSource.VULNERABLE_AREA, area.district))
        names = PlaceName.objects.select_related(
            "district", "intermediate_area", "primary_area__intermediate_area"
        ).order_by("name")
        for place_name in names:
            intermediate_area = place_name.intermediate_area or getattr(
                place_name.primary_area, "intermediate_area", None
            )
            for name in [place_name.name, *place_name.aliases]:
                entries.append(
                    _Entry(
                        name,
                        MatchSource.WELL_KNOWN_NAME,
                        place_name.district,
                        primary_area=place_name.primary_area,
                        intermediate_area=intermediate_area,
                        makes_compounds=place_name.kind == PlaceNameKind.NEIGHBOURHOOD,
                    )
                )
        for district in District.objects.order_by("code"):
            entries.append(_Entry(district.name, MatchSource.DISTRICT, district))
        return cls(entries, capitalised_only=read_capitalised_only(well_known_names_path))

    def match(self, text: str | None) -> GazetteerMatch | None:
        """The known name in ``text`` that places it most finely, or None when it names no
        known place."""
        if not text or self._pattern is None:
            return None
        text = unicodedata.normalize("NFC", text)
        best: tuple[tuple[int, int, int, int], GazetteerMatch] | None = None
        for found in self._pattern.finditer(text):
            matched = found.group(1)
            key = _normalise(matched)
            entry = self._entries.get(key)
            if entry is None:  # matched with the genitive s
                key = key[:-1]
                entry = self._entries[key]
            start = found.start(1)
            if not self._counts(key, entry, matched, text, start):
                continue
            rank = (*_order(entry), -len(key), start)
            if best is None or rank < best[0]:
                best = (rank, entry.found(matched, start))
        return best[1] if best else self._misspelt(text)

    def _misspelt(self, text: str) -> GazetteerMatch | None:
        """A name one letter off, where the text names nothing exactly; None when two
        different names are as close."""
        for found in _CAPITALISED_WORD.finditer(text):
            word = found.group(0)
            if len(word) < SPELLING_MIN_LENGTH:
                continue
            key = _normalise(word)
            keys = set(self._one_letter_off.get(key, ()))
            for variant in _deletions(key):
                keys |= self._one_letter_off.get(variant, set())
            entries = {id(self._entries[k]): self._entries[k] for k in keys}
            if len(entries) == 1:
                (entry,) = entries.values()
                return entry.found(word, found.start())
        return None

    def _counts(self, key: str, entry: _Entry, matched: str, text: str, start: int) -> bool:
        """Whether a hit names a place where it stands, for the names that are also words."""
        stem = next((s for s in self._capitalised_only if key.startswith(s)), None)
        if stem is not None and not matched[0].isupper():
            return False  # "backa ut", "på heden", "i centrum"
        if entry.source is MatchSource.DISTRICT and key in self._capitalised_only:
            # "Lövgärdes Centrum", "Bergsjö Centrum": a centre named after what stands before.
            before = text[:start].rstrip()
            previous = before.rsplit(None, 1)[-1] if before else ""
            if previous[:1].isupper() and previous[-1:].isalpha():
                return False
        return True


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_letter_off(entries: dict[str, _Entry]) -> dict[str, set[str]]:
    """Symmetric-delete index of the one-word names: each name, and each of its spellings
    with a letter left out, to the names it comes from. A word one letter off a name (a
    letter missing, extra or changed) meets it here."""
    index: dict[str, set[str]] = {}
    for key in entries:
        if " " in key or len(key) < SPELLING_MIN_LENGTH:
            continue
        for variant in {key, *_deletions(key)}:
            index.setdefault(variant, set()).add(key)
    return index


def _order(entry: _Entry) -> tuple[int, int]:
    return (entry.level, _RANK[entry.source])


def gazetteer_match(text: str) -> GazetteerMatch | None:
    """The known place or area named in a free text that places it most finely, or None.

    Builds a ``Gazetteer`` (a handful of queries) per call; a bulk import should build one
    with ``Gazetteer.from_db()`` and reuse it.
    """
    return Gazetteer.from_db().match(text)


# Population, for rates per inhabitant.


def populations_as_of(year: int) -> dict[int | None, Population]:
    """Each area's population figure of the nearest year at or before ``year``: by district
    id, and the whole city under None. An area with no figure that early is left out (its
    rate is then not known)."""
    latest: dict[int | None, Population] = {}
    for figure in Population.objects.filter(year__lte=year).order_by("year"):
        latest[figure.district_id] = figure
    return latest


@dataclass(frozen=True)
class Rate:
    """A count per 1,000 inhabitants of an area, with the year of the population figure;
    ``population`` None where no figure is known (the rate is then not shown)."""

    key: str
    label: str
    count: int
    population: int | None
    year: int | None

    @property
    def per_1000(self) -> float | None:
        return self.count * 1000 / self.population if self.population else None

    @property
    def display(self) -> str:
        value = self.per_1000
        return "–" if value is None else number_format(value, 2)


def per_km2_display(count: int, area_km2) -> str:
    """A count per km² of an area, for areas without a population figure; "–" without an
    area."""
    if not area_km2 or not float(area_km2):
        return "–"
    return number_format(count / float(area_km2), 1)
