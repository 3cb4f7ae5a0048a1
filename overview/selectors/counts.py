"""Counts from the rollups as a viewer may see them, and the aggregate rows that the pages and
the API share.

**What a figure counts: only what the viewer may read.** The method is the one statistical
offices such as SCB and ONS state as "release to a recipient only what the recipient may
receive": every figure a viewer sees is computed from the records that viewer may read in
detail, and from nothing else. A record the viewer cannot read contributes to no count, sum,
share, average or trend they are shown, so no arithmetic over any number of figures (other
groupings, grains, periods, filters, totals against their parts) can bring it back: the
figures are a function of the readable records alone, and two data sets that differ only in
unreadable records give the viewer identical answers (``tests/security/test_inference.py``
checks exactly that, and solves for hidden cells).

The rollups keep each bucket's owning organisation, district and confidentiality, so the
readable part of any bucket is known: ``accounts.access.visibility_filter`` (the one read rule
of the portal), applied to the rollup's own columns, picks the buckets the viewer may read,
and only those are summed. This replaces the earlier small-count suppression ("<3"), which
totals and other groupings of the same data could undo by subtraction (issue #9).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncQuarter, TruncWeek
from django.db.models.functions import TruncYear as _TruncYear
from django.utils.translation import gettext as _

from accounts.access import access_for, visibility_filter
from accounts.choices import CONTENT_ROLES
from areas.models import District, IntermediateArea, PrimaryArea
from core.exceptions import DomainError
from incidents.models import Category
from incidents.selectors.situation import COUNTED_STATUSES
from overview.choices import Grain
from overview.models import AreaMonthCount, ReportDayCount, ReportMonthCount

# What a figure without data shows (as the lägesbild's ``NOT_AVAILABLE``).
NO_DATA = "–"

# --- A figure as shown ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A count of the reports the viewer may read, and their summed severity.

    ``known`` is False for a period that begins before the first report the viewer may read:
    the portal holds no data for it, so it shows "–", not a zero that reads as "no reports"
    (and a change against it would read as growth from nothing)."""

    total: int = 0
    severity_sum: int = 0
    known: bool = True

    @property
    def value(self) -> int:
        return self.total

    @property
    def display(self) -> str:
        return str(self.total) if self.known else NO_DATA

    @property
    def mean_severity(self) -> float | None:
        return self.severity_sum / self.total if self.total and self.known else None

    def __add__(self, other: "Figure") -> "Figure":
        return Figure(
            self.total + other.total,
            self.severity_sum + other.severity_sum,
            self.known and other.known,
        )

    def unknown(self) -> "Figure":
        return Figure(self.total, self.severity_sum, known=False)


def figure_sum(figures) -> Figure:
    return sum(figures, Figure())


def readable_counts(rows: QuerySet, user) -> QuerySet:
    """The rollup buckets ``user`` may read in detail: the only ones any figure is made of.

    Filtering the buckets (rather than the sums) keeps out of the answer every group that has
    only unreadable buckets, so not even its existence (a row of zeros) shows."""
    condition = visibility_filter(user)
    return rows.none() if condition is None else rows.filter(condition)


def figure_aggregates(*, prefix: str = "", where: Q | None = None) -> dict:
    """Aggregates that make a ``Figure`` of the rows in a ``.values(...)`` group
    (``figure_from(row, prefix)``), within ``where``. Sum over ``readable_counts`` only."""
    return {
        f"{prefix}total": Coalesce(Sum("reports", filter=where), 0),
        f"{prefix}severity": Coalesce(Sum("severity_sum", filter=where), 0),
    }


def figure_from(row: dict, prefix: str = "") -> Figure:
    return Figure(row[f"{prefix}total"], row[f"{prefix}severity"])


# --- Who sees which aggregates ----------------------------------------------------------------


def aggregate_district_ids(user) -> frozenset[int] | None:
    """The districts whose aggregates ``user`` may see: None for all of them (and the
    unplaced reports and the whole city), as a coordinator; their own districts for anyone
    else with a role that reads content (staff, partners, API clients)."""
    return access_for(user).district_ids(*CONTENT_ROLES)


def _require_reach(
    user,
    district: District | None,
    primary_area: PrimaryArea | None = None,
    intermediate_area: IntermediateArea | None = None,
) -> frozenset[int] | None:
    reach = aggregate_district_ids(user)
    if reach is not None and not reach:
        raise PermissionDenied(_("Your role does not include the overview."))
    # A primärområde out of reach is refused too: no rows would read as no reports.
    asked = {district.pk} if district is not None else set()
    for area in (primary_area, intermediate_area):
        if area is not None:
            asked.add(area.district_id)
    if reach is not None and asked - reach:
        raise PermissionDenied(_("You may not see the overview of this district."))
    return reach


# --- Aggregate rows for the API and exports ---------------------------------------------------

BY_CHOICES = (
    "district",
    "intermediate_area",
    "primary_area",
    "category",
    "main_category",
    "source_kind",
)
AREA_CHOICES = ("intermediate_area", "primary_area")
# How long a period may be asked for at each grain: about 400 rows per group and line.
MAX_SPAN = {
    Grain.DAY: timedelta(days=400),
    Grain.WEEK: timedelta(weeks=160),
    Grain.MONTH: timedelta(days=366 * 30),
    Grain.QUARTER: timedelta(days=366 * 30),
    Grain.YEAR: timedelta(days=366 * 30),
}
_TRUNC = {
    Grain.DAY: TruncDay,
    Grain.WEEK: TruncWeek,
    Grain.MONTH: TruncMonth,
    Grain.QUARTER: TruncQuarter,
    Grain.YEAR: _TruncYear,
}
_GROUP_FIELDS = {
    "district": "district__slug",
    "intermediate_area": "intermediate_area__code",
    "primary_area": "primary_area__code",
    "category": "category__code",
    "main_category": "main_category_code",
    "source_kind": "source_kind",
}


