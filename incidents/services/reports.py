"""Writes of reports. Every write path (form, import, API) goes through these functions, so
identity numbers are masked, districts derived and the audit trail written in one place."""

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import CREATE, EDIT, REVIEW, can
from accounts.choices import Confidentiality
from accounts.services import audit_record
from areas.models import District, IntermediateArea, Place, PrimaryArea
from areas.selectors import DistrictLocator, Gazetteer, IntermediateAreaLocator
from core.exceptions import DomainError
from core.identity_numbers import mask_identity_numbers
from core.text import has_unstorable_characters
from incidents.choices import PlacedBy, ReportStatus, Severity, SourceKind
from incidents.models import DESCRIPTION_MAX_LENGTH, EARLIEST_OCCURRED_AT, Category, Report

# A phone's clock may run a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Placement:
    district_id: int | None
    primary_area_id: int | None
    place_text: str
    placed_by: str
    intermediate_area_id: int | None = None


class Placer:
    """What placing needs from the database, read once: the districts' and mellanområden's
    polygons, which mellanområde each primärområde lies in and which district each
    mellanområde, and (when first needed) the gazetteer. A bulk writer builds one and passes
    it to every ``report_place``, so placing a row costs no query; a single write gets a
    fresh one (a few queries), so an administrator's correction is seen at once."""

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        if gazetteer is not None:
            self.gazetteer = gazetteer

    # Each read on first use: a report placed by its point never reads the gazetteer.
    @cached_property
    def districts(self) -> DistrictLocator:
        return DistrictLocator.from_db()

    @cached_property
    def intermediate_areas(self) -> IntermediateAreaLocator:
        return IntermediateAreaLocator.from_db()

    @cached_property
    def _primary_areas(self) -> dict[int, PrimaryArea]:
        fields = ("pk", "name", "district_id", "intermediate_area_id")
        return {area.pk: area for area in PrimaryArea.objects.order_by().only(*fields)}

    def primary_area(self, pk: int) -> PrimaryArea | None:
        return self._primary_areas.get(pk)

    @cached_property
    def intermediate_of_primary(self) -> dict[int, int]:
        return {pk: area.intermediate_area_id for pk, area in self._primary_areas.items()}

    @cached_property
    def district_of_intermediate(self) -> dict[int, int]:
        return dict(IntermediateArea.objects.order_by().values_list("pk", "district_id"))

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.from_db()

    def in_area(self, intermediate_area_id: int | None, primary_area_id: int | None):
        """``primary_area_id`` if it lies in the mellanområde, else None: a report's areas
        nest, so that its primärområde and mellanområde figures add up within a district."""
        if primary_area_id is None or intermediate_area_id is None:
            return primary_area_id
        inside = self.intermediate_of_primary.get(primary_area_id) == intermediate_area_id
        return primary_area_id if inside else None

    def by_area(
        self, intermediate_area_id: int | None, district_id: int | None
    ) -> tuple[int | None, int | None]:
        """(mellanområde, district): the district follows from the mellanområde if known."""
        if intermediate_area_id is not None:
            district_id = self.district_of_intermediate.get(intermediate_area_id, district_id)
        return intermediate_area_id, district_id


