"""How many demo reports each mellanområde gets of each category on each day: the pure model
behind ``overview/demo.py``, with what is planted in it for the analysis of issue #12.

No database here, so the sizes can be checked for any "today" in a unit test. Counts are drawn
once per (days-before-today, mellanområde, category) from fixed uniforms (seed ``SEED``) through
the Poisson quantile function, so the same day offset always gets the same draw, and a larger
expected count never gives fewer reports.

The null (everything not planted): stationary Poisson counts, uniform per km² over the whole
city (the portal knows population per district only, so the hotspots normalise mellanområden
by area, and this is the spatial null they test against; the archipelago therefore gets as many
reports per km² as the inner city, which is not how a real city looks), a mild annual season
(±15 %, peak in late July), busier Fridays to Sundays, the same category mix everywhere.

Planted (all relative to ``today``; see also README, "Demo: what the analysis finds"):

- ``RISE``: Östra Angered (Nordost, mellanområde 10) × Ordning, ×2.7 from the Monday four
  complete weeks before the current week until yesterday. Baseline about 9 counted shared
  reports a week. The trend alerts fire for that cell, and for Nordost × Ordning (the area is
  most of Nordost's).
- ``HOTSPOT``: Östra and Västra Biskopsgården (Hisingen, 79 and 80, neighbours) × Brott,
  ×3 the city's rate per km², throughout the history (a hotspot that starts inside the history
  would also be a trend alert).
- ``EFFECT``: Norra Centrum (Centrum, 37: Brunnsparken and Centralstationen, the places of the
  demo plan's problem "Öppen narkotikahandel i Brunnsparken"), whose Narkotikahandel and
  Påverkade personer run at ×3 (the reason for the problem), falls to ×0.65 in every category
  from ``effect_start`` (a Monday about 10.5 months ago, the start of the plan's measures)
  on. The buffer (its neighbours: 31, 32, 33, 34, 38, 39 in Centrum) and the comparison (the
  rest of Centrum: 30, 35, 36) keep the common (flat) trend: no displacement.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.stats import poisson

SEED = 2026
# Four years: the alerts' Farrington method compares a week with the same weeks of up to
# five earlier years and needs at least three (plus its window of ±3 weeks).
DAYS = 4 * 365 + 1
# Reports per km² per day before the weekday and season factors: about 51 a day citywide,
# 74,000 in four years (what the planted cells need; more makes `make run` start slower).
PER_KM2_PER_DAY = 0.07
# Friday to Sunday are busier.
WEEKDAY_FACTORS = (1.0, 1.0, 1.0, 1.0, 1.4, 1.4, 1.4)
SEASON_AMPLITUDE = 0.15
SEASON_PEAK_DAY = 205  # day of the year (late July)
STRATUM_DAYS = 28  # see demo_counts
# Relative weight of each category; their main categories (parents) get Brott 38 %, Ordning
# 32 %, Fysisk miljö 25 %, Trafik and Övrigt the rest. Heavy on the demo problem's two
# categories, so that its effect is measured on enough reports.
CATEGORY_WEIGHTS = {
    "narkotikahandel": 24,
    "paverkade-personer": 18,
    "storande-grupper": 8,
    "nedskrapning": 8,
    "klotter": 7,
    "skadegorelse": 6,
    "belysning": 4,
    "brak": 4,
    "vald": 4,
    "inbrott-stold": 4,
    "hot": 3,
    "ran": 2,
    "buskorning": 3,
    "skjutning-explosion": 1,
    "bilbrand": 1,
    "trafikolycka": 3,
    "rykten-sociala-medier": 2,
}


@dataclass(frozen=True)
class Rise:
    area: str
    main_category: str
    factor: float
    weeks: int  # complete weeks before the current one; the current one's past days too


@dataclass(frozen=True)
class Hotspot:
    areas: tuple[str, ...]
    main_category: str
    factor: float


@dataclass(frozen=True)
class Effect:
    area: str
    categories: tuple[str, ...]  # the problem's categories, raised throughout
    level: float
    factor: float  # every category of the area, from the start on
    days_ago: int


RISE = Rise(area="10", main_category="ordning", factor=2.7, weeks=4)
HOTSPOT = Hotspot(areas=("79", "80"), main_category="brott", factor=3.0)
EFFECT = Effect(
    area="37",
    categories=("narkotikahandel", "paverkade-personer"),
    level=3.0,
    factor=0.65,
    days_ago=320,
)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rise_start(today: date) -> date:
    """The first day of the planted rise: the Monday ``RISE.weeks`` weeks before this week's."""
    return _monday(today) - timedelta(weeks=RISE.weeks)


def effect_start(today: date) -> date:
    """When the demo plan's measures start, and the planted effect with them: a Monday about
    10.5 months before ``today``, so a year before it and most of a year after fit the data."""
    return _monday(today - timedelta(days=EFFECT.days_ago))


