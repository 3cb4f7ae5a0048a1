"""Four years of synthetic reports for the demo, spread as ``overview/demo_model.py`` says,
with three things planted in them for the analysis of issue #12, relative to today (the
model's docstring and the README's "Demo: what the analysis finds" give the sizes):

- a real rise: Östra Angered (Nordost, 10) × Ordning, ×2.7 over the last four weeks;
- a hotspot: Östra and Västra Biskopsgården (Hisingen, 79 and 80) × Brott, ×3 per km²;
- a measure's effect: Norra Centrum (Centrum, 37, Brunnsparken) −35 % from the start of the
  demo plan's measures (about 10.5 months ago), its neighbours and the rest of Centrum flat.

Everything else is null: uniform per km², stationary, a mild season, busier weekends.

Seeded, so every run makes the same reports: more in the evening and at weekends, categories
in a fixed mix, some at the known places of a mellanområde and the rest at fixed points inside
its polygon, police-only some of the police's. Placed as every report is (``report_place``),
once per point, and written with ``bulk_create``: the rollups follow from the database's
trigger and a fold, as for any bulk write.

Idempotent: each report's external id names its day, mellanområde, category and number
(``demo-d<ordinal>-a<code>-<category>-<n>``), and a day that has demo reports already is not
generated again, so a second run adds nothing, and a run on a later day adds the days since.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import numpy as np
import shapely
from django.db.models.functions import TruncDate
from django.utils import timezone
from shapely.geometry import shape

from accounts.choices import Confidentiality, OrganisationKind
from accounts.models import Membership, Organisation
from areas.models import IntermediateArea, Place, PrimaryArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category, Report
from incidents.services.reports import Placement, Placer, report_place
from overview.demo_model import (
    CATEGORY_WEIGHTS,
    DAYS,
    SEED,
    Cell,
    demo_counts,
    effect_start,
    expected_counts,
    strata,
)
from plans.demo import EFFECT_MEASURE
from plans.models import Measure

# Relative weight of each hour of the day: quiet nights, busy evenings.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 6, 7, 8, 10, 11, 11, 10, 7, 4]
# How busy each place is, relative to the others of its mellanområde.
PLACE_WEIGHTS = {
    "brunnsparken": 10,
    "centralstationen-nordstan": 9,
    "jarntorget": 5,
    "redbergsplatsen": 4,
    "hjallbo-centrum": 7,
    "angered-centrum": 6,
    "hammarkullen-torg": 5,
    "bergsjon-centrum": 5,
    "gardsten-centrum": 3,
    "frolunda-torg": 6,
    "opaltorget": 4,
    "selma-lagerlofs-torg": 4,
    "varvaderstorget": 3,
    "wieselgrensplatsen": 3,
}
# In a mellanområde with known places, this share of its reports is at one of them.
AT_PLACE = 0.6
# Fixed points per mellanområde (inside its polygon) and per place (around it).
AREA_POINTS = 24
PLACE_POINTS = 12
TEXTS = {
    "narkotikahandel": "Misstänkt langning vid {place}, flera personer som kommer och går.",
    "storande-grupper": "Grupp ungdomar som stör förbipasserande vid {place}.",
    "nedskrapning": "Mycket skräp och glas kring {place}.",
    "klotter": "Nytt klotter på väggar och skyltar vid {place}.",
    "skadegorelse": "Sönderslagen busskur och papperskorgar vid {place}.",
    "paverkade-personer": "Berusade personer som sitter vid {place} under kvällen.",
    "belysning": "Trasig belysning på gångvägen vid {place}, mörkt och otryggt.",
    "brak": "Bråk mellan några personer vid {place}, lugnade sig efter en stund.",
    "vald": "Misshandel vid {place}, polis och ambulans på plats.",
    "inbrott-stold": "Cykelstölder och inbrott i förråd nära {place}.",
    "hot": "Boende känner sig hotade av personer som uppehåller sig vid {place}.",
    "ran": "Rån mot ung person vid {place} under kvällen.",
    "buskorning": "Mopeder som kör på gångbanor kring {place}.",
    "skjutning-explosion": "Knall hördes vid {place}, polisen undersöker platsen.",
    "bilbrand": "Bil brann på parkeringen nära {place} i natt.",
    "trafikolycka": "Trafikolycka i korsningen vid {place}.",
    "rykten-sociala-medier": "Rykten i sociala medier om bråk vid {place} i helgen.",
}
SEVERITY = {"vald": 3, "ran": 3, "skjutning-explosion": 4, "bilbrand": 3, "hot": 3}
SOURCES = [
    (SourceKind.FIELD_OBSERVATION, 10),
    (SourceKind.POLICE_EVENT, 6),
    (SourceKind.PROPERTY_OWNER, 3),
    (SourceKind.SAFETY_WALK, 1),
    (SourceKind.CITIZEN_DIALOGUE, 1),
    (SourceKind.SCHOOL, 1),
]
POLICE_ONLY = 0.25  # share of the police's reports kept to the police
# A report older than two weeks: reviewed, dismissed or still new, 7 : 1 : 2.
STATUSES = (ReportStatus.REVIEWED,) * 7 + (ReportStatus.DISMISSED,) + (ReportStatus.NEW,) * 2


@dataclass
class Owners:
    """Who files in a district: its social services, its police, the housing company."""

    social: Organisation | None
    police: Organisation | None
    housing: Organisation | None


@dataclass(frozen=True)
class Spot:
    """A fixed point a demo report may stand at, placed once."""

    latitude: Decimal
    longitude: Decimal
    place: Place | None
    placement: Placement


def _owners_by_district() -> dict[int, Owners]:
    organisations = list(Organisation.objects.select_related("police_area"))
    housing = next((o for o in organisations if o.kind == OrganisationKind.HOUSING), None)
    owners: dict[int, Owners] = {}
    for organisation in organisations:
        if organisation.kind == OrganisationKind.SOCIAL_SERVICES and organisation.district_id:
            owners.setdefault(
                organisation.district_id, Owners(None, None, housing)
            ).social = organisation
        if organisation.kind == OrganisationKind.POLICE and organisation.police_area_id:
            for district_id in organisation.police_area.districts.values_list("pk", flat=True):
                entry = owners.setdefault(district_id, Owners(None, None, housing))
                entry.police = entry.police or organisation
    return owners


def _reporters() -> dict[int, object]:
    """A demo user per organisation (if any) to stand as the reporter."""
    reporters = {}
    for membership in Membership.objects.select_related("user"):
        reporters.setdefault(membership.organisation_id, membership.user)
    return reporters


def _spots(areas: list[IntermediateArea], placer: Placer, rng) -> dict[int, list[Spot]]:
    """Fixed points of each mellanområde that are placed in it: random points inside its
    polygon (with one of its primärområden), and points around each of its known places."""
    primaries = defaultdict(list)
    for primary in PrimaryArea.objects.order_by("code"):
        primaries[primary.intermediate_area_id].append(primary)
    spots: dict[int, list[Spot]] = {area.pk: [] for area in areas}
    for area in areas:
        polygon = shape(area.boundary)
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        for _ in range(200 * AREA_POINTS):
            if len(spots[area.pk]) >= AREA_POINTS:
                break
            lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
            if not polygon.contains(shapely.Point(lon, lat)):
                continue
            latitude, longitude = Decimal(f"{lat:.5f}"), Decimal(f"{lon:.5f}")
            options = primaries.get(area.pk) or [None]
            primary = options[int(rng.integers(len(options)))]
            placement = report_place(
                place=None,
                primary_area=primary,
                latitude=latitude,
                longitude=longitude,
                description="",
                placer=placer,
            )
            if placement.intermediate_area_id == area.pk:
                spots[area.pk].append(Spot(latitude, longitude, None, placement))
    return spots


def _place_spots(placer: Placer, rng) -> dict[int, list[tuple[Spot, int]]]:
    """Points around the known places, by the mellanområde they are placed in, with the
    place's weight."""
    by_area = defaultdict(list)
    for place in Place.objects.filter(slug__in=PLACE_WEIGHTS).order_by("slug"):
        for _ in range(PLACE_POINTS):
            latitude = place.latitude + Decimal(f"{rng.uniform(-0.002, 0.002):.5f}")
            longitude = place.longitude + Decimal(f"{rng.uniform(-0.003, 0.003):.5f}")
            placement = report_place(
                place=place,
                latitude=latitude,
                longitude=longitude,
                description="",
                placer=placer,
            )
            if placement.intermediate_area_id is not None:
                spot = Spot(latitude, longitude, place, placement)
                by_area[placement.intermediate_area_id].append((spot, PLACE_WEIGHTS[place.slug]))
    return by_area


