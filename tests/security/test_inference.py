"""The attacker test (issue #9): nothing Trygg shows a viewer lets them work out, by
arithmetic, a count of records they may not read.

Over many random seeds it generates reports of random organisations, levels, districts,
primärområden, categories, days and sources, folds the rollups, and then, for five viewers
(a housing company's API token, a housing company's reporter, a social-services analyst, a
police analyst and a coordinator):

1. **Indistinguishability.** Each seed, one viewer in turn asks every grain × every grouping
   (``by`` subset) of ``overview_counts`` for a period, and every grain under district,
   category and source filters, and opens their dashboards, the lägesbild (draft and agreed
   figures) and a problem's priority inputs; the other viewers ask a random sample of the
   same grid. Then it adds random records that viewer may not read (some of them one or two
   alone in a cell), folds, asks again (the full grid a quarter per seed, so that over its
   four seeds every query is compared) and requires every answer to be identical. Answers
   that do not change when hidden records change cannot reveal them, whatever arithmetic is
   done on them.
2. **The solver.** The unknowns are the viewer's hidden counts per atomic cell (day ×
   district × mellanområde × primärområde × category × source). Every figure shown gives an
   equation over them, under the strongest assumption an attacker can make, that a figure
   counts hidden records too (figure = its readable part, which the viewer knows, + the
   hidden cells it covers); a group left out of an answer is a group of 0; "<3" (the old
   method) is the interval 1..2. For every hidden cell holding 1 or 2 records, an integer program
   (``scipy.optimize.milp``) finds its least and greatest value under all equations at once;
   the cell is disclosed when both equal its true count. The test requires none.

The solver is shown to work: fed the old figures (hidden records counted, small counts shown
as "<3") of the very same data, it discloses hidden cells, and it solves the issue's Nordost
example (Brott minus its shown subcategories gives Bilbrand).

Run with ``-s`` to see how many hidden cells were tried.
"""

import itertools
import os
import random
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from accounts.access import access_for
from accounts.api.services import api_client_create
from accounts.choices import ApiScope, Confidentiality
from analysis.alerts import alerts_compute, alerts_visible
from areas.models import IntermediateArea, PrimaryArea
from incidents.choices import PeriodKind, ReportStatus, SourceKind
from incidents.models import Category, Report, SituationPicture
from incidents.selectors.situation import (
    BASIS_PARTNERSHIP,
    COUNTED_STATUSES,
    Period,
    shared_reports,
    situation_figures_compute,
    situation_figures_for_picture,
)
from overview.selectors.counts import BY_CHOICES, overview_counts
from overview.selectors.dashboard import dashboard_compute
from overview.selectors.hotspots import hotspots_for
from overview.services.rollup import rollup_changes
from plans.models import EvaluationDesign, Problem, ProblemReport
from plans.selectors.evaluation import measure_evaluation
from plans.selectors.priority import priority_inputs, priority_weights_current
from tests.security.inference_solver import (
    REPORTS,
    disclosed,
    equations_from_answers,
    old_answers,
)

SEEDS = range(int(os.environ.get("TRYGG_INFERENCE_SEEDS", "20")))
QUARTER = Period.starting(PeriodKind.QUARTER, date(2025, 10, 1))
NOVEMBER = Period.starting(PeriodKind.MONTH, date(2025, 11, 1))
# Days across two months, several weeks and one quarter: every grain cuts them differently.
DAYS = [
    date(2025, 10, 1),
    date(2025, 10, 6),
    date(2025, 10, 14),
    date(2025, 10, 31),
    date(2025, 11, 3),
    date(2025, 11, 12),
    date(2025, 11, 13),
    date(2025, 11, 28),
]
DISTRICTS = ["nordost", "centrum", "hisingen", None]
# Subcategories and main categories (a report may carry a main category itself).
CATEGORIES = ["bilbrand", "vald", "narkotikahandel", "brott", "klotter", "fysisk-miljo", "ovrigt"]
SOURCES = [SourceKind.FIELD_OBSERVATION, SourceKind.POLICE_EVENT, SourceKind.PARTNER_SYSTEM]
ORGANISATIONS = ["sf_centrum", "lpo_city", "bostad", "sf_hisingen", "lpo_hisingen"]
GRAINS = ["day", "week", "month", "quarter", "year"]
ALL_BY = [
    by for size in range(len(BY_CHOICES) + 1) for by in itertools.combinations(BY_CHOICES, size)
]
# Where a row's count is: after the period and one value per dimension (``CountRow``).
# The whole grid costs some 250 queries a viewer (about 2 s here), so each seed gives it to
# one viewer in turn, and LIGHT queries of it to the others; the full viewer's answers are
# asked again with the hidden extras a quarter at a time, so that over its four seeds every
# query is compared once.
LIGHT = 8
OLD_TARGETS = 4
READERS_OF_JOINT_WORK = ("social", "police", "coordinator")


