"""Hotspots: the mellanområden with significantly more reports than expected.

Pure statistics, no Django: ``hotspots_compute`` takes each area's count, its exposure
(inhabitants, or km² where no population is known) and its neighbours, and says which areas
are hotspots. ``overview.selectors.hotspots`` feeds it from the rollups. The method, its
assumptions and its limits are in ``docs/analysis.md``; in short:

- **Expected**: under constant risk, each area gets the period's reports in proportion to its
  exposure (the city's rate times the area's exposure). The reports are taken as given
  (the test is conditional on their total), so a city-wide rise moves no area.
- **Two questions per area, one p-value.** (a) Does the area itself have more reports than
  expected? (b) Does its Gi* neighbourhood (itself and the areas bordering on it, the
  neighbourhood of Getis & Ord's Gi*) have more than expected? Each is an exact binomial test
  of the observed count against the constant-risk expectation (one-sided: only *more* than
  expected matters). The area's p-value is the smaller of the two, doubled (Bonferroni over
  the two questions), so it stays a valid p-value.
- **Areas differ more than chance.** Real counts vary between areas far more than Poisson
  counts (land use, footfall, reporting habits), and per km² the dense areas always stand
  out: tested against Poisson variation, most of the city would be "significant" with
  enough reports. With 20 areas or more (the whole city), the tests allow for the typical
  extra variation φ (quasi-likelihood: counts scaled by 1/φ, φ estimated robustly by the
  median squared Pearson residual), so a hotspot stands out from how areas usually differ,
  not merely from chance. Under constant risk φ is about 1 and nothing changes.
- **Many areas, one false discovery rate**: Benjamini–Hochberg over the areas analysed, at
  q = 0.05. An area is a hotspot when its q is at most 0.05 and its own count is above its
  expected count (an area is not called a hotspot for its neighbours' reports alone).
- **Gi\\* z** (Ord & Getis 1995) of the rates is reported beside it, as the usual description
  of a cluster of high rates. Its normal-approximation p-value is *not* used: with 36 areas
  and small, skewed counts it alarmed in 8–14 % of uniform cities (the calibration table in
  the docs), where at most 5 % are allowed.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

Q_LEVEL = 0.05
MIN_AREAS = 5
MIN_REPORTS = 20
# The extra-Poisson variation between areas is estimated only from this many areas up: from
# the 7–10 of one district its median is too noisy (and the hotspot itself moves it).
MIN_AREAS_FOR_DISPERSION = 20
_MEDIAN_CHI2_1 = stats.chi2.ppf(0.5, 1)


class Basis:
    """Why an area is a hotspot: its own count, its neighbourhood's, or both."""

    AREA = "area"
    NEIGHBOURHOOD = "neighbourhood"
    BOTH = "both"


@dataclass(frozen=True)
class AreaResult:
    """One area's figures: everything the table, the map and the API show."""

    key: object
    count: int
    exposure: float
    expected: float
    neighbourhood_count: int
    neighbourhood_expected: float
    gi_z: float
    p_area: float
    p_neighbourhood: float
    p: float
    q: float
    hotspot: bool
    basis: str | None  # a Basis value for a hotspot, else None
    dispersion: float  # the analysis's φ (1: Poisson variation), the same for every area

    @property
    def ratio(self) -> float | None:
        """Observed over expected (1.0: as expected)."""
        return self.count / self.expected if self.expected else None


