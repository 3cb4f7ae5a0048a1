"""Action plan pages: list, draft, read (progress at a glance), edit, sign, start and close,
revisions, and the exports (PDF, CSV of measures with their latest follow-up).

Every page starts from ``ActionPlan.objects.visible_to``; one the user may not read answers
404, as if it did not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import EDIT, READ, can, district_condition
from areas.models import District
from core.exceptions import DomainError
from core.forms import add_service_errors
from core.messages import tell_masked_identity_numbers
from plans.choices import PlanStatus
from plans.forms.plans import PlanCreateForm, PlanUpdateForm
from plans.models import ActionPlan, PlanRevision
from plans.selectors.editing import plan_labels, plan_seen
from plans.selectors.plans import (
    plan_get,
    plan_list,
    plan_measures,
    plan_progress,
    plan_revision_get,
    plan_revisions,
)
from plans.selectors.revisions import plan_snapshot, snapshot_changes, snapshot_digest
from plans.services.exports import plan_export_csv, plan_export_pdf
from plans.services.plans import (
    STATUS_STEPS,
    PlanConflict,
    plan_create,
    plan_set_status,
    plan_sign,
    plan_signable_organisation_ids,
    plan_update,
)
from plans.views.common import conflict_context, tell_change
from plans.views.problems import require_reader


def plan_list_view(request):
    require_reader(request.user)
    slug = request.GET.get("district") or ""
    district = District.objects.filter(slug=slug).first() if slug else None
    districts = District.objects.filter(district_condition(request.user, READ, ActionPlan))
    districts = districts.order_by("code")
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plan_list(user=request.user, district=district),
            "district": district,
            "districts": districts,
            "may_create": can(request.user, EDIT, ActionPlan),
        },
    )


def plan_create_view(request):
    if not can(request.user, EDIT, ActionPlan):
        raise PermissionDenied(_("Only analysts and managers draft action plans."))
    form = PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            written = plan_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The draft plan was created. Add its measures."))
            tell_masked_identity_numbers(request, written.masked_identity_numbers)
            return redirect("plans:plan_detail", pk=written.obj.pk)
    return render(request, "plans/plan_form.html", {"form": form})


def plan_detail(request, pk: int):
    """The plan with progress at a glance, its measures with their latest follow-up,
    signatures and revisions; the sign button for the owners' managers."""
    plan = plan_get(user=request.user, pk=pk)
    measures = plan_measures(plan=plan, user=request.user)
    signatures = list(plan.signatures.select_related("organisation", "signed_by"))
    is_draft = plan.status == PlanStatus.DRAFT
    signed = {signature.organisation_id for signature in signatures}
    may_sign = is_draft and bool(
        plan_signable_organisation_ids(user=request.user, plan=plan) - signed
    )
    editable = can(request.user, EDIT, plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "measures": measures,
            "progress": plan_progress(measures=measures),
            "signatures": signatures,
            "revisions": plan_revisions(plan=plan),
            "may_edit": editable and plan.status != PlanStatus.CLOSED,
            "may_sign": may_sign,
            # What the manager reads is what they sign: a later change refuses the signature.
            "digest": snapshot_digest(plan_snapshot(plan=plan)) if may_sign else "",
            "next_status": STATUS_STEPS.get(plan.status) if editable else None,
            "is_exportable": not is_draft,
        },
    )


def plan_update_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    if not can(request.user, EDIT, plan):
        raise PermissionDenied(_("Only the district's analysts and managers edit its plan."))
    if plan.status == PlanStatus.CLOSED:
        messages.warning(request, _("The plan is closed and can no longer change."))
        return redirect("plans:plan_detail", pk=plan.pk)
    context: dict = {"plan": plan}
    if request.method == "POST":
        form = PlanUpdateForm(request.POST, reason_required=plan.is_in_force)
        if form.is_valid():
            try:
                written, change = plan_update(
                    actor=request.user,
                    plan=plan,
                    version=form.cleaned_data["version"],
                    summary=form.cleaned_data["summary"],
                    public_intro=form.cleaned_data["public_intro"],
                    reason=form.cleaned_data.get("reason", ""),
                    request=request,
                )
            except PlanConflict as error:
                context |= conflict_context(form, error, seen=plan_seen, labels=plan_labels())
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The plan was saved."))
                tell_masked_identity_numbers(request, written.masked_identity_numbers)
                tell_change(request, change)
                return redirect("plans:plan_detail", pk=plan.pk)
    else:
        form = PlanUpdateForm.for_plan(plan)
    return render(request, "plans/plan_edit.html", context | {"form": form})


@require_POST
def plan_sign_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    try:
        signed = plan_sign(
            actor=request.user,
            plan=plan,
            digest=request.POST.get("digest") or None,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if signed.status == PlanStatus.AGREED:
            messages.success(request, _("Both owners have signed: the plan is agreed."))
        else:
            messages.success(
                request, _("Signed. The plan is agreed when the other owner has signed too.")
            )
    return redirect("plans:plan_detail", pk=plan.pk)


@require_POST
def plan_status_view(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    status = request.POST.get("status", "")
    if status not in PlanStatus.values:
        messages.error(request, _("Unknown status."))
        return redirect("plans:plan_detail", pk=plan.pk)
    try:
        plan_set_status(actor=request.user, plan=plan, status=status, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The plan is now %(status)s.") % {"status": PlanStatus(status).label}
        )
    return redirect("plans:plan_detail", pk=plan.pk)


def plan_revision_view(request, pk: int, number: int):
    """An earlier (or the current) revision as it stood, and what changed from the one before."""
    revision = plan_revision_get(user=request.user, plan_pk=pk, number=number)
    previous = (
        PlanRevision.objects.filter(plan=revision.plan, number=number - 1).only("snapshot").first()
    )
    return render(
        request,
        "plans/plan_revision.html",
        {
            "plan": revision.plan,
            "revision": revision,
            "snapshot": revision.snapshot,
            "changes": snapshot_changes(previous.snapshot if previous else None, revision.snapshot),
        },
    )


def _exportable(request, pk: int):
    plan = plan_get(user=request.user, pk=pk)
    if plan.status == PlanStatus.DRAFT:
        raise Http404
    return plan


def _attachment(response, plan, stem: str, extension: str):
    name = f"{stem}-{plan.district.slug}-{plan.period_start:%Y}-rev{plan.revision}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def plan_pdf(request, pk: int):
    plan = _exportable(request, pk)
    content = plan_export_pdf(actor=request.user, plan=plan, request=request)
    return _attachment(
        HttpResponse(content, content_type="application/pdf"), plan, "atgardsplan", "pdf"
    )


def plan_csv(request, pk: int):
    plan = _exportable(request, pk)
    lines = plan_export_csv(actor=request.user, plan=plan, request=request)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _attachment(response, plan, "atgarder", "csv")