def _seeded_days() -> set:
    """The days that have demo reports already."""
    return set(
        Report.objects.filter(external_id__startswith="demo-d")
        .annotate(day=TruncDate("occurred_at"))
        .values_list("day", flat=True)
        .distinct()
    )


def _effect_from(today):
    """The stored start of the demo plan's measures if they exist (a later run keeps the
    effect where it was), else where the model puts it."""
    start = (
        Measure.objects.filter(title=EFFECT_MEASURE)
        .order_by("-start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return start or effect_start(today)


def demo_reports_create(*, days: int = DAYS) -> int:
    """Create the demo reports of the ``days`` days before today that do not exist yet;
    returns how many were created."""
    rng = np.random.default_rng(SEED)
    today = timezone.localdate()
    seeded = {(today - day).days - 1 for day in _seeded_days()}
    if all(offset in seeded for offset in range(days)):
        return 0
    areas = list(IntermediateArea.objects.filter(boundary__isnull=False).order_by("code"))
    categories = {
        c.code: c
        for c in Category.objects.filter(code__in=CATEGORY_WEIGHTS).select_related("parent")
    }
    codes = [code for code in CATEGORY_WEIGHTS if code in categories]
    mains = [(code, (categories[code].parent or categories[code]).code) for code in codes]
    mu = expected_counts(
        today=today,
        days=days,
        areas=[Cell(a.code, float(a.area_km2 or 0)) for a in areas],
        categories=mains,
        effect_from=_effect_from(today),
    )
    counts = demo_counts(mu, strata(mains))
    placer = Placer()
    spots = _spots(areas, placer, rng)
    place_spots = _place_spots(placer, rng)
    owners = _owners_by_district()
    reporters = _reporters()
    fresh = np.array([offset not in seeded for offset in range(days)])
    counts[~fresh] = 0
    # One row per report, in a fixed order (day, mellanområde, category), and its details
    # drawn for all at once.
    cells = np.repeat(np.argwhere(counts > 0), counts[counts > 0], axis=0)
    n = len(cells)
    sources, source_weights = zip(*SOURCES, strict=True)
    details = {
        "source": rng.choice(len(sources), n, p=np.array(source_weights) / sum(source_weights)),
        "hour": rng.choice(24, n, p=np.array(HOUR_WEIGHTS) / sum(HOUR_WEIGHTS)),
        "minute": rng.integers(60, size=n),
        "police_only": rng.random(n) < POLICE_ONLY,
        "status": rng.integers(10, size=n),
        "severity": rng.integers(5, size=n),
        "at_place": rng.random(n),
        "spot": rng.random(n),
    }
    now, zone = timezone.now(), timezone.get_current_timezone()
    reports, previous, number = [], None, 0
    for row, (offset, a, c) in enumerate(cells):
        number = number + 1 if previous == (offset, a, c) else 0
        previous = (offset, a, c)
        area = areas[a]
        if not spots[area.pk]:
            continue
        report = _report(
            day=today - timedelta(days=int(offset) + 1),
            area=area,
            category=categories[codes[c]],
            number=number,
            spot=_spot(details, row, spots[area.pk], place_spots.get(area.pk)),
            owner=owners.get(area.district_id, Owners(None, None, None)),
            source=sources[details["source"][row]],
            details={name: values[row] for name, values in details.items()},
            age_days=int(offset) + 1,
            reporters=reporters,
            zone=zone,
        )
        if report is not None and report.occurred_at <= now:
            reports.append(report)
    before = Report.objects.filter(external_id__startswith="demo-").count()
    # ON CONFLICT DO NOTHING: the rows of an earlier run stay as they are.
    Report.objects.bulk_create(reports, batch_size=2000, ignore_conflicts=True)
    return Report.objects.filter(external_id__startswith="demo-").count() - before


def _spot(details, row: int, area_spots: list[Spot], place_spots) -> Spot:
    """One of the place points (by the places' weights) or of the area's own points."""
    pick = details["spot"][row]
    if place_spots and details["at_place"][row] < AT_PLACE:
        weights = np.cumsum([w for _, w in place_spots], dtype=float)
        return place_spots[int(np.searchsorted(weights, pick * weights[-1], side="right"))][0]
    return area_spots[int(pick * len(area_spots))]


def _report(
    *, day, area, category, number, spot, owner, source, details, age_days, reporters, zone
) -> Report | None:
    if source == SourceKind.POLICE_EVENT:
        organisation = owner.police
    elif source == SourceKind.PROPERTY_OWNER:
        organisation = owner.housing
    else:
        organisation = owner.social or owner.police
    organisation = organisation or owner.police or owner.social or owner.housing
    if organisation is None:
        return None
    police_only = organisation.kind == OrganisationKind.POLICE and details["police_only"]
    status = ReportStatus.NEW
    if age_days > 14:
        status = STATUSES[int(details["status"])]
    where = spot.place.name if spot.place else area.name
    placement = spot.placement
    reporter = reporters.get(organisation.pk) if source != SourceKind.POLICE_EVENT else None
    # Ids rather than instances, and the zone given outright: 75,000 of these are built.
    return Report(
        category_id=category.pk,
        occurred_at=datetime.combine(
            day, time(int(details["hour"]), int(details["minute"])), tzinfo=zone
        ),
        place_id=spot.place.pk if spot.place else None,
        latitude=spot.latitude,
        longitude=spot.longitude,
        district_id=placement.district_id,
        intermediate_area_id=placement.intermediate_area_id,
        primary_area_id=placement.primary_area_id,
        placed_by=placement.placed_by,
        place_text=placement.place_text,
        source_kind=source,
        organisation_id=organisation.pk,
        reporter_id=reporter.pk if reporter else None,
        description=TEXTS[category.code].format(place=where),
        severity=SEVERITY.get(category.code, (1, 2, 2, 2, 3)[int(details["severity"])]),
        confidentiality=Confidentiality.ORGANISATION
        if police_only
        else Confidentiality.PARTNERSHIP,
        status=status,
        external_id=f"demo-d{day.toordinal()}-a{area.code}-{category.code}-{number}",
    )