def report_place(
    *,
    place: Place | None,
    latitude: Decimal | None,
    longitude: Decimal | None,
    description: str,
    primary_area: PrimaryArea | None = None,
    district: District | None = None,
    manual: bool = False,
    placer: Placer | None = None,
) -> Placement:
    """Where a report belongs: its point, else its place or area, else a place name in its
    text; at the finest level, its mellanområde, whose district is the report's. A point
    outside Gothenburg is refused; a report with none of these stays unplaced (it still
    counts citywide). Every writer places through here: the form, the API (one and bulk),
    CSV and police imports and ``manage.py replace_reports``.

    ``manual``: an analyst's pick, ``place`` or ``primary_area`` (placed as the report form
    places them) or only a ``district``; never the point or the text. ``PlacedBy.MANUAL``."""
    placer = placer if placer is not None else Placer()
    if manual:
        return _manual_placement(
            place=place, primary_area=primary_area, district=district, placer=placer
        )
    if primary_area is None and place is not None:
        primary_area_id = place.primary_area_id
    else:
        primary_area_id = primary_area.pk if primary_area is not None else None
    if latitude is not None and longitude is not None:
        area = placer.intermediate_areas.locate(latitude=latitude, longitude=longitude)
        district = placer.districts.locate(latitude=latitude, longitude=longitude)
        if district is None and area is None:
            raise ValidationError(
                {"latitude": _("The point lies outside Gothenburg. Choose a point in the city.")}
            )
        area_id, district_id = placer.by_area(
            area.pk if area is not None else None, district.pk if district else None
        )
        return Placement(
            district_id=district_id,
            primary_area_id=placer.in_area(area_id, primary_area_id),
            place_text=place.name if place else (primary_area.name if primary_area else ""),
            placed_by=PlacedBy.POINT,
            intermediate_area_id=area_id,
        )
    if place is not None or primary_area is not None:
        area_id = placer.intermediate_of_primary.get(primary_area_id)
        if area_id is None and place is not None:
            # A place without a primärområde still has its coordinates.
            area = placer.intermediate_areas.locate(
                latitude=place.latitude, longitude=place.longitude
            )
            area_id = area.pk if area is not None else None
        area_id, district_id = placer.by_area(
            area_id, place.district_id if place is not None else primary_area.district_id
        )
        return Placement(
            district_id=district_id,
            primary_area_id=primary_area_id,
            place_text=place.name if place is not None else primary_area.name,
            placed_by=PlacedBy.PLACE,
            intermediate_area_id=area_id,
        )
    match = placer.gazetteer.match(description)
    if match is not None:
        if match.intermediate_area is not None:
            area_id = match.intermediate_area.pk
        elif match.primary_area is not None:
            area_id = placer.intermediate_of_primary.get(match.primary_area.pk)
        elif match.place is not None:
            # Named in the text, a place without a primärområde lands where it lands when
            # chosen: in the mellanområde of its coordinates.
            area = placer.intermediate_areas.locate(
                latitude=match.place.latitude, longitude=match.place.longitude
            )
            area_id = area.pk if area is not None else None
        else:
            area_id = None
        area_id, district_id = placer.by_area(area_id, match.district.pk)
        return Placement(
            district_id=district_id,
            primary_area_id=placer.in_area(
                area_id, match.primary_area.pk if match.primary_area else None
            ),
            place_text=match.name,
            placed_by=PlacedBy.GAZETTEER,
            intermediate_area_id=area_id,
        )
    return Placement(None, None, "", PlacedBy.UNPLACED)


def _manual_placement(
    *,
    place: Place | None,
    primary_area: PrimaryArea | None,
    district: District | None,
    placer: Placer,
) -> Placement:
    if place is not None and primary_area is not None:
        raise ValidationError({"primary_area": _("Choose a place or a primary area, not both.")})
    if place is not None or primary_area is not None:
        placement = report_place(
            place=place,
            primary_area=primary_area,
            latitude=None,
            longitude=None,
            description="",
            placer=placer,
        )
    elif district is not None:
        placement = Placement(
            district_id=district.pk, primary_area_id=None, place_text="", placed_by=PlacedBy.PLACE
        )
    else:
        raise ValidationError(_("Choose a place, a primary area or a district."))
    if district is not None and placement.district_id != district.pk:
        raise ValidationError(
            {
                "district": _("%(name)s does not lie in %(district)s.")
                % {"name": placement.place_text, "district": district.name}
            }
        )
    return replace(placement, placed_by=PlacedBy.MANUAL)


# A report's fields that a placement sets (``Placement``'s fields are their attribute names).
PLACEMENT_FIELDS = tuple(field.name for field in fields(Placement))


def _check_time(occurred_at: datetime, occurred_until: datetime | None) -> None:
    now = timezone.now()
    errors = {}
    if occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("The time lies in the future.")
    elif occurred_at < EARLIEST_OCCURRED_AT:
        errors["occurred_at"] = _("The time lies before 1900.")
    if occurred_until is not None:
        if occurred_until < occurred_at:
            errors["occurred_until"] = _("The period must end after it starts.")
        elif occurred_until > now + FUTURE_TOLERANCE:
            errors["occurred_until"] = _("The time lies in the future.")
    if errors:
        raise ValidationError(errors)


