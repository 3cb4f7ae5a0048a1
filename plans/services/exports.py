"""Exports of an agreed plan: PDF, and CSV of its measures with their latest follow-up.
Every export is audited; a draft has none (it is not the two parties' plan yet)."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.services import audit_record
from core.csv_export import csv_lines
from core.exceptions import DomainError
from plans.choices import PlanStatus
from plans.models import ActionPlan, Measure
from plans.pdf import action_plan_pdf
from plans.selectors.evaluation import measure_evaluations
from plans.selectors.plans import plan_measures, plan_progress, plan_revisions


def _check_agreed(plan: ActionPlan) -> None:
    if plan.status == PlanStatus.DRAFT:
        raise DomainError(_("Only an agreed plan can be exported."), code="plan_not_agreed")


def plan_export_pdf(*, actor, plan: ActionPlan, request=None) -> bytes:
    _check_agreed(plan)
    measures = plan_measures(plan=plan, user=actor)
    content = action_plan_pdf(
        plan=plan,
        measures=measures,
        progress=plan_progress(measures=measures),
        signatures=list(plan.signatures.select_related("organisation", "signed_by")),
        revisions=list(plan_revisions(plan=plan).order_by("number")),
        # As on the pages: only what the exporting person may see of each effect.
        evaluations=measure_evaluations(user=actor, measures=measures),
    )
    audit_record(
        action="plan.exported",
        actor=actor,
        target=plan,
        request=request,
        details={"format": "pdf", "revision": plan.revision},
    )
    return content


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _number(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _row(measure: Measure) -> list:
    follow_up = measure.latest_follow_up
    value = follow_up.indicator_value if follow_up else None
    return [
        measure.pk,
        measure.title,
        measure.responsible.name,
        measure.target,
        measure.get_target_direction_display() if measure.target_value is not None else "",
        _number(measure.target_value),
        measure.target_unit,
        measure.start_date.isoformat(),
        measure.end_date.isoformat(),
        measure.display_status_label(),
        _yes_no(measure.is_public),
        "; ".join(problem.title for problem in measure.problems.all()),
        "; ".join(cause.description for cause in measure.causes.all()),
        follow_up.date.isoformat() if follow_up else "",
        follow_up.get_status_display() if follow_up else "",
        _number(value),
        _yes_no(measure.target_met(value)),
        follow_up.note if follow_up else "",
    ]


def plan_export_csv(*, actor, plan: ActionPlan, request=None) -> Iterator[str]:
    """The lines of the CSV file (every cell defused against spreadsheet formulas)."""
    _check_agreed(plan)
    measures = plan_measures(plan=plan, user=actor)
    audit_record(
        action="plan.exported",
        actor=actor,
        target=plan,
        request=request,
        details={"format": "csv", "revision": plan.revision},
    )
    header = [
        _("id"),
        _("measure"),
        _("responsible"),
        _("target"),
        _("the indicator should be"),
        _("target value"),
        _("unit"),
        _("start"),
        _("end"),
        _("status"),
        _("citizen promise"),
        _("problems"),
        _("causes"),
        _("latest follow-up"),
        _("status then"),
        _("indicator value"),
        _("target met"),
        _("note"),
    ]
    # A plan has tens of measures: the rows are made now, in the request's language.
    return csv_lines(header, [_row(measure) for measure in measures])
