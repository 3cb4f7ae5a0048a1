"""Imports of files as reports: who may start one, running it, and the uploader's decision.

A run is an ``ImportRun`` row. The upload page creates it (``import_run_start``) and enqueues
the task after the transaction commits; the task claims the run with a conditional UPDATE
(``import_run_execute``), so that a message delivered twice runs the import once. The
command line (``import_polisen_events``) creates and runs a police import at once.

Police events are upserted in batches on (organisation, external id); a CSV is checked
whole first and written in one transaction, or stops to ask what to do about bad rows.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import IMPORT, can, organisation_ids
from accounts.choices import OrganisationKind
from accounts.models import Organisation
from accounts.services import audit_record
from core.exceptions import DomainError
from incidents.choices import ImportKind, ImportStatus
from incidents.importers import csv_reports
from incidents.importers.jsonstream import (
    JsonStreamError,
    UnpackedTooLarge,
    iter_json_list,
    open_text,
)
from incidents.importers.polisen import PoliceEventImporter
from incidents.importers.problems import describe_problem
from incidents.importers.summary import ImportSummary
from incidents.models import ImportRun

logger = logging.getLogger(__name__)

POLICE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
CSV_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# The status page polls once a second; writing progress more often only adds load.
PROGRESS_INTERVAL_SECONDS = 0.5
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)
# A run still pending after this long has lost its message; the sweep sends it again.
STALE_PENDING_AFTER = timedelta(minutes=10)

ProgressCallback = Callable[[int, int | None], None]


class ImportFileError(Exception):
    """A file that cannot be imported as a whole; ``code``/``params`` name the reason."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}
        self.run: ImportRun | None = None  # the failed run, once recorded


# Who may import what: the rules are accounts.access's; these name the organisations.


def import_organisations_for(*, user, kind: str) -> QuerySet[Organisation]:
    """The organisations for which ``user`` may import files of ``kind``."""
    return Organisation.objects.filter(
        pk__in=organisation_ids(user, IMPORT, ImportRun, kind=kind)
    ).order_by("name")


def import_organisations_for_police_events(*, user) -> QuerySet[Organisation]:
    """Police organisations in which ``user`` is an analyst or manager (in any district)."""
    return import_organisations_for(user=user, kind=ImportKind.POLICE_EVENTS)


def import_organisations_for_csv(*, user) -> QuerySet[Organisation]:
    """Organisations for which ``user`` may file reports, and so upload a CSV of them."""
    return import_organisations_for(user=user, kind=ImportKind.CSV)


def import_run_list_visible_to(*, user) -> QuerySet[ImportRun]:
    """Import runs ``user`` may read (``ImportRun.objects.visible_to``)."""
    return ImportRun.objects.visible_to(user).select_related("organisation", "started_by")


def import_run_may_decide(*, user, run: ImportRun) -> bool:
    return can(user, IMPORT, run)


# Starting, running and deciding.


@transaction.atomic
def import_run_start(*, actor, organisation: Organisation, kind: str, uploaded_file) -> ImportRun:
    """Store an uploaded file and enqueue its import; the task starts once this commits.

    Not audited here: the run's one audit entry is written when it ends, with its counts."""
    if not can(actor, IMPORT, ImportRun, kind=kind, organisation=organisation.pk):
        raise PermissionDenied(
            _("You may not import this kind of file for %(organisation)s.")
            % {"organisation": organisation}
        )
    run = ImportRun(
        kind=kind,
        organisation=organisation,
        started_by=actor,
        file_name=Path(uploaded_file.name).name[:255],
    )
    # Through the storage API, so that production may keep uploads elsewhere than on disk.
    run.file.save(Path(uploaded_file.name).name, uploaded_file, save=False)
    run.save()
    _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    transaction.on_commit(lambda: _send(run_id))


def _send(run_id: int) -> None:
    from incidents.tasks import import_run_execute_task

    try:
        import_run_execute_task.delay(run_id)
    except Exception:
        # The upload is saved and the run is pending: the sweep sends it again later. The
        # user sees "waiting for a worker" rather than an error page for a committed upload.
        logger.exception("Could not enqueue import run %s; the sweep will retry.", run_id)