def _check_may_file(actor, organisation) -> None:
    if not can(actor, CREATE, Report, organisation=organisation.pk):
        raise DomainError(
            _("You may not file reports for %(organisation)s.") % {"organisation": organisation},
            code="not_a_reporter",
        )


def _check_within_reach(actor, district_id: int | None) -> None:
    """A partner system's token reaches its districts only: it may not file where it could
    not read back what it filed. People file wherever they happen to be."""
    if not can(actor, CREATE, Report, district=district_id):
        raise ValidationError(
            {"district": _("The report lies outside the districts this API client may use.")}
        )


def _check_may_change(actor, report: Report) -> None:
    """Changing or deleting a report is for the owning organisation's members who may file
    for it in the report's district (or for its API clients there)."""
    if not can(actor, EDIT, report):
        raise DomainError(
            _("Only the organisation that filed a report may change it."), code="not_the_owner"
        )


def _reporter(actor):
    """The person who filed; a partner system (API client) is none."""
    return None if getattr(actor, "is_api_client", False) else actor


@dataclass(frozen=True)
class ReportWrite:
    """The report written and how many identity numbers were masked in its text."""

    report: Report
    masked_identity_numbers: int


@transaction.atomic
def report_create(
    *,
    actor,
    organisation,
    category: Category,
    occurred_at: datetime,
    description: str,
    occurred_until: datetime | None = None,
    place: Place | None = None,
    primary_area: PrimaryArea | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    severity: int = Severity.MODERATE,
    confidentiality: str = Confidentiality.PARTNERSHIP,
    source_kind: str = SourceKind.FIELD_OBSERVATION,
    external_id: str = "",
    request=None,
    placer: Placer | None = None,
) -> ReportWrite:
    """File a report for ``organisation`` as ``actor`` (a member allowed to file for it, or
    one of its API clients). A writer of many passes one ``placer`` for all of them."""
    _check_may_file(actor, organisation)
    category_check_in_use(category)
    _check_time(occurred_at, occurred_until)
    _check_length(description)
    _check_storable(description=description, external_id=external_id)
    masked_description, masked = mask_identity_numbers(description)
    # A partner's own id may be a person's number: it is masked like the text (two such ids
    # of one organisation then read the same, and the second is taken for the first).
    external_id, masked_in_id = mask_identity_numbers(
        external_id, max_length=Report._meta.get_field("external_id").max_length
    )
    masked += masked_in_id
    placement = report_place(
        place=place,
        primary_area=primary_area,
        latitude=latitude,
        longitude=longitude,
        description=masked_description,
        placer=placer,
    )
    _check_within_reach(actor, placement.district_id)
    report = Report(
        category=category,
        occurred_at=occurred_at,
        occurred_until=occurred_until,
        place=place,
        latitude=latitude,
        longitude=longitude,
        district_id=placement.district_id,
        intermediate_area_id=placement.intermediate_area_id,
        primary_area_id=placement.primary_area_id,
        place_text=placement.place_text,
        placed_by=placement.placed_by,
        source_kind=source_kind,
        organisation=organisation,
        reporter=_reporter(actor),
        description=masked_description,
        severity=severity,
        confidentiality=confidentiality,
        external_id=external_id,
    )
    report.full_clean()
    report.save()
    # The audit entry records that a number was masked, never the number itself.
    audit_record(
        action="report.created",
        actor=actor,
        target=report,
        request=request,
        details={"masked_identity_numbers": masked} if masked else {},
    )
    return ReportWrite(report, masked)


def category_check_in_use(category: Category) -> None:
    """A report is filed or corrected into a category in use only (filing and corrections)."""
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})


def _check_length(description: str) -> None:
    if len(description) > DESCRIPTION_MAX_LENGTH:
        # A TextField's max_length binds forms only; every write path comes through here.
        raise ValidationError(
            {
                "description": _("The text is too long: at most %(limit)d characters.")
                % {"limit": DESCRIPTION_MAX_LENGTH}
            }
        )


def _check_storable(**texts: str) -> None:
    """The forms and the API refuse these characters already; an import's rows reach this
    service without them, and a database error would stop the whole run."""
    errors = {
        name: _("The text holds a NUL character or a broken one, which cannot be stored.")
        for name, text in texts.items()
        if has_unstorable_characters(text)
    }
    if errors:
        raise ValidationError(errors)