# --- The data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """The finest cell any figure is made of."""

    day: date
    district: str | None
    intermediate_area: str | None
    primary_area: str | None
    category: str
    source_kind: str


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


class World:
    """The reference data a seed draws from, and the reports it writes."""

    def __init__(self, geography, organisations) -> None:
        self.geography = geography
        self.organisations = organisations
        self.categories = {c.code: c for c in Category.objects.select_related("parent")}
        self.areas = {
            slug: list(
                PrimaryArea.objects.filter(district=district)
                .select_related("intermediate_area")
                .order_by("code")[:2]
            )
            for slug, district in geography.items()
        }
        # A mellanområde per district for reports placed in it but in no primärområde.
        self.alternate = False
        self.intermediate_areas = {
            slug: list(
                IntermediateArea.objects.filter(district=district)
                .defer("boundary")
                .order_by("-code")[:1]
            )
            for slug, district in geography.items()
        }

    def main_code(self, code: str) -> str:
        category = self.categories[code]
        return category.parent.code if category.parent_id else code

    def report(self, rng: random.Random, **fixed) -> Report:
        district = fixed.get("district", rng.choice(DISTRICTS))
        area = fixed.get(
            "primary_area",
            rng.choice([None, *self.areas[district]]) if district else None,
        )
        if area is not None:
            intermediate = area.intermediate_area
        else:
            intermediate = (
                rng.choice([None, *self.intermediate_areas[district]]) if district else None
            )
        return Report(
            occurred_at=_noon(fixed.get("day", rng.choice(DAYS))),
            district=self.geography[district] if district else None,
            intermediate_area=intermediate,
            primary_area=area,
            category=self.categories[fixed.get("category", rng.choice(CATEGORIES))],
            source_kind=fixed.get("source_kind", rng.choice(SOURCES)),
            organisation=self.organisations[fixed.get("organisation", rng.choice(ORGANISATIONS))],
            confidentiality=fixed.get("confidentiality", rng.choice(list(Confidentiality.values))),
            status=fixed.get(
                "status",
                ReportStatus.DISMISSED if rng.random() < 0.1 else rng.choice(COUNTED_STATUSES),
            ),
            severity=rng.randint(1, 4),
            description="Observation",
        )

    def atom(self, report: Report) -> Atom:
        return Atom(
            timezone.localtime(report.occurred_at).date(),
            report.district.slug if report.district_id else None,
            report.intermediate_area.code if report.intermediate_area_id else None,
            report.primary_area.code if report.primary_area_id else None,
            report.category.code,
            report.source_kind,
        )


def _write(reports: list[Report]) -> list[Report]:
    made = Report.objects.bulk_create(reports)
    rollup_changes()
    return made


def _erase(reports: list[Report]) -> None:
    ids = [r.pk for r in reports]
    ProblemReport.objects.filter(report_id__in=ids).delete()
    Report.objects.filter(pk__in=ids).delete()
    rollup_changes()


# --- The viewers --------------------------------------------------------------------------------


@dataclass
class Viewer:
    name: str
    principal: object
    reach: tuple[str | None, ...]  # the districts whose figures they get
    dashboards: tuple[str | None, ...]  # the dashboards they open (None: the whole city)

    def readable_ids(self, reports: list[Report]) -> set[int]:
        ids = [r.pk for r in reports]
        return set(
            Report.objects.visible_to(self.principal)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )


@pytest.fixture
def viewers(organisations, geography, partner, social_centrum, police_centrum, coordinator):
    token = api_client_create(
        name="bostad-statistik",
        organisation=organisations["bostad"],
        scopes=[ApiScope.OVERVIEW_READ],
        districts=[geography["nordost"], geography["centrum"]],
        expires_at=None,
    ).client
    return [
        Viewer("token", token, ("nordost", "centrum"), ()),
        Viewer("partner", partner, ("nordost",), ("nordost",)),
        Viewer("social", social_centrum, ("centrum",), ("centrum",)),
        Viewer("police", police_centrum, ("centrum",), ("centrum",)),
        Viewer("coordinator", coordinator, tuple(DISTRICTS), (None, "centrum")),
    ]


