"""Problem pages: the register, a problem with its causes, priority, reports and measures,
and the forms that name, describe, analyse and link it.

Every page starts from ``Problem.objects.visible_to``; a problem the user may not read
answers 404, as if it did not exist.
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.access import EDIT, READ, can, district_condition
from accounts.services import audit_confidential_reads, organisation_level_ids
from areas.models import District
from core.exceptions import DomainError
from core.forms import add_service_errors, form_service_call
from core.messages import tell_masked_identity_numbers
from incidents.models import Report
from plans.charts import report_curve_svg
from plans.choices import CauseHorizon, CauseKind, ProblemStatus
from plans.forms.common import IdListField
from plans.forms.problems import (
    CauseFormSet,
    CrimeTriangleForm,
    LinkReportsForm,
    ProblemForm,
    ProblemUpdateForm,
    cause_formset_adding_a_row,
    cause_formset_initial,
)
from plans.models import Problem
from plans.selectors.editing import analysis_labels, analysis_seen, problem_labels, problem_seen
from plans.selectors.evaluation import measure_evaluations
from plans.selectors.priority import priority_scores, ranked
from plans.selectors.problems import (
    problem_decisions,
    problem_get,
    problem_list,
    problem_measures,
    problem_recent_reports,
    problem_report_count,
    problem_report_curve,
)
from plans.services.problems import (
    CauseInput,
    LinkResult,
    ProblemConflict,
    problem_analysis_update,
    problem_create,
    problem_link_reports,
    problem_unlink_report,
    problem_update,
)
from plans.views.common import conflict_context


def require_reader(user) -> None:
    """Problems and plans are for the two parties' staff and coordinators."""
    if not can(user, READ, Problem):
        raise PermissionDenied(_("Problems and action plans are for city and police staff."))


def _district_filter(request) -> District | None:
    slug = request.GET.get("district") or ""
    return District.objects.filter(slug=slug).first() if slug else None


def problem_list_view(request):
    """The district's problems, highest priority first, each with its score."""
    require_reader(request.user)
    district = _district_filter(request)
    status = request.GET.get("status", ProblemStatus.ACTIVE)
    if status not in ProblemStatus.values:
        status = ProblemStatus.ACTIVE
    problems = list(problem_list(user=request.user, district=district, status=status))
    scores = priority_scores(problems=problems)
    rows = [(problem, scores[problem.pk]) for problem in ranked(problems, scores)]
    districts = District.objects.filter(district_condition(request.user, READ, Problem))
    districts = districts.order_by("code")
    template = "plans/problem_list.html"
    if request.htmx:
        template = "plans/partials/_problem_rows.html"
    return render(
        request,
        template,
        {
            "rows": rows,
            "district": district,
            "districts": districts,
            "status": status,
            "statuses": ProblemStatus.choices,
            "may_create": can(request.user, EDIT, Problem),
        },
    )


def _cause_grid(causes) -> list[dict]:
    """The causes in a two-by-two picture: situational/social × short/long term."""
    return [
        {
            "kind": kind,
            "cells": [
                {
                    "horizon": horizon,
                    "causes": [c for c in causes if c.kind == kind and c.horizon == horizon],
                }
                for horizon in CauseHorizon
            ],
        }
        for kind in CauseKind
    ]


def problem_detail(request, pk: int):
    problem = problem_get(user=request.user, pk=pk)
    score = priority_scores(problems=[problem])[problem.pk]
    curve = problem_report_curve(problem=problem, user=request.user)
    measures = problem_measures(problem=problem, user=request.user)
    evaluations = measure_evaluations(user=request.user, measures=measures)
    for measure in measures:
        measure.evaluation = evaluations[measure.pk]
    causes = list(problem.causes.all())
    reports = problem_recent_reports(problem=problem, user=request.user)
    audit_confidential_reads(
        request=request,
        model=Report,
        ids=organisation_level_ids(reports),
        surface="problem_detail",
        details={"problem": problem.pk},
    )
    return render(
        request,
        "plans/problem_detail.html",
        {
            "problem": problem,
            "may_edit": can(request.user, EDIT, problem),
            "score": score,
            "curve": curve,
            "chart": report_curve_svg(curve=curve, measures=measures),
            "reports": reports,
            "report_count": problem_report_count(problem=problem, user=request.user),
            "measures": measures,
            "decisions": problem_decisions(problem=problem),
            "causes": causes,
            "cause_grid": _cause_grid(causes),
        },
    )


