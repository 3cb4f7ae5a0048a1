"""The transparent priority score: weighted criteria, each shown with its points and why.

A criterion's *share* (0 to 1) says how far it is met; its *points* are the weight times the
share, rounded to a tenth; the score is the sum of the points, so the breakdown always adds up
to the score. The weights are points out of 100 (``PriorityWeights``, versioned).

The criteria:

- frequency: linked reports in the last 12 months against the weights' "full at" count;
- trend: the last 90 days against the 90 days before (rising only);
- severity: the linked reports' average severity in the last 12 months (1 → 0, 4 → 1);
- resident concern: the district's level (1–5) for the year, else the latest earlier year;
- vulnerability: the police's designation of an utsatt område the problem's places or areas
  lie in, from the latest list in force;
- chance to influence: the analysts' judgement (1–5) on the problem.

The priority is the two parties' joint assessment, one number for every reader of the problem,
so its report figures (counts, trend, average severity) come from the shared base only: the
linked reports of the problem's district that are shared in the partnership
(``incidents.selectors.situation.shared_reports``), which every reader of a problem may read
(both parties' staff of the district and coordinators, ``accounts.access``). A report only one
party may read adds nothing, so no figure here lets the other party work it out (the rule of
every figure in Trygg: computed only from what the viewer may read, see
``overview.selectors.counts``).

Every score of any number of problems costs the same six queries.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from accounts.choices import Confidentiality
from areas.choices import VulnerabilityCategory
from areas.models import VulnerableArea
from incidents.selectors.situation import COUNTED_STATUSES
from plans.choices import Criterion
from plans.models import PriorityWeights, Problem, ProblemReport, ResidentConcern

FREQUENCY_DAYS = 365
TREND_DAYS = 90
# A rise of this many reports from (near) nothing gives the full trend points, so that one
# report after a quiet quarter does not.
TREND_MIN_BASE = 5
VULNERABILITY_SHARES = {
    VulnerabilityCategory.PARTICULARLY: Decimal(1),
    VulnerabilityCategory.RISK: Decimal(2) / 3,
    VulnerabilityCategory.VULNERABLE: Decimal(1) / 3,
}
_SHARE = Decimal("0.0001")
_POINTS = Decimal("0.1")


def _share(value) -> Decimal:
    return min(max(Decimal(value), Decimal(0)), Decimal(1)).quantize(_SHARE, ROUND_HALF_UP)


@dataclass(frozen=True)
class Component:
    """One criterion of a score: its weight, how far it is met, the points it gives, and the
    figures it was computed from (``inputs``, JSON-ready, explained by ``explanation``)."""

    criterion: str
    weight: int
    share: Decimal
    points: Decimal
    inputs: dict

    @property
    def label(self) -> str:
        return Criterion(self.criterion).label

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def explanation(self) -> str:
        return explain(self.criterion, self.inputs)

    def as_json(self) -> dict:
        return {
            "criterion": self.criterion,
            "weight": self.weight,
            "share": str(self.share),
            "points": str(self.points),
            "inputs": self.inputs,
        }


@dataclass(frozen=True)
class PriorityScore:
    weights_version: int
    components: tuple[Component, ...]
    as_of: date
    # For the ranking's tie-break: more reports first.
    reports: int = field(default=0, compare=False)

    @property
    def total(self) -> Decimal:
        return sum((c.points for c in self.components), Decimal(0)).quantize(_POINTS)

    def as_json(self) -> dict:
        return {
            "weights_version": self.weights_version,
            "as_of": self.as_of.isoformat(),
            "total": str(self.total),
            "components": [component.as_json() for component in self.components],
        }

    @classmethod
    def from_json(cls, data: dict) -> "PriorityScore":
        """A breakdown as stored with a decision, shown as it was then."""
        return cls(
            weights_version=data["weights_version"],
            as_of=date.fromisoformat(data["as_of"]),
            components=tuple(
                Component(
                    criterion=c["criterion"],
                    weight=c["weight"],
                    share=Decimal(c["share"]),
                    points=Decimal(c["points"]),
                    inputs=c["inputs"],
                )
                for c in data["components"]
            ),
        )


# --- The criteria ---------------------------------------------------------------------------


def _frequency(inputs: dict, weights: PriorityWeights) -> Decimal:
    return _share(Decimal(inputs["reports"]) / weights.frequency_full_at)


def _trend(inputs: dict, weights: PriorityWeights) -> Decimal:
    rise = inputs["recent"] - inputs["earlier"]
    return _share(Decimal(max(rise, 0)) / max(inputs["earlier"], TREND_MIN_BASE))


def _severity(inputs: dict, weights: PriorityWeights) -> Decimal:
    average = inputs["average"]
    return Decimal(0) if average is None else _share((Decimal(average) - 1) / 3)


def _concern(inputs: dict, weights: PriorityWeights) -> Decimal:
    level = inputs["level"]
    return Decimal(0) if level is None else _share(Decimal(level - 1) / 4)


def _vulnerability(inputs: dict, weights: PriorityWeights) -> Decimal:
    category = inputs["category"]
    return Decimal(0) if category is None else _share(VULNERABILITY_SHARES[category])


def _influence(inputs: dict, weights: PriorityWeights) -> Decimal:
    level = inputs["level"]
    return Decimal(0) if level is None else _share(Decimal(level - 1) / 4)


_SHARES = {
    Criterion.FREQUENCY: _frequency,
    Criterion.TREND: _trend,
    Criterion.SEVERITY: _severity,
    Criterion.CONCERN: _concern,
    Criterion.VULNERABILITY: _vulnerability,
    Criterion.INFLUENCE: _influence,
}


def priority_score(
    *, inputs: dict[str, dict], weights: PriorityWeights, as_of: date
) -> PriorityScore:
    """The score of one problem from the figures of each criterion (see the module text)."""
    components = []
    for criterion in Criterion.values:
        weight = weights.weight(criterion)
        share = _SHARES[criterion](inputs[criterion], weights)
        points = (weight * share).quantize(_POINTS, ROUND_HALF_UP)
        components.append(Component(criterion, weight, share, points, inputs[criterion]))
    return PriorityScore(
        weights_version=weights.version,
        components=tuple(components),
        as_of=as_of,
        reports=inputs[Criterion.FREQUENCY]["reports"],
    )


# --- Explanations ------------------------------------------------------------------------------


def explain(criterion: str, inputs: dict) -> str:
    """Why a criterion gives the points it gives, in words."""
    if criterion == Criterion.FREQUENCY:
        return gettext(
            "%(count)s linked reports shared in the partnership in the last 12 months; "
            "%(full)s give full points."
        ) % {"count": inputs["reports"], "full": inputs["full_at"]}
    if criterion == Criterion.TREND:
        return gettext(
            "%(recent)s linked reports shared in the partnership in the last 90 days against "
            "%(earlier)s in the 90 days before."
        ) % {"recent": inputs["recent"], "earlier": inputs["earlier"]}
    if criterion == Criterion.SEVERITY:
        if inputs["average"] is None:
            return gettext("No linked reports shared in the partnership in the last 12 months.")
        return gettext("Average severity %(average)s on the scale 1–4.") % {
            "average": number_format(Decimal(inputs["average"]), 1)
        }
    if criterion == Criterion.CONCERN:
        if inputs["level"] is None:
            return gettext("No resident concern entered for %(district)s.") % {
                "district": inputs["district"]
            }
        return gettext("%(district)s %(year)s: concern %(level)s of 5 (%(basis)s).") % inputs
    if criterion == Criterion.VULNERABILITY:
        if inputs["category"] is None:
            return gettext("Not in an area on the police's list of vulnerable areas.")
        return gettext("%(name)s: %(category)s (the police's list of %(year)s).") % {
            "name": inputs["name"],
            "category": VulnerabilityCategory(inputs["category"]).label,
            "year": inputs["year"],
        }
    if inputs["level"] is None:
        return gettext("Not judged yet.")
    judgement = gettext("Judged %(level)s of 5.") % {"level": inputs["level"]}
    return f"{judgement} {inputs['reason']}".strip()


# --- Reading the figures --------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _report_figures(problem_ids: list[int], as_of: date) -> dict[int, dict]:
    end = _day_start(as_of + timedelta(days=1))
    year = Q(report__occurred_at__gte=end - timedelta(days=FREQUENCY_DAYS))
    recent = Q(report__occurred_at__gte=end - timedelta(days=TREND_DAYS))
    earlier = Q(report__occurred_at__gte=end - timedelta(days=2 * TREND_DAYS)) & ~recent
    rows = (
        ProblemReport.objects.filter(
            problem_id__in=problem_ids,
            # The shared base (``shared_reports``), as a join: a report moved to another
            # district since it was linked is not its readers' to count either.
            report__confidentiality=Confidentiality.PARTNERSHIP,
            report__district_id=F("problem__district_id"),
            report__status__in=COUNTED_STATUSES,
            report__occurred_at__lt=end,
        )
        .values("problem_id")
        .annotate(
            year=Count("pk", filter=year),
            recent=Count("pk", filter=recent),
            earlier=Count("pk", filter=earlier),
            severity=Avg("report__severity", filter=year),
        )
        .order_by()
    )
    return {row["problem_id"]: row for row in rows}


def _graver(known: dict | None, candidate: dict | None) -> dict | None:
    if candidate is None:
        return known
    if known is None:
        return candidate
    shares = VULNERABILITY_SHARES
    return candidate if shares[candidate["category"]] > shares[known["category"]] else known


def _designations(problem_ids: list[int], as_of: date) -> dict[int, dict]:
    """The gravest designation each problem's places or areas fall under, from the latest
    list in force on ``as_of``."""
    areas: dict[int, set[int]] = defaultdict(set)
    for problem_id, area_id in Problem.primary_areas.through.objects.filter(
        problem_id__in=problem_ids
    ).values_list("problem_id", "primaryarea_id"):
        areas[problem_id].add(area_id)
    for problem_id, area_id in Problem.places.through.objects.filter(
        problem_id__in=problem_ids, place__primary_area__isnull=False
    ).values_list("problem_id", "place__primary_area_id"):
        areas[problem_id].add(area_id)
    latest_year = (
        VulnerableArea.objects.filter(year__lte=as_of.year).order_by("-year").values("year")[:1]
    )
    designated: dict[int, dict] = {}
    for area_id, category, name, year in VulnerableArea.primary_areas.through.objects.filter(
        vulnerablearea__year=Subquery(latest_year)
    ).values_list(
        "primaryarea_id", "vulnerablearea__category", "vulnerablearea__name", "vulnerablearea__year"
    ):
        candidate = {"category": category, "name": name, "year": year}
        designated[area_id] = _graver(designated.get(area_id), candidate)
    found: dict[int, dict] = {}
    for problem_id, area_ids in areas.items():
        for area_id in sorted(area_ids):
            graver = _graver(found.get(problem_id), designated.get(area_id))
            if graver is not None:
                found[problem_id] = graver
    return found


def _concerns(district_ids: set[int], as_of: date) -> dict[int, ResidentConcern]:
    latest = (
        ResidentConcern.objects.filter(district_id__in=district_ids, year__lte=as_of.year)
        .order_by("district_id", "-year")
        .distinct("district_id")
    )
    return {concern.district_id: concern for concern in latest}


def priority_inputs(
    *, problems: Sequence[Problem], weights: PriorityWeights, as_of: date
) -> dict[int, dict[str, dict]]:
    """The figures each criterion of each problem is computed from, as JSON-ready dicts."""
    ids = [problem.pk for problem in problems]
    figures = _report_figures(ids, as_of)
    designations = _designations(ids, as_of)
    concerns = _concerns({problem.district_id for problem in problems}, as_of)
    result = {}
    for problem in problems:
        row = figures.get(problem.pk, {})
        concern = concerns.get(problem.district_id)
        designation = designations.get(problem.pk) or {"category": None}
        severity = row.get("severity")
        result[problem.pk] = {
            Criterion.FREQUENCY: {
                "reports": row.get("year", 0),
                "full_at": weights.frequency_full_at,
            },
            Criterion.TREND: {"recent": row.get("recent", 0), "earlier": row.get("earlier", 0)},
            Criterion.SEVERITY: {
                "average": None if severity is None else str(Decimal(severity).quantize(_SHARE))
            },
            Criterion.CONCERN: {
                "district": problem.district.name,
                "level": concern.level if concern else None,
                "year": concern.year if concern else None,
                "basis": concern.basis if concern else "",
            },
            Criterion.VULNERABILITY: designation,
            Criterion.INFLUENCE: {"level": problem.influence, "reason": problem.influence_reason},
        }
    return result


def priority_weights_current() -> PriorityWeights:
    """The weights in force: the latest version (a migration creates the first)."""
    return PriorityWeights.objects.latest()


def priority_scores(
    *,
    problems: Sequence[Problem],
    as_of: date | None = None,
    weights: PriorityWeights | None = None,
) -> dict[int, PriorityScore]:
    """The score of each of ``problems`` (which need their district loaded), by id."""
    if not problems:
        return {}
    as_of = as_of or timezone.localdate()
    weights = weights or priority_weights_current()
    inputs = priority_inputs(problems=problems, weights=weights, as_of=as_of)
    return {
        pk: priority_score(inputs=figures, weights=weights, as_of=as_of)
        for pk, figures in inputs.items()
    }


def ranked(problems: Sequence[Problem], scores: dict[int, PriorityScore]) -> list[Problem]:
    """``problems`` highest score first; more reports, then the title, break ties."""
    return sorted(
        problems,
        key=lambda p: (-scores[p.pk].total, -scores[p.pk].reports, p.title.casefold(), p.pk),
    )