# --- What a viewer is shown -----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    grain: str
    by: tuple[str, ...]
    district: str | None = None
    category: str | None = None
    source_kind: str | None = None


def _queries(viewer: Viewer, rng: random.Random) -> list[Query]:
    """Every grain × every grouping; and under filters (each of the viewer's districts, a
    main category, a subcategory, a source, all three at once) every grain × no grouping and
    a random grouping."""
    queries = [Query(grain, by) for grain in GRAINS for by in ALL_BY]
    district = rng.choice([d for d in viewer.reach if d])
    filters = [
        *({"district": d} for d in viewer.reach if d),
        {"category": "brott"},
        {"category": rng.choice(["bilbrand", "vald", "klotter"])},
        {"source_kind": rng.choice(SOURCES)},
        {"district": district, "category": "brott", "source_kind": rng.choice(SOURCES)},
    ]
    queries += [
        Query(g, by, **f) for f in filters for g in GRAINS for by in ((), rng.choice(ALL_BY[1:]))
    ]
    return queries


def _ask(viewer: Viewer, query: Query, world: World) -> list[tuple]:
    rows = overview_counts(
        user=viewer.principal,
        grain=query.grain,
        start=QUARTER.start,
        end=NOVEMBER.end,
        district=world.geography[query.district] if query.district else None,
        category=world.categories[query.category] if query.category else None,
        source_kind=query.source_kind,
        by=query.by,
    )
    return [tuple(asdict(row).values()) for row in rows]


def _dashboard(viewer: Viewer, slug: str | None, world: World) -> dict:
    """A dashboard as data: every figure, label and link it shows (not its freshness)."""
    board = dashboard_compute(
        user=viewer.principal,
        period=NOVEMBER,
        district=world.geography[slug] if slug else None,
    )

    def rows(rows):
        return [(r.key, r.label, r.figures, r.links, r.level) for r in rows]

    def series(s):
        return None if s is None else (s.months, [(x.key, x.points, x.links) for x in s.lines])

    return {
        "total": rows([board.total]),
        "city": rows([board.city_total]) if board.city_total else None,
        "share": board.share_of_city,
        "districts": rows(board.districts),
        "categories": rows(board.categories),
        "sources": rows(board.sources),
        "areas": rows(board.areas),
        "series": (series(board.series_by_district), series(board.series_by_category)),
        "map": [(a.slug, a.figure, a.colour, a.rate_display) for a in board.map_areas],
        "problems": board.problems,
    }


def _hotspots(viewer: Viewer, slug: str | None, world: World):
    """The hotspots of the dashboard (issue #12): every area's figures, or None."""
    analysis = hotspots_for(
        viewer.principal,
        period=(NOVEMBER.start, NOVEMBER.end),
        district=world.geography[slug] if slug else None,
    )
    return None if analysis is None else (analysis.enough_data, analysis.rows)


def _alerts(viewer: Viewer) -> list[tuple]:
    """Every alert the viewer may see, alarm or not, as computed after the week of 1
    December 2025 (issue #12): the weeks of October and November."""
    alerts_compute(today=date(2025, 12, 2), weeks=9)
    return [
        (a.level, a.district_id, a.intermediate_area_id, a.category_id, a.week, a.observed,
         a.expected, a.upper, a.p_value, a.alarm, a.method)
        for a in alerts_visible(viewer.principal, alarms_only=False).order_by("pk")
    ]  # fmt: skip


def _effect(viewer: Viewer, measure):
    """The measured effect of the joint measure (issue #12), or None."""
    evaluation = measure_evaluation(user=viewer.principal, measure=measure)
    return None if evaluation is None else (evaluation.state, evaluation.result)


def _without_time(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key != "computed_at"}


def _shown(viewer: Viewer, queries: list[Query], world: World, joint: dict, *, full: bool) -> dict:
    """What the viewer is shown, by surface: the counts asked for, and for the full viewer
    their dashboards, the lägesbild (draft and agreed) and the problem's priority inputs."""
    shown = {("counts", q): _ask(viewer, q, world) for q in queries}
    if not full:
        return shown
    for slug in viewer.dashboards:
        shown[("dashboard", slug)] = _dashboard(viewer, slug, world)
        shown[("hotspots", slug)] = _hotspots(viewer, slug, world)
    shown["alerts"] = _alerts(viewer)
    shown["effect"] = _effect(viewer, joint["measure"])
    if viewer.name in READERS_OF_JOINT_WORK:
        shown["draft"] = _without_time(
            situation_figures_for_picture(picture=joint["draft"], user=viewer.principal)
        )
        shown["agreed"] = _without_time(
            situation_figures_compute(
                reports=shared_reports(),
                district=world.geography["centrum"],
                period=QUARTER,
                basis=BASIS_PARTNERSHIP,
            )
        )
        problem = joint["problem"]
        shown["priority"] = priority_inputs(
            problems=[problem], weights=priority_weights_current(), as_of=NOVEMBER.end
        )
    return shown