@dataclass(frozen=True)
class Cell:
    """A mellanområde as the model needs it: its code and size."""

    code: str
    km2: float


def expected_counts(
    *,
    today: date,
    days: int,
    areas: list[Cell],
    categories: list[tuple[str, str]],
    effect_from: date | None = None,
) -> np.ndarray:
    """Expected reports, shape (days, areas, categories); row 0 is yesterday, row ``days - 1``
    the first day. ``categories``: (code, main category code) pairs. ``effect_from``: when the
    effect starts (default ``effect_start(today)``; the stored measure's date on a later run)."""
    effect_from = effect_from or effect_start(today)
    offsets = np.arange(1, days + 1)
    day_list = [today - timedelta(days=int(o)) for o in offsets]
    weekday = np.array([WEEKDAY_FACTORS[d.weekday()] for d in day_list])
    weekday = weekday / np.mean(WEEKDAY_FACTORS)
    phase = np.array([(d.timetuple().tm_yday - SEASON_PEAK_DAY) / 365.25 for d in day_list])
    season = 1 + SEASON_AMPLITUDE * np.cos(2 * math.pi * phase)
    km2 = np.array([a.km2 for a in areas])
    total = sum(CATEGORY_WEIGHTS.get(code, 0) for code, _ in categories)
    share = np.array([CATEGORY_WEIGHTS.get(code, 0) / total for code, _ in categories])
    mu = PER_KM2_PER_DAY * np.einsum("d,a,c->dac", weekday * season, km2, share)

    codes = [a.code for a in areas]
    mains = [main for _, main in categories]
    cats = [code for code, _ in categories]

    def area(code):
        return codes.index(code) if code in codes else None

    def cat_mask(main=None, among=()):
        return np.array([(m == main) or (c in among) for c, m in zip(cats, mains, strict=True)])

    dates = np.array([d.toordinal() for d in day_list])
    if (a := area(RISE.area)) is not None:
        rows = dates >= rise_start(today).toordinal()
        mu[np.ix_(rows, [a], cat_mask(RISE.main_category))] *= RISE.factor
    for code in HOTSPOT.areas:
        if (a := area(code)) is not None:
            mu[:, a, cat_mask(HOTSPOT.main_category)] *= HOTSPOT.factor
    if (a := area(EFFECT.area)) is not None:
        mu[:, a, cat_mask(among=EFFECT.categories)] *= EFFECT.level
        mu[dates >= effect_from.toordinal(), a, :] *= EFFECT.factor
    return mu


def strata(categories: list[tuple[str, str]]) -> list[str]:
    """The group each (category, main category) is drawn in: the effect's categories on their
    own (the evaluation may count them), the others with their main category."""
    return [code if code in EFFECT.categories else main for code, main in categories]


def demo_counts(mu: np.ndarray, groups: list[str]) -> np.ndarray:
    """Counts for the expected counts ``mu`` (rows: days before today; ``groups``: each
    category's group, see ``strata``), fixed by ``SEED`` and the row, so a rerun draws the same.

    Each mellanområde's count of a group on a day is Poisson, through the quantile function
    from uniforms stratified over each run of ``STRATUM_DAYS`` days (each day one of that many
    equal slices of [0, 1), in random order); the count is then split over the group's
    categories by their shares. So a day's count is still Poisson, but a month's or
    a year's sum lies close to its expectation, and the demo shows the planted sizes rather than
    a noisy draw of them (a year of a small cell would otherwise be off by 10-20 %). The counts
    are less dispersed than real ones: that makes the alerts' and hotspots' null quieter, never
    louder."""
    days, n_areas, _ = mu.shape
    labels = sorted(set(groups))
    members = [[c for c, group in enumerate(groups) if group == label] for label in labels]
    main_mu = np.stack([mu[:, :, m].sum(axis=2) for m in members], axis=2)
    blocks = -(-days // STRATUM_DAYS)
    rng = np.random.default_rng(SEED)
    shape = (blocks, STRATUM_DAYS, n_areas, len(labels))
    slices = np.argsort(rng.random(shape), axis=1)
    uniforms = ((slices + rng.random(shape)) / STRATUM_DAYS).reshape(-1, n_areas, len(labels))
    main_counts = np.maximum(poisson.ppf(uniforms[:days], main_mu), 0).astype(int)
    counts = np.zeros(mu.shape, dtype=int)
    for a in range(n_areas):
        for g, m in enumerate(members):
            # The shares are the same every day (what is planted scales a whole group, or
            # the effect's area as a whole, from the first day on).
            shares = mu[0, a, m] / max(mu[0, a, m].sum(), 1e-12)
            counts[:, a, m] = rng.multinomial(main_counts[:, a, g], shares)
    return counts