@dataclass(frozen=True)
class CountRow:
    """One aggregate row: a period and the values of the ``by`` dimensions (None where not
    grouped, or for reports without a district, mellanområde or primärområde), with its counts
    as the viewer may see them: of the reports they may read in detail, nothing else."""

    period_start: date
    district: str | None
    intermediate_area: str | None
    primary_area: str | None
    category: str | None
    main_category: str | None
    source_kind: str | None
    reports: int
    severity_sum: int


def _source_table(grain: str, *, area: bool, detail: bool, areas_with_none: bool):
    # The area month table holds the reports placed in a mellanområde or primärområde only: a
    # grouping by area that must show the reports placed in none reads the day table.
    if grain in (Grain.DAY, Grain.WEEK) or (area and detail) or areas_with_none:
        return ReportDayCount.objects.filter(status__in=COUNTED_STATUSES), "day"
    if area:
        return AreaMonthCount.objects.all(), "month"
    return ReportMonthCount.objects.all(), "month"


def overview_counts(
    *,
    user,
    grain: str,
    start: date,
    end: date,
    district: District | None = None,
    intermediate_area: IntermediateArea | None = None,
    primary_area: PrimaryArea | None = None,
    category: Category | None = None,
    source_kind: str | None = None,
    by: tuple[str, ...] = ("district",),
) -> list[CountRow]:
    """Report counts per ``grain`` period from ``start`` to ``end`` (both inclusive, snapped
    to whole periods), grouped ``by`` some of ``BY_CHOICES`` and filtered, as ``user`` may see
    them: only the districts within their reach (all, and unplaced reports, for a
    coordinator), counting only the reports they may read in detail. Dismissed reports are
    not counted (as in the lägesbild). Periods and groups without reports are left out.

    Reads only the rollup tables: the day table for days and weeks (or a primärområde with a
    category or source, or a grouping by primärområde, which includes the reports placed in
    none), else the month tables. Raises ``PermissionDenied`` for a district out
    of reach and ``DomainError`` for an unknown grain or dimension or too long a span.
    """
    if grain not in Grain.values:
        raise DomainError(_("Unknown period: %(grain)s.") % {"grain": grain}, code="bad_grain")
    unknown = set(by) - set(BY_CHOICES)
    if unknown:
        raise DomainError(
            _("Cannot group by %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="bad_group",
        )
    if end < start:
        raise DomainError(_("The end date lies before the start date."), code="bad_period")
    if end - start > MAX_SPAN[grain]:
        raise DomainError(
            _("The period is too long for this grain: at most %(days)d days.")
            % {"days": MAX_SPAN[grain].days},
            code="period_too_long",
        )
    reach = _require_reach(user, district, primary_area, intermediate_area)
    area = (
        primary_area is not None
        or intermediate_area is not None
        or bool(set(AREA_CHOICES) & set(by))
    )
    # Grouped by an area level without a filter on it, the reports placed in none of that
    # level are a group too (None), which only the day table holds.
    areas_with_none = ("primary_area" in by and primary_area is None) or (
        "intermediate_area" in by and intermediate_area is None and primary_area is None
    )
    detail = bool(
        category is not None
        or source_kind
        or {"category", "main_category", "source_kind"} & set(by)
    )
    if grain == Grain.WEEK:
        start -= timedelta(days=start.weekday())
    rows, period_field = _source_table(
        grain,
        area=area,
        detail=detail,
        areas_with_none=areas_with_none,
    )
    if period_field == "month":
        start = start.replace(day=1)
    rows = readable_counts(rows, user).filter(
        **{f"{period_field}__gte": start, f"{period_field}__lte": end}
    )
    if reach is not None:
        rows = rows.filter(district_id__in=sorted(reach))
    if district is not None:
        rows = rows.filter(district=district)
    if intermediate_area is not None:
        rows = rows.filter(intermediate_area=intermediate_area)
    if primary_area is not None:
        rows = rows.filter(primary_area=primary_area)
    if category is not None:
        rows = rows.filter(Q(category=category) | Q(category__parent=category))
    if source_kind:
        rows = rows.filter(source_kind=source_kind)
    if "main_category" in by:
        rows = rows.annotate(
            main_category_code=Coalesce(F("category__parent__code"), F("category__code"))
        )
    group = [_GROUP_FIELDS[name] for name in BY_CHOICES if name in by]
    result = (
        rows.annotate(period=_TRUNC[grain](period_field))
        .values("period", *group)
        .annotate(**figure_aggregates())
        .order_by("period", *group)
    )
    counts = []
    for row in result:
        figure = figure_from(row)
        period = row["period"]
        counts.append(
            CountRow(
                period_start=period.date() if hasattr(period, "date") else period,
                district=row.get("district__slug"),
                intermediate_area=row.get("intermediate_area__code"),
                primary_area=row.get("primary_area__code"),
                category=row.get("category__code"),
                main_category=row.get("main_category_code"),
                source_kind=row.get("source_kind"),
                reports=figure.total,
                severity_sum=figure.severity_sum,
            )
        )
    return counts