def gi_star(values: Sequence[float], weights: np.ndarray) -> np.ndarray:
    """Getis-Ord Gi* z-scores (Ord & Getis 1995, eq. 14 with binary weights that include the
    area itself): how far each area's neighbourhood sum lies above what the mean would give,
    in standard errors under random placement of the values. Zero where every value is equal."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    mean = x.mean()
    spread = np.sqrt(max((x**2).mean() - mean**2, 0.0))
    weight_sums = weights.sum(axis=1)
    numerator = weights @ x - mean * weight_sums
    denominator = spread * np.sqrt((n * (weights**2).sum(axis=1) - weight_sums**2) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denominator > 0, numerator / denominator, 0.0)
    return z


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values): reject where q ≤ the chosen level.
    Controls the false discovery rate under independence or positive dependence (Benjamini &
    Hochberg 1995; Benjamini & Yekutieli 2001), which neighbouring areas' tests have."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if not m:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(adjusted, 1.0)
    return q


def weights_matrix(keys: Sequence, graph: Mapping) -> np.ndarray:
    """Binary contiguity weights with the area itself included (the "star" of Gi*)."""
    index = {key: i for i, key in enumerate(keys)}
    weights = np.eye(len(keys))
    for key in keys:
        for other in graph.get(key, ()):
            if other in index:
                weights[index[key], index[other]] = 1.0
                weights[index[other], index[key]] = 1.0
    return weights


def _upper_tail(observed: np.ndarray, total: int, share: np.ndarray, phi: float) -> np.ndarray:
    """P(X ≥ observed) for X ~ Binomial(total, share): the exact one-sided test of a count
    against its constant-risk expectation, given the total (a Poisson count conditioned on the
    sum is binomial). With overdispersion ``phi`` > 1, counts and total are divided by it (the
    quasi-likelihood scaling) and the tail is the binomial's continuous extension, the
    regularised incomplete beta function; for ``phi`` = 1 it is the exact binomial tail."""
    k = np.asarray(observed, dtype=float) / phi
    n = total / phi
    share = np.clip(share, 0.0, 1.0)
    tail = special.betainc(np.maximum(k, 1e-12), np.maximum(n - k + 1, 1e-12), share)
    return np.where(k <= 0, 1.0, np.where(k > n, 0.0, tail))


def dispersion(counts: np.ndarray, expected: np.ndarray, share: np.ndarray) -> float:
    """φ, how much more the areas' counts vary than Poisson counts would: the median squared
    Pearson residual over the median of χ²₁, at least 1. The median, not the mean, so that a
    few hotspots do not hide themselves by inflating it. 1 below ``MIN_AREAS_FOR_DISPERSION``
    areas (too few to estimate it)."""
    if len(counts) < MIN_AREAS_FOR_DISPERSION:
        return 1.0
    variance = expected * (1 - share)
    with np.errstate(divide="ignore", invalid="ignore"):
        squared = np.where(variance > 0, (counts - expected) ** 2 / variance, 0.0)
    return float(max(1.0, np.median(squared) / _MEDIAN_CHI2_1))


def hotspots_compute(
    keys: Sequence,
    counts: Sequence[int],
    exposures: Sequence[float],
    graph: Mapping,
    *,
    q_level: float = Q_LEVEL,
    overdispersion: bool = True,
) -> list[AreaResult]:
    """Each area's figures and whether it is a hotspot (the module's docstring says how).

    ``keys`` name the areas, ``counts`` and ``exposures`` are in the same order (exposures
    above zero), ``graph`` maps a key to the keys bordering on it (only those in ``keys``
    count). The caller decides whether there are enough data (``enough_data``). Without
    ``overdispersion`` the tests assume Poisson variation (φ = 1) however many areas."""
    keys = list(keys)
    y = np.asarray(counts, dtype=np.int64)
    exposure = np.asarray(exposures, dtype=float)
    if len(keys) != len(y) or len(y) != len(exposure):
        raise ValueError("keys, counts and exposures must be of the same length")
    if (exposure <= 0).any():
        raise ValueError("every exposure must be above zero")
    total = int(y.sum())
    weights = weights_matrix(keys, graph)
    share = exposure / exposure.sum()
    expected = total * share
    local_count = weights @ y
    local_share = weights @ share
    phi = dispersion(y, expected, share) if overdispersion else 1.0
    p_area = _upper_tail(y, total, share, phi)
    p_local = _upper_tail(local_count, total, local_share, phi)
    p = np.minimum(1.0, 2.0 * np.minimum(p_area, p_local))
    q = benjamini_hochberg(p)
    z = gi_star(y / exposure, weights)
    results = []
    for i, key in enumerate(keys):
        hot = bool(q[i] <= q_level and y[i] > expected[i])
        basis = None
        if hot:
            area_low, local_low = 2 * p_area[i] <= q_level, 2 * p_local[i] <= q_level
            basis = (
                Basis.BOTH
                if area_low and local_low
                else Basis.AREA
                if p_area[i] <= p_local[i]
                else Basis.NEIGHBOURHOOD
            )
        results.append(
            AreaResult(
                key=key,
                count=int(y[i]),
                exposure=float(exposure[i]),
                expected=float(expected[i]),
                neighbourhood_count=int(local_count[i]),
                neighbourhood_expected=float(total * local_share[i]),
                gi_z=float(z[i]),
                p_area=float(p_area[i]),
                p_neighbourhood=float(p_local[i]),
                p=float(p[i]),
                q=float(q[i]),
                hotspot=hot,
                basis=basis,
                dispersion=phi,
            )
        )
    return results


def enough_data(counts: Sequence[int]) -> bool:
    """Whether a hotspot analysis says anything: at least ``MIN_AREAS`` areas and
    ``MIN_REPORTS`` reports. Below that no area could reach significance after the correction
    for many areas, and an empty result would read as "no hotspot" rather than "too few data"."""
    return len(counts) >= MIN_AREAS and sum(counts) >= MIN_REPORTS
