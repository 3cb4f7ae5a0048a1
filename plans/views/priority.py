"""Prioritisation pages: the quarterly review of a district's problems, ranked with their
breakdown, where analysts record decisions; and the resident concern per district and year."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import EDIT, READ, can, district_condition
from areas.models import District
from core.exceptions import DomainError
from core.forms import add_service_errors
from core.messages import tell_masked_identity_numbers
from plans.choices import ProblemStatus
from plans.forms.priority import PriorityDecisionForm, ResidentConcernForm
from plans.models import PriorityDecision, Problem, ResidentConcern
from plans.selectors.priority import (
    PriorityScore,
    priority_scores,
    priority_weights_current,
    ranked,
)
from plans.selectors.problems import problem_get, problem_list
from plans.services.priority import (
    priority_decision_record,
    resident_concern_save,
    review_quarter,
)
from plans.views.problems import require_reader


def _readable_districts(user):
    return District.objects.filter(district_condition(user, READ, Problem)).order_by("code")


def priority_review_index(request):
    """The review of the user's first district; the page switches between districts."""
    require_reader(request.user)
    districts = list(_readable_districts(request.user))
    chosen = next(
        (d for d in districts if can(request.user, EDIT, Problem, district=d.pk)),
        districts[0] if districts else None,
    )
    if chosen is None:
        raise Http404
    return redirect("plans:priority_review", district=chosen.slug)


def _quarter(request) -> date:
    """The quarter to show: ?quarter=2025-2, else the current one."""
    current = review_quarter(timezone.localdate())
    value = request.GET.get("quarter", "")
    try:
        year, number = (int(part) for part in value.split("-"))
        chosen = date(year, 3 * number - 2, 1)
    except ValueError:
        return current
    return min(chosen, current)


def _quarter_key(day: date) -> str:
    return f"{day.year}-{(day.month - 1) // 3 + 1}"


def priority_review(request, district: str):
    """A district's active problems ranked by score, each with its breakdown and the
    decisions recorded this quarter; the decision form for the district's analysts."""
    district_obj = District.objects.filter(slug=district).first()
    if district_obj is None or not can(request.user, READ, Problem, district=district_obj.pk):
        raise Http404
    quarter = _quarter(request)
    current_quarter = review_quarter(timezone.localdate())
    problems = list(
        problem_list(user=request.user, district=district_obj, status=ProblemStatus.ACTIVE)
    )
    weights = priority_weights_current()
    scores = priority_scores(problems=problems, weights=weights)
    decisions = list(
        PriorityDecision.objects.visible_to(request.user)
        .filter(problem__district=district_obj, quarter_start=quarter)
        .select_related("problem", "weights", "decided_by")
        .order_by("-decided_at", "-id")
    )
    latest: dict[int, PriorityDecision] = {}
    for decision in decisions:
        latest.setdefault(decision.problem_id, decision)
    may_decide = quarter == current_quarter and can(
        request.user, EDIT, PriorityDecision, district=district_obj.pk
    )
    rows = [
        {
            "rank": rank,
            "problem": problem,
            "score": scores[problem.pk],
            "decision": latest.get(problem.pk),
            "form": PriorityDecisionForm(prefix=f"p{problem.pk}") if may_decide else None,
        }
        for rank, problem in enumerate(ranked(problems, scores), start=1)
    ]
    quarters = []
    day = current_quarter
    for _step in range(8):
        quarters.append((_quarter_key(day), day))
        day = review_quarter(day - timedelta(days=1))
    return render(
        request,
        "plans/priority_review.html",
        {
            "district": district_obj,
            "districts": _readable_districts(request.user),
            "quarter": quarter,
            "quarter_key": _quarter_key(quarter),
            "quarters": quarters,
            "is_current": quarter == current_quarter,
            "rows": rows,
            "weights": weights,
            "decisions": [
                (decision, PriorityScore.from_json(decision.breakdown)) for decision in decisions
            ],
            "may_decide": may_decide,
        },
    )


@require_POST
def priority_decide(request, district: str, problem_pk: int):
    problem = problem_get(user=request.user, pk=problem_pk)
    if problem.district.slug != district:
        raise Http404
    form = PriorityDecisionForm(request.POST, prefix=f"p{problem.pk}")
    back = reverse("plans:priority_review", kwargs={"district": district})
    if not form.is_valid():
        messages.error(
            request,
            _("The decision on %(problem)s needs a choice and a reason.") % {"problem": problem},
        )
        return redirect(f"{back}#problem-{problem.pk}")
    try:
        written = priority_decision_record(
            actor=request.user,
            problem=problem,
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("The decision on %(problem)s was recorded with score %(score)s.")
            % {"problem": problem, "score": written.obj.score},
        )
        tell_masked_identity_numbers(request, written.masked_identity_numbers)
    return redirect(f"{back}#problem-{problem.pk}")


def resident_concern_view(request):
    """The resident concern per district and year; analysts enter and correct it."""
    require_reader(request.user)
    editable = can(request.user, EDIT, ResidentConcern)
    form = None
    if editable:
        if request.method == "POST":
            form = ResidentConcernForm(request.POST, user=request.user)
            if form.is_valid():
                try:
                    written = resident_concern_save(
                        actor=request.user, request=request, **form.cleaned_data
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("The resident concern was saved."))
                    tell_masked_identity_numbers(request, written.masked_identity_numbers)
                    return redirect("plans:resident_concern")
        else:
            form = ResidentConcernForm(user=request.user, initial=_concern_initial(request))
    elif request.method == "POST":
        raise PermissionDenied(_("Only analysts and managers enter the resident concern."))
    concerns = (
        ResidentConcern.objects.visible_to(request.user)
        .select_related("district", "entered_by")
        .order_by("district__code", "-year")
    )
    return render(request, "plans/resident_concern.html", {"form": form, "concerns": concerns})


def _concern_initial(request) -> dict:
    """?district=<slug>&year=<year> opens the form on an existing entry, to correct it."""
    concern = (
        ResidentConcern.objects.visible_to(request.user)
        .filter(district__slug=request.GET.get("district", ""), year=_int(request.GET.get("year")))
        .first()
    )
    if concern is None:
        return {}
    return {
        "district": concern.district_id,
        "year": concern.year,
        "level": concern.level,
        "basis": concern.basis,
        "note": concern.note,
    }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
