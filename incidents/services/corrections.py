"""Corrections by analysts: a report's place or category picked by hand. Audited as old → new,
and kept by later imports and by the owner's text edits."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import CORRECT, can
from accounts.services import audit_record
from areas.models import District, Place, PrimaryArea
from core.exceptions import DomainError
from incidents.choices import PlacedBy
from incidents.models import Category, Report
from incidents.services.reports import PLACEMENT_FIELDS, category_check_in_use, report_place


def _check_may_correct(actor, report: Report) -> None:
    if not can(actor, CORRECT, report):
        raise DomainError(
            _("Only the district's analysts may correct a report's place or category."),
            code="not_an_analyst",
        )


@transaction.atomic
def _report_correct(*, actor, report: Report, names, correct, action: str, request) -> Report:
    """The one road of the corrections: lock the report, check that ``actor`` may correct
    it, let ``correct(locked)`` change the attributes ``names`` (it raises to refuse),
    and save and audit what changed as old → new (as ``accounts.audit_changes`` records the
    reference data). Nothing is written when nothing changed. The rollups follow the save as
    after any edit of a report (``overview.receivers`` and the table's trigger)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    _check_may_correct(actor, locked)
    before = {name: getattr(locked, name) for name in names}
    correct(locked)
    changes = {
        name.removesuffix("_id"): [old, getattr(locked, name)]
        for name, old in before.items()
        if getattr(locked, name) != old
    }
    if not changes:
        return locked
    locked.full_clean()
    locked.save()
    audit_record(
        action=action, actor=actor, target=locked, request=request, details={"changes": changes}
    )
    return locked


def report_correct_placement(
    *,
    actor,
    report: Report,
    place: Place | None = None,
    primary_area: PrimaryArea | None = None,
    district: District | None = None,
    request=None,
) -> Report:
    """Place a report by hand, as an analyst who may curate it (``accounts.access``'s
    ``correct``): a place, a primary area, or a district only (``report_place(manual=True)``).
    The report's point stays as filed; ``placed_by`` becomes ``manual``, which neither a new
    text nor a later import undoes."""

    def correct(locked: Report) -> None:
        placement = report_place(
            place=place,
            primary_area=primary_area,
            district=district,
            latitude=None,
            longitude=None,
            description="",
            manual=True,
        )
        locked.place = place
        for name in PLACEMENT_FIELDS:
            setattr(locked, name, getattr(placement, name))

    return _report_correct(
        actor=actor,
        report=report,
        names=("place_id", *PLACEMENT_FIELDS),
        correct=correct,
        action="report.place_corrected",
        request=request,
    )


def report_correct_category(*, actor, report: Report, category: Category, request=None) -> Report:
    """Correct a report's category, as an analyst who may curate it. The report remembers
    it (``category_corrected``), so a later import of the same police event keeps the
    analyst's category."""

    def correct(locked: Report) -> None:
        category_check_in_use(category)
        if locked.category_id != category.pk:
            locked.category = category
            locked.category_corrected = True

    return _report_correct(
        actor=actor,
        report=report,
        names=("category_id",),
        correct=correct,
        action="report.category_corrected",
        request=request,
    )


def without_analyst_corrections(report: Report, values: dict) -> dict:
    """``values`` that an import derived for ``report`` again, less what analysts corrected
    by hand: their placement and their category are theirs once made."""
    corrected = set()
    if report.placed_by == PlacedBy.MANUAL:
        corrected |= set(PLACEMENT_FIELDS)
    if report.category_corrected:
        corrected.add("category_id")
    return {name: value for name, value in values.items() if name not in corrected}