def import_run_requeue_stale(*, older_than: timedelta = STALE_PENDING_AFTER) -> int:
    """Send again the runs that have waited longer than ``older_than`` for a worker (their
    message lost with a broker restart, or never sent). Harmless for a run whose message is
    merely late: whichever task comes second finds the run claimed and leaves it."""
    stale = ImportRun.objects.filter(
        status=ImportStatus.PENDING, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    run_ids = list(stale)
    for run_id in run_ids:
        _send(run_id)
    return len(run_ids)


@transaction.atomic
def import_run_decide(*, actor, run: ImportRun, import_good_rows: bool, request=None) -> ImportRun:
    """The uploader's answer to bad rows: import the good ones, or cancel the run."""
    if not import_run_may_decide(user=actor, run=run):
        raise PermissionDenied(_("You may not decide about this import."))
    waiting = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.AWAITING_DECISION)
    if import_good_rows:
        claimed = waiting.update(status=ImportStatus.PENDING, good_rows_only=True)
        if claimed:
            _enqueue(run.pk)
    else:
        claimed = waiting.update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
    if not claimed:
        raise DomainError(
            _("The import is no longer waiting for a decision."), code="import_not_waiting"
        )
    run.refresh_from_db()
    if not import_good_rows:
        _audit_finished(run, actor=actor, request=request)
    return run


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """Run a pending import; returns None when the run is gone or not pending.

    The conditional UPDATE is the claim: of two workers handed the same run, one changes
    the row and the other changes nothing and leaves.
    """
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, processed=0
    )
    if not claimed:
        logger.info("Import run %s is not pending (gone, running or finished): left alone.", run_id)
        return None
    run = ImportRun.objects.select_related("organisation", "started_by").get(pk=run_id)
    try:
        if not run.file:
            raise ImportFileError("file_missing")
        try:
            source = run.file.open("rb")
        except FileNotFoundError as exc:
            raise ImportFileError("file_missing") from exc
        _check_still_allowed(run)
        with source:
            if run.kind == ImportKind.POLICE_EVENTS:
                police_events_run(run=run, source=source)
            else:
                _csv_run(run=run, data=source.read(CSV_UPLOAD_MAX_BYTES + 1))
    except ImportFileError as exc:
        _fail(run, exc.code, exc.params)
    except Exception:
        # The run must not stay "running" for ever; the traceback goes to the log, not to
        # the page, which may be read by people who should not see internals.
        logger.exception("Import run %s failed", run_id)
        _fail(run, "unexpected", {})
    return run


def _check_still_allowed(run: ImportRun) -> None:
    # Between the upload and the run, the uploader may have lost the membership.
    user = run.started_by
    if user is None:
        return
    if not can(user, IMPORT, run):
        raise ImportFileError("not_allowed", user=user, organisation=run.organisation)


def _fail(run: ImportRun, code: str, params: dict) -> None:
    run.status = ImportStatus.FAILED
    # Also kept as a code, so the page can say it in the reader's language.
    run.message = describe_problem({"code": code, "params": params})
    run.counts = {**run.counts, "failure": {"code": code, "params": params}}
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "counts", "finished_at"])
    _audit_finished(run)


def _audit_finished(run: ImportRun, *, actor=None, request=None) -> None:
    """The one audit entry of a run, written when it ends (done, failed or cancelled)."""
    action = "import.police_events" if run.kind == ImportKind.POLICE_EVENTS else "import.csv"
    actor = actor or run.started_by
    audit_record(
        action=action,
        actor=actor,
        actor_label="" if actor else "manage.py import_polisen_events",
        target=run,
        request=request,
        details={"status": run.status, "file_name": run.file_name, **run.counts},
    )


class _Progress:
    """Writes ``processed`` (and tells ``callback``) at most every PROGRESS_INTERVAL_SECONDS."""

    def __init__(self, run: ImportRun, callback: ProgressCallback | None) -> None:
        self.run = run
        self.callback = callback
        self.last = 0.0

    def __call__(self, processed: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < PROGRESS_INTERVAL_SECONDS:
            return
        self.last = now
        ImportRun.objects.filter(pk=self.run.pk).update(processed=processed)
        self.run.processed = processed
        if self.callback is not None:
            self.callback(processed, self.run.total)


def _police_events(source: IO[bytes]):
    """The file's records, read within the limits (``TRYGG_IMPORT_MAX_UNPACKED_MB``)."""
    max_mb = settings.TRYGG_IMPORT_MAX_UNPACKED_MB
    try:
        yield from iter_json_list(open_text(source, max_bytes=max_mb * 1024 * 1024))
    except UnpackedTooLarge as exc:
        raise ImportFileError("unpacked_too_large", max=max_mb) from exc
    except JsonStreamError as exc:
        raise ImportFileError("not_a_json_list", detail=exc) from exc


def _count_police_events(source: IO[bytes]) -> int:
    """How many records the file holds, proving it one whole JSON list within the limits
    before anything is written: a truncated download, a compression bomb (the unpacked
    size) and a file of millions of tiny records (``TRYGG_IMPORT_MAX_RECORDS``) stop here,
    as soon as the limit is passed."""
    max_records = settings.TRYGG_IMPORT_MAX_RECORDS
    total = 0
    for _record in _police_events(source):
        total += 1
        if total > max_records:
            raise ImportFileError("too_many_records", max=max_records)
    return total


def police_events_run(
    *, run: ImportRun, source: IO[bytes], progress: ProgressCallback | None = None
) -> ImportSummary:
    """Import a police events file (JSON list, plain or gzipped) into a claimed ``run``."""
    # The first pass also counts the records for the progress bar.
    run.total = _count_police_events(source)
    run.save(update_fields=["total"])
    source.seek(0)
    tracker = _Progress(run, progress)
    importer = PoliceEventImporter(organisation=run.organisation)
    # A file that changed under us between the passes fails the same way.
    summary = importer.run(_police_events(source), progress=tracker)
    tracker(summary.read, final=True)
    run.status = ImportStatus.DONE
    run.counts = summary.as_counts()
    run.row_errors = summary.problems
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "row_errors", "finished_at"])
    _audit_finished(run)
    return summary


