"""Pages of situation pictures (lägesbilder): list, draft, read, edit, sign, PDF.

Every page starts from the pictures the user may read (``SituationPicture.objects
.visible_to``); one they may not read answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from accounts.access import EDIT, SIGN, can, organisation_ids
from areas.models import District
from core.charts import responsive_chart
from core.exceptions import DomainError
from core.messages import tell_masked_identity_numbers
from incidents.choices import PictureStatus
from incidents.forms_situation import (
    SituationPictureCreateForm,
    SituationPictureSignForm,
    SituationPictureUpdateForm,
)
from incidents.models import SituationPicture
from incidents.selectors.situation import (
    situation_figures_for_picture,
    situation_picture_list,
)
from incidents.selectors.situation_display import (
    situation_chart_svg,
    situation_figures_present,
)
from incidents.services.situation import (
    TEXT_FIELDS,
    SituationPictureConflict,
    situation_picture_create,
    situation_picture_export_pdf,
    situation_picture_sign,
    situation_picture_update,
)


def _visible_picture(request, pk: int) -> SituationPicture:
    return get_object_or_404(
        SituationPicture.objects.visible_to(request.user).select_related("district", "created_by"),
        pk=pk,
    )


def _sections(picture: SituationPicture) -> list[tuple[str, str]]:
    """The narrative as (heading, text) pairs, in the order the text is written."""
    return [
        (capfirst(SituationPicture._meta.get_field(field).verbose_name), getattr(picture, field))
        for field in TEXT_FIELDS
    ]


class SituationPictureListView(ListView):
    """The pictures the user may read, newest first, optionally of one district."""

    template_name = "incidents/situationpicture_list.html"
    context_object_name = "pictures"
    paginate_by = 25

    def get_queryset(self):
        slug = self.request.GET.get("district") or ""
        self.district = District.objects.filter(slug=slug).first() if slug else None
        return situation_picture_list(user=self.request.user, district=self.district)

    def get_template_names(self):
        # The district filter swaps only the table when htmx asks.
        if self.request.htmx:
            return ["incidents/partials/_situation_list.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["districts"] = District.objects.order_by("code")
        context["district"] = self.district
        context["may_create"] = can(self.request.user, EDIT, SituationPicture)
        return context


class SituationPictureCreateView(FormView):
    """Draft a new picture for one of the user's districts."""

    template_name = "incidents/situationpicture_form.html"
    form_class = SituationPictureCreateForm

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, EDIT, SituationPicture):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        try:
            picture = situation_picture_create(
                actor=self.request.user, request=self.request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft was created. Write its text when ready."))
        return redirect("incidents:situationpicture_detail", pk=picture.pk)


def picture_detail(request, pk: int):
    """A picture with its figures, text and signatures; the sign button for its managers."""
    picture = _visible_picture(request, pk)
    figures = situation_figures_present(
        figures=situation_figures_for_picture(picture=picture, user=request.user)
    )
    signatures = list(picture.signatures.select_related("organisation", "signed_by"))
    is_draft = picture.status == PictureStatus.DRAFT
    signed_ids = {signature.organisation_id for signature in signatures}
    unsigned_ids = organisation_ids(request.user, SIGN, picture) - signed_ids
    return render(
        request,
        "incidents/situationpicture_detail.html",
        {
            "picture": picture,
            "sections": _sections(picture),
            "figures": figures,
            "chart": responsive_chart(
                situation_chart_svg, figures=figures, chart_id="situation-chart"
            ),
            "signatures": signatures,
            "may_edit": is_draft and can(request.user, EDIT, picture),
            "may_sign": is_draft and bool(unsigned_ids),
            "sign_form": SituationPictureSignForm(initial={"version": picture.version}),
        },
    )


def picture_update(request, pk: int):
    """Edit a draft's text. A save made meanwhile by someone else is shown, never overwritten
    unseen: the form comes back with the user's text and the other person's beside it."""
    picture = _visible_picture(request, pk)
    if not can(request.user, EDIT, picture):
        raise PermissionDenied
    if picture.status != PictureStatus.DRAFT:
        messages.warning(request, _("This situation picture has been agreed and is final."))
        return redirect("incidents:situationpicture_detail", pk=picture.pk)
    conflict = None
    if request.method == "POST":
        form = SituationPictureUpdateForm(request.POST)
        if form.is_valid():
            try:
                result = situation_picture_update(
                    actor=request.user,
                    picture=picture,
                    version=form.cleaned_data["version"],
                    request=request,
                    **form.texts(),
                )
            except SituationPictureConflict as error:
                conflict = error
                form.take_version(error.current.version)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("incidents:situationpicture_detail", pk=picture.pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _tell_about_the_save(request, result)
                return redirect("incidents:situationpicture_detail", pk=picture.pk)
    else:
        form = SituationPictureUpdateForm.for_picture(picture)
    return render(
        request,
        "incidents/situationpicture_edit.html",
        {
            "picture": picture,
            "form": form,
            "conflict": conflict,
            "conflict_texts": _sections(conflict.current) if conflict else (),
        },
    )


def _tell_about_the_save(request, result) -> None:
    messages.success(request, _("The situation picture was saved."))
    tell_masked_identity_numbers(request, result.masked_identity_numbers)
    if result.withdrawn_signatures:
        messages.warning(
            request,
            _("The text changed, so these signatures were withdrawn: %(names)s.")
            % {"names": ", ".join(result.withdrawn_signatures)},
        )


@require_POST
def picture_sign(request, pk: int):
    picture = _visible_picture(request, pk)
    form = SituationPictureSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The signature could not be read. Please try again."))
        return redirect("incidents:situationpicture_detail", pk=picture.pk)
    try:
        signed = situation_picture_sign(
            actor=request.user,
            picture=picture,
            version=form.cleaned_data["version"],
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if signed.status == PictureStatus.AGREED:
            messages.success(
                request, _("Both parties have signed: the situation picture is agreed.")
            )
        else:
            messages.success(
                request, _("Signed. The picture is agreed when the other party has signed too.")
            )
    return redirect("incidents:situationpicture_detail", pk=picture.pk)


def picture_pdf(request, pk: int):
    """The agreed picture as a PDF; a draft has none (its figures depend on the reader)."""
    picture = _visible_picture(request, pk)
    if picture.status != PictureStatus.AGREED:
        raise Http404
    content = situation_picture_export_pdf(actor=request.user, picture=picture, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"lagesbild-{picture.district.slug}-{picture.period_kind}-{picture.period_start}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
