"""Placing the stored reports again (``manage.py replace_reports``): after the geography
gained a level (the mellanområden), or its polygons, places or gazetteer changed.

Every report is placed as it was filed (``report_place``) from what it still holds: its point,
its place, the primärområde a person chose, its text. Safe to run twice and to stop half way:
each batch is its own transaction and writes only the reports whose placement differs, so a
second run writes nothing. Nothing is lost: a report that can no longer be placed (retention
cleared its point and text) keeps the district and primärområde it had, and gets the
mellanområde of that primärområde.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from areas.models import Place
from core.identity_numbers import mask_identity_numbers
from incidents.choices import PlacedBy
from incidents.models import Report
from incidents.services.reports import Placement, Placer, report_place

DEFAULT_BATCH_SIZE = 5000
_FIELDS = (
    "pk",
    "place_id",
    "primary_area_id",
    "latitude",
    "longitude",
    "description",
    "placed_by",
    "district_id",
    "intermediate_area_id",
    "place_text",
)
# One statement per batch: the changed rows' new placement as arrays, joined on the id. Raw
# SQL skips the masking field, so place_text is masked here first (it holds area and place
# names, but the rule holds for every write).
_UPDATE = """
UPDATE incidents_report r
SET district_id = v.district_id, intermediate_area_id = v.intermediate_area_id,
    primary_area_id = v.primary_area_id, place_text = v.place_text, placed_by = v.placed_by,
    updated_at = now()
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[])
    AS v(id, district_id, intermediate_area_id, primary_area_id, place_text, placed_by)
WHERE r.id = v.id
"""


@dataclass
class ReplaceSummary:
    """What a run did."""

    read: int = 0
    changed: int = 0
    with_intermediate_area: int = 0
    kept: int = 0  # could not be placed again; kept their district


def _again(row: tuple, places: dict[int, Place], placer: Placer) -> Placement | None:
    """The report's placement from what it holds, or None when nothing places it."""
    _, place_id, primary_area_id, latitude, longitude, description, placed_by = row[:7]
    if placed_by == PlacedBy.MANUAL:  # an analyst's pick stands (it is kept, as below)
        return None
    place = places.get(place_id) if place_id is not None else None
    # A primärområde was a person's choice when the report was placed by point or place;
    # the gazetteer's is found again from the text.
    chosen = primary_area_id if placed_by in (PlacedBy.POINT, PlacedBy.PLACE) else None
    try:
        placement = report_place(
            place=place,
            primary_area=placer.primary_area(chosen) if chosen is not None else None,
            latitude=latitude,
            longitude=longitude,
            description=description or "",
            placer=placer,
        )
    except ValidationError:  # a stored point the polygons no longer hold
        return None
    return None if placement.placed_by == PlacedBy.UNPLACED else placement


def reports_place_again(
    *, batch_size: int = DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None
) -> ReplaceSummary:
    """Place every report again; returns what changed. Batches by id, one transaction each."""
    placer = Placer()
    places = {place.pk: place for place in Place.objects.all()}
    summary = ReplaceSummary()
    last_id = 0
    while True:
        rows = list(
            Report.objects.filter(pk__gt=last_id).order_by("pk").values_list(*_FIELDS)[:batch_size]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        changes = []
        for row in rows:
            old = (row[7], row[8], row[2], row[9], row[6])
            placement = _again(row, places, placer)
            if placement is None:
                summary.kept += row[7] is not None
                # Kept as it is, with the mellanområde of its primärområde if it has one.
                area = placer.intermediate_of_primary.get(row[2], row[8]) if row[2] else row[8]
                area, district = placer.by_area(area, row[7])
                new = (district, area, row[2], row[9], row[6])
            else:
                new = (
                    placement.district_id,
                    placement.intermediate_area_id,
                    placement.primary_area_id,
                    mask_identity_numbers(placement.place_text[:300])[0],
                    str(placement.placed_by),
                )
            summary.with_intermediate_area += new[1] is not None
            if new != old:
                changes.append((row[0], *new))
        if changes:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_UPDATE, [list(column) for column in zip(*changes, strict=True)])
        summary.read += len(rows)
        summary.changed += len(changes)
        if progress is not None:
            progress(summary.read)
    return summary
