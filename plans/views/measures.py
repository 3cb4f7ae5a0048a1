"""Measure pages: add to a plan, read with its follow-ups, edit, delete (drafts), follow up.

A measure is read through ``Measure.objects.visible_to``: the plan's readers, and partners
for public measures (without the internal follow-ups).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import EDIT, READ, can
from core.exceptions import DomainError
from core.forms import add_service_errors
from core.messages import tell_masked_identity_numbers
from plans.choices import PlanStatus
from plans.forms.plans import FollowUpForm, MeasureForm, MeasureUpdateForm
from plans.selectors.editing import measure_labels, measure_seen
from plans.selectors.evaluation import measure_evaluation
from plans.selectors.plans import measure_follow_ups, measure_get, plan_get
from plans.services.common import check_may_follow_up
from plans.services.measures import (
    MeasureConflict,
    follow_up_create,
    measure_create,
    measure_delete,
    measure_update,
)
from plans.views.common import conflict_context, tell_change
from plans.views.evaluation import may_revise_evaluation


def _check_editable(request, plan) -> None:
    if not can(request.user, EDIT, plan):
        raise PermissionDenied(_("Only the district's analysts and managers edit its plan."))


def measure_create_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    _check_editable(request, plan)
    if plan.status == PlanStatus.CLOSED:
        messages.warning(request, _("The plan is closed and can no longer change."))
        return redirect("plans:plan_detail", pk=plan.pk)
    form = MeasureForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            written, change = measure_create(
                actor=request.user,
                plan=plan,
                data=form.measure_data(),
                reason=form.cleaned_data.get("reason", ""),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The measure was added."))
            tell_masked_identity_numbers(request, written.masked_identity_numbers)
            tell_change(request, change)
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/measure_form.html", {"plan": plan, "form": form})


def measure_detail(request, pk: int):
    return _measure_page(request, measure_get(user=request.user, pk=pk))


def _measure_page(request, measure, follow_up_form=None):
    """The measure with its follow-ups; ``follow_up_form`` is a refused follow-up, shown again
    with what was typed and why it was refused."""
    plan = measure.plan
    editable = can(request.user, EDIT, plan)
    may_follow_up = editable and plan.is_in_force
    follow_ups = list(measure_follow_ups(measure=measure, user=request.user))
    for follow_up in follow_ups:
        follow_up.target_met = measure.target_met(follow_up.indicator_value)
    evaluation = measure_evaluation(user=request.user, measure=measure)
    if may_follow_up and follow_up_form is None:
        follow_up_form = FollowUpForm(measure=measure)
    return render(
        request,
        "plans/measure_detail.html",
        {
            "measure": measure,
            "plan": plan,
            # A partner reads a public measure, not the plan or its problems.
            "reads_plan": can(request.user, READ, "plans.actionplan", district=plan.district_id),
            "follow_ups": follow_ups,
            "may_edit": editable and plan.status != PlanStatus.CLOSED,
            "may_delete": editable and plan.status == PlanStatus.DRAFT,
            "follow_up_form": follow_up_form if may_follow_up else None,
            "evaluation": evaluation,
            "may_revise_evaluation": may_revise_evaluation(request.user, measure, evaluation),
        },
    )


def measure_update_view(request, pk: int):
    measure = measure_get(user=request.user, pk=pk)
    plan = measure.plan
    _check_editable(request, plan)
    if plan.status == PlanStatus.CLOSED:
        messages.warning(request, _("The plan is closed and can no longer change."))
        return redirect("plans:measure_detail", pk=measure.pk)
    context: dict = {"plan": plan, "measure": measure}
    if request.method == "POST":
        form = MeasureUpdateForm(request.POST, plan=plan, measure=measure)
        if form.is_valid():
            try:
                written, change = measure_update(
                    actor=request.user,
                    measure=measure,
                    version=form.cleaned_data["version"],
                    data=form.measure_data(),
                    reason=form.cleaned_data.get("reason", ""),
                    request=request,
                )
            except MeasureConflict as error:
                context |= conflict_context(form, error, seen=measure_seen, labels=measure_labels())
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The measure was saved."))
                tell_masked_identity_numbers(request, written.masked_identity_numbers)
                tell_change(request, change)
                return redirect("plans:measure_detail", pk=measure.pk)
    else:
        form = MeasureUpdateForm.for_measure(measure)
    return render(request, "plans/measure_form.html", context | {"form": form})


@require_POST
def measure_delete_view(request, pk: int):
    measure = measure_get(user=request.user, pk=pk)
    plan = measure.plan
    try:
        change = measure_delete(actor=request.user, measure=measure, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("plans:measure_detail", pk=measure.pk)
    messages.success(request, _("The measure was deleted."))
    tell_change(request, change)
    return redirect("plans:plan_detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def follow_up_create_view(request, pk: int):
    """Records a follow-up. A refused one shows the measure page again with the form as typed
    and its errors (issue #13: they were wiped); a GET (a reload, a bookmark) goes to the
    measure page, where the form is, rather than a 405."""
    measure = measure_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect(reverse("plans:measure_detail", args=[measure.pk]) + "#new-follow-up")
    try:
        # Who may not follow up, or a plan not in force, has no form to show again.
        check_may_follow_up(request.user, measure.plan.district_id)
        if not measure.plan.is_in_force:
            raise DomainError(_("Measures are followed up once the plan is agreed."))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("plans:measure_detail", pk=measure.pk)
    form = FollowUpForm(request.POST, measure=measure)
    if form.is_valid():
        try:
            written = follow_up_create(
                actor=request.user, measure=measure, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The follow-up was recorded."))
            tell_masked_identity_numbers(request, written.masked_identity_numbers)
            return redirect("plans:measure_detail", pk=measure.pk)
    return _measure_page(request, measure, follow_up_form=form)