# What the owning organisation may change after filing; status, district, organisation and
# reporter follow from the review and the placing, never from the writer.
UPDATABLE_FIELDS = frozenset(
    {
        "category",
        "occurred_at",
        "occurred_until",
        "place",
        "primary_area",
        "latitude",
        "longitude",
        "description",
        "severity",
        "confidentiality",
        "source_kind",
    }
)
_PLACING_FIELDS = frozenset({"place", "primary_area", "latitude", "longitude", "description"})


@transaction.atomic
def report_update(*, actor, report: Report, changes: dict, request=None) -> ReportWrite:
    """Change a report as its owning organisation: the text is masked and the report placed
    again as when it was filed; the audit entry names the fields that changed."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"Not updatable: {sorted(unknown)}")
    locked = Report.objects.select_for_update().get(pk=report.pk)
    _check_may_change(actor, locked)
    changed = sorted(name for name, value in changes.items() if getattr(locked, name) != value)
    if not changed:
        return ReportWrite(locked, 0)
    for name in changed:
        setattr(locked, name, changes[name])
    if "category" in changed:
        category_check_in_use(locked.category)
    _check_time(locked.occurred_at, locked.occurred_until)
    _check_length(locked.description)
    _check_storable(description=locked.description)
    locked.description, masked = mask_identity_numbers(locked.description)
    if _PLACING_FIELDS & set(changed) and not _keeps_manual_placement(locked, changed):
        placement = report_place(
            place=locked.place,
            primary_area=locked.primary_area,
            latitude=locked.latitude,
            longitude=locked.longitude,
            description=locked.description,
        )
        _check_within_reach(actor, placement.district_id)
        locked.district_id = placement.district_id
        locked.intermediate_area_id = placement.intermediate_area_id
        locked.primary_area_id = placement.primary_area_id
        locked.place_text = placement.place_text
        locked.placed_by = placement.placed_by
    locked.full_clean()
    locked.save()
    details = {"fields": changed}
    if masked:
        details["masked_identity_numbers"] = masked
    audit_record(
        action="report.updated", actor=actor, target=locked, request=request, details=details
    )
    return ReportWrite(locked, masked)


def _keeps_manual_placement(report: Report, changed) -> bool:
    """An analyst's placement stands against a new text (the gazetteer must not undo it);
    a new place, area or point from the owner places the report again."""
    return report.placed_by == PlacedBy.MANUAL and set(changed) & _PLACING_FIELDS == {"description"}


@transaction.atomic
def report_delete(*, actor, report: Report, request=None) -> None:
    """Delete a report as its owning organisation, unless analysts have linked it to a
    problem (it is then part of the problem's evidence)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    _check_may_change(actor, locked)
    if locked.status == ReportStatus.LINKED:
        raise DomainError(
            _("The report is linked to a problem and cannot be deleted."), code="report_linked"
        )
    # Written first, while the report still has its id; the entry outlives the row.
    audit_record(action="report.deleted", actor=actor, target=locked, request=request)
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as error:
        raise DomainError(
            _("The report is linked to a problem and cannot be deleted."), code="report_linked"
        ) from error


ALLOWED_TRANSITIONS = {
    ReportStatus.NEW: {ReportStatus.REVIEWED, ReportStatus.DISMISSED, ReportStatus.LINKED},
    ReportStatus.REVIEWED: {ReportStatus.DISMISSED, ReportStatus.LINKED, ReportStatus.NEW},
    ReportStatus.DISMISSED: {ReportStatus.REVIEWED},
    ReportStatus.LINKED: {ReportStatus.REVIEWED},
}


@transaction.atomic
def report_set_status(*, actor, report: Report, status: str, request=None) -> Report:
    """Review or dismiss a report: for analysts and managers of the report's district."""
    if not can(actor, REVIEW, report):
        raise DomainError(
            _("Only the district's analysts may review reports."), code="not_an_analyst"
        )
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if status not in ALLOWED_TRANSITIONS[locked.status]:
        raise DomainError(
            _("A report that is %(current)s cannot become %(new)s.")
            % {
                "current": ReportStatus(locked.status).label,
                "new": ReportStatus(status).label,
            },
            code="invalid_transition",
        )
    previous = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        action=f"report.{status}",
        actor=actor,
        target=locked,
        request=request,
        details={"from": previous},
    )
    return locked
