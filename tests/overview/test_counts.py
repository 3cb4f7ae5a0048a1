"""overview_counts: the aggregate rows the API exposes, as each viewer may see them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.choices import Confidentiality
from areas.models import PrimaryArea
from core.exceptions import DomainError
from incidents.choices import ReportStatus, SourceKind
from incidents.models import Category
from overview.selectors.counts import Figure, overview_counts
from overview.services.rollup import rollup_changes


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def counted(make_report, geography):
    """In Centrum today: 4 partnership reports (narkotikahandel) and 2 police-only (våld),
    one in a primärområde; in Hisingen 1; unplaced 1; one dismissed (not counted)."""
    area = PrimaryArea.objects.filter(district=geography["centrum"]).first()
    for n in range(4):
        make_report(primary_area=area if n == 0 else None)
    for _ in range(2):
        make_report(
            organisation="lpo_city",
            confidentiality=Confidentiality.ORGANISATION,
            category=Category.objects.get(code="vald"),
            source_kind=SourceKind.POLICE_EVENT,
        )
    make_report(district="hisingen", organisation="sf_hisingen")
    make_report(district=None)
    make_report(status=ReportStatus.DISMISSED)
    rollup_changes()
    return area


def _by(rows, field):
    return {getattr(row, field): row for row in rows}


def test_it_counts_per_district_for_a_coordinator(coordinator, counted, today):
    rows = overview_counts(user=coordinator, grain="day", start=today, end=today)
    by_district = _by(rows, "district")
    # The coordinator reads the 4 partnership reports, not the police's 2 organisation-level.
    assert by_district["centrum"].reports == 4
    assert by_district["hisingen"].reports == 1
    assert by_district[None].reports == 1  # unplaced, for coordinators only
    assert all(row.period_start == today for row in rows)


def test_it_keeps_others_to_their_own_districts(social_centrum, counted, today, geography):
    rows = overview_counts(user=social_centrum, grain="month", start=today, end=today)
    assert [row.district for row in rows] == ["centrum"]
    with pytest.raises(PermissionDenied):
        overview_counts(
            user=social_centrum,
            grain="month",
            start=today,
            end=today,
            district=geography["hisingen"],
        )


def test_it_counts_only_what_the_viewer_may_read(social_centrum, police_centrum, counted, today):
    def by_category(user):
        rows = overview_counts(user=user, grain="month", start=today, end=today, by=("category",))
        return _by(rows, "category")

    # Social services may not read the police's two violence reports: no row at all, not
    # even a zero that would say such reports exist.
    hidden = by_category(social_centrum)
    assert "vald" not in hidden
    assert hidden["narkotikahandel"].reports == 4
    own = by_category(police_centrum)
    assert own["vald"].reports == 2 and own["vald"].severity_sum == 4
    assert own["narkotikahandel"].reports == 4


def test_it_groups_and_filters_by_every_dimension(
    coordinator, police_centrum, counted, today, geography
):
    rows = overview_counts(
        user=coordinator,
        grain="week",
        start=today,
        end=today,
        district=geography["centrum"],
        by=("main_category", "source_kind"),
    )
    totals = {(row.main_category, row.source_kind): row.reports for row in rows}
    # The coordinator may not read the police-only reports: they are in no row.
    assert totals == {("brott", "field_observation"): 4}
    assert rows[0].period_start == today - timedelta(days=today.weekday())

    area_rows = overview_counts(
        user=coordinator, grain="month", start=today, end=today, by=("primary_area",)
    )
    assert _by(area_rows, "primary_area")[counted.code].reports == 1

    filtered = overview_counts(
        user=police_centrum,
        grain="year",
        start=today,
        end=today,
        category=Category.objects.get(code="brott"),
        source_kind="police_event",
        by=(),
    )
    assert [(row.period_start, row.reports) for row in filtered] == [
        (today.replace(month=1, day=1), 2)
    ]
    quarter = overview_counts(
        user=coordinator, grain="quarter", start=today, end=today, primary_area=counted, by=()
    )
    assert [row.reports for row in quarter] == [1]


def test_it_refuses_what_it_cannot_answer(coordinator, outsider, today):
    with pytest.raises(DomainError):
        overview_counts(user=coordinator, grain="decade", start=today, end=today)
    with pytest.raises(DomainError):
        overview_counts(user=coordinator, grain="day", start=today, end=today, by=("reporter",))
    with pytest.raises(DomainError):
        overview_counts(user=coordinator, grain="day", start=today - timedelta(days=800), end=today)
    with pytest.raises(DomainError):
        overview_counts(user=coordinator, grain="day", start=today, end=today - timedelta(1))
    with pytest.raises(PermissionDenied):
        overview_counts(user=outsider, grain="month", start=today, end=today)


def test_it_adds_figures_of_readable_reports():
    assert Figure(2, 5) + Figure(1, 4) == Figure(3, 9)
    assert Figure(3, 9).display == "3" and Figure(3, 9).mean_severity == 3
    assert Figure().mean_severity is None