# --- The test ------------------------------------------------------------------------------------


def _hidden_extras(rng, world, viewer) -> list[Report]:
    """Random records ``viewer`` may not read: some anywhere, and one or two alone in a cell
    of their reach (a day and category nobody else reported)."""
    readable_of = access_for(viewer.principal).organisation_ids()
    # Partners read their own organisation's records only; staff and coordinators also the
    # partnership's (within their districts).
    levels = list(Confidentiality.values) if viewer.name in ("token", "partner") else None
    extras = []
    while len(extras) < 8:
        level = rng.choice(levels) if levels else Confidentiality.ORGANISATION
        candidate = world.report(rng, confidentiality=level)
        if candidate.organisation_id not in readable_of:
            extras.append(candidate)
    district = rng.choice([d for d in viewer.reach if d])
    lonely = {"district": district, "day": date(2025, 11, 20), "category": "bilbrand"}
    for _ in range(rng.choice([1, 2])):
        organisation = rng.choice(
            [o for o in ORGANISATIONS if world.organisations[o].pk not in readable_of]
        )
        extras.append(
            world.report(
                rng,
                organisation=organisation,
                confidentiality=Confidentiality.ORGANISATION,
                status=ReportStatus.NEW,
                **lonely,
            )
        )
    return extras


def _joint_work(world, social_centrum) -> dict:
    draft = SituationPicture.objects.create(
        district=world.geography["centrum"],
        period_kind=QUARTER.kind,
        period_start=QUARTER.start,
        period_end=QUARTER.end,
        created_by=social_centrum,
    )
    problem = Problem.objects.create(
        district=world.geography["centrum"], title="Bilbränder", created_by=social_centrum
    )
    problem = Problem.objects.select_related("district").get(pk=problem.pk)
    return {"draft": draft, "problem": problem, "measure": _evaluated_measure(world, problem)}


def _evaluated_measure(world, problem):
    """A measure of Centrum's plan whose effect is measured: Norra Centrum against the rest
    of Centrum, from October to 11 November 2025 and after."""
    from plans.services.measures import measure_create
    from plans.services.plans import plan_create
    from tests.plans.conftest import measure_data

    actor = problem.created_by
    plan = plan_create(
        actor=actor,
        district=problem.district,
        period_start=date(2025, 1, 1),
        period_end=date(2026, 12, 31),
        social_services=world.organisations["sf_centrum"],
        police=world.organisations["lpo_city"],
    ).obj
    measure = measure_create(
        actor=actor, plan=plan, data=measure_data([problem], world.organisations["lpo_city"])
    )[0].obj
    design = EvaluationDesign.objects.create(
        measure=measure,
        before_start=date(2025, 9, 29),
        before_end=date(2025, 11, 9),
        after_start=date(2025, 11, 10),
        after_end=date(2025, 12, 21),
    )
    areas = IntermediateArea.objects.defer("boundary").filter(district=problem.district)
    design.target_areas.set(areas.filter(code="37"))
    design.comparison_areas.set(areas.exclude(code="37"))
    design.categories.set(Category.objects.filter(parent__isnull=True))
    return measure


def _link(problem, reports, rng) -> None:
    ProblemReport.objects.bulk_create(
        ProblemReport(problem=problem, report=report)
        for report in reports
        if report.district_id == problem.district_id and rng.random() < 0.5
    )


