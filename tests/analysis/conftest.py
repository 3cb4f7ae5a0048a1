"""Rollup history for the alerts: day buckets written straight to ``ReportDayCount`` (the
alerts read the rollups only; the rollups are tested on their own)."""

from datetime import date, timedelta

import numpy as np
import pytest
from django.utils import timezone

from accounts.choices import Confidentiality
from analysis.models import Alert, AlertLevel
from areas.models import IntermediateArea
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category
from overview.models import ReportDayCount
from tests.api.conftest import make_api_client  # noqa: F401 - shared fixture
from tests.plans.conftest import plan, problem  # noqa: F401 - shared fixtures

WEEK = date(2026, 11, 16)
TODAY = date(2026, 11, 25)  # a Wednesday: the last complete week began on 2026-11-16
LATEST = date(2026, 11, 16)
WEEKS = 3 * 52 + 30


def write_weeks(counts, *, district, area, category, organisation, confidentiality=None,
                status=ReportStatus.NEW, end=LATEST):  # fmt: skip
    """One bucket per week (on its Wednesday) for ``counts`` ending with the week ``end``."""
    now = timezone.now()
    first = end - timedelta(weeks=len(counts) - 1)
    ReportDayCount.objects.bulk_create(
        ReportDayCount(
            day=first + timedelta(weeks=i, days=2),
            district=district,
            intermediate_area=area,
            category=category,
            source_kind=SourceKind.FIELD_OBSERVATION,
            organisation=organisation,
            confidentiality=confidentiality or Confidentiality.PARTNERSHIP,
            status=status,
            reports=int(n),
            severity_sum=3 * int(n),
            computed_at=now,
        )
        for i, n in enumerate(counts)
        if n
    )


@pytest.fixture
def main_category(db):
    return Category.objects.get(code="narkotikahandel")


@pytest.fixture
def centrum_area(centrum):
    return IntermediateArea.objects.filter(district=centrum).order_by("code").first()


@pytest.fixture
def history(centrum, hisingen, centrum_area, main_category, organisations):
    """Three and a half years of about 6 reports a week in a mellanområde of Centrum and in
    Hisingen, with a rise to 30 in Centrum's area in the last complete week."""
    rng = np.random.default_rng(42)
    counts = rng.poisson(6, WEEKS)
    counts[-1] = 30
    write_weeks(counts, district=centrum, area=centrum_area, category=main_category,
                organisation=organisations["lpo_city"])  # fmt: skip
    write_weeks(rng.poisson(6, WEEKS), district=hisingen, area=None, category=main_category,
                organisation=organisations["sf_hisingen"])  # fmt: skip
    return counts


def make_alert(district, *, area=None, week=WEEK, alarm=True, **fields):
    values = {"observed": 23, "expected": 9.0, "upper": 16.0, "score": 2.0, "p_value": 0.002}
    values |= {"method": "farrington"} | fields
    return Alert.objects.create(
        level=AlertLevel.INTERMEDIATE_AREA if area else AlertLevel.DISTRICT,
        district=district,
        intermediate_area=area,
        category=Category.objects.filter(parent__isnull=True).order_by("code").first(),
        week=week,
        alarm=alarm,
        computed_at=timezone.now(),
        **values,
    )
