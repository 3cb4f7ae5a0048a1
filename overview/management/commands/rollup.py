"""Roll reports up for the overview by hand: fold the queued changes (default), sweep, or
rebuild everything (``--full``). Waits for a running rollup job rather than failing."""

from django.core.management.base import BaseCommand

from overview.services.rollup import rollup_changes, rollup_full, rollup_sweep


class Command(BaseCommand):
    help = (
        "Roll reports up for the overview: fold the queued changes, or --sweep (check against "
        "the reports and repair), or --full (rebuild everything from the reports)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--full", action="store_true", help="Rebuild every rollup.")
        which.add_argument(
            "--sweep", action="store_true", help="Check the recent weeks and repair."
        )

    def handle(self, *args, **options):
        if options["full"]:
            run = rollup_full()
        elif options["sweep"]:
            run = rollup_sweep(wait=True)
        else:
            run = rollup_changes(wait=True)
        if not options["verbosity"]:
            return
        if run is None:
            self.stdout.write("Nothing to fold: the rollups were up to date.")
            return
        self.stdout.write(
            f"{run.get_kind_display()}: {run.changes} changes folded, "
            f"{run.rows_written} rows written, {run.rows_deleted} deleted, "
            f"{run.days_repaired} days repaired, in {run.duration.total_seconds():.2f} s."
        )
