"""The maps' basemap, drawn from the project's own data so that a map says something without a
tile server: the 36 mellanområden (outlined and labelled), the 4 districts, the named places
and the police's utsatta områden.

The mellanområden's polygons are read from ``areas/data/goteborg_mellanomrade.geojson`` (the
database has no polygons for them); their names and districts come from the database where
it has the area (an administrator's correction wins), else from the file. The file is parsed
once per process and read again when it changes on disk; everything from the database is
read per call, so a correction in the admin shows on the next page.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy
import shapely
import shapely.geometry
import shapely.ops

from areas.data_files import GeographyDataError, check_polygon, entries, malformed
from areas.models import District, IntermediateArea, Place, VulnerableArea

DATA_DIR = Path(__file__).resolve().parent / "data"
INTERMEDIATE_AREAS_FILE = DATA_DIR / "goteborg_mellanomrade.geojson"
# Coordinates in the basemap's JSON: 5 decimals are about a metre, finer than the polygons
# (simplified to about 10 m), and keep the answer small.
_DECIMALS = 5


@dataclass(frozen=True)
class IntermediateAreaShape:
    """A mellanområde's polygon from the data file, with where its label goes."""

    code: str
    name: str
    district_name: str
    area_km2: float
    geometry: dict
    label_at: tuple[float, float]  # (latitude, longitude), inside the polygon
    shape: shapely.Geometry


def _rounded(geometry: dict) -> dict:
    shape = shapely.geometry.shape(geometry)
    return shapely.geometry.mapping(shapely.set_precision(shape, 10**-_DECIMALS))


@functools.cache
def _read_intermediate_areas(path: Path, mtime_ns: int) -> tuple[IntermediateAreaShape, ...]:
    # mtime_ns is only the cache key: a changed file is read again.
    shapes = []
    for where, feature in entries(path, "features"):
        with malformed(where):
            properties = feature["properties"]
            check_polygon(feature["geometry"], where)
            shape = shapely.geometry.shape(feature["geometry"])
            # The pole of inaccessibility: the point deepest inside, where a label fits best
            # (a centroid can fall outside a bent polygon).
            label = shapely.ops.polylabel(
                shape
                if shape.geom_type == "Polygon"
                else max(shape.geoms, key=lambda part: part.area),
                tolerance=0.0005,
            )
            shapely.prepare(shape)
            shapes.append(
                IntermediateAreaShape(
                    code=str(properties["nr"]),
                    name=str(properties["namn"]),
                    district_name=str(properties["stadsomrade"]),
                    area_km2=float(properties["area_km2"]),
                    geometry=_rounded(feature["geometry"]),
                    label_at=(round(label.y, _DECIMALS), round(label.x, _DECIMALS)),
                    shape=shape,
                )
            )
    if len({s.code for s in shapes}) != len(shapes):
        raise GeographyDataError(f"{path.name}: a mellanområde number appears twice")
    return tuple(sorted(shapes, key=lambda s: s.code))


def intermediate_area_shapes(path: Path = INTERMEDIATE_AREAS_FILE) -> tuple:
    """The mellanområden's polygons from the data file, by number (``nr``)."""
    return _read_intermediate_areas(path, path.stat().st_mtime_ns)


def intermediate_area_codes_at(latitudes, longitudes) -> list[str | None]:
    """The mellanområde number each point lies in (None outside every one): point-in-polygon
    over arrays, one vectorised test per polygon. Neighbours overlap by a sliver from the
    simplification; a point there goes to the first area by number."""
    lats = numpy.asarray(latitudes, dtype=float)
    lons = numpy.asarray(longitudes, dtype=float)
    codes: list[str | None] = [None] * len(lats)
    unplaced = numpy.ones(len(lats), dtype=bool)
    for area in intermediate_area_shapes():
        # The bounding box first (cheap array comparisons), the polygon only for what is in it.
        min_lon, min_lat, max_lon, max_lat = area.shape.bounds
        near = numpy.flatnonzero(
            unplaced & (lons >= min_lon) & (lons <= max_lon) & (lats >= min_lat) & (lats <= max_lat)
        )
        if not len(near):
            continue
        hit = near[shapely.intersects_xy(area.shape, lons[near], lats[near])]
        for index in hit:
            codes[index] = area.code
        unplaced[hit] = False
    return codes


