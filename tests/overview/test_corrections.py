"""A manual placement or category correction updates the overview exactly: the rollups equal
an independent GROUP BY over the reports after it, and every viewer's figures from the
rollups equal a GROUP BY over the reports that viewer may read. In this process, and through
a real Celery worker woken by the report page's POST."""

import random

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import PrimaryArea
from incidents.choices import PlacedBy, ReportStatus, SourceKind
from incidents.models import Category, Report
from incidents.selectors.situation import COUNTED_STATUSES
from incidents.services.corrections import report_correct_category, report_correct_placement
from overview.models import ReportChange
from overview.selectors.counts import aggregate_district_ids, overview_counts
from overview.services.rollup import rollup_changes
from tests.overview.conftest import assert_rollups_exact
from tests.overview.test_rollup_worker import wait_until_folded
from tests.workers import WorkerProcess


@pytest.fixture
def city(make_report, geography):
    """Forty reports this month in Centrum and Hisingen and unplaced, of three
    organisations, at both levels, some with a primary area, some dismissed."""
    rng = random.Random(11)
    categories = list(Category.objects.filter(parent__isnull=False)[:5])
    areas = {
        slug: list(PrimaryArea.objects.filter(district__slug=slug)[:3])
        for slug in ("centrum", "hisingen")
    }
    reports = []
    for _ in range(40):
        district = rng.choice(["centrum", "hisingen", None])
        reports.append(
            make_report(
                district=district,
                organisation=rng.choice(["sf_centrum", "lpo_city", "sf_hisingen"]),
                confidentiality=rng.choice(list(Confidentiality)),
                category=rng.choice(categories),
                severity=rng.randint(1, 4),
                status=rng.choice([ReportStatus.NEW, ReportStatus.NEW, ReportStatus.DISMISSED]),
                source_kind=rng.choice([SourceKind.POLICE_EVENT, SourceKind.FIELD_OBSERVATION]),
                primary_area=rng.choice([None, *areas[district]]) if district else None,
            )
        )
    rollup_changes()
    return reports


def _from_rollups(user, by):
    today = timezone.localdate()
    rows = overview_counts(user=user, grain="month", start=today, end=today, by=by)
    key = {"district": "district", "primary_area": "primary_area", "category": "category"}
    return {
        tuple(getattr(row, key[name]) for name in by): (row.reports, row.severity_sum)
        for row in rows
    }


def _group_by(user, by):
    """The same figures counted from the reports the viewer may read, with the ORM, within
    the districts whose aggregates they see (all, and the unplaced, for a coordinator)."""
    today = timezone.localdate()
    fields = {
        "district": "district__slug",
        "primary_area": "primary_area__code",
        "category": "category__code",
    }
    reports = Report.objects.visible_to(user).filter(
        status__in=COUNTED_STATUSES,
        occurred_at__year=today.year,
        occurred_at__month=today.month,
    )
    reach = aggregate_district_ids(user)
    if reach is not None:
        reports = reports.filter(district__in=reach)
    rows = (
        reports.order_by()
        .values(*(fields[name] for name in by))
        .annotate(n=Count("id"), s=Sum("severity"))
    )
    return {tuple(row[fields[name]] for name in by): (row["n"], row["s"]) for row in rows}


GROUPINGS = [("district",), ("district", "primary_area"), ("district", "category")]


def _assert_overview_exact(viewers):
    assert_rollups_exact()
    for user in viewers:
        for by in GROUPINGS:
            assert _from_rollups(user, by) == _group_by(user, by), (user, by)


def test_a_manual_placement_and_a_category_correction_update_the_overview_exactly(
    city, police_centrum, social_centrum, social_hisingen, coordinator, geography
):
    viewers = (police_centrum, social_centrum, social_hisingen, coordinator)
    _assert_overview_exact(viewers)
    centrum_area = PrimaryArea.objects.filter(district=geography["centrum"]).last()
    hisingen_area = PrimaryArea.objects.filter(district=geography["hisingen"]).last()
    klotter = Category.objects.get(code="klotter")

    # Police analyst of Centrum: the police's unplaced reports into a Centrum primary area,
    # Centrum's readable ones handed over to Hisingen, and their categories corrected.
    police_unplaced = [
        r for r in city if r.district_id is None and r.organisation.slug == "lpo-city"
    ]
    centrum_readable = [
        r
        for r in city
        if r.district_id == geography["centrum"].pk
        and (r.confidentiality == Confidentiality.PARTNERSHIP or r.organisation.slug == "lpo-city")
    ]
    assert police_unplaced and centrum_readable
    areas_before = _from_rollups(police_centrum, ("district", "primary_area"))
    for report in police_unplaced:
        report_correct_placement(actor=police_centrum, report=report, primary_area=centrum_area)
    for report in centrum_readable[:4]:
        report_correct_category(actor=police_centrum, report=report, category=klotter)
        report_correct_placement(actor=police_centrum, report=report, primary_area=hisingen_area)
    assert Report.objects.filter(placed_by=PlacedBy.MANUAL).count() == len(police_unplaced) + 4
    assert ReportChange.objects.exists()

    run = rollup_changes()
    assert run is not None and not ReportChange.objects.exists()
    _assert_overview_exact(viewers)
    # The police's formerly unplaced reports that count (not dismissed) are now counted
    # under the Centrum primary area, and no longer under "no district".
    counted = [r for r in police_unplaced if r.status in COUNTED_STATUSES]
    areas = _from_rollups(police_centrum, ("district", "primary_area"))
    centrum_key = ("centrum", centrum_area.code)
    assert areas.get(centrum_key, (0, 0))[0] == areas_before.get(centrum_key, (0, 0))[0] + len(
        counted
    ) - sum(
        1
        for r in centrum_readable[:4]
        if r.primary_area_id == centrum_area.pk and r.status in COUNTED_STATUSES
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_placement_on_the_report_page_reaches_the_overview_through_the_worker(
    client, make_report, social_centrum, coordinator, geography
):
    area = PrimaryArea.objects.filter(district=geography["centrum"]).first()
    unplaced = [make_report(district=None) for _ in range(3)]
    shared = make_report(organisation="lpo_city")
    rollup_changes()
    worker = WorkerProcess("corrections").start()
    try:
        client.force_login(social_centrum)
        for report in unplaced:
            response = client.post(
                reverse("incidents:report_placement_correct", args=[report.pk]),
                {"place_name": area.name, "district": ""},
            )
            assert response.status_code == 302
        response = client.post(
            reverse("incidents:report_category_correct", args=[shared.pk]),
            {"category": Category.objects.get(code="klotter").pk},
        )
        assert response.status_code == 302
        wait_until_folded()
        _assert_overview_exact((social_centrum, coordinator))
        by_area = _from_rollups(social_centrum, ("district", "primary_area"))
        assert by_area[("centrum", area.code)][0] == 3
        by_category = _from_rollups(coordinator, ("category",))
        assert by_category[("klotter",)][0] == 1
    finally:
        worker.stop()
