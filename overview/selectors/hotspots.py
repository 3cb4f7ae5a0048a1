"""Hotspots as a viewer may see them: the mellanområden with significantly more reports than
expected in a period (``analysis.hotspots``, method in ``docs/analysis.md``).

**Made of what every viewer of the figure reads.** The counts are summed from the day rollups'
partnership-level buckets only (``Confidentiality.PARTNERSHIP``, dismissed reports not
counted), over the mellanområden of the districts whose partnership records the viewer reads
all of (``accounts.access.partnership_district_ids``): the whole city for a coordinator, their
own districts for the two parties' staff, nothing for partners, API clients and
administrators. A hotspot's expected count comes from the other areas analysed, so the
analysis of a district's staff uses that district's areas only: no figure they are shown is
computed from a record they cannot read, and both parties see the same figure. An
organisation-confidential report changes no figure here.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.access import partnership_district_ids
from accounts.choices import Confidentiality
from analysis.geography import boundary_digest, fingerprint_of, neighbours, restricted
from analysis.hotspots import MIN_AREAS, MIN_REPORTS, Q_LEVEL, enough_data, hotspots_compute
from areas.models import District, IntermediateArea
from incidents.models import Category
from incidents.selectors.situation import COUNTED_STATUSES
from overview.models import ReportDayCount
from overview.selectors.geography import area_km2

# No population is known per mellanområde (only per district): the exposure is the area.
NORMALISATION_AREA = "area_km2"
NORMALISATION_POPULATION = "population"


@dataclass(frozen=True)
class HotspotRow:
    """One mellanområde's figures in the analysis."""

    code: str
    name: str
    district: str  # slug
    count: int
    exposure: float
    expected: float
    gi_z: float
    p: float
    q: float
    hotspot: bool
    basis: str | None

    @property
    def rate(self) -> float:
        """Reports per km² (or per 1,000 inhabitants, were population the exposure)."""
        return self.count / self.exposure

    @property
    def rate_display(self) -> str:
        return number_format(self.rate, 1)

    @property
    def expected_display(self) -> str:
        return number_format(self.expected, 1)

    @property
    def significance(self) -> str:
        """The reading in words: "significantly more than expected, q = 0.01"."""
        if self.hotspot:
            return _("significantly more than expected, %(q)s") % {"q": q_display(self.q)}
        return _("not significantly more than expected (%(q)s)") % {"q": q_display(self.q)}


def q_display(q: float) -> str:
    """A q-value as a reader takes it in: two significant figures, "q < 0.001" below that."""
    if q < 0.001:
        return "q < " + number_format(0.001, 3)
    decimals = 2 if q >= 0.01 else 3
    return "q = " + number_format(round(q, decimals), decimals)


@dataclass(frozen=True)
class HotspotAnalysis:
    """The analysis of one category and period over some mellanområden."""

    start: date
    end: date
    category: Category | None  # None: every category
    district: District | None  # None: every district the viewer reads
    normalisation: str
    enough_data: bool
    rows: list[HotspotRow]  # every area analysed, most significant first
    # How much more the areas' counts vary than chance would (φ, 1: not more, or too few
    # areas to tell); the tests allow for it (``analysis.hotspots.dispersion``).
    dispersion: float = 1.0

    @property
    def hotspots(self) -> list[HotspotRow]:
        return [row for row in self.rows if row.hotspot]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def q_level(self) -> float:
        return Q_LEVEL

    @property
    def min_areas(self) -> int:
        return MIN_AREAS

    @property
    def min_reports(self) -> int:
        return MIN_REPORTS


def hotspots_for(
    user,
    *,
    period: tuple[date, date],
    category: Category | None = None,
    district: District | None = None,
) -> HotspotAnalysis | None:
    """The hotspots of ``category`` (a main category with its subcategories; None for all)
    from ``period``'s first to last day, over the mellanområden of the districts whose
    partnership records ``user`` reads (of ``district`` only, if given). None for a viewer
    who reads no district's partnership records; ``PermissionDenied`` for a ``district``
    they do not read. One grouped query over the day rollups."""
    reach = partnership_district_ids(user)
    if reach is not None and not reach:
        return None
    if district is not None and reach is not None and district.pk not in reach:
        raise PermissionDenied(_("You may not see the analysis of this district."))
    return hotspots_within(reach, period=period, category=category, district=district)


def hotspots_within(
    reach: set[int] | frozenset[int] | None,
    *,
    period: tuple[date, date],
    category: Category | None = None,
    district: District | None = None,
) -> HotspotAnalysis:
    """``hotspots_for`` for a reach of districts (None: the whole city) rather than a user:
    the analysis over the mellanområden of ``district``, or of every district in ``reach``.
    The caller has checked that whoever is shown it reads all of them (a lägesbild's draft:
    its own district, ``analysis.draft.context.DraftContext.district_ids``)."""
    areas = _areas(reach, district)
    counts = _counts(areas, *period, category)
    return _analyse(areas, counts, period, category, district)


