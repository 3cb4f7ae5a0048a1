"""The dashboards' map: each district's count and rate (reports per km²) for the table and
the links beside the map, and the density layer drawn over the basemap (``areas.basemap``).

The project has no population figures yet, so the rate is per square kilometre of the
district's own polygon; colours step by fifths of the largest rate shown. Counts are the
viewer's readable ones, as every figure of the dashboards (``overview.selectors.counts``).
"""

import math
from dataclasses import dataclass

import shapely
from django.utils.formats import number_format
from shapely.geometry import shape

from accounts.access import READ, restrict
from areas.models import District, IntermediateArea
from incidents.models import Report
from incidents.selectors.density import Density, report_density
from incidents.selectors.situation import COUNTED_STATUSES, Period
from overview.selectors.counts import Figure

# Sequential blues, pale to dark (ColorBrewer "Blues", 5 classes); the palest is "no figure".
RATE_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_FIGURE_COLOUR = "#f2f2f2"
_KM_PER_DEGREE_LATITUDE = 110.574
_KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class MapArea:
    slug: str
    name: str
    geometry: dict
    figure: Figure
    area_km2: float
    colour: str
    url: str

    @property
    def rate(self) -> float | None:
        if not self.area_km2:
            return None
        return self.figure.total / self.area_km2

    @property
    def rate_display(self) -> str:
        rate = self.rate
        return "–" if rate is None else number_format(rate, 1)

    def as_json(self, *, count_label: str, rate_label: str) -> dict:
        return {
            "slug": self.slug,
            "name": self.name,
            "url": self.url,
            "label": f"{self.name}: {self.figure.display} {count_label}, "
            f"{self.rate_display} {rate_label}",
        }


def area_km2(geometry: dict) -> float:
    """The area of a GeoJSON polygon in lon/lat, projected on a plane tangent at its centre
    (well within 1 % for a city district)."""
    polygon = shape(geometry)
    latitude = math.radians(polygon.centroid.y)
    scale = (_KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(latitude), _KM_PER_DEGREE_LATITUDE)
    return shapely.transform(polygon, lambda coordinates: coordinates * scale).area


def map_areas(
    *,
    districts: list[District],
    shown: list[District],
    figures: dict[str, Figure],
    links: dict[str, str],
) -> list[MapArea]:
    """The ``shown`` districts for the map, coloured on the scale of all ``districts``, so
    that one district's map says how it stands in the city."""
    sizes = {district.slug: area_km2(district.boundary) for district in districts}
    rates = [figures[slug].total / size for slug, size in sizes.items() if slug in figures and size]
    top = max(rates, default=0)
    areas = []
    for district in shown:
        size = sizes[district.slug]
        figure = figures.get(district.slug, Figure())
        colour = NO_FIGURE_COLOUR
        if top and figure.total:
            step = min(int(figure.total / size / top * len(RATE_COLOURS)), len(RATE_COLOURS) - 1)
            colour = RATE_COLOURS[step]
        areas.append(
            MapArea(
                slug=district.slug,
                name=district.name,
                geometry=district.boundary,
                figure=figure,
                area_km2=size,
                colour=colour,
                url=links.get(district.slug, ""),
            )
        )
    return areas


def map_density(*, user, period: Period, district: District | None = None) -> Density:
    """The dashboard map's density layer: the reports of ``period`` (of ``district``) that
    ``user`` may read, counted as the dashboard's figures are (dismissed ones left out), per
    square and per mellanområde (a district's own mellanområden on its dashboard). Read from
    the reports' points, not the rollups (which hold no points); bounded by the period."""
    reports = restrict(Report.objects.all(), user, READ).filter(
        period.as_filter(), status__in=COUNTED_STATUSES
    )
    wanted = None
    if district is not None:
        reports = reports.filter(district=district)
        wanted = set(
            IntermediateArea.objects.filter(district=district).values_list("code", flat=True)
        )
    return report_density(reports, intermediate_areas=wanted)
