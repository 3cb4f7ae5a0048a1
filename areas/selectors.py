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
from pathlib import Path

import shapely
import shapely.geometry
from django.utils.formats import number_format

from areas.models import (
    District,
    IntermediateArea,
    Place,
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
    """Where a matched name comes from, most specific first: the order decides between hits."""

    PLACE = "place"
    PRIMARY_AREA = "primary_area"
    INTERMEDIATE_AREA = "intermediate_area"
    VULNERABLE_AREA = "vulnerable_area"
    WELL_KNOWN_NAME = "well_known_name"
    DISTRICT = "district"


_RANK = {source: rank for rank, source in enumerate(MatchSource)}


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


@dataclass(frozen=True)
class WellKnownNames:
    """``well_known_names.json``: names by district slug, and names that must be capitalised."""

    by_district: dict[str, list[str]]
    capitalised_only: frozenset[str]


def read_well_known_names(path: Path = WELL_KNOWN_NAMES_PATH) -> WellKnownNames:
    """Read ``well_known_names.json``; raises ValueError when it is malformed."""
    with Path(path).open(encoding="utf-8") as fh:
        data = json.load(fh)
    try:
        by_district = {
            str(slug): [_checked_name(name) for name in names]
            for slug, names in data["districts"].items()
        }
        capitalised_only = frozenset(
            _normalise(_checked_name(name)) for name in data.get("capitalised_only", [])
        )
    except (AttributeError, KeyError, TypeError) as exc:
        raise ValueError(f"{Path(path).name}: malformed ({exc!r})") from exc
    return WellKnownNames(by_district=by_district, capitalised_only=capitalised_only)


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


class Gazetteer:
    """Finds the most specific known name in a free text.

    Names come from places (and their aliases), primärområden, mellanområden, the police's
    vulnerable areas, a curated list of well-known neighbourhood names, and the districts, in
    that order of preference; between names of the same kind the longest wins, then the
    first in the text. Names match as whole words, case-insensitively, also in the Swedish
    genitive ("Angereds centrum" finds Angered). Build it once per import with ``from_db``.
    """

    def __init__(self, entries: Iterable[_Entry], *, capitalised_only: Iterable[str] = ()):
        self._entries: dict[str, _Entry] = {}
        for entry in entries:
            key = _normalise(entry.name)
            current = self._entries.get(key)
            # The same name at two levels (Bergsjön is a mellanområde and a vulnerable area)
            # keeps the more specific one.
            if key and (current is None or _RANK[entry.source] < _RANK[current.source]):
                self._entries[key] = entry
        self._capitalised_only = frozenset(_normalise(n) for n in capitalised_only)
        self._pattern = self._compile(self._entries) if self._entries else None

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
        return re.compile(
            r"(?<!\w)(?=((?:" + "|".join(alternatives) + r")s?)(?!\w))", re.IGNORECASE
        )

    @classmethod
    def from_db(cls, *, well_known_names_path: Path = WELL_KNOWN_NAMES_PATH) -> "Gazetteer":
        """A gazetteer over the names stored now, plus the well-known names file."""
        districts = {d.slug: d for d in District.objects.all()}
        entries: list[_Entry] = []
        for place in Place.objects.select_related("district", "primary_area"):
            for name in [place.name, *place.aliases]:
                entries.append(
                    _Entry(name, MatchSource.PLACE, place.district, place, place.primary_area)
                )
        for area in PrimaryArea.objects.select_related("district"):
            entries.append(
                _Entry(area.name, MatchSource.PRIMARY_AREA, area.district, primary_area=area)
            )
        for area in IntermediateArea.objects.select_related("district"):
            entries.append(_Entry(area.name, MatchSource.INTERMEDIATE_AREA, area.district))
        vulnerable = VulnerableArea.objects.select_related("district").prefetch_related(
            "primary_areas"
        )
        for area in vulnerable.order_by("-year"):
            linked = list(area.primary_areas.all())
            entries.append(
                _Entry(
                    area.name,
                    MatchSource.VULNERABLE_AREA,
                    area.district,
                    primary_area=linked[0] if len(linked) == 1 else None,
                )
            )
            # The police name some areas after several neighbourhoods
            # ("Tynnered/Grevegården/Opaltorget"); each of them alone names the area too.
            if "/" in area.name:
                for part in area.name.split("/"):
                    entries.append(_Entry(part.strip(), MatchSource.VULNERABLE_AREA, area.district))
        well_known = read_well_known_names(well_known_names_path)
        for slug, names in well_known.by_district.items():
            if slug in districts:
                for name in names:
                    entries.append(_Entry(name, MatchSource.WELL_KNOWN_NAME, districts[slug]))
        for district in districts.values():
            entries.append(_Entry(district.name, MatchSource.DISTRICT, district))
        return cls(entries, capitalised_only=well_known.capitalised_only)

    def match(self, text: str | None) -> GazetteerMatch | None:
        """The most specific known name in ``text``, or None when it names no known place."""
        if not text or self._pattern is None:
            return None
        text = unicodedata.normalize("NFC", text)
        best: tuple[tuple[int, int, int], GazetteerMatch] | None = None
        for found in self._pattern.finditer(text):
            matched = found.group(1)
            key = _normalise(matched)
            entry = self._entries.get(key)
            if entry is None:  # matched with the genitive s
                key = key[:-1]
                entry = self._entries[key]
            if key in self._capitalised_only and not matched[0].isupper():
                continue
            start = found.start(1)
            rank = (_RANK[entry.source], -len(key), start)
            if best is None or rank < best[0]:
                best = (
                    rank,
                    GazetteerMatch(
                        name=entry.name,
                        matched_text=matched,
                        source=entry.source,
                        district=entry.district,
                        place=entry.place,
                        primary_area=entry.primary_area,
                        start=start,
                        end=start + len(matched),
                    ),
                )
        return best[1] if best else None


def gazetteer_match(text: str) -> GazetteerMatch | None:
    """The most specific known place or area named in a free text, or None.

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
