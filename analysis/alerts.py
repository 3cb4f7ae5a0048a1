"""Trend alerts: services that compute them from the rollups, selectors that read them.

Each week, for every district × main category and every mellanområde × main category, the
week's count of reports is held against what its history predicts (``analysis.farrington``).
The counts come from the day rollups (``overview.models.ReportDayCount``), partnership-level
buckets of counted statuses only (issue #12's rule: a figure shown only to those who read
every record in it), summed by ISO week in one grouped query.

``alerts_compute`` evaluates the last ``EVALUATED_WEEKS`` complete ISO weeks, so a run that
was missed (a worker down over a weekend) is caught up by the next, and upserts ``Alert``
rows on their cell-week key: running it twice writes the same rows.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import partnership_district_ids
from accounts.choices import Confidentiality
from analysis import farrington
from analysis.models import Alert, AlertLevel
from areas.models import District, IntermediateArea
from incidents.models import Category
from incidents.selectors.situation import COUNTED_STATUSES
from overview.models import ReportDayCount
from overview.services.rollup import ROLLUP_LOCK, rollup_lock

logger = logging.getLogger(__name__)

EVALUATED_WEEKS = 8
ALERTS_LOCK = (ROLLUP_LOCK[0], 12)  # beside the rollup jobs' lock: one alerts run at a time


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date | None = None) -> date:
    """The Monday of the last ISO week that has ended (local time)."""
    return week_start(today or timezone.localdate()) - timedelta(weeks=1)


def shared_day_counts() -> QuerySet:
    """The day buckets every figure of the analysis is made of: reports shared in the
    partnership (no organisation's own confidential ones) that describe the situation."""
    return ReportDayCount.objects.filter(
        confidentiality=Confidentiality.PARTNERSHIP,
        status__in=COUNTED_STATUSES,
        district__isnull=False,
    )


def weekly_counts(until: date) -> list[dict]:
    """Reports per ISO week, district, mellanområde and main category up to the week that
    starts at ``until``: one grouped query over the day rollups."""
    return list(
        shared_day_counts()
        .filter(day__lt=until + timedelta(weeks=1))
        .annotate(
            week=TruncWeek("day"),
            main_id=Coalesce(F("category__parent_id"), F("category_id")),
        )
        .values("week", "district_id", "intermediate_area_id", "main_id")
        .annotate(reports=Sum("reports"))
        .order_by()
    )


@dataclass(frozen=True)
class Cells:
    """The cells evaluated, in the rows of the count matrix: (level, district, area, category)."""

    keys: list[tuple[str, int, int | None, int]]
    counts: np.ndarray  # cells × weeks
    first_week: date


def cell_matrix(rows: list[dict], until: date) -> Cells | None:
    """Every district and mellanområde × every main category, zeros where nothing was
    reported, from the first week with any report to ``until``."""
    weeks = [row["week"] for row in rows]
    if not weeks:
        return None
    first = week_start(min(weeks))
    length = (until - first).days // 7 + 1
    categories = list(Category.objects.filter(parent__isnull=True).values_list("id", flat=True))
    keys = [
        (AlertLevel.DISTRICT, d, None, c)
        for d in District.objects.values_list("id", flat=True)
        for c in categories
    ]
    keys += [
        (AlertLevel.INTERMEDIATE_AREA, district_id, area_id, c)
        for area_id, district_id in IntermediateArea.objects.values_list("id", "district_id")
        for c in categories
    ]
    index = {key: row for row, key in enumerate(keys)}
    counts = np.zeros((len(keys), length), dtype=np.int64)
    for row in rows:
        column = (week_start(row["week"]) - first).days // 7
        cells = [(AlertLevel.DISTRICT, row["district_id"], None, row["main_id"])]
        if row["intermediate_area_id"] is not None:
            cells.append(
                (
                    AlertLevel.INTERMEDIATE_AREA,
                    row["district_id"],
                    row["intermediate_area_id"],
                    row["main_id"],
                )
            )
        for cell in cells:
            if cell in index:
                counts[index[cell], column] += row["reports"]
    return Cells(keys, counts, first)


def _finite(value) -> float | None:
    return float(value) if np.isfinite(value) else None


def _alert(key, week: date, result, k: int, now) -> Alert:
    level, district_id, area_id, category_id = key
    observed_4w = result.observed_4w[k]
    return Alert(
        level=level,
        district_id=district_id,
        intermediate_area_id=area_id,
        category_id=category_id,
        week=week,
        observed=int(result.observed[k]),
        expected=_finite(result.expected[k]),
        upper=_finite(result.upper[k]),
        score=_finite(result.score[k]),
        p_value=_finite(result.p_value[k]),
        observed_4w=int(observed_4w) if np.isfinite(observed_4w) else None,
        expected_4w=_finite(result.expected_4w[k]),
        upper_4w=_finite(result.upper_4w[k]),
        sustained=bool(result.sustained[k]),
        alarm=bool(result.alarm[k]),
        method=result.method[k],
        computed_at=now,
    )


UPDATED = [
    "observed",
    "expected",
    "upper",
    "score",
    "p_value",
    "observed_4w",
    "expected_4w",
    "upper_4w",
    "sustained",
    "alarm",
    "method",
    "computed_at",
]
KEY = ["level", "district", "intermediate_area", "category", "week"]


def alerts_compute(*, today: date | None = None, weeks: int = EVALUATED_WEEKS) -> int:
    """Evaluate the last ``weeks`` complete ISO weeks and store their alerts; returns how
    many cell-weeks alarm.

    Kept: every alarm, and every cell of the latest week (its method: a page says "för lite
    data"). Removed: the evaluated weeks' rows that no longer alarm (the rollups changed) and
    the older weeks' quiet rows, except rows an analyst made a problem of.
    """
    latest = last_complete_week(today)
    cells = cell_matrix(weekly_counts(latest), latest)
    first_evaluated = latest - timedelta(weeks=weeks - 1)
    now = timezone.now()
    keep: list[Alert] = []
    if cells is not None:
        columns = [(cells.first_week + timedelta(weeks=t), t) for t in range(cells.counts.shape[1])]
        columns = [(week, t) for week, t in columns if week >= first_evaluated]
        for week, t in columns:
            result = farrington.evaluate_week(cells.counts, t)
            for k, key in enumerate(cells.keys):
                if result.method[k] == farrington.NO_HISTORY:
                    continue
                if result.alarm[k] or week == latest:
                    keep.append(_alert(key, week, result, k, now))
    with rollup_lock(wait=True, key=ALERTS_LOCK), transaction.atomic():
        stale = Alert.objects.filter(problem__isnull=True).filter(
            Q(week__gte=first_evaluated) | Q(alarm=False, week__lt=latest)
        )
        stale.delete()
        Alert.objects.bulk_create(
            keep, update_conflicts=True, unique_fields=KEY, update_fields=UPDATED
        )
    alarms = sum(alert.alarm for alert in keep)
    logger.info("Trend alerts: %s cell-weeks evaluated as kept, %s alarms.", len(keep), alarms)
    return alarms


# --- Selectors ------------------------------------------------------------------------------


def alerts_visible(
    user,
    *,
    district: District | None = None,
    intermediate_area: IntermediateArea | None = None,
    category: Category | None = None,
    week_from: date | None = None,
    week_to: date | None = None,
    alarms_only: bool = True,
) -> QuerySet:
    """The alerts ``user`` may see: those of the districts whose partnership records they
    read in full (``partnership_district_ids``): none for partners, API clients and
    administrators."""
    district_ids = partnership_district_ids(user)
    alerts = Alert.objects.select_related("district", "intermediate_area", "category")
    if district_ids is not None:
        alerts = alerts.filter(district_id__in=district_ids)
    if alarms_only:
        alerts = alerts.filter(alarm=True)
    if district is not None:
        alerts = alerts.filter(district=district)
    if intermediate_area is not None:
        alerts = alerts.filter(intermediate_area=intermediate_area)
    if category is not None:
        alerts = alerts.filter(category=category)
    if week_from is not None:
        alerts = alerts.filter(week__gte=week_from)
    if week_to is not None:
        alerts = alerts.filter(week__lte=week_to)
    return alerts


def alerts_latest_week() -> date | None:
    return Alert.objects.order_by("-week").values_list("week", flat=True).first()


CURRENT_WEEKS = 4  # what a dashboard calls current: the alarms of the last four weeks


@dataclass(frozen=True)
class AlertSection:
    """What a dashboard shows of the alerts: the current alarms, and which cells of the
    latest week could not be judged."""

    latest: date | None
    alarms: list[Alert]
    too_little_data: list[Alert]
    fallback: int


def alerts_section(user, *, district: District | None = None) -> AlertSection | None:
    """The dashboard's alerts for ``user`` (None: they may see none, the section is hidden)."""
    district_ids = partnership_district_ids(user)
    if district_ids is not None and not district_ids:
        return None
    if district is not None and district_ids is not None and district.pk not in district_ids:
        return None
    # One query (a dashboard's budget): the alarms of the last four weeks, and the cells of the
    # latest week that could not be judged or only on the fallback.
    since = last_complete_week() - timedelta(weeks=CURRENT_WEEKS - 1)
    rows = list(
        alerts_visible(user, district=district, week_from=since, alarms_only=False)
        .filter(Q(alarm=True) | Q(method__in=["too_little_data", "fallback"]))
        .order_by("-week", "-score", "district__code", "intermediate_area__code", "category__name")
    )
    latest = max((row.week for row in rows), default=None)
    alarms = [row for row in rows if row.alarm]
    current = [row for row in rows if row.week == latest and not row.alarm]
    too_little = [
        row
        for row in current
        if row.method == "too_little_data" and row.level == AlertLevel.DISTRICT
    ]
    too_little.sort(key=lambda row: (row.district.code, row.category.name))
    fallback = sum(row.method == "fallback" for row in current)
    return AlertSection(latest, alarms, too_little, fallback)


def alert_problem_initial(alert: Alert) -> dict:
    """What an alert suggests for the problem made of it: its district, a title and
    situation from its figures, and the primärområden of its mellanområde."""
    from areas.models import PrimaryArea

    area = alert.intermediate_area or alert.district
    initial = {
        "district": alert.district_id,
        "title": f"{alert.category.display_name}, {area.name}"[:200],
        "situation": _("Trend alert for the week of %(week)s: %(reading)s.")
        % {"week": alert.week.isoformat(), "reading": alert.reading},
    }
    if alert.intermediate_area_id:
        initial["primary_areas"] = list(
            PrimaryArea.objects.filter(intermediate_area_id=alert.intermediate_area_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return initial


def alert_link_problem(*, alert: Alert, problem) -> None:
    """Record that ``problem`` was made of ``alert``: the link lives on the alert, so the
    plans need no migration for it and keep no dependency on the analysis."""
    Alert.objects.filter(pk=alert.pk, problem__isnull=True).update(problem=problem)
