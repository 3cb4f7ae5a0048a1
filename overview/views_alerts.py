"""From a trend alert to a problem in one click: the problem form, filled from the alert,
which saves the problem and links the alert to it (``Alert.problem``).

Here rather than in ``plans`` so that ``plans`` does not depend on the analysis: the overview
already reads both. The form, the service and the call between them are the plans' own.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import EDIT, can
from analysis.alerts import alert_link_problem, alert_problem_initial, alerts_visible
from plans.forms.problems import ProblemForm
from plans.models import Problem
from plans.views.problems import problem_create_from_form

TEMPLATE = "analysis/alert_problem_form.html"


def alert_problem_view(request, pk: int):
    """GET: the problem form filled from the alert; POST: save it and link the alert. An
    alert the viewer may not see is a 404, as any record out of reach."""
    alert = get_object_or_404(alerts_visible(request.user), pk=pk)
    if not can(request.user, EDIT, Problem):
        raise PermissionDenied(_("Only analysts and managers name problems."))
    if alert.problem_id:
        return redirect("plans:problem_detail", pk=alert.problem_id)
    if request.method != "POST":
        form = ProblemForm(initial=alert_problem_initial(alert), user=request.user)
        return render(request, TEMPLATE, {"form": form, "alert": alert})
    form = ProblemForm(request.POST, user=request.user)
    created = form.is_valid() and problem_create_from_form(form, request)
    if created:
        written, _links = created
        alert_link_problem(alert=alert, problem=written.obj)
        messages.success(request, _("The problem was saved and the alert linked to it."))
        return redirect("plans:problem_detail", pk=written.obj.pk)
    return render(request, TEMPLATE, {"form": form, "alert": alert}, status=422)
