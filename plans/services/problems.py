"""Writes of problems: create, edit, link reports, write the cause analysis.

Problems are written by the district's analysts and managers of the two parties. Free text is
masked for identity numbers; every change is audited. Edits are optimistic: a save names the
version it read and is refused with ``ProblemConflict`` if someone saved in between.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import audit_record
from areas.models import District, Place, PrimaryArea
from core.concurrency import EditConflict, update_if_version
from core.exceptions import DomainError
from core.identity_numbers import mask_identity_numbers
from incidents.choices import ReportStatus
from incidents.models import Report
from incidents.services.reports import report_set_status
from plans.choices import CauseHorizon, CauseKind, ProblemStatus, TriangleSide
from plans.models import Cause, Problem, ProblemReport
from plans.models.problems import TRIANGLE_FIELDS
from plans.services.common import Written, audit_details, check_may_edit, mask_texts

PROBLEM_TEXT_FIELDS = ("title", "situation", "influence_reason")
MAX_CAUSES = 40


class ProblemConflict(EditConflict):
    """Someone else saved the problem after the editor opened it."""


def _conflict(problem: Problem) -> ProblemConflict:
    return ProblemConflict(
        _(
            "Someone else saved this problem after you opened it. What they changed is shown "
            "below; your text is kept in the form. Save again to replace theirs."
        ),
        current=Problem.objects.get(pk=problem.pk),
    )


def _check_areas(district: District, places: Sequence[Place], areas: Sequence[PrimaryArea]):
    errors = {}
    elsewhere = [place.name for place in places if place.district_id != district.pk]
    if elsewhere:
        errors["places"] = _("Not in %(district)s: %(names)s.") % {
            "district": district,
            "names": ", ".join(elsewhere),
        }
    elsewhere = [area.name for area in areas if area.district_id != district.pk]
    if elsewhere:
        errors["primary_areas"] = _("Not in %(district)s: %(names)s.") % {
            "district": district,
            "names": ", ".join(elsewhere),
        }
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class LinkResult:
    """What became of the reports asked to be linked to a problem."""

    linked: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    dismissed: list[int] = field(default_factory=list)
    elsewhere: list[int] = field(default_factory=list)
    unreadable: int = 0


@transaction.atomic
def problem_create(
    *,
    actor,
    district: District,
    title: str,
    situation: str = "",
    places: Sequence[Place] = (),
    primary_areas: Sequence[PrimaryArea] = (),
    influence: int | None = None,
    influence_reason: str = "",
    report_ids: Iterable[int] = (),
    request=None,
) -> tuple[Written, LinkResult]:
    """Name a new problem in ``district``, optionally with the reports it grew out of."""
    check_may_edit(actor, district.pk)
    _check_areas(district, places, primary_areas)
    texts, masked = mask_texts(
        dict(zip(PROBLEM_TEXT_FIELDS, (title, situation, influence_reason), strict=True)),
        PROBLEM_TEXT_FIELDS,
    )
    problem = Problem(district=district, influence=influence, created_by=actor, **texts)
    problem.full_clean()
    problem.save()
    problem.places.set(places)
    problem.primary_areas.set(primary_areas)
    audit_record(
        action="problem.created",
        actor=actor,
        target=problem,
        request=request,
        details=audit_details({"district": district.pk}, masked),
    )
    links = LinkResult()
    report_ids = list(report_ids)
    if report_ids:
        links = problem_link_reports(
            actor=actor, problem=problem, report_ids=report_ids, request=request
        )
    return Written(problem, masked), links


@transaction.atomic
def problem_update(
    *,
    actor,
    problem: Problem,
    version: int,
    title: str,
    situation: str,
    places: Sequence[Place],
    primary_areas: Sequence[PrimaryArea],
    status: str,
    influence: int | None,
    influence_reason: str,
    request=None,
) -> Written:
    """Save the problem's description, places, status and judged chance to influence."""
    check_may_edit(actor, problem.district_id)
    _check_areas(problem.district, places, primary_areas)
    if status not in ProblemStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    texts, masked = mask_texts(
        dict(zip(PROBLEM_TEXT_FIELDS, (title, situation, influence_reason), strict=True)),
        PROBLEM_TEXT_FIELDS,
    )
    values = texts | {"status": status, "influence": influence}
    candidate = Problem(
        pk=problem.pk, district_id=problem.district_id, created_by_id=problem.created_by_id
    )
    candidate._state.adding = False  # the row exists: not a duplicate of itself
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["district", "created_by"])
    if not update_if_version(Problem.objects, pk=problem.pk, version=version, **values):
        raise _conflict(problem)
    saved = Problem.objects.select_related("district").get(pk=problem.pk)
    saved.places.set(places)
    saved.primary_areas.set(primary_areas)
    audit_record(
        action="problem.updated",
        actor=actor,
        target=saved,
        request=request,
        details=audit_details({"version": saved.version}, masked),
    )
    return Written(saved, masked)


@dataclass(frozen=True)
class CauseInput:
    """A cause as written in the analysis form; ``pk`` names an existing one to keep."""

    description: str
    kind: str
    horizon: str
    side: str = ""
    pk: int | None = None


