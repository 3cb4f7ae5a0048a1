"""Retention (gallring): free text first, then the record; the overview, the plans' problems and
the audit trail as they must be; what is due, for administrators only; the settings' guard."""

import itertools
import random
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from accounts.models import AuditEvent
from areas.models import Place, PrimaryArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category, Report
from overview.exceptions import RollupBusy
from overview.models import (
    ArchivedReportCount,
    AreaMonthCount,
    ReportChange,
    ReportDayCount,
    ReportMonthCount,
)
from overview.selectors.retention import RETENTION_ACTION, retention_due
from overview.services.retention import RETENTION_LOCK, id_ranges, retention_run
from overview.services.rollup import _days_differing, rollup_changes, rollup_full
from overview.tasks import retention_task
from plans.choices import PlanStatus
from plans.models import ProblemReport
from plans.selectors.priority import _report_figures
from plans.services.problems import problem_create
from tests.overview.conftest import AREA, DAY, MONTH, stored
from tests.trygg.test_settings import PRODUCTION, run_django

YEAR = 365
_external_ids = itertools.count(1234)


@pytest.fixture
def make_old(make_report):
    """A report that happened and came in ``days`` ago (``came_in`` days ago if given)."""

    def make(days: float, *, came_in: float | None = None, **fields):
        report = make_report(hours_ago=days * 24, **fields)
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(days=days if came_in is None else came_in)
        )
        report.refresh_from_db()
        return report

    return make


def _with_free_text(**fields) -> dict:
    """A report with everything the first stage clears."""
    place = Place.objects.get(slug="brunnsparken")
    return {
        "description": "Langning vid trappan, en man i röd jacka",
        "external_id": f"K-2019-{next(_external_ids)}",
        "latitude": Decimal("57.70700"),
        "longitude": Decimal("11.96800"),
        "place": place,
        "place_text": place.name,
        "primary_area": place.primary_area,
        **fields,
    }


@pytest.fixture
def unplanned_problem(centrum, social_centrum):
    written, _links = problem_create(
        actor=social_centrum,
        district=centrum,
        title="Klotter vid skolan",
        situation="Klotter på helgerna.",
        places=[],
        influence=3,
        influence_reason="Går att påverka.",
    )
    return written.obj


@pytest.fixture
def ages(make_old, social_centrum, problem, agreed_plan, unplanned_problem):
    """Reports of every age and hold; ``problem`` is addressed by ``agreed_plan`` (in force)."""
    made = {
        "fresh": make_old(10, **_with_free_text()),
        "two_years": make_old(2 * YEAR, reporter=social_centrum, **_with_free_text()),
        "four_years": make_old(4 * YEAR, reporter=social_centrum, **_with_free_text()),
        "imported_lately": make_old(4 * YEAR, came_in=10, **_with_free_text()),
        "six_years": make_old(6 * YEAR, reporter=social_centrum, **_with_free_text()),
        "six_years_unlinked": make_old(6 * YEAR, **_with_free_text()),
        "six_years_for_problem": make_old(6 * YEAR, **_with_free_text()),
        "four_years_for_plan": make_old(4 * YEAR, **_with_free_text()),
        "six_years_for_plan": make_old(6 * YEAR, **_with_free_text()),
    }
    for key, linked_to in (
        ("six_years_for_problem", unplanned_problem),
        ("four_years_for_plan", problem),
        ("six_years_for_plan", problem),
    ):
        ProblemReport.objects.create(problem=linked_to, report=made[key])
    return made


def _free_text(report: Report) -> tuple:
    report.refresh_from_db()
    return (
        report.description,
        report.external_id,
        report.reporter_id,
        report.latitude,
        report.longitude,
        report.place_id,
        report.place_text,
    )


CLEARED = ("", "", None, None, None, None, "")


def test_it_clears_the_free_text_first_and_deletes_the_report_after(ages):
    counted_before = {
        key: (r.occurred_at, r.primary_area_id, r.category_id, r.severity, r.status)
        for key, r in ages.items()
    }

    result = retention_run()

    assert sorted(result.deleted) == sorted([ages["six_years"].pk, ages["six_years_unlinked"].pk])
    assert not Report.objects.filter(pk__in=result.deleted).exists()
    assert sorted(result.thinned) == sorted(
        [ages["four_years"].pk, ages["six_years_for_problem"].pk]
    )
    for key in ("four_years", "six_years_for_problem"):
        assert _free_text(ages[key]) == CLEARED
        report = ages[key]
        # What the figures count stays.
        assert (
            report.occurred_at,
            report.primary_area_id,
            report.category_id,
            report.severity,
            report.status,
        ) == counted_before[key]
        assert report.district.slug == "centrum"
    for key in (
        "fresh",
        "two_years",
        "imported_lately",
        "four_years_for_plan",
        "six_years_for_plan",
    ):
        assert _free_text(ages[key])[0] == "Langning vid trappan, en man i röd jacka", key
        assert _free_text(ages[key])[1].startswith("K-2019-"), key


