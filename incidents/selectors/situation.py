"""Reads for situation pictures (lägesbilder): which ones a user sees, and their figures

The figures of a period are compiled in SQL: one GROUP BY per dimension (category, place,
primärområde, the city), each counting the period, the previous period and the same period
last year at once with filtered aggregates. The number of queries therefore stays the same
whatever the number of reports.

**What the figures count** follows the one rule of every figure in Trygg (named and argued in
``overview.selectors.counts``): only what the viewer may read in detail.

- A draft's figures are computed when they are shown, from the reports the viewer may read.
- An agreed picture is a joint document: its figures are frozen when it is agreed and shown
  alike to every reader of the picture (both parties' staff of the district, coordinators),
  so they count the shared base, the ``partnership``-level reports of the district, which
  every one of those readers may read (``shared_reports``). Organisation-level reports of
  either party are in no joint figure.
- The comparison with the whole city is shown only to those who read the whole city: anyone
  else's readable "city" is their own district. An agreed picture has none.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.access import access_for
from accounts.choices import CONTENT_ROLES, Confidentiality
from areas.models import District
from areas.selectors import populations_as_of
from incidents.choices import PeriodKind, PictureStatus, ReportStatus
from incidents.models import Category, Report, SituationPicture

# 3: with the mellanområden and the population (pictures frozen before have neither).
FIGURES_SCHEMA = 3
TOP_PLACES = 10
# A dismissed report was judged wrong or a duplicate; it does not describe the situation.
COUNTED_STATUSES = (ReportStatus.NEW, ReportStatus.REVIEWED, ReportStatus.LINKED)
PERIOD_KEYS = ("current", "previous", "last_year")
# What the figures were compiled from.
BASIS_VISIBLE = "visible"  # a draft: the reports the viewer may read
BASIS_PARTNERSHIP = "partnership"  # an agreed picture: what every reader of it may read
NOT_AVAILABLE = "–"
CHART_TITLE = _("Reports by main category, this period and the previous one")


# --- Periods ---------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, 1)


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year, both ends inclusive (as the report filter's dates)."""

    kind: str
    start: date
    end: date

    @classmethod
    def starting(cls, kind: str, start: date) -> "Period":
        """The period of ``kind`` that starts on ``start``; ValueError if none does."""
        if kind not in _MONTHS:
            raise ValueError(f"Unknown period kind {kind!r}")
        if start != period_start_of(kind, start):
            raise ValueError(f"{start} does not start a {kind}")
        return cls(kind, start, _add_months(start, _MONTHS[kind]) - timedelta(days=1))

    def previous(self) -> "Period":
        return Period.starting(self.kind, _add_months(self.start, -_MONTHS[self.kind]))

    def same_last_year(self) -> "Period":
        return Period.starting(self.kind, self.start.replace(year=self.start.year - 1))

    def as_filter(self) -> Q:
        """Reports that occurred in the period, in local time (as the report list filters)."""
        first = timezone.make_aware(datetime.combine(self.start, time.min))
        after = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return Q(occurred_at__gte=first, occurred_at__lt=after)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return date_format(self.start, "F Y")
        if self.kind == PeriodKind.QUARTER:
            return gettext("Quarter %(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return str(self.start.year)


def period_start_of(kind: str, day: date) -> date:
    """The first day of the month, quarter or year that ``day`` lies in."""
    if kind == PeriodKind.MONTH:
        return day.replace(day=1)
    if kind == PeriodKind.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind == PeriodKind.YEAR:
        return date(day.year, 1, 1)
    raise ValueError(f"Unknown period kind {kind!r}")


def picture_period(picture: SituationPicture) -> Period:
    return Period(picture.period_kind, picture.period_start, picture.period_end)


# --- Which pictures ----------------------------------------------------------------------------


def situation_picture_list(*, user, district: District | None = None) -> QuerySet:
    """The pictures ``user`` may read, newest period first, optionally of one district."""
    pictures = (
        SituationPicture.objects.visible_to(user)
        .select_related("district")
        .annotate(signature_count=Count("signatures"))
        .order_by("-period_start", "district__code", "period_kind")
    )
    if district is not None:
        pictures = pictures.filter(district=district)
    return pictures


# --- Compiling the figures ----------------------------------------------------------------------


def shared_reports() -> QuerySet:
    """The reports every reader of a joint document of their district may read: the
    ``partnership``-level ones (``accounts.access.visibility_filter`` gives them to both
    parties' staff of the district and to coordinators, the readers of situation pictures and
    problems). Joint figures (an agreed lägesbild, a problem's priority) count these only."""
    return Report.objects.filter(confidentiality=Confidentiality.PARTNERSHIP)


def _period_counts(periods: dict[str, Period]) -> dict:
    """Filtered aggregates: the count of each period."""
    return {key: Count("pk", filter=period.as_filter()) for key, period in periods.items()}


def _counts(row: dict) -> dict:
    return {"counts": {key: row[key] for key in PERIOD_KEYS}}


def _zero() -> dict:
    return {"counts": dict.fromkeys(PERIOD_KEYS, 0)}


def _add(into: dict, counts: dict) -> None:
    for key in PERIOD_KEYS:
        into["counts"][key] += counts["counts"][key]


def _by_current(row: dict) -> tuple:
    return (-row["counts"]["current"], -row["counts"]["previous"], row["name"] or "")


def situation_figures_compute(
    *,
    reports: QuerySet,
    district: District,
    period: Period,
    basis: str,
    with_city: bool = False,
) -> dict:
    """The figures of ``district`` for ``period``, as plain JSON-ready data.

    ``reports`` is all the figures are drawn from: the viewer's readable reports for a draft,
    ``shared_reports()`` when a picture is agreed. ``with_city`` adds the comparison with the
    whole city, from the same ``reports`` placed or not: only for a base that spans the city
    (a viewer who reads every district); else ``city`` is None.
    """
    periods = {
        "current": period,
        "previous": period.previous(),
        "last_year": period.same_last_year(),
    }
    in_any_period = Q()
    for each in periods.values():
        in_any_period |= each.as_filter()
    base = reports.filter(in_any_period, district=district, status__in=COUNTED_STATUSES)
    aggregates = _period_counts(periods)

    # .order_by() clears Report's default ordering, which would otherwise join the GROUP BY.
    by_category = {
        row["category_id"]: _counts(row)
        for row in base.values("category_id").annotate(**aggregates).order_by()
    }
    categories = list(Category.objects.order_by("name"))
    mains: dict[int, dict] = {}
    for category in categories:
        if category.parent_id is None:
            mains[category.pk] = {
                "code": category.code,
                "name": category.name,
                "name_en": category.name_en,
                **_zero(),
                "children": [],
            }
    total = _zero()
    for category in categories:
        counts = by_category.get(category.pk)
        if counts is None:
            continue
        _add(total, counts)
        main = mains[category.parent_id or category.pk]
        _add(main, counts)
        if category.parent_id is not None:
            main["children"].append(
                {"code": category.code, "name": category.name, "name_en": category.name_en} | counts
            )
    category_rows = [main for main in mains.values() if any(main["counts"].values())]
    for main in category_rows:
        main["children"].sort(key=_by_current)
    category_rows.sort(key=_by_current)

    places = [
        {"slug": row["place__slug"], "name": row["place__name"]} | _counts(row)
        for row in base.filter(place__isnull=False)
        .values("place__slug", "place__name")
        .annotate(**aggregates)
        .filter(current__gt=0)
        .order_by("-current", "-previous", "place__name")[:TOP_PLACES]
    ]
    primary_areas = [
        {"code": row["primary_area__code"], "name": row["primary_area__name"]} | _counts(row)
        for row in base.values("primary_area__code", "primary_area__name")
        .annotate(**aggregates)
        .order_by()
    ]
    # Reports without a primärområde come last, so that the table still adds up to the total.
    primary_areas.sort(key=lambda row: (row["code"] is None, *_by_current(row)))
    # The district broken down by mellanområde, as the city's own lägesbilder describe it.
    intermediate_areas = [
        {
            "code": row["intermediate_area__code"],
            "name": row["intermediate_area__name"],
            "area_km2": str(row["intermediate_area__area_km2"])
            if row["intermediate_area__area_km2"] is not None
            else None,
        }
        | _counts(row)
        for row in base.values(
            "intermediate_area__code", "intermediate_area__name", "intermediate_area__area_km2"
        )
        .annotate(**aggregates)
        .order_by()
    ]
    intermediate_areas.sort(key=lambda row: (row["code"] is None, *_by_current(row)))

    city = _city(reports, period, categories, mains) if with_city else None

    return {
        "schema": FIGURES_SCHEMA,
        "basis": basis,
        "data_from": _data_from(reports),
        "computed_at": timezone.now().isoformat(),
        "district": {"slug": district.slug, "name": district.name},
        "periods": {
            key: {"kind": each.kind, "start": each.start.isoformat(), "end": each.end.isoformat()}
            for key, each in periods.items()
        },
        "total": total,
        "categories": category_rows,
        "places": places,
        "primary_areas": primary_areas,
        "intermediate_areas": intermediate_areas,
        "population": _population(district, period, with_city=city is not None),
        "city": city,
    }


def _data_from(reports: QuerySet) -> str | None:
    """The local day of the first counted report of ``reports`` (the readable or the shared
    ones, anywhere): a period that begins before it has no data, so its figures read "–" and
    not 0 (and a change against it is not growth from nothing). None: no reports at all."""
    first = (
        reports.filter(status__in=COUNTED_STATUSES)
        .order_by()
        .aggregate(first=Min("occurred_at"))["first"]
    )
    return timezone.localtime(first).date().isoformat() if first else None


def _population(district: District, period: Period, *, with_city: bool) -> dict:
    """The population figures the rates per 1,000 inhabitants are computed with: the
    district's (and the city's, where the city is compared) of the nearest year at or before
    the period's; None where no figure is known."""
    figures = populations_as_of(period.start.year)

    def entry(figure) -> dict | None:
        return None if figure is None else {"population": figure.population, "year": figure.year}

    return {
        "district": entry(figures.get(district.pk)),
        "city": entry(figures.get(None)) if with_city else None,
    }


def _city(reports: QuerySet, period: Period, categories, mains: dict) -> dict:
    city_by_category = dict(
        reports.filter(period.as_filter(), status__in=COUNTED_STATUSES)
        .values_list("category_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    city_mains: dict[int, int] = dict.fromkeys(mains, 0)
    for category in categories:
        city_mains[category.parent_id or category.pk] += city_by_category.get(category.pk, 0)
    return {
        "total": sum(city_mains.values()),
        "categories": [
            {
                "code": main["code"],
                "name": main["name"],
                "name_en": main["name_en"],
                "count": city_mains[pk],
            }
            for pk, main in mains.items()
            if city_mains[pk]
        ],
    }


def situation_figures_for_picture(*, picture: SituationPicture, user) -> dict:
    """The figures to show ``user``: frozen if agreed, else compiled from what they may read
    (with the city comparison only for those who read the whole city)."""
    if picture.status == PictureStatus.AGREED and picture.figures:
        return picture.figures
    return situation_figures_compute(
        reports=Report.objects.visible_to(user),
        district=picture.district,
        period=picture_period(picture),
        basis=BASIS_VISIBLE,
        with_city=access_for(user).district_ids(*CONTENT_ROLES) is None,
    )