def test_it_gives_no_viewer_a_hidden_count_on_any_seed(
    geography, organisations, viewers, social_centrum, capsys
):
    world = World(geography, organisations)
    joint = _joint_work(world, social_centrum)
    tried = disclosed_now = disclosed_before = answers_compared = 0
    alerts_shown = effects_shown = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        reports = _write([world.report(rng) for _ in range(rng.randint(40, 70))])
        _link(joint["problem"], reports, rng)
        counted = [r for r in reports if r.status in COUNTED_STATUSES]
        full = viewers[seed % len(viewers)]
        asked, rechecked, before = {}, {}, {}
        for viewer in viewers:
            queries = _queries(viewer, rng)
            if viewer is full:
                asked[viewer.name] = queries
                rechecked[viewer.name] = queries[seed // len(viewers) % 4 :: 4]
            else:
                asked[viewer.name] = rechecked[viewer.name] = rng.sample(queries, LIGHT)
            before[viewer.name] = _shown(
                viewer, asked[viewer.name], world, joint, full=viewer is full
            )

        alerts_shown += len(before[full.name]["alerts"])
        effects_shown += (before[full.name]["effect"] or (None, None))[1] is not None

        # 1. Records the full viewer may not read change nothing that they, or any other
        # viewer who may not read them either, are shown.
        extras = _write(_hidden_extras(rng, world, full))
        assert not full.readable_ids(extras), full.name
        _link(joint["problem"], extras, rng)
        for viewer in viewers:
            if viewer.readable_ids(extras):
                continue
            after = _shown(viewer, rechecked[viewer.name], world, joint, full=viewer is full)
            for surface, shown in after.items():
                assert shown == before[viewer.name][surface], (seed, viewer.name, surface)
            answers_compared += len(after)
        _erase(extras)

        # 2. The solver, over every figure each viewer was shown, at once.
        for viewer in viewers:
            readable_ids = viewer.readable_ids(counted)
            cells: dict[Atom, list[int]] = defaultdict(lambda: [0, 0])
            for report in counted:
                cells[world.atom(report)][0 if report.pk in readable_ids else 1] += 1
            atoms = list(cells)
            readable = [cells[a][0] for a in atoms]
            hidden = [cells[a][1] for a in atoms]
            targets = [
                i
                for i, atom in enumerate(atoms)
                if atom.district in viewer.reach and 1 <= hidden[i] < 3
            ]
            tried += len(targets)
            answers = {
                key[1]: rows for key, rows in before[viewer.name].items() if key[0] == "counts"
            }
            equations = equations_from_answers(answers, atoms, readable, viewer.reach, world)
            disclosed_now += len(disclosed(equations, hidden, targets))
            if viewer is full:
                # The same data as the old figures showed it: the solver must find hidden
                # cells (a few per seed: each costs two integer programs).
                old = old_answers(asked[viewer.name], atoms, readable, hidden, viewer.reach, world)
                equations = equations_from_answers(old, atoms, readable, viewer.reach, world)
                disclosed_before += len(disclosed(equations, hidden, targets[:OLD_TARGETS]))
        _erase(reports)
    with capsys.disabled():
        print(
            f"\ninference: {len(SEEDS)} seeds, {len(viewers)} viewers, "
            f"{answers_compared} answers compared; hidden cells tried: {tried}, "
            f"disclosed now: {disclosed_now}; "
            f"disclosed by the old figures: {disclosed_before} of the first {OLD_TARGETS} a seed; "
            f"alerts compared: {alerts_shown}, measured effects compared: {effects_shown}"
        )
    assert alerts_shown > 0 and effects_shown > 0  # the analysis surfaces were not empty
    assert tried >= 100
    assert disclosed_now == 0
    assert disclosed_before > 0  # the solver finds what the old method gave away


# --- The solver works: the issue's example --------------------------------------------------------


def test_it_solves_the_issues_nordost_example_from_the_old_figures(geography, organisations):
    """``partner.bostad`` on Nordost's dashboard, the old way: Brott 47 in all, its shown
    subcategories 46, "Bilbrand <3". The solver finds Bilbrand's one hidden report."""
    world = World(geography, organisations)
    day = date(2025, 11, 3)
    atoms = [
        Atom(day, "nordost", None, None, "narkotikahandel", SourceKind.POLICE_EVENT),
        Atom(day, "nordost", None, None, "vald", SourceKind.POLICE_EVENT),
        Atom(day, "nordost", None, None, "bilbrand", SourceKind.POLICE_EVENT),
    ]
    readable = [0, 0, 0]
    hidden = [30, 16, 1]
    queries = [Query("month", ("main_category",)), Query("month", ("category",))]
    old = old_answers(queries, atoms, readable, hidden, ("nordost",), world)
    assert sorted(row[REPORTS] for row in old[queries[1]] if row[REPORTS]) == [16, 30]
    assert [row[REPORTS] for row in old[queries[0]]] == [47]
    equations = equations_from_answers(old, atoms, readable, ("nordost",), world)
    assert disclosed(equations, hidden, [2]) == [2]
    # From the subcategories alone ("<3" is 1 or 2), Bilbrand is not determined.
    alone = equations_from_answers(
        {queries[1]: old[queries[1]]}, atoms, readable, ("nordost",), world
    )
    assert disclosed(alone, hidden, [2]) == []