def _reports_chosen(request, report_ids: list[int]) -> list[Report]:
    chosen = list(
        Report.objects.visible_to(request.user)
        .filter(pk__in=report_ids)
        .select_related("category", "place", "primary_area", "district")
        .order_by("-occurred_at", "-id")
    )
    audit_confidential_reads(
        request=request, model=Report, ids=organisation_level_ids(chosen), surface="problem_form"
    )
    return chosen


def _suggestions(reports: list[Report]) -> dict:
    """What the chosen reports suggest for the new problem: their district and places."""
    initial: dict = {"report": [report.pk for report in reports]}
    districts = Counter(report.district_id for report in reports if report.district_id)
    if districts:
        initial["district"] = districts.most_common(1)[0][0]
    initial["places"] = sorted({report.place_id for report in reports if report.place_id})
    initial["primary_areas"] = sorted(
        {report.primary_area_id for report in reports if report.primary_area_id}
    )
    return initial


def _tell_links(request, links: LinkResult) -> None:
    if links.linked:
        messages.success(
            request,
            ngettext(
                "%(count)d report was linked to the problem.",
                "%(count)d reports were linked to the problem.",
                len(links.linked),
            )
            % {"count": len(links.linked)},
        )
    if links.already:
        messages.info(
            request,
            ngettext(
                "%(count)d report was linked already.",
                "%(count)d reports were linked already.",
                len(links.already),
            )
            % {"count": len(links.already)},
        )
    skipped = [
        (links.dismissed, _("dismissed (review them again first)")),
        (links.elsewhere, _("in another district")),
    ]
    for reports, why in skipped:
        if reports:
            messages.warning(
                request,
                _("Not linked, %(why)s: %(reports)s.")
                % {"why": why, "reports": ", ".join(f"#{pk}" for pk in reports)},
            )
    if links.unreadable:
        messages.warning(request, _("Some chosen reports could not be found."))


def problem_create_from_form(form, request, **extra):
    """``problem_create`` with a valid ``ProblemForm``'s data: the written problem and its
    report links, or None when the service refused (its errors then shown on ``form``)."""
    data = form.cleaned_data
    return form_service_call(
        form,
        lambda: problem_create(
            actor=request.user,
            district=data["district"],
            title=data["title"],
            situation=data["situation"],
            places=list(data["places"]),
            primary_areas=list(data["primary_areas"]),
            influence=data["influence"],
            influence_reason=data["influence_reason"],
            request=request,
            **extra,
        ),
    )


def problem_create_view(request):
    """Name a new problem; from the report list, with the chosen reports."""
    if not can(request.user, EDIT, Problem):
        raise PermissionDenied(_("Only analysts and managers name problems."))
    if request.method != "POST":
        form = ProblemForm(user=request.user)
        return render(request, "plans/problem_form.html", {"form": form, "chosen": []})
    if "start" in request.POST:
        # Arrived from the report list with reports ticked: a fresh form, filled from them.
        try:
            ids = IdListField().clean(request.POST.getlist("report"))
        except ValidationError:
            ids = []
        chosen = _reports_chosen(request, ids)
        form = ProblemForm(initial=_suggestions(chosen), user=request.user)
        return render(request, "plans/problem_form.html", {"form": form, "chosen": chosen})
    form = ProblemForm(request.POST, user=request.user)
    created = form.is_valid() and problem_create_from_form(
        form, request, report_ids=form.cleaned_data["report"]
    )
    if created:
        written, links = created
        messages.success(request, _("The problem was saved."))
        tell_masked_identity_numbers(request, written.masked_identity_numbers)
        _tell_links(request, links)
        return redirect("plans:problem_detail", pk=written.obj.pk)
    chosen = _reports_chosen(request, form.cleaned_data.get("report") or [])
    return render(request, "plans/problem_form.html", {"form": form, "chosen": chosen}, status=422)


