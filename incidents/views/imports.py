"""Import pages: the list of runs, the two upload forms, a run's status and the decision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core.exceptions import DomainError
from incidents.choices import ImportKind, ImportStatus
from incidents.forms_imports import ImportUploadForm
from incidents.importers import csv_reports
from incidents.importers.problems import describe_problem
from incidents.models import Category
from incidents.services.imports import (
    import_organisations_for,
    import_organisations_for_csv,
    import_organisations_for_police_events,
    import_run_decide,
    import_run_is_finished,
    import_run_list_visible_to,
    import_run_may_decide,
    import_run_start,
)

# The most bad rows the page lists; the count says how many there are in all.
PROBLEMS_SHOWN = 200
SKIP_REASONS = {
    "not_goteborg": gettext_lazy("Not in Göteborg"),
    "bundle_type": gettext_lazy("Summaries and updates (several incidents in one)"),
    "bad_record": gettext_lazy("Records that could not be read"),
    "bad_row": gettext_lazy("Bad rows left out"),
}
DENIED = {
    ImportKind.POLICE_EVENTS: gettext_lazy(
        "Only analysts and managers of a police organisation may import police events."
    ),
    ImportKind.CSV: gettext_lazy(
        "Only members who may file reports (reporters, analysts and managers) may import "
        "reports from a CSV file."
    ),
}


def _denied(request, message):
    return render(request, "incidents/import_denied.html", {"message": message}, status=403)


class ImportRunListView(ListView):
    """The import runs of the user's organisations, newest first."""

    template_name = "incidents/import_list.html"
    context_object_name = "runs"
    paginate_by = 25

    def get_queryset(self):
        return import_run_list_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_import_police"] = import_organisations_for_police_events(user=user).exists()
        context["may_import_csv"] = import_organisations_for_csv(user=user).exists()
        return context


class ImportCreateView(View):
    """Upload a file for import; the import itself runs in a worker."""

    kind: str
    template_name = "incidents/import_upload.html"

    def dispatch(self, request, *args, **kwargs):
        self.organisations = import_organisations_for(user=request.user, kind=self.kind)
        if not self.organisations.exists():
            return _denied(request, DENIED[self.kind])
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None, files=None):
        return ImportUploadForm(
            data,
            files,
            kind=self.kind,
            organisations=self.organisations,
            initial={"organisation": self.organisations.first()},
        )

    def _render(self, request, form, status=200):
        context = {"form": form, "kind": self.kind, "ImportKind": ImportKind}
        if self.kind == ImportKind.CSV:
            context["csv_columns"] = csv_reports.COLUMNS
            context["csv_required"] = csv_reports.REQUIRED_COLUMNS
            context["csv_max_rows"] = csv_reports.MAX_ROWS
            context["categories"] = (
                Category.objects.filter(is_active=True, parent__isnull=False)
                .select_related("parent")
                .order_by("parent__name", "name")
            )
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, self._form())

    def post(self, request):
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            run = import_run_start(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                kind=self.kind,
                uploaded_file=form.cleaned_data["file"],
            )
        except PermissionDenied:
            return _denied(request, DENIED[self.kind])
        messages.success(request, _("The file was received; the import has started."))
        return redirect("incidents:import_run_detail", pk=run.pk)


class PoliceImportCreateView(ImportCreateView):
    kind = ImportKind.POLICE_EVENTS


class CsvImportCreateView(ImportCreateView):
    kind = ImportKind.CSV


def _problem_rows(row_errors: list[dict]) -> list[dict]:
    return [
        {
            "line": entry.get("line"),
            "record": entry.get("record"),
            "external_id": entry.get("external_id", ""),
            "messages": [describe_problem(p) for p in entry.get("problems", [])],
        }
        for entry in row_errors[:PROBLEMS_SHOWN]
    ]


def status_context(request, run) -> dict:
    """What the status page and its polled partial show."""
    counts = run.counts or {}
    failure = counts.get("failure")
    percent = None
    if run.total:
        percent = min(100, run.processed * 100 // run.total)
    finished = import_run_is_finished(run)
    return {
        "run": run,
        "finished": finished,
        "polling": run.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
        "awaiting_decision": run.status == ImportStatus.AWAITING_DECISION,
        "percent": percent,
        "counts": counts,
        "skipped": [
            (SKIP_REASONS.get(reason, reason), count)
            for reason, count in (counts.get("skipped") or {}).items()
        ],
        "unknown_types": list((counts.get("unknown_types") or {}).items()),
        "failure_message": describe_problem(failure) if failure else run.message,
        "problems": _problem_rows(run.row_errors or []),
        "problems_more": max(0, len(run.row_errors or []) - PROBLEMS_SHOWN),
        "may_decide": run.status == ImportStatus.AWAITING_DECISION
        and import_run_may_decide(user=request.user, run=run),
        # The screen reader hears the status when it changes, not at every poll.
        "announce": bool(request.htmx) and request.GET.get("shown") != run.status,
    }


class ImportRunDetailView(View):
    """A run's status; htmx polls it for the partial while the run is pending or running."""

    def get(self, request, pk):
        run = get_object_or_404(import_run_list_visible_to(user=request.user), pk=pk)
        context = status_context(request, run)
        if request.htmx:
            return render(request, "incidents/partials/_import_status.html", context)
        return render(request, "incidents/import_detail.html", context)


class ImportRunDecideView(View):
    """The uploader's answer to bad rows: import the good ones, or cancel."""

    def post(self, request, pk):
        run = get_object_or_404(import_run_list_visible_to(user=request.user), pk=pk)
        decision = request.POST.get("decision")
        if decision not in ("import_good_rows", "cancel"):
            messages.error(request, _("Choose to import the good rows or to cancel."))
            return redirect("incidents:import_run_detail", pk=run.pk)
        try:
            import_run_decide(
                actor=request.user,
                run=run,
                import_good_rows=decision == "import_good_rows",
                request=request,
            )
        except PermissionDenied:
            return _denied(request, DENIED[run.kind])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("incidents:import_run_detail", pk=run.pk)
        if decision == "cancel":
            messages.info(request, _("The import was cancelled; nothing was imported."))
        else:
            messages.success(request, _("The good rows are being imported."))
        return redirect("incidents:import_run_detail", pk=run.pk)
