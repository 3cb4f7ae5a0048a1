"""Which mellanområden border on which: the contiguity the hotspots (Getis-Ord Gi*) and a
measure's buffer are built on.

Queen contiguity: two areas are neighbours when their polygons share at least a point. The
polygons (``goteborg_mellanomrade.geojson``) are simplified to about 10 m, so shared borders
overlap or leave slivers of a few metres; polygons within ``TOLERANCE_KM`` of each other count
as touching. On the real data any tolerance from 0 to 20 m gives the same 89 pairs (50 m adds
one corner), and no mellanområde is an island: the water areas (the river, the archipelago)
belong to a mellanområde, so Södra Skärgården borders on the mainland and Hisingen on Centrum
across Göta älv.

Distances are measured in kilometres on a plane tangent at the city (as ``area_km2``), so the
tolerance means the same east–west as north–south.
"""

import hashlib
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache

import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree

TOLERANCE_KM = 0.02
_KM_PER_DEGREE_LATITUDE = 110.574
_KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320
_GOTEBORG_LATITUDE = 57.7


def _projected(geometry: dict):
    scale = (
        _KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(_GOTEBORG_LATITUDE)),
        _KM_PER_DEGREE_LATITUDE,
    )
    return shapely.transform(shape(geometry), lambda coordinates: coordinates * scale)


def contiguity(
    boundaries: Mapping[int, dict], *, tolerance_km: float = TOLERANCE_KM
) -> dict[int, frozenset[int]]:
    """Queen contiguity of GeoJSON polygons (lon/lat) keyed by id: each id with the ids whose
    polygon lies within ``tolerance_km`` of its own. Symmetric, never contains the id itself;
    an id with no neighbour maps to an empty set."""
    ids = list(boundaries)
    polygons = [_projected(boundaries[key]) for key in ids]
    tree = STRtree(polygons)
    found: dict[int, set[int]] = {key: set() for key in ids}
    left, right = tree.query(polygons, predicate="dwithin", distance=tolerance_km)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            found[ids[i]].add(ids[j])
            found[ids[j]].add(ids[i])
    return {key: frozenset(value) for key, value in found.items()}


@lru_cache(maxsize=16)
def _neighbours_of(fingerprint: str) -> dict[int, frozenset[int]]:
    from areas.models import IntermediateArea

    boundaries = dict(
        IntermediateArea.objects.filter(boundary__isnull=False).values_list("pk", "boundary")
    )
    return contiguity(boundaries)


def _fingerprint() -> str:
    """A digest of every mellanområde's id and polygon, computed by the database: it changes
    with any polygon, however written (the geography loader updates in bulk, without signals,
    and in another process), and costs one small query instead of 36 polygons."""
    from django.contrib.postgres.aggregates import StringAgg
    from django.db.models import TextField, Value
    from django.db.models.functions import MD5, Cast, Coalesce, Concat

    from areas.models import IntermediateArea

    text = Concat(
        Cast("id", TextField()), Value(":"), Cast("boundary", TextField()), output_field=TextField()
    )
    return IntermediateArea.objects.filter(boundary__isnull=False).aggregate(
        digest=MD5(
            Coalesce(
                StringAgg(text, Value(","), order_by="id", output_field=TextField()),
                Value(""),
                output_field=TextField(),
            )
        )
    )["digest"]


def neighbours(*, fingerprint: str | None = None) -> dict[int, frozenset[int]]:
    """IntermediateArea id → the ids of the mellanområden bordering on it (queen contiguity).

    Cached per process and per version of the polygons (``_fingerprint``): the polygons change
    only when an administrator reloads the geography, and then the next call recomputes.
    Areas without a polygon are left out. A caller that already read the polygons' digests
    (``boundary_digest``) may pass a ``fingerprint`` made of them (``fingerprint_of``) and
    save the query; it must cover at least the areas whose contiguity it uses."""
    return dict(_neighbours_of(fingerprint or _fingerprint()))


def boundary_digest():
    """An annotation: the md5 of an IntermediateArea's polygon, for ``fingerprint_of``."""
    from django.db.models import TextField
    from django.db.models.functions import MD5, Cast

    return MD5(Cast("boundary", TextField()))


def fingerprint_of(digests: Mapping[int, str]) -> str:
    """A fingerprint for ``neighbours`` from some areas' ids and ``boundary_digest``s."""
    joined = ",".join(f"{key}:{digests[key]}" for key in sorted(digests))
    return "some:" + hashlib.md5(joined.encode(), usedforsecurity=False).hexdigest()


def restricted(graph: Mapping[int, Iterable[int]], ids: Iterable[int]) -> dict[int, frozenset]:
    """The contiguity among ``ids`` only: what an analysis of some districts' areas uses, where
    the neighbours outside are not in the viewer's data."""
    kept = frozenset(ids)
    return {key: frozenset(graph.get(key, ())) & kept for key in kept}