def _check_cause(cause: CauseInput, index: int) -> None:
    errors = []
    if not cause.description.strip():
        errors.append(_("Cause %(number)d has no text.") % {"number": index})
    if cause.kind not in CauseKind.values:
        errors.append(_("Cause %(number)d: choose situational or social.") % {"number": index})
    if cause.horizon not in CauseHorizon.values:
        errors.append(_("Cause %(number)d: choose short or long term.") % {"number": index})
    if cause.side and cause.side not in TriangleSide.values:
        errors.append(_("Cause %(number)d: unknown side of the triangle.") % {"number": index})
    if errors:
        raise ValidationError({"causes": errors})


@transaction.atomic
def problem_analysis_update(
    *,
    actor,
    problem: Problem,
    version: int,
    triangle: dict[str, str],
    causes: Sequence[CauseInput],
    request=None,
) -> Written:
    """Save the cause analysis: the crime triangle and the named causes.

    Causes given with their ``pk`` are kept (and changed); the problem's other causes are
    removed, unless a measure addresses them: a plan names them.
    """
    check_may_edit(actor, problem.district_id)
    unknown = set(triangle) - set(TRIANGLE_FIELDS)
    if unknown:
        raise TypeError(f"Not a side of the triangle: {', '.join(sorted(unknown))}")
    if len(causes) > MAX_CAUSES:
        raise ValidationError({"causes": _("At most %(max)d causes.") % {"max": MAX_CAUSES}})
    for index, cause in enumerate(causes, start=1):
        _check_cause(cause, index)
    texts, masked = mask_texts(triangle, TRIANGLE_FIELDS)
    for name, value in texts.items():
        if len(value) > Problem._meta.get_field(name).max_length:
            raise ValidationError({name: _("The text is too long.")})
    if not update_if_version(Problem.objects, pk=problem.pk, version=version, **texts):
        raise _conflict(problem)
    existing = {cause.pk: cause for cause in Cause.objects.filter(problem=problem)}
    kept = {cause.pk for cause in causes if cause.pk in existing}
    removed = set(existing) - kept
    in_use = list(
        Cause.objects.filter(pk__in=removed, measures__isnull=False)
        .distinct()
        .values_list("description", flat=True)
    )
    if in_use:
        raise ValidationError(
            {
                "causes": _("A measure addresses these causes, so they stay: %(names)s.")
                % {"names": "; ".join(in_use)}
            }
        )
    Cause.objects.filter(pk__in=removed).delete()
    for position, cause in enumerate(causes):
        description, count = mask_identity_numbers(cause.description.strip())
        masked += count
        row = existing.get(cause.pk) or Cause(problem=problem)
        row.description = description
        row.kind, row.horizon, row.side, row.position = (
            cause.kind,
            cause.horizon,
            cause.side,
            position,
        )
        row.full_clean()
        row.save()
    saved = Problem.objects.select_related("district").get(pk=problem.pk)
    audit_record(
        action="problem.analysis_updated",
        actor=actor,
        target=saved,
        request=request,
        details=audit_details(
            {"version": saved.version, "causes": len(causes), "removed_causes": len(removed)},
            masked,
        ),
    )
    return Written(saved, masked)


@transaction.atomic
def problem_link_reports(
    *, actor, problem: Problem, report_ids: Iterable[int], request=None
) -> LinkResult:
    """Link reports the actor may read to ``problem`` and mark them linked.

    Reports of other districts and dismissed reports are not linked (a dismissed report was
    judged wrong or a duplicate: review it again first); the result says which.
    """
    check_may_edit(actor, problem.district_id)
    if problem.status != ProblemStatus.ACTIVE:
        raise DomainError(
            _("Reports are linked to active problems only."), code="problem_not_active"
        )
    wanted = sorted(set(report_ids))
    reports = list(
        Report.objects.visible_to(actor).filter(pk__in=wanted).order_by("pk").select_for_update()
    )
    result = LinkResult(unreadable=len(wanted) - len(reports))
    linked_already = set(
        ProblemReport.objects.filter(problem=problem, report__in=reports).values_list(
            "report_id", flat=True
        )
    )
    for report in reports:
        if report.pk in linked_already:
            result.already.append(report.pk)
        elif report.district_id != problem.district_id:
            result.elsewhere.append(report.pk)
        elif report.status == ReportStatus.DISMISSED:
            result.dismissed.append(report.pk)
        else:
            ProblemReport.objects.create(problem=problem, report=report, linked_by=actor)
            if report.status != ReportStatus.LINKED:
                report_set_status(
                    actor=actor, report=report, status=ReportStatus.LINKED, request=request
                )
            result.linked.append(report.pk)
    if result.linked:
        audit_record(
            action="problem.reports_linked",
            actor=actor,
            target=problem,
            request=request,
            details={"reports": result.linked},
        )
    return result


@transaction.atomic
def problem_unlink_report(*, actor, problem: Problem, report: Report, request=None) -> None:
    """Take a report off a problem; a report linked to no problem any more is "reviewed"."""
    check_may_edit(actor, problem.district_id)
    deleted, _rows = ProblemReport.objects.filter(problem=problem, report=report).delete()
    if not deleted:
        raise DomainError(_("The report is not linked to this problem."), code="not_linked")
    still_linked = ProblemReport.objects.filter(report=report).exists()
    if not still_linked and report.status == ReportStatus.LINKED:
        report_set_status(actor=actor, report=report, status=ReportStatus.REVIEWED, request=request)
    audit_record(
        action="problem.report_unlinked",
        actor=actor,
        target=problem,
        request=request,
        details={"report": report.pk},
    )
