"""The page where an analyst changes a measure's fixed evaluation design, with a reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import EDIT, can
from core.exceptions import DomainError
from core.forms import add_service_errors
from plans.forms.evaluation import EvaluationDesignForm
from plans.selectors.evaluation import measure_evaluation
from plans.selectors.plans import measure_get
from plans.services.evaluation import evaluation_design_revise


def may_revise_evaluation(user, measure, evaluation) -> bool:
    """The district's analysts and managers, when they see the effect and it has a design."""
    return bool(
        evaluation is not None and evaluation.design is not None and can(user, EDIT, measure.plan)
    )


def evaluation_design_update_view(request, pk: int):
    measure = measure_get(user=request.user, pk=pk)
    evaluation = measure_evaluation(user=request.user, measure=measure)
    if evaluation is None or evaluation.design is None:
        raise Http404
    if not may_revise_evaluation(request.user, measure, evaluation):
        raise PermissionDenied(_("Only the district's analysts and managers change the design."))
    design = evaluation.design
    if request.method == "POST":
        form = EvaluationDesignForm(request.POST)
        if form.is_valid():
            try:
                evaluation_design_revise(
                    actor=request.user,
                    design=design,
                    change=form.change(),
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The design was changed; the old one is kept."))
                return redirect("plans:measure_detail", pk=measure.pk)
    else:
        form = EvaluationDesignForm.for_design(design)
    return render(
        request,
        "plans/evaluation_design_form.html",
        {"measure": measure, "plan": measure.plan, "form": form, "evaluation": evaluation},
    )