def hotspots_within_by_category(
    reach: set[int] | frozenset[int] | None,
    *,
    period: tuple[date, date],
    categories: list[Category],
    district: District | None = None,
) -> list[tuple[Category | None, HotspotAnalysis]]:
    """``hotspots_within`` for all reports (None) and for each of the main ``categories``,
    from one grouped SUM over the period's rollup rows rather than one per analysis (a
    lägesbild draft shows them all)."""
    areas = _areas(reach, district)
    by_category = _counts_by_category(areas, *period)
    main_of = dict(
        Category.objects.filter(pk__in={pk for _area, pk in by_category}).values_list(
            "pk", Coalesce("parent_id", "pk")
        )
    )
    totals: dict[int | None, dict[int, int]] = {}
    for (area, category), count in by_category.items():
        for key in (None, main_of[category]):
            totals.setdefault(key, {})
            totals[key][area] = totals[key].get(area, 0) + count
    analyses = []
    for category in [None, *categories]:
        counts = totals.get(category.pk if category else None, {})
        analyses.append((category, _analyse(areas, counts, period, category, district)))
    return analyses


def _areas(reach, district: District | None) -> list[IntermediateArea]:
    """The mellanområden analysed: ``district``'s, or those of every district in ``reach``."""
    areas = (
        IntermediateArea.objects.select_related("district")
        .filter(boundary__isnull=False)
        .defer("boundary")
        .annotate(digest=boundary_digest())
    )
    if district is not None:
        areas = areas.filter(district=district)
    elif reach is not None:
        areas = areas.filter(district_id__in=sorted(reach))
    return list(areas.order_by("code"))


def _analyse(areas, counts: dict[int, int], period, category, district) -> HotspotAnalysis:
    """The analysis of ``counts`` (reports per mellanområde) over ``areas``."""
    start, end = period
    keys = [area.pk for area in areas]
    values = [counts.get(area.pk, 0) for area in areas]
    exposures = [_km2(area) for area in areas]
    analysis = {
        "start": start,
        "end": end,
        "category": category,
        "district": district,
        "normalisation": NORMALISATION_AREA,
    }
    if not enough_data(values):
        rows = [
            HotspotRow(
                a.code, a.name, a.district.slug, count, size, 0.0, 0.0, 1.0, 1.0, False, None
            )
            for a, count, size in zip(areas, values, exposures, strict=True)
        ]
        return HotspotAnalysis(**analysis, enough_data=False, rows=rows)
    fingerprint = fingerprint_of({area.pk: area.digest for area in areas})
    graph = restricted(neighbours(fingerprint=fingerprint), keys)
    results = hotspots_compute(keys, values, exposures, graph)
    by_pk = {area.pk: area for area in areas}
    rows = [
        HotspotRow(
            code=by_pk[result.key].code,
            name=by_pk[result.key].name,
            district=by_pk[result.key].district.slug,
            count=result.count,
            exposure=result.exposure,
            expected=result.expected,
            gi_z=result.gi_z,
            p=result.p,
            q=result.q,
            hotspot=result.hotspot,
            basis=result.basis,
        )
        for result in results
    ]
    rows.sort(key=lambda row: (not row.hotspot, row.q, row.code))
    return HotspotAnalysis(
        **analysis, enough_data=True, rows=rows, dispersion=results[0].dispersion
    )


def _km2(area: IntermediateArea) -> float:
    return float(area.area_km2) if area.area_km2 else area_km2(area.boundary)


def _counts(areas, start: date, end: date, category: Category | None) -> dict[int, int]:
    """Partnership-level reports per mellanområde in the period: one grouped SUM. Written as
    the bare SQL would be (the category and its subcategories as a subquery, the districts as
    the only list): the planner reads the day range of the rollup's key and nothing else."""
    rows = _shared_rows(areas, start, end)
    if category is not None:
        rows = rows.filter(
            category_id__in=Category.objects.filter(Q(pk=category.pk) | Q(parent=category))
            .order_by()
            .values("pk")
        )
    wanted = {area.pk for area in areas}
    sums = (
        rows.order_by()
        .values("intermediate_area_id")
        .annotate(total=Sum("reports"))
        .values_list("intermediate_area_id", "total")
    )
    return {pk: total for pk, total in sums if pk in wanted}


def _counts_by_category(areas, start: date, end: date) -> dict[tuple[int, int], int]:
    """Partnership-level reports per (mellanområde, category) in the period: one grouped SUM."""
    wanted = {area.pk for area in areas}
    sums = (
        _shared_rows(areas, start, end)
        .order_by()
        .values("intermediate_area_id", "category_id")
        .annotate(total=Sum("reports"))
        .values_list("intermediate_area_id", "category_id", "total")
    )
    return {(area, category): total for area, category, total in sums if area in wanted}


def _shared_rows(areas, start: date, end: date):
    """The day rollup's partnership-level rows of the areas' districts in the period, in
    mellanområden, of the statuses a joint figure counts."""
    return ReportDayCount.objects.filter(
        day__gte=start,
        day__lte=end,
        confidentiality=Confidentiality.PARTNERSHIP,
        status__in=COUNTED_STATUSES,
        district_id__in=sorted({area.district_id for area in areas}),
        intermediate_area__isnull=False,
    )
