"""Reading the geography's data files, with errors that say which file and entry is wrong.

Only reading and checking the files' own shape happens here; ``areas.services`` writes.
"""

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import shapely.geometry

# Points are taken as (longitude, latitude) in WGS 84; a file in any other reference system
# would put every report in the wrong place without an error, so it is refused.
ACCEPTED_CRS = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326")


class GeographyDataError(Exception):
    """A data file is missing, malformed or contradicts itself; nothing was loaded."""


def check_polygon(geometry: Any, where: str) -> None:
    """Refuse a boundary that is not a valid (multi)polygon in longitude/latitude degrees."""
    try:
        shape = shapely.geometry.shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise GeographyDataError(f"{where}: not a GeoJSON geometry ({exc!r})") from exc
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        raise GeographyDataError(f"{where}: boundary must be a polygon, not {shape.geom_type}")
    if not shape.is_valid:
        raise GeographyDataError(f"{where}: boundary is not a valid polygon")
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise GeographyDataError(f"{where}: boundary is not in longitude/latitude degrees")


def read_json(path: Path, *, parse_float: type = float) -> Any:
    """A JSON data file's content; ``parse_float=Decimal`` keeps coordinates exact."""
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh, parse_float=parse_float)
    except FileNotFoundError as exc:
        raise GeographyDataError(f"{path}: missing") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GeographyDataError(f"{path.name}: not valid JSON ({exc})") from exc


def read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """A CSV data file's rows with their line numbers, checked to have every column filled."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise GeographyDataError(f"{path.name}: missing columns {sorted(missing)}")
            rows = [
                (reader.line_num, {c: (row[c] or "").strip() for c in columns}) for row in reader
            ]
    except FileNotFoundError as exc:
        raise GeographyDataError(f"{path}: missing") from exc
    for line, row in rows:
        if not all(row.values()):
            raise GeographyDataError(f"{path.name}: line {line}: empty value")
    return rows


def entries(path: Path, key: str, *, parse_float: type = float) -> Iterator[tuple[str, Any]]:
    """The entries of a JSON data file's list ``key``, each with where it is, for errors."""
    data = read_json(path, parse_float=parse_float)
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise GeographyDataError(f"{path.name}: expected a list under {key!r}")
    for index, entry in enumerate(items):
        yield f"{path.name}: {key}[{index}]", entry


@contextmanager
def malformed(where: str) -> Iterator[None]:
    """Turn a missing key or a value of the wrong type in a data file into a clear error."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise GeographyDataError(f"{where}: malformed ({exc!r})") from exc