@require_POST
def problem_link_reports_view(request):
    """From the report list: link the ticked reports to a chosen problem."""
    form = LinkReportsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a problem and at least one report."))
        return redirect("incidents:report_list")
    problem = problem_get(user=request.user, pk=form.cleaned_data["problem"])
    try:
        links = problem_link_reports(
            actor=request.user,
            problem=problem,
            report_ids=form.cleaned_data["report"],
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _tell_links(request, links)
    return redirect("plans:problem_detail", pk=problem.pk)


@require_POST
def problem_unlink_report_view(request, pk: int, report_pk: int):
    problem = problem_get(user=request.user, pk=pk)
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=report_pk)
    try:
        problem_unlink_report(actor=request.user, problem=problem, report=report, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report is no longer linked to the problem."))
    return redirect("plans:problem_detail", pk=problem.pk)


def _editable_problem(request, pk: int):
    problem = problem_get(user=request.user, pk=pk)
    if not can(request.user, EDIT, problem):
        raise PermissionDenied(_("Only the district's analysts and managers edit its problems."))
    return problem


def problem_update_view(request, pk: int):
    problem = _editable_problem(request, pk)
    context: dict = {"problem": problem}
    if request.method == "POST":
        form = ProblemUpdateForm(request.POST, user=request.user, problem=problem)
        if form.is_valid():
            data = form.cleaned_data
            try:
                written = problem_update(
                    actor=request.user,
                    problem=problem,
                    version=data["version"],
                    title=data["title"],
                    situation=data["situation"],
                    places=list(data["places"]),
                    primary_areas=list(data["primary_areas"]),
                    status=data["status"],
                    influence=data["influence"],
                    influence_reason=data["influence_reason"],
                    request=request,
                )
            except ProblemConflict as error:
                context |= conflict_context(form, error, seen=problem_seen, labels=problem_labels())
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The problem was saved."))
                tell_masked_identity_numbers(request, written.masked_identity_numbers)
                return redirect("plans:problem_detail", pk=problem.pk)
    else:
        form = ProblemUpdateForm.for_problem(problem, user=request.user)
    return render(request, "plans/problem_edit.html", context | {"form": form})


def _causes_from(formset) -> list[CauseInput]:
    causes = []
    for cause_form in formset.forms:
        data = cause_form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("description") or "").strip():
            continue
        causes.append(
            CauseInput(
                description=data["description"],
                kind=data["kind"],
                horizon=data["horizon"],
                side=data.get("side") or "",
                pk=data.get("pk"),
            )
        )
    return causes


def problem_analysis_view(request, pk: int):
    """The cause analysis: the crime triangle and the named causes, on one page."""
    problem = _editable_problem(request, pk)
    context: dict = {"problem": problem}
    if request.method == "POST" and "add_cause" in request.POST:
        # "Add a cause" without JavaScript: the page again as typed, one row more, unsaved.
        form = CrimeTriangleForm(request.POST)
        formset = cause_formset_adding_a_row(request.POST)
    elif request.method == "POST":
        form = CrimeTriangleForm(request.POST)
        formset = CauseFormSet(request.POST, prefix="causes")
        if form.is_valid() and formset.is_valid():
            try:
                written = problem_analysis_update(
                    actor=request.user,
                    problem=problem,
                    version=form.cleaned_data["version"],
                    triangle=form.triangle(),
                    causes=_causes_from(formset),
                    request=request,
                )
            except ProblemConflict as error:
                context |= conflict_context(
                    form, error, seen=analysis_seen, labels=analysis_labels()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The cause analysis was saved."))
                tell_masked_identity_numbers(request, written.masked_identity_numbers)
                return redirect("plans:problem_detail", pk=problem.pk)
    else:
        form = CrimeTriangleForm.for_problem(problem)
        formset = CauseFormSet(initial=cause_formset_initial(problem), prefix="causes")
    return render(
        request, "plans/problem_analysis.html", context | {"form": form, "formset": formset}
    )
