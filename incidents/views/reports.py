"""Report pages: file, list (with search and CSV export), detail, review, an analyst's
corrections of place and category, my reports."""

import csv
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST

from accounts.access import CORRECT, CREATE, EXPORT, LIST, READ, REVIEW, can
from accounts.choices import Confidentiality
from accounts.services import (
    audit_confidential_reads,
    audit_record,
    audit_request_filters,
    organisation_level_ids,
)
from core.csv_export import Echo, safe_cell
from core.exceptions import DomainError
from core.forms import form_service_call
from core.pagination import InvalidCursor, capped_count, keyset_page
from incidents.choices import ReportStatus
from incidents.forms import (
    CONFIDENTIALITY_HELP,
    ReportCategoryForm,
    ReportForm,
    ReportPlacementForm,
    place_names,
)
from incidents.history import report_history
from incidents.models import Report
from incidents.selectors.density import report_density
from incidents.selectors.reports import (
    my_report_list,
    report_filterset,
    report_get,
)
from incidents.services.corrections import report_correct_category, report_correct_placement
from incidents.services.reports import (
    report_create,
    report_set_status,
)

PAGE_SIZE = 50
# The list counts its matches up to here ("More than 1,000 reports" beyond). Counting is
# reading every matching row: at 10,000 it was the list's largest SQL cost at a million
# reports (an analyst narrows the filters long before; the dashboards give exact totals).
COUNT_CAP = 1_000
RELEVANCE = "relevance"
ORDERINGS = {
    # Without a search every report matches as well as any other: newest first.
    RELEVANCE: gettext_lazy("Best match first"),
    "-occurred_at": gettext_lazy("Newest first"),
    "occurred_at": gettext_lazy("Oldest first"),
    "-severity": gettext_lazy("Most serious first"),
    "-created_at": gettext_lazy("Latest filed first"),
}


def _require_list_access(user, action=LIST) -> None:
    """The list, search and export are for analysts, managers and coordinators."""
    if not can(user, action, Report):
        raise PermissionDenied(_("The report list is for analysts and coordinators."))


class ReportCreateView(View):
    template_name = "incidents/report_form.html"

    def _context(self, form):
        return {
            "form": form,
            "place_names": place_names(),
            "confidentiality_help": CONFIDENTIALITY_HELP,
            "tile_url": settings.TRYGG_MAP_TILE_URL,
            "tile_attribution": settings.TRYGG_MAP_TILE_ATTRIBUTION,
        }

    def _check(self, request):
        if not can(request.user, CREATE, Report):
            raise PermissionDenied(_("Your role does not include filing reports."))

    def get(self, request):
        self._check(request)
        return render(request, self.template_name, self._context(ReportForm(user=request.user)))

    def post(self, request):
        self._check(request)
        form = ReportForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            written = form_service_call(
                form,
                lambda: report_create(
                    actor=request.user,
                    organisation=data["organisation"],
                    category=data["category"],
                    occurred_at=data["occurred_at"],
                    occurred_until=data["occurred_until"],
                    place=data.get("place"),
                    primary_area=data.get("primary_area"),
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    description=data["description"],
                    severity=data["severity"],
                    confidentiality=data["confidentiality"],
                    request=request,
                ),
            )
            if written is not None:
                messages.success(request, _("Thank you! The report is saved."))
                if written.masked_identity_numbers:
                    messages.warning(
                        request,
                        ngettext(
                            "The text held a personal identity number. We removed it: Trygg "
                            "records places and situations, not people.",
                            "The text held %(count)d personal identity numbers. We removed "
                            "them: Trygg records places and situations, not people.",
                            written.masked_identity_numbers,
                        )
                        % {"count": written.masked_identity_numbers},
                    )
                return redirect("incidents:report_detail", pk=written.report.pk)
        return render(request, self.template_name, self._context(form), status=422)


def _list_context(request, action=LIST):
    _require_list_access(request.user, action)
    filterset = report_filterset(user=request.user, params=request.GET)
    ordering = request.GET.get("ordering", RELEVANCE)
    if ordering not in ORDERINGS:
        ordering = RELEVANCE
    return filterset, ordering


def _page(queryset, *, ordering, relevance, ranked, cursor):
    """The page, by relevance (the most relevant first, the newest first among equals) or by
    one of the other orderings."""
    if ordering == RELEVANCE and ranked:
        return keyset_page(
            queryset.annotate(relevance=relevance),
            ordering="-relevance",
            tiebreak=("occurred_at",),
            cursor=cursor,
            size=PAGE_SIZE,
        )
    if ordering == RELEVANCE:
        ordering = "-occurred_at"
    return keyset_page(queryset, ordering=ordering, cursor=cursor, size=PAGE_SIZE)


