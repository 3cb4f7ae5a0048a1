"""``manage.py replace_reports``: place every report again and rebuild the rollups.

Run it after ``load_geography`` when the geography gained something reports are placed by (the
mellanområden's polygons, a place, a gazetteer name). Safe to run twice: the second run
writes no report (and the rebuild gives the same rollups).
"""

import time

from django.core.management.base import BaseCommand

from accounts.audit_changes import process_label
from accounts.services import audit_record
from incidents.models import Report
from incidents.services.placement import DEFAULT_BATCH_SIZE, reports_place_again
from overview.services.rollup import rollup_full


class Command(BaseCommand):
    help = (
        "Place every report again from its point, place, primärområde or text (giving it its "
        "mellanområde), in batches, and rebuild the overview's rollups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Reports per transaction (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--no-rollup", action="store_true", help="Leave the rollups to the next fold."
        )

    def handle(self, *args, batch_size: int, no_rollup: bool, verbosity: int, **options):
        started = time.monotonic()
        summary = reports_place_again(batch_size=max(1, batch_size))
        placed_in = time.monotonic() - started
        audit_record(
            action="report.placed_again",
            actor_label=process_label(),
            target=Report,
            details={
                "read": summary.read,
                "changed": summary.changed,
                "with_intermediate_area": summary.with_intermediate_area,
                "kept": summary.kept,
            },
        )
        run = None if no_rollup else rollup_full()
        if verbosity < 1:
            return
        self.stdout.write(
            f"{summary.read} reports read, {summary.changed} placed anew, "
            f"{summary.with_intermediate_area} in a mellanområde, {summary.kept} kept as they "
            f"were (nothing left to place them by), in {placed_in:.1f} s."
        )
        if run is not None:
            self.stdout.write(
                f"Rollups rebuilt: {run.rows_written} rows in {run.duration.total_seconds():.1f} s."
            )
