"""The rollups equal an independent GROUP BY after every kind of write, run in this process.

The worker tests (test_rollup_worker.py) repeat the important cases through Celery.
"""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import PrimaryArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category, Report
from overview.choices import RollupKind, RollupStatus
from overview.models import ReportChange, ReportDayCount, ReportMonthCount, RollupRun
from overview.services.rollup import rollup_changes, rollup_full, rollup_sweep


@pytest.fixture
def varied_reports(make_report, geography):
    """Sixty reports over three months, every district, unplaced ones, areas and statuses."""
    rng = random.Random(5)
    categories = list(Category.objects.filter(parent__isnull=False)[:6])
    areas = {
        slug: list(PrimaryArea.objects.filter(district=d)[:3]) for slug, d in geography.items()
    }
    reports = []
    for _ in range(60):
        district = rng.choice([*geography, None])
        reports.append(
            make_report(
                district=district,
                organisation=rng.choice(["sf_centrum", "lpo_city", "bostad"]),
                confidentiality=rng.choice(list(Confidentiality)),
                category=rng.choice(categories),
                hours_ago=rng.randint(1, 24 * 90),
                severity=rng.randint(1, 4),
                status=rng.choice(list(ReportStatus)),
                source_kind=rng.choice([SourceKind.POLICE_EVENT, SourceKind.FIELD_OBSERVATION]),
                primary_area=rng.choice([None, *areas[district]]) if district else None,
            )
        )
    return reports


def test_it_folds_new_reports_into_exact_counts(varied_reports, exact):
    run = rollup_changes()
    assert run.status == RollupStatus.DONE
    assert run.changes > 0 and run.rows_written > 0 and run.duration is not None
    assert not ReportChange.objects.exists()
    exact()
    assert sum(ReportDayCount.objects.values_list("reports", flat=True)) == 60


def test_it_does_nothing_the_second_time(varied_reports, exact):
    rollup_changes()
    counts = list(ReportDayCount.objects.values_list("id", "reports", "computed_at"))
    assert rollup_changes() is None
    assert list(ReportDayCount.objects.values_list("id", "reports", "computed_at")) == counts
    assert RollupRun.objects.count() == 1
    exact()


def test_it_moves_an_edited_report_between_two_buckets(varied_reports, exact, geography):
    rollup_changes()
    report = next(r for r in varied_reports if r.district_id == geography["centrum"].pk)
    report.district = geography["hisingen"]
    report.primary_area = None
    report.category = Category.objects.get(code="klotter")
    report.occurred_at -= timedelta(days=40)
    report.status = ReportStatus.REVIEWED
    report.severity = 4
    report.save()
    assert ReportChange.objects.count() == 2  # one bucket left, one entered
    rollup_changes()
    exact()


def test_it_queues_nothing_for_an_edit_of_the_text(varied_reports):
    rollup_changes()
    Report.objects.filter(pk=varied_reports[0].pk).update(description="Annan text")
    assert not ReportChange.objects.exists()


def test_it_removes_the_buckets_of_deleted_reports(varied_reports, exact):
    rollup_changes()
    for report in varied_reports[:20]:
        report.delete()
    Report.objects.filter(pk__in=[r.pk for r in varied_reports[20:40]]).delete()
    run = rollup_changes()
    assert run.rows_deleted > 0
    exact()
    Report.objects.all().delete()
    rollup_changes()
    assert not ReportDayCount.objects.exists()
    assert not ReportMonthCount.objects.exists()


def test_it_follows_bulk_and_raw_writes(varied_reports, exact, organisations):
    rollup_changes()
    template = varied_reports[0]
    Report.objects.bulk_create(
        [
            Report(
                category=template.category,
                occurred_at=timezone.now() - timedelta(days=n),
                district=template.district,
                organisation=organisations["lpo_city"],
                source_kind=SourceKind.POLICE_EVENT,
                description="Importerad",
                severity=2,
            )
            for n in range(30)
        ]
    )
    Report.objects.filter(severity=1).update(severity=3)
    Report.objects.filter(status=ReportStatus.NEW).update(status=ReportStatus.DISMISSED)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_report SET occurred_at = occurred_at - interval '1 day' "
            "WHERE id % 3 = 0"
        )
    rollup_changes()
    exact()


def test_it_rebuilds_everything_from_the_reports(varied_reports, exact):
    rollup_changes()
    ReportDayCount.objects.update(reports=99)
    ReportMonthCount.objects.all().delete()
    run = rollup_full()
    assert run.kind == RollupKind.FULL
    assert run.reports_read == 60
    exact()


def test_it_rebuilds_a_day_that_the_fold_drove_below_zero(varied_reports, exact):
    rollup_changes()
    # The rollup lost a bucket (say, an operator deleted rows); a delete then folds below zero.
    victim = varied_reports[0]
    ReportDayCount.objects.filter(
        category=victim.category,
        organisation=victim.organisation,
        status=victim.status,
        day=timezone.localtime(victim.occurred_at).date(),
    ).delete()
    victim.delete()
    run = rollup_changes()
    assert run.days_repaired == 1
    exact()


def test_it_sweeps_away_differences_from_the_reports(varied_reports, exact):
    rollup_changes()
    # Changes a trigger could not see (written with triggers off) and a damaged rollup.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE wants no pending checks
        cursor.execute("ALTER TABLE incidents_report DISABLE TRIGGER USER")
        cursor.execute("UPDATE incidents_report SET severity = 4 WHERE id % 2 = 0")
        cursor.execute("ALTER TABLE incidents_report ENABLE TRIGGER USER")
    ReportDayCount.objects.filter(pk=ReportDayCount.objects.first().pk).update(reports=50)
    ReportMonthCount.objects.filter(pk=ReportMonthCount.objects.first().pk).delete()
    run = rollup_sweep(recent_days=120)
    assert run.kind == RollupKind.SWEEP and run.days_repaired > 0
    exact()
    again = rollup_sweep(recent_days=120)
    assert again.days_repaired == 0 and again.rows_written == 0


def test_it_empties_the_rollups_when_the_reports_are_truncated(varied_reports):
    rollup_changes()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE wants no pending checks
        cursor.execute("TRUNCATE incidents_report CASCADE")
    assert not ReportDayCount.objects.exists()
    assert not ReportChange.objects.exists()


def test_it_rolls_up_from_the_command_line(varied_reports, exact):
    call_command("rollup", verbosity=0)
    exact()
    call_command("rollup", "--full", verbosity=0)
    exact()
    call_command("rollup", "--sweep", verbosity=0)
    exact()
    assert RollupRun.objects.filter(status=RollupStatus.DONE).count() == 3


def test_it_dates_the_figures_by_the_count_runs_only(varied_reports):
    from overview.selectors.freshness import counts_computed_at, overview_freshness

    folded = rollup_changes()
    later = timezone.now() + timedelta(minutes=5)
    # A plan progress run neither brings the counts up to date nor checks them.
    RollupRun.objects.create(
        kind=RollupKind.PLANS, status=RollupStatus.DONE, started_at=later, finished_at=later
    )
    freshness = overview_freshness()
    assert counts_computed_at() == freshness.computed_at == folded.finished_at
    assert freshness.checked_at is None

    swept = rollup_sweep()
    assert overview_freshness().checked_at == swept.finished_at
