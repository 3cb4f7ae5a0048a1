"""Seeded generated cities for the hotspots' calibration, on the real contiguity of the 36
mellanområden (read straight from the data file, no database).

    PYTHONPATH=. python -m tests.analysis.hotspot_calibration   # prints the table

Each scenario draws, per seed, the period's reports of one category over the areas: the
total fixed, each report falling in an area with probability ∝ its exposure (km², what the
portal normalises by) times the area's planted risk. "Uniform" plants nothing: the share of
runs without any hotspot must be ≥ 95 %. A planted scenario raises the risk of one area (and
optionally its neighbours): the share of runs that find that area must be ≥ 90 %.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import stats

from analysis.geography import contiguity
from analysis.hotspots import benjamini_hochberg, gi_star, hotspots_compute, weights_matrix

SEEDS = 200
# The project's copy of ../shared/data/goteborg_mellanomrade.geojson (the same bytes).
DATA = Path(__file__).resolve().parents[2] / "areas" / "data"
MELLANOMRADEN = DATA / "goteborg_mellanomrade.geojson"


@dataclass(frozen=True)
class City:
    codes: list[str]
    names: dict[str, str]
    districts: dict[str, str]
    km2: dict[str, float]
    graph: dict[str, frozenset[str]]

    def within(self, district: str) -> "City":
        kept = [code for code in self.codes if self.districts[code] == district]
        return City(
            kept,
            self.names,
            self.districts,
            self.km2,
            {code: self.graph[code] & set(kept) for code in kept},
        )

    def code(self, name: str) -> str:
        return next(code for code, each in self.names.items() if each == name)


@cache
def city() -> City:
    features = json.loads(MELLANOMRADEN.read_text())["features"]
    codes = [str(int(f["properties"]["nr"])) for f in features]
    graph = contiguity({code: f["geometry"] for code, f in zip(codes, features, strict=True)})
    return City(
        codes,
        {c: f["properties"]["namn"] for c, f in zip(codes, features, strict=True)},
        {c: f["properties"]["stadsomrade"] for c, f in zip(codes, features, strict=True)},
        {c: float(f["properties"]["area_km2"]) for c, f in zip(codes, features, strict=True)},
        graph,
    )


@dataclass(frozen=True)
class Scenario:
    label: str
    reports: int
    district: str | None = None
    hot: str | None = None  # the name of the planted area
    risk: float = 1.0
    with_neighbours: bool = False

    @property
    def planted(self) -> bool:
        return self.hot is not None


def _draw(scenario: Scenario, rng, area: City) -> tuple[list[str], np.ndarray, np.ndarray]:
    codes = area.codes
    exposure = np.array([area.km2[code] for code in codes])
    risk = np.ones(len(codes))
    if scenario.planted:
        hot = area.code(scenario.hot)
        raised = {hot} | (set(area.graph[hot]) if scenario.with_neighbours else set())
        for i, code in enumerate(codes):
            if code in raised:
                risk[i] = scenario.risk
    weights = exposure * risk
    counts = rng.multinomial(scenario.reports, weights / weights.sum())
    return codes, counts, exposure


def run(scenario: Scenario, seeds: int = SEEDS) -> dict[str, float]:
    """The share of runs that raise any hotspot (uniform) or find the planted area
    (planted), for the portal's method and, for comparison, Gi* with normal p-values."""
    area = city() if scenario.district is None else city().within(scenario.district)
    hits = 0
    normal_hits = 0
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        codes, counts, exposure = _draw(scenario, rng, area)
        results = hotspots_compute(codes, counts, exposure, area.graph)
        z = gi_star(counts / exposure, weights_matrix(codes, area.graph))
        normal = benjamini_hochberg(stats.norm.sf(z)) <= 0.05
        if scenario.planted:
            hot = area.code(scenario.hot)
            hits += next(r.hotspot for r in results if r.key == hot)
            normal_hits += bool(normal[codes.index(hot)])
        else:
            hits += any(r.hotspot for r in results)
            normal_hits += bool(normal.any())
    return {"method": hits / seeds, "gi_normal": normal_hits / seeds}