def _vulnerable_points(areas, places, shapes_by_code) -> dict[str, tuple[float, float]]:
    """Where each utsatt område's mark goes: the mean of the named places in its primärområden
    (Hjällbo centrum for Hjällbo), else the label point of the mellanområden its primärområden
    belong to (the police's areas have no polygons of their own)."""
    places_by_primary = defaultdict(list)
    for place in places:
        if place.primary_area_id:
            places_by_primary[place.primary_area_id].append(place)
    points = {}
    for area in areas:
        primaries = list(area.primary_areas.all())
        near = [p for primary in primaries for p in places_by_primary[primary.pk]]
        if near:
            points[area.name] = (
                round(sum(float(p.latitude) for p in near) / len(near), _DECIMALS),
                round(sum(float(p.longitude) for p in near) / len(near), _DECIMALS),
            )
            continue
        codes = {primary.intermediate_area.code for primary in primaries}
        shapes = [shapes_by_code[code].shape for code in sorted(codes) if code in shapes_by_code]
        if shapes:
            point = shapely.union_all(shapes).point_on_surface()
            points[area.name] = (round(point.y, _DECIMALS), round(point.x, _DECIMALS))
    return points


def basemap() -> dict:
    """The basemap as JSON-ready data. Every name is plain text for the page to show as text.

    - ``intermediate_areas``: code, name, district (its name), district_slug, area_km2,
      geometry, label_at [lat, lon]
    - ``districts``: slug, name, geometry
    - ``places``: name, kind, latitude, longitude
    - ``vulnerable_areas``: one per name: name, category (the latest year's), label, years,
      latitude, longitude; the label says every year and category ("2023, 2025")
    """
    shapes = intermediate_area_shapes()
    shapes_by_code = {shape.code: shape for shape in shapes}
    known = {area.code: area for area in IntermediateArea.objects.select_related("district")}
    intermediate_areas = []
    for shape in shapes:
        area = known.get(shape.code)
        intermediate_areas.append(
            {
                "code": shape.code,
                "name": area.name if area else shape.name,
                "district": area.district.name if area else shape.district_name,
                "district_slug": area.district.slug if area else "",
                "area_km2": shape.area_km2,
                "geometry": shape.geometry,
                "label_at": list(shape.label_at),
            }
        )
    districts = [
        {"slug": d.slug, "name": d.name, "geometry": _rounded(d.boundary)}
        for d in District.objects.order_by("code")
    ]
    places = list(Place.objects.order_by("name"))
    vulnerable = list(
        VulnerableArea.objects.prefetch_related("primary_areas__intermediate_area").order_by(
            "name", "-year"
        )
    )
    points = _vulnerable_points(vulnerable, places, shapes_by_code)
    by_name: dict[str, list[VulnerableArea]] = defaultdict(list)
    for area in vulnerable:
        by_name[area.name].append(area)
    vulnerable_areas = []
    for name, years in by_name.items():
        if name not in points:
            continue
        latest = years[0]
        # "Hjällbo: Särskilt utsatt område 2023, 2025": each designation with its years.
        designations: dict[str, list[int]] = defaultdict(list)
        for area in sorted(years, key=lambda a: a.year):
            designations[area.get_category_display()].append(area.year)
        label = "; ".join(
            f"{category} {', '.join(str(y) for y in sorted(ys))}"
            for category, ys in designations.items()
        )
        vulnerable_areas.append(
            {
                "name": name,
                "category": latest.category,
                "years": sorted(a.year for a in years),
                "label": f"{name}: {label}",
                "latitude": points[name][0],
                "longitude": points[name][1],
            }
        )
    return {
        "intermediate_areas": intermediate_areas,
        "districts": districts,
        "places": [
            {
                "name": p.name,
                "kind": p.kind,
                "latitude": float(p.latitude),
                "longitude": float(p.longitude),
            }
            for p in places
        ],
        "vulnerable_areas": vulnerable_areas,
    }