def police_events_import_file(
    *, organisation: Organisation, path: Path, progress: ProgressCallback | None = None
) -> tuple[ImportRun, ImportSummary]:
    """Import a police events file from disk (the command line): one run, one audit entry."""
    if organisation.kind != OrganisationKind.POLICE:
        raise DomainError(
            _("%(organisation)s is not a police organisation.") % {"organisation": organisation},
            code="not_police",
        )
    run = ImportRun.objects.create(
        kind=ImportKind.POLICE_EVENTS,
        organisation=organisation,
        status=ImportStatus.RUNNING,
        file_name=path.name[:255],
    )
    try:
        with path.open("rb") as source:
            summary = police_events_run(run=run, source=source, progress=progress)
    except ImportFileError as exc:
        _fail(run, exc.code, exc.params)
        exc.run = run
        raise
    except BaseException:
        _fail(run, "unexpected", {})
        raise
    return run, summary


def _csv_run(*, run: ImportRun, data: bytes) -> None:
    if len(data) > CSV_UPLOAD_MAX_BYTES:
        raise ImportFileError("too_many_rows", max=csv_reports.MAX_ROWS)
    try:
        check = csv_reports.csv_check(data, organisation=run.organisation)
    except csv_reports.CsvFileError as exc:
        raise ImportFileError(exc.code, **exc.params) from exc
    run.total = check.total
    run.processed = check.total
    counts = {"read": check.total, "good": len(check.good), "bad": len(check.bad)}

    rows = check.good
    if run.good_rows_only:
        # Exactly the rows that were good when the user decided: a row that was bad then
        # stays out even if it would pass now, and a row that has turned bad since (its
        # id imported meanwhile) sends the question back to the user.
        accepted_bad = {entry["line"] for entry in run.row_errors}
        newly_bad = [entry for entry in check.bad if entry["line"] not in accepted_bad]
        if newly_bad:
            _await_decision(run, counts, check.bad)
            return
        rows = [row for row in check.good if row.line not in accepted_bad]
        skipped = len(accepted_bad)
    elif check.bad:
        if not check.good:
            run.row_errors = check.bad
            run.counts = counts
            run.save(update_fields=["total", "processed", "row_errors", "counts"])
            raise ImportFileError("no_good_rows")
        _await_decision(run, counts, check.bad)
        return
    else:
        skipped = 0

    imported, refused, masked = csv_reports.csv_import_rows(
        rows=rows, actor=run.started_by, organisation=run.organisation
    )
    if refused:
        _await_decision(run, counts, sorted([*check.bad, *refused], key=lambda e: e["line"]))
        return
    run.status = ImportStatus.DONE
    run.counts = {
        "read": check.total,
        "imported": imported,
        "updated": 0,
        "unchanged": 0,
        "skipped": {"bad_row": skipped} if skipped else {},
        "masked_identity_numbers": masked,
    }
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "total", "processed", "counts", "finished_at"])
    _audit_finished(run)


def _await_decision(run: ImportRun, counts: dict, bad: list[dict]) -> None:
    run.status = ImportStatus.AWAITING_DECISION
    run.good_rows_only = False
    run.counts = {**counts, "good": counts["read"] - len(bad), "bad": len(bad)}
    run.row_errors = bad
    run.save(
        update_fields=["status", "good_rows_only", "total", "processed", "counts", "row_errors"]
    )


def import_run_is_finished(run: ImportRun) -> bool:
    return run.status in FINISHED