UNIFORM = [
    Scenario("uniform city, 60 reports", 60),
    Scenario("uniform city, 300 reports", 300),
    Scenario("uniform city, 3,000 reports", 3000),
    Scenario("uniform city, 30,000 reports", 30000),
    Scenario("uniform Nordost (7 areas), 100 reports", 100, district="Nordost"),
    Scenario("uniform Centrum (10 areas), 300 reports", 300, district="Centrum"),
]
# A month of one main category is some hundreds to ten thousand reports citywide at the
# portal's expected volume (1–5 million reports over four years).
PLANTED = [
    Scenario(
        "Bergsjön and neighbours ×2, 1,000 reports",
        1000,
        hot="Bergsjön",
        risk=2,
        with_neighbours=True,
    ),
    Scenario("Bergsjön alone ×2, 10,000 reports", 10000, hot="Bergsjön", risk=2),
    Scenario("Kortedala alone ×2, 10,000 reports", 10000, hot="Kortedala", risk=2),
    Scenario("Bergsjön alone ×3, 3,000 reports", 3000, hot="Bergsjön", risk=3),
    Scenario(
        "Centrala Angered ×2, 300 reports, Nordost only",
        300,
        district="Nordost",
        hot="Centrala Angered",
        risk=2,
    ),
]
# Shown in the table, not required: where the method's power ends.
LIMITS = [
    Scenario("Norra Centrum alone ×2, 3,000 reports", 3000, hot="Norra Centrum", risk=2),
    Scenario("Bergsjön alone ×2, 300 reports", 300, hot="Bergsjön", risk=2),
    Scenario("Bergsjön alone ×2, 3,000 reports", 3000, hot="Bergsjön", risk=2),
    Scenario("Kortedala alone ×2.5, 1,000 reports", 1000, hot="Kortedala", risk=2.5),
    Scenario(
        "Norra Centrum and neighbours ×2, 300 reports",
        300,
        hot="Norra Centrum",
        risk=2,
        with_neighbours=True,
    ),
    Scenario(
        "Olskroken (1.2 km²) alone ×3, 1,000 reports",
        1000,
        hot="Olskroken-Redbergslid-Bagaregården",
        risk=3,
    ),
]
UNIFORM_SEEDS = 1000


def heterogeneous(reports: int, seeds: int = SEEDS, spread: float = 0.5) -> dict[str, float]:
    """A city whose areas differ as real ones do (each area's risk log-normal with sd
    ``spread``, nothing planted): the mean number of areas named hotspots with the extra
    variation allowed for (the portal) and with Poisson variation assumed."""
    area = city()
    codes = area.codes
    exposure = np.array([area.km2[code] for code in codes])
    named = {"method": 0, "poisson": 0}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        weights = exposure * np.exp(rng.normal(0, spread, len(codes)))
        counts = rng.multinomial(reports, weights / weights.sum())
        for key, allow in (("method", True), ("poisson", False)):
            results = hotspots_compute(codes, counts, exposure, area.graph, overdispersion=allow)
            named[key] += sum(r.hotspot for r in results)
    return {key: value / seeds for key, value in named.items()}


def table() -> list[tuple[str, str, float, float]]:
    rows = []
    for kind, scenarios in (("no hotspot", UNIFORM), ("found", PLANTED), ("found", LIMITS)):
        for scenario in scenarios:
            result = run(scenario, UNIFORM_SEEDS if kind == "no hotspot" else SEEDS)
            share = 1 - result["method"] if kind == "no hotspot" else result["method"]
            normal = 1 - result["gi_normal"] if kind == "no hotspot" else result["gi_normal"]
            rows.append((scenario.label, kind, share, normal))
    return rows


if __name__ == "__main__":
    print(f"{'scenario':50} {'share of runs':>12} {'portal':>7} {'Gi* normal':>10}")
    for label, kind, share, normal in table():
        print(f"{label:50} {kind:>12} {share:7.1%} {normal:10.1%}")
    for reports in (1000, 10000):
        named = heterogeneous(reports)
        print(
            f"areas differing (log-normal risk, sd 0.5), {reports:,} reports: hotspots named "
            f"{named['method']:.1f} on average, {named['poisson']:.1f} with Poisson variation"
        )
