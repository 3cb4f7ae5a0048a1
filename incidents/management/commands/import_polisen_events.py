"""``manage.py import_polisen_events FILE [FILE…] --organisation SLUG``."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from core.exceptions import DomainError
from incidents.services.imports import ImportFileError, police_events_import_file

PROGRESS_EVERY_SECONDS = 2.0


class Command(BaseCommand):
    help = (
        "Import events of the Police's public events feed (a JSON list, plain or .json.gz) as "
        "reports of a police organisation. Only events in Göteborg are kept; summaries and "
        "updates are skipped. Safe to repeat: events are matched on the police id, so a second "
        "import updates what changed and creates nothing twice. Each file is one import run "
        "with one audit entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--organisation",
            required=True,
            metavar="SLUG",
            help="The police organisation that owns the imported reports.",
        )

    def handle(self, *args, files: list[Path], organisation: str, verbosity: int, **options):
        try:
            owner = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with the slug {organisation!r}.") from exc
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")

        failed = 0
        for path in files:
            if verbosity >= 1:
                self.stdout.write(f"{path.name}: reading …")
            try:
                run, summary = police_events_import_file(
                    organisation=owner, path=path, progress=self._progress(path, verbosity)
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            except ImportFileError as exc:
                failed += 1
                self.stderr.write(f"{path.name}: not imported: {exc.run.message}")
                continue
            if verbosity >= 1:
                self.stdout.write(f"{path.name} (import run {run.pk}):")
                for line in summary.lines():
                    self.stdout.write(f"  {line}")
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path.name}: {summary.imported} imported, {summary.updated} updated, "
                        f"{summary.unchanged} unchanged of {summary.read} read."
                    )
                )
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be imported.")

    def _progress(self, path: Path, verbosity: int):
        last = {"at": 0.0}

        def report(processed: int, total: int | None) -> None:
            now = time.monotonic()
            if verbosity < 1 or (now - last["at"] < PROGRESS_EVERY_SECONDS and processed != total):
                return
            last["at"] = now
            share = f" ({processed / total:.0%})" if total else ""
            self.stdout.write(f"  {path.name}: {processed} of {total} records{share}")

        return report
