"""The maps' density layer: how many reports lie in each square of a fixed grid, and in each
mellanområde, counted from the points of reports the viewer may read.

The caller passes a queryset that already went through ``accounts.access`` (``restrict`` or
``visible_to``): only readable reports are aggregated, in SQL, and only the counts leave the
database, never a point. A report's point is its own, else its named place's; reports with
neither are not on the map (the caption says so, and the tables beside count them all).

The grid is fixed to the map, not to the data: squares of ``CELL_METRES`` in rows and
columns of constant latitude and longitude steps, sized at Göteborg's latitude (within 1 %
across the city), so the same report always falls in the same square whoever looks.
"""

import math
from dataclasses import dataclass

from django.db.models import Count, F, FloatField
from django.db.models.functions import Cast, Coalesce, Floor
from django.utils.formats import number_format
from django.utils.translation import ngettext

from areas.basemap import intermediate_area_codes_at, intermediate_area_shapes
from areas.models import IntermediateArea

CELL_METRES = 500
_REFERENCE_LATITUDE = 57.70
_KM_PER_DEGREE_LATITUDE = 110.574
_KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320
CELL_LATITUDE = CELL_METRES / 1000 / _KM_PER_DEGREE_LATITUDE
CELL_LONGITUDE = (
    CELL_METRES
    / 1000
    / (_KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(_REFERENCE_LATITUDE)))
)
# Sequential oranges (ColorBrewer "YlOrRd", 5 classes), apart from the blues of the outlines.
DENSITY_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


@dataclass(frozen=True)
class DensityClass:
    """One step of the legend: squares holding ``low`` to ``high`` reports."""

    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class IntermediateAreaCount:
    code: str
    name: str
    district: str
    reports: int
    area_km2: float

    @property
    def per_km2(self) -> str:
        return number_format(self.reports / self.area_km2, 1) if self.area_km2 else "–"


@dataclass(frozen=True)
class Density:
    """The density layer of one map: squares, their legend, and counts per mellanområde."""

    cells: list[dict]  # south, west, north, east, reports, colour
    classes: list[DensityClass]
    by_intermediate_area: list[IntermediateAreaCount]
    on_map: int  # readable reports with a point (their own or their place's)

    @property
    def cell_metres(self) -> int:
        return CELL_METRES

    def as_json(self) -> dict:
        """The layer for the map script: every text is plain text, shown as text."""
        return {
            "cell_metres": CELL_METRES,
            "cells": [
                cell
                | {
                    "label": ngettext(
                        "%(count)d report in this square of %(size)d m",
                        "%(count)d reports in this square of %(size)d m",
                        cell["reports"],
                    )
                    % {"count": cell["reports"], "size": CELL_METRES}
                }
                for cell in self.cells
            ],
            "area_labels": {
                row.code: ngettext(
                    "%(name)s (%(district)s): %(count)d report, %(rate)s per km²",
                    "%(name)s (%(district)s): %(count)d reports, %(rate)s per km²",
                    row.reports,
                )
                % {
                    "name": row.name,
                    "district": row.district,
                    "count": row.reports,
                    "rate": row.per_km2,
                }
                for row in self.by_intermediate_area
            },
        }


def _points(reports):
    """The queryset's points (a report's own, else its place's) as float columns."""
    return (
        reports.order_by()
        .annotate(
            map_lat=Cast(Coalesce(F("latitude"), F("place__latitude")), FloatField()),
            map_lon=Cast(Coalesce(F("longitude"), F("place__longitude")), FloatField()),
        )
        .filter(map_lat__isnull=False, map_lon__isnull=False)
    )


def density_classes(counts: list[int]) -> list[DensityClass]:
    """Up to five steps from 1 to the largest count, each about the same factor wider than
    the last (counts per square are skewed: a few squares hold most reports, so equal-width
    steps would paint nearly every square the palest colour)."""
    top = max(counts, default=0)
    classes: list[DensityClass] = []
    low = 1
    steps = len(DENSITY_COLOURS)
    for step in range(1, steps + 1):
        high = max(low, round(top ** (step / steps))) if step < steps else top
        if low > top:
            break
        classes.append(DensityClass(low, min(high, top), DENSITY_COLOURS[step - 1]))
        low = min(high, top) + 1
    return classes


def _colour(count: int, classes: list[DensityClass]) -> str:
    return next(c.colour for c in classes if c.low <= count <= c.high)


def report_density(reports, *, intermediate_areas: set[str] | None = None) -> Density:
    """The density of ``reports`` (a queryset already restricted to what the viewer may
    read): per grid square, grouped in SQL, and per mellanområde by point-in-polygon of the
    distinct points (grouped in SQL too). ``intermediate_areas`` limits the mellanområden
    listed (a district's own); None lists every one."""
    points = _points(reports)
    squares = (
        points.annotate(
            row=Floor(F("map_lat") / CELL_LATITUDE), column=Floor(F("map_lon") / CELL_LONGITUDE)
        )
        .values("row", "column")
        .annotate(reports=Count("pk"))
        .order_by("row", "column")
    )
    squares = list(squares)
    classes = density_classes([s["reports"] for s in squares])
    cells = [
        {
            "south": round(s["row"] * CELL_LATITUDE, 6),
            "west": round(s["column"] * CELL_LONGITUDE, 6),
            "north": round((s["row"] + 1) * CELL_LATITUDE, 6),
            "east": round((s["column"] + 1) * CELL_LONGITUDE, 6),
            "reports": s["reports"],
            "colour": _colour(s["reports"], classes),
        }
        for s in squares
    ]
    distinct = list(points.values_list("map_lat", "map_lon").annotate(reports=Count("pk")))
    codes = intermediate_area_codes_at([p[0] for p in distinct], [p[1] for p in distinct])
    by_code: dict[str, int] = {}
    for (_lat, _lon, count), code in zip(distinct, codes, strict=True):
        if code is not None:
            by_code[code] = by_code.get(code, 0) + count
    return Density(
        cells=cells,
        classes=classes,
        by_intermediate_area=_by_intermediate_area(by_code, intermediate_areas),
        on_map=sum(s["reports"] for s in squares),
    )


def _by_intermediate_area(by_code: dict[str, int], wanted: set[str] | None):
    names = {
        a.code: (a.name, a.district.name)
        for a in IntermediateArea.objects.select_related("district")
    }
    rows = []
    for shape in intermediate_area_shapes():
        if wanted is not None and shape.code not in wanted:
            continue
        name, district = names.get(shape.code, (shape.name, shape.district_name))
        rows.append(
            IntermediateAreaCount(
                shape.code, name, district, by_code.get(shape.code, 0), shape.area_km2
            )
        )
    rows.sort(key=lambda row: (-row.reports / row.area_km2 if row.area_km2 else 0, row.name))
    return rows
