"""``manage.py load_geography``: load Gothenburg's geography from the files in areas/data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from areas.services import DATA_DIR, GeographyDataError, Outcome, geography_load


class Command(BaseCommand):
    help = (
        "Load the districts (stadsområden), mellanområden, primärområden, local police areas, "
        "places and vulnerable areas from the data files. Safe to run at every start: it adds "
        "what is missing and leaves existing rows, which administrators may have corrected, "
        "alone unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help=f"Folder with the data files (default: {DATA_DIR}).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Make existing rows match the files again, undoing corrections made in the admin.",
        )

    def handle(self, *args, data_dir: Path, overwrite: bool, verbosity: int, **options):
        try:
            summary = geography_load(data_dir=data_dir, overwrite=overwrite)
        except GeographyDataError as exc:
            # Nothing was written: the load runs in one transaction.
            raise CommandError(f"Geography not loaded: {exc}") from exc
        if verbosity < 1:
            return
        for line in summary.lines():
            self.stdout.write(line)
        kept = summary.total(Outcome.KEPT)
        if kept:
            self.stdout.write(
                f"{kept} existing rows differ from the files and were kept as they are; "
                "use --overwrite to replace them."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Geography loaded: {summary.total(Outcome.CREATED)} created, "
                f"{summary.total(Outcome.UPDATED)} updated."
            )
        )
