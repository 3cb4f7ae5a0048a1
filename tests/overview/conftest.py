"""The overview's fixtures, and the independent GROUP BY that every rollup test compares with.

``expected_*`` count the reports with the ORM (Django's own TruncDate/TruncMonth in the
portal's time zone), not with the rollup's SQL, so a mistake in one does not hide in both.
"""

from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth

from incidents.models import Report
from incidents.selectors.situation import COUNTED_STATUSES
from overview.models import AreaMonthCount, ReportDayCount, ReportMonthCount
from tests.incidents.conftest import category, make_report  # noqa: F401 - shared fixtures
from tests.plans.conftest import agreed_plan, measure, plan, problem  # noqa: F401 - the same

DAY = (
    "day",
    "district_id",
    "intermediate_area_id",
    "primary_area_id",
    "category_id",
    "source_kind",
    "organisation_id",
    "confidentiality",
    "status",
)
MONTH = ("month", "district_id", "category_id", "source_kind", "organisation_id", "confidentiality")
AREA = (
    "month",
    "district_id",
    "intermediate_area_id",
    "primary_area_id",
    "organisation_id",
    "confidentiality",
)


def _local():
    return ZoneInfo(settings.TIME_ZONE)


def _rows(queryset, key) -> dict:
    return {tuple(row[name] for name in key): (row["n"], row["s"]) for row in queryset}


def expected_days() -> dict:
    reports = Report.objects.order_by().annotate(day=TruncDate("occurred_at", tzinfo=_local()))
    return _rows(reports.values(*DAY).annotate(n=Count("id"), s=Sum("severity")), DAY)


def expected_months() -> dict:
    reports = (
        Report.objects.order_by()
        .filter(status__in=COUNTED_STATUSES)
        .annotate(month=TruncMonth("occurred_at", tzinfo=_local()))
    )
    rows = _rows(reports.values(*MONTH).annotate(n=Count("id"), s=Sum("severity")), MONTH)
    return {(key[0].date(), *key[1:]): value for key, value in rows.items()}


def expected_areas() -> dict:
    reports = (
        Report.objects.order_by()
        .filter(status__in=COUNTED_STATUSES)
        .filter(Q(intermediate_area__isnull=False) | Q(primary_area__isnull=False))
        .annotate(month=TruncMonth("occurred_at", tzinfo=_local()))
    )
    rows = _rows(reports.values(*AREA).annotate(n=Count("id"), s=Sum("severity")), AREA)
    return {(key[0].date(), *key[1:]): value for key, value in rows.items()}


def stored(model, key) -> dict:
    return {
        tuple(row[name] for name in key): (row["reports"], row["severity_sum"])
        for row in model.objects.order_by().values(*key, "reports", "severity_sum")
    }


def assert_rollups_exact() -> None:
    """The three rollup tables equal a GROUP BY over the reports, bucket for bucket."""
    assert stored(ReportDayCount, DAY) == expected_days()
    assert stored(ReportMonthCount, MONTH) == expected_months()
    assert stored(AreaMonthCount, AREA) == expected_areas()


@pytest.fixture
def exact():
    return assert_rollups_exact
