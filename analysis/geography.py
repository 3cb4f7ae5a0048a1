"""Contiguity of the mellanområden (queen: polygons sharing a boundary point).

A minimal version for the measure evaluation's buffer, with the signature agreed in issue
#12; the hotspots module owns the final one and replaces this file at merge. The polygons
come from one topology (the city's open data), so neighbours share boundary vertices
exactly: comparing the vertices rounded to about a metre finds them.
"""

from functools import cache
from itertools import combinations

# Five decimals of a degree: about a metre at Gothenburg's latitude.
_DECIMALS = 5


def _vertices(geometry: dict) -> frozenset[tuple[float, float]]:
    kind = geometry.get("type")
    polygons = geometry["coordinates"] if kind == "MultiPolygon" else [geometry["coordinates"]]
    return frozenset(
        (round(x, _DECIMALS), round(y, _DECIMALS))
        for polygon in polygons
        for ring in polygon
        for x, y, *_rest in ring
    )


def contiguity(boundaries: dict[int, dict]) -> dict[int, frozenset[int]]:
    """Area id → ids of the areas whose polygons share a boundary point with it."""
    vertices = {pk: _vertices(geometry) for pk, geometry in boundaries.items() if geometry}
    adjacent: dict[int, set[int]] = {pk: set() for pk in boundaries}
    for a, b in combinations(vertices, 2):
        if not vertices[a].isdisjoint(vertices[b]):
            adjacent[a].add(b)
            adjacent[b].add(a)
    return {pk: frozenset(ids) for pk, ids in adjacent.items()}


@cache
def neighbours() -> dict[int, frozenset[int]]:
    """IntermediateArea id → ids of the adjacent ones, computed once per process (the
    geography is loaded once and does not change while the portal runs)."""
    from areas.models import IntermediateArea

    return contiguity(dict(IntermediateArea.objects.values_list("pk", "boundary")))
