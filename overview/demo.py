"""A year of synthetic reports for the demo, shaped like real patterns.

Seeded random, so every run makes the same reports: more in the evening and at weekends,
clustered at the known places, categories that fit the place, a tenth police-only. Each
report has an external id ``demo-<n>``, so a second run adds nothing twice.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.choices import Confidentiality, OrganisationKind
from accounts.models import Membership, Organisation
from areas.models import Place
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category, Report
from incidents.services.reports import Placer, report_place

SEED = 2026
DAYS = 365
# Relative weight of each hour of the day: quiet nights, busy evenings.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 6, 7, 8, 10, 11, 11, 10, 7, 4]
# How busy each place is, relative to the others.
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
CATEGORY_WEIGHTS = {
    "narkotikahandel": 10,
    "storande-grupper": 9,
    "nedskrapning": 8,
    "klotter": 7,
    "skadegorelse": 6,
    "paverkade-personer": 7,
    "belysning": 5,
    "brak": 5,
    "vald": 4,
    "inbrott-stold": 4,
    "hot": 3,
    "ran": 2,
    "buskorning": 3,
    "skjutning-explosion": 1,
    "bilbrand": 1,
    "trafikolycka": 2,
    "rykten-sociala-medier": 2,
}
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


@dataclass
class Owners:
    """Who files in a district: its social services, its police, the housing company."""

    social: Organisation | None
    police: Organisation | None
    housing: Organisation | None


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


def demo_reports_create(*, days: int = DAYS, per_day: float = 10.0) -> int:
    """Create the demo reports that do not exist yet; returns how many were created."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    places = {p.slug: p for p in Place.objects.all()}
    place_slugs = [slug for slug in PLACE_WEIGHTS if slug in places]
    categories = {c.code: c for c in Category.objects.filter(code__in=CATEGORY_WEIGHTS)}
    category_codes = [code for code in CATEGORY_WEIGHTS if code in categories]
    owners = _owners_by_district()
    reporters = _reporters()
    placer = Placer()
    today = timezone.localdate()
    now = timezone.now()
    reports, number = [], 0
    for day_offset in range(days, 0, -1):
        day = today - timedelta(days=day_offset)
        weekend = 1.4 if day.weekday() >= 4 else 1.0
        for _ in range(int(rng.expovariate(1 / (per_day * weekend))) + 1):
            number += 1
            place = places[rng.choices(place_slugs, [PLACE_WEIGHTS[s] for s in place_slugs])[0]]
            code = rng.choices(category_codes, [CATEGORY_WEIGHTS[c] for c in category_codes])[0]
            hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
            occurred_at = timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))))
            if occurred_at > now:
                continue
            source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
            owner = owners.get(place.district_id, Owners(None, None, None))
            if source == SourceKind.POLICE_EVENT:
                organisation = owner.police
            elif source == SourceKind.PROPERTY_OWNER:
                organisation = owner.housing
            else:
                organisation = owner.social or owner.police
            organisation = organisation or owner.police or owner.social or owner.housing
            if organisation is None:
                continue
            police_only = organisation.kind == OrganisationKind.POLICE and rng.random() < 0.25
            age_days = (today - day).days
            status = ReportStatus.NEW
            if age_days > 14:
                status = rng.choices(
                    [ReportStatus.REVIEWED, ReportStatus.DISMISSED, ReportStatus.NEW], [7, 1, 2]
                )[0]
            latitude = place.latitude + Decimal(f"{rng.uniform(-0.002, 0.002):.5f}")
            longitude = place.longitude + Decimal(f"{rng.uniform(-0.003, 0.003):.5f}")
            description = TEXTS[code].format(place=place.name)
            # Placed as every report is: the point decides the mellanområde and district
            # (drawn where they always were, so the demo's random sequence stays the same).
            placement = report_place(
                place=place,
                latitude=latitude,
                longitude=longitude,
                description=description,
                placer=placer,
            )
            reports.append(
                Report(
                    category=categories[code],
                    occurred_at=occurred_at,
                    place=place,
                    latitude=latitude,
                    longitude=longitude,
                    district_id=placement.district_id,
                    intermediate_area_id=placement.intermediate_area_id,
                    primary_area_id=placement.primary_area_id,
                    placed_by=placement.placed_by,
                    place_text=placement.place_text,
                    source_kind=source,
                    organisation=organisation,
                    reporter=reporters.get(organisation.pk)
                    if source != SourceKind.POLICE_EVENT
                    else None,
                    description=description,
                    severity=SEVERITY.get(code, rng.choice([1, 2, 2, 2, 3])),
                    confidentiality=Confidentiality.ORGANISATION
                    if police_only
                    else Confidentiality.PARTNERSHIP,
                    status=status,
                    external_id=f"demo-{number}",
                )
            )
    before = Report.objects.filter(external_id__startswith="demo-").count()
    # ON CONFLICT DO NOTHING: the rows of an earlier run stay as they are.
    Report.objects.bulk_create(reports, batch_size=2000, ignore_conflicts=True)
    return Report.objects.filter(external_id__startswith="demo-").count() - before