def test_it_thins_what_a_plan_held_once_the_plan_closes(ages, agreed_plan):
    retention_run()
    agreed_plan.status = PlanStatus.CLOSED
    agreed_plan.save(update_fields=["status"])

    result = retention_run()

    assert sorted(result.thinned) == sorted(
        [ages["four_years_for_plan"].pk, ages["six_years_for_plan"].pk]
    )
    # Still linked to its problem: it stays, without its free text, until someone unlinks it.
    assert result.deleted == []
    assert _free_text(ages["six_years_for_plan"]) == CLEARED
    ProblemReport.objects.filter(report=ages["six_years_for_plan"]).delete()
    assert retention_run().deleted == [ages["six_years_for_plan"].pk]


def test_it_changes_nothing_more_the_second_time(ages):
    retention_run()
    rollup_changes()
    reports = list(Report.objects.order_by("pk").values())
    archived = list(ArchivedReportCount.objects.order_by("pk").values())

    second = retention_run()

    assert second.thinned == [] and second.deleted == []
    assert list(Report.objects.order_by("pk").values()) == reports
    assert list(ArchivedReportCount.objects.order_by("pk").values()) == archived
    assert not ReportChange.objects.exists()


def _all_rollups() -> tuple:
    return (
        stored(ReportDayCount, DAY),
        stored(ReportMonthCount, MONTH),
        stored(AreaMonthCount, AREA),
    )


@pytest.fixture
def old_and_new(make_old, geography, problem):
    """Eighty reports from seven years ago to now over every dimension of the rollups, many
    sharing a bucket; some of the old ones linked to a problem (they stay in their bucket
    beside deleted ones)."""
    rng = random.Random(9)
    categories = list(Category.objects.filter(parent__isnull=False)[:3])
    areas = {
        slug: list(PrimaryArea.objects.filter(district=d)[:2]) for slug, d in geography.items()
    }
    days_ago = [7 * YEAR + 3, 6 * YEAR, 5 * YEAR + 40, 4 * YEAR, 3 * YEAR + 1, 30, 2]
    made = []
    for _ in range(80):
        district = rng.choice([*geography, None])
        made.append(
            make_old(
                rng.choice(days_ago) + rng.random() / 4,
                district=district,
                organisation=rng.choice(["sf_centrum", "lpo_city"]),
                confidentiality=rng.choice(list(Confidentiality)),
                category=rng.choice(categories),
                severity=rng.randint(1, 4),
                status=rng.choice(list(ReportStatus)),
                source_kind=rng.choice([SourceKind.POLICE_EVENT, SourceKind.FIELD_OBSERVATION]),
                primary_area=rng.choice([None, *areas[district]]) if district else None,
            )
        )
    for report in rng.sample(made, 12):
        ProblemReport.objects.create(problem=problem, report=report)
    return made


def _no_day_differs() -> bool:
    """What the sweep checks, over the whole history: the day rollup against the reports."""
    first = timezone.localdate() - timedelta(days=8 * YEAR)
    with connection.cursor() as cursor:
        return _days_differing(cursor, first, timezone.localdate() + timedelta(days=2)) == []


def test_it_keeps_the_rollups_exact_through_the_fold_the_sweep_and_a_full_rebuild(old_and_new):
    rollup_changes()
    before = _all_rollups()
    assert _no_day_differs()

    # Small runs, so that a bucket is archived in two runs (the archive's upsert adds).
    for _ in range(4):
        retention_run(per_run=9)
    assert Report.objects.count() < len(old_and_new) - 20
    assert ArchivedReportCount.objects.count() > 0

    rollup_changes()
    assert _all_rollups() == before
    assert not ReportChange.objects.exists()
    assert _no_day_differs()

    rollup_full()
    assert _all_rollups() == before

    # A lost day of a deleted report is repaired from the archive, as the sweep does.
    archived_day = ArchivedReportCount.objects.values_list("day", flat=True).first()
    ReportDayCount.objects.filter(day=archived_day).delete()
    assert not _no_day_differs()
    rollup_full()
    assert _all_rollups() == before