def report_list(request):
    filterset, ordering = _list_context(request)
    queryset = filterset.qs
    count, more = capped_count(queryset, COUNT_CAP)
    relevance = filterset.relevance
    # Ranking reads and sorts every hit (no index orders by relevance), so only a search with
    # at most COUNT_CAP hits is ranked; beyond that the newest come first and the page says so.
    ranked = relevance is not None and not more
    try:
        page = _page(
            queryset,
            ordering=ordering,
            relevance=relevance,
            ranked=ranked,
            cursor=request.GET.get("cursor"),
        )
    except InvalidCursor:
        raise Http404(_("That page of the list no longer exists.")) from None
    audit_confidential_reads(
        request=request,
        model=Report,
        ids=organisation_level_ids(page.rows),
        surface="report_search" if request.GET.get("q") else "report_list",
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    next_url = None
    if page.next_cursor:
        next_params = params.copy()
        next_params["cursor"] = page.next_cursor
        next_url = f"?{next_params.urlencode()}"
    context = {
        "filterset": filterset,
        "page": page,
        "count": count,
        "count_capped": more,
        "orderings": ORDERINGS,
        "ordering": ordering,
        "too_many_to_rank": ordering == RELEVANCE and relevance is not None and not ranked,
        "next_url": next_url,
        "first_url": f"?{params.urlencode()}",
        "export_url": f"{reverse('incidents:report_export')}?{params.urlencode()}",
        "map_url": f"{reverse('incidents:report_map')}?{params.urlencode()}",
    }
    template = "incidents/report_list.html"
    if request.htmx:
        template = "incidents/partials/_report_results.html"
    return render(request, template, context)


def report_map(request):
    """The list's map (opened below its filters): its reports per square and per
    mellanområde, from the same filters over the same readable reports. Apart from the list
    so that the list costs nothing more until someone opens the map; past the list's count
    cap it asks for narrower filters rather than aggregate an unbounded set."""
    filterset, _ordering = _list_context(request)
    queryset = filterset.qs
    _count, more = capped_count(queryset, COUNT_CAP)
    density = None if more else report_density(queryset)
    context = {
        "density": density,
        "density_json": json.dumps(density.as_json(), ensure_ascii=False) if density else "",
        "count_cap": COUNT_CAP,
        "tile_url": settings.TRYGG_MAP_TILE_URL,
        "tile_attribution": settings.TRYGG_MAP_TILE_ATTRIBUTION,
    }
    template = (
        "incidents/partials/_report_map.html" if request.htmx else "incidents/report_map.html"
    )
    return render(request, template, context)


def report_export(request):
    """The filtered list as CSV, streamed in one query; every export is audited."""
    filterset, ordering = _list_context(request, EXPORT)
    if filterset.is_bound and not filterset.is_valid():
        return redirect(f"{reverse('incidents:report_list')}?{request.GET.urlencode()}")
    queryset = filterset.qs
    if ordering == RELEVANCE and filterset.relevance is not None:
        # The file holds every hit anyway: sorting them all costs little more than reading them.
        queryset = queryset.annotate(relevance=filterset.relevance).order_by(
            "-relevance", "-occurred_at", "-id"
        )
    else:
        ordering = "-occurred_at" if ordering == RELEVANCE else ordering
        queryset = queryset.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    audit_record(
        action="report.exported",
        request=request,
        target=Report,
        details={
            "filters": audit_request_filters(request),
            "format": "csv",
            # The organisation-level reports the file holds (DESIGN.md section 5).
            "ids": sorted(
                queryset.filter(confidentiality=Confidentiality.ORGANISATION)
                .order_by()
                .values_list("pk", flat=True)
            ),
        },
    )
    header = [
        _("id"),
        _("occurred at"),
        _("until"),
        _("main category"),
        _("category"),
        _("district"),
        _("place"),
        _("latitude"),
        _("longitude"),
        _("source"),
        _("organisation"),
        _("severity"),
        _("confidentiality"),
        _("status"),
        _("description"),
    ]

    def rows():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow(header)  # the BOM makes Excel read UTF-8
        for report in queryset.iterator(chunk_size=2000):
            yield writer.writerow(
                safe_cell(value)
                for value in (
                    report.pk,
                    timezone.localtime(report.occurred_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(report.occurred_until).strftime("%Y-%m-%d %H:%M")
                    if report.occurred_until
                    else "",
                    report.category.parent.name if report.category.parent_id else "",
                    report.category.name,
                    report.district.name if report.district_id else "",
                    report.place_text,
                    report.latitude,
                    report.longitude,
                    report.get_source_kind_display(),
                    report.organisation.name,
                    report.severity,
                    report.get_confidentiality_display(),
                    report.get_status_display(),
                    report.description,
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="trygg-rapporter-{stamp}.csv"'
    return response


def report_detail(request, pk: int):
    return _detail(request, report_get(user=request.user, pk=pk))


def _detail(request, report: Report, *, placement_form=None, category_form=None, status=200):
    """The report page; with a refused correction's form, its errors and what was typed."""
    if report.confidentiality == Confidentiality.ORGANISATION:
        # Reads of confidential records are audited (DESIGN.md section 5).
        audit_record(action="report.viewed", target=report, request=request)
    may_review = can(request.user, REVIEW, report)
    may_correct = can(request.user, CORRECT, report)
    sees_history = may_review or may_correct or report.reporter_id == request.user.pk
    history = report_history(report=report) if sees_history else []
    context = {
        "report": report,
        "may_review": may_review,
        "may_correct": may_correct,
        "history": history,
        "statuses": ReportStatus,
    }
    if may_correct:
        context |= {
            "placement_form": placement_form or ReportPlacementForm(),
            "category_form": category_form
            or ReportCategoryForm(initial={"category": report.category_id}),
            "place_names": place_names(),
        }
    return render(request, "incidents/report_detail.html", context, status=status)


def _report_to_correct(request, pk: int) -> Report:
    """A report the user may read (else 404) and correct (else 403)."""
    report = report_get(user=request.user, pk=pk)
    if not can(request.user, CORRECT, report):
        raise PermissionDenied(
            _("Only the district's analysts may correct a report's place or category.")
        )
    return report


@require_POST
def report_placement_correct(request, pk: int):
    """An analyst places a report by hand (``report_correct_placement``)."""
    report = _report_to_correct(request, pk)
    form = ReportPlacementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        corrected = form_service_call(
            form,
            lambda: report_correct_placement(
                actor=request.user,
                report=report,
                place=data["place"],
                primary_area=data["primary_area"],
                district=data["district"],
                request=request,
            ),
        )
        if corrected is not None:
            messages.success(
                request, _("The report is placed: %(where)s.") % {"where": _where(corrected)}
            )
            if not can(request.user, READ, corrected):
                # Handed over to a district the analyst does not read: their page is gone.
                return redirect("incidents:report_list")
            return redirect("incidents:report_detail", pk=pk)
    return _detail(request, report, placement_form=form, status=422)


@require_POST
def report_category_correct(request, pk: int):
    """An analyst corrects a report's category (``report_correct_category``)."""
    report = _report_to_correct(request, pk)
    form = ReportCategoryForm(request.POST)
    if form.is_valid():
        corrected = form_service_call(
            form,
            lambda: report_correct_category(
                actor=request.user,
                report=report,
                category=form.cleaned_data["category"],
                request=request,
            ),
        )
        if corrected is not None:
            messages.success(
                request,
                _("The category is now %(category)s.") % {"category": corrected.category},
            )
            return redirect("incidents:report_detail", pk=pk)
    return _detail(request, report, category_form=form, status=422)


def _where(report: Report) -> str:
    names = [report.place_text, report.district.name if report.district_id else ""]
    return ", ".join(name for name in names if name)


@require_POST
def report_status_change(request, pk: int):
    report = report_get(user=request.user, pk=pk)
    status = request.POST.get("status", "")
    if status not in ReportStatus.values:
        messages.error(request, _("Unknown status."))
        return redirect("incidents:report_detail", pk=pk)
    try:
        report_set_status(actor=request.user, report=report, status=status, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The report is now %(status)s.") % {"status": ReportStatus(status).label}
        )
    return redirect("incidents:report_detail", pk=pk)


def my_reports(request):
    """ "Mina rapporter": what became of what I filed."""
    queryset = my_report_list(user=request.user)
    try:
        page = keyset_page(
            queryset, ordering="-created_at", cursor=request.GET.get("cursor"), size=PAGE_SIZE
        )
    except InvalidCursor:
        raise Http404(_("That page of the list no longer exists.")) from None
    audit_confidential_reads(
        request=request, model=Report, ids=organisation_level_ids(page.rows), surface="my_reports"
    )
    next_url = f"?{urlencode({'cursor': page.next_cursor})}" if page.next_cursor else None
    return render(request, "incidents/my_reports.html", {"page": page, "next_url": next_url})