def test_it_keeps_the_figures_of_the_plans_problems(ages, problem, unplanned_problem):
    as_of = (timezone.now() - timedelta(days=6 * YEAR - 30)).date()
    before = _report_figures([problem.pk, unplanned_problem.pk], as_of)
    links = ProblemReport.objects.count()

    retention_run()
    ages["six_years_for_plan"].refresh_from_db()

    assert _report_figures([problem.pk, unplanned_problem.pk], as_of) == before
    assert before[unplanned_problem.pk]["year"] == 1
    assert ProblemReport.objects.count() == links


def test_it_records_each_run_in_the_audit_trail(ages):
    first = retention_run()
    second = retention_run()

    events = list(AuditEvent.objects.filter(action=RETENTION_ACTION).order_by("id"))
    assert len(events) == 2
    event = events[0]
    assert event.actor is None and event.actor_label == "gallring (overview.retention)"
    assert event.details["thinned"] == 2
    assert event.details["deleted"] == 2
    assert event.details["thinned_ids"] == id_ranges(first.thinned)
    assert event.details["deleted_ids"] == id_ranges(first.deleted)
    assert event.details["thin_before"] == first.cutoffs.thin_before.isoformat()
    # Ids and counts, never the text it cleared.
    assert "Langning" not in str(event.details)
    assert events[1].details["thinned"] == events[1].details["deleted"] == 0
    assert second.thinned == []


def test_it_writes_id_ranges():
    assert id_ranges([7, 3, 4, 5, 9, 10]) == [[3, 5], [7, 7], [9, 10]]
    assert id_ranges([]) == []


def test_it_runs_as_the_scheduled_task(ages, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-retention"]
    assert entry["task"] == retention_task.name == "overview.retention"
    assert entry["options"]["expires"] < 24 * 3600

    retention_task.apply().get()

    assert not Report.objects.filter(pk=ages["six_years"].pk).exists()
    assert AuditEvent.objects.filter(action=RETENTION_ACTION).count() == 1


def test_it_leaves_the_work_to_a_run_that_holds_the_lock(ages):
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", RETENTION_LOCK)
        with pytest.raises(RollupBusy):
            retention_run()
        retention_task.apply().get()  # the task logs and returns
    finally:
        other.close()
    assert Report.objects.filter(pk=ages["six_years"].pk).exists()
    assert not AuditEvent.objects.filter(action=RETENTION_ACTION).exists()


def test_it_shows_an_administrator_what_the_next_run_takes(client, administrator, ages):
    client.force_login(administrator)

    response = client.get(reverse("overview:retention"))

    assert response.status_code == 200
    html = response.content.decode()
    thin = html[html.index('id="retention-thin"') :]
    delete = html[html.index('id="retention-delete"') :]
    assert 'data-due="2"' in thin[: thin.index("</tr>")]  # four_years, six_years_for_problem
    assert 'data-kept="2"' in thin[: thin.index("</tr>")]  # the two held by the plan
    assert 'data-due="2"' in delete[: delete.index("</tr>")]
    assert 'data-kept="2"' in delete[: delete.index("</tr>")]  # linked to problems
    assert "Gallring" in html
    # Counts only: nothing of the reports themselves.
    assert "Langning" not in html and "K-2019-" not in html
    assert reverse("overview:retention") in client.get("/").content.decode()


def test_it_takes_at_the_next_run_what_the_page_said(ages):
    due = retention_due()

    result = retention_run(now=due.next_run_at)

    assert len(result.thinned) == due.thin.due
    assert len(result.deleted) == due.delete.due
    assert retention_due().last_run.details["deleted"] == due.delete.due


@pytest.mark.parametrize("who", ["social_centrum", "coordinator", "manager_police_centrum"])
def test_it_shows_what_is_due_to_no_one_but_administrators(client, request, who, ages):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(reverse("overview:retention")).status_code == 403
    assert reverse("overview:retention") not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "TRYGG_RETENTION_THIN_AFTER_DAYS": "1500",
                "TRYGG_RETENTION_DELETE_AFTER_DAYS": "1000",
            },
            "TRYGG_RETENTION_DELETE_AFTER_DAYS=1000 must be at least "
            "TRYGG_RETENTION_THIN_AFTER_DAYS=1500",
        ),
        ({"TRYGG_RETENTION_DELETE_AFTER_DAYS": "1000"}, "must be at least"),
        ({"TRYGG_RETENTION_THIN_AFTER_DAYS": "36"}, "is below the minimum 365"),
        ({"TRYGG_RETENTION_HOUR": "25"}, "TRYGG_RETENTION_HOUR=25 is above the maximum 23"),
    ],
)
def test_it_refuses_ages_out_of_order_or_too_short(change, message):
    result = run_django(PRODUCTION | change, "check")
    assert result.returncode != 0
    assert message in result.stderr
