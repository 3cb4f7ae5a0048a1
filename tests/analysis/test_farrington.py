"""The improved Farrington method on generated weekly series, without a database.

The calibration tests print their tables (``pytest -s``): the false alarms over 200 seeded
null series per scenario, and the power against a doubling for four weeks.
"""

import numpy as np
import pytest
import statsmodels.api as sm

from analysis import farrington as F

WEEKS = 6 * 52  # five years of baseline, the 26 weeks left out and the 8 evaluated
RUNS = 200
NULL_SCENARIOS = [  # (reports a week, negative binomial size or None for Poisson)
    (1, None),
    (2, None),
    (2, 10),
    (5, None),
    (5, 10),
    (10, None),
    (10, 20),
    (20, None),
]


def _means(base: float, runs: int, *, peak_at: int = WEEKS - 2) -> np.ndarray:
    """Seasonal means (±30 %) whose level at ``peak_at`` is ``base``."""
    weeks = np.arange(WEEKS)
    season = 1 + 0.3 * np.sin(2 * np.pi * (weeks - peak_at) / F.WEEKS_PER_YEAR)
    return np.broadcast_to(base * season, (runs, WEEKS))


def _draw(rng, mu, size):
    if size is None:
        return rng.poisson(mu)
    return rng.negative_binomial(size, size / (size + mu))


def test_it_fits_as_statsmodels_does():
    rng = np.random.default_rng(3)
    weeks, X, _ = F._design(300, 5, trend=True)
    Y = rng.poisson(4 * np.exp(0.1 * X[:, 1]), size=(3, len(weeks))).T
    Y[10, 0] = 40  # an outbreak to down-weight
    ours = F.fit_quasi_poisson(X, Y)
    weights = F.anscombe_weights(Y, ours)
    reweighted = F.fit_quasi_poisson(X, Y, weights)
    for k in range(Y.shape[1]):
        glm = sm.GLM(Y[:, k], X, family=sm.families.Poisson()).fit(scale="X2")
        assert np.allclose(ours.beta[k], glm.params, atol=1e-6)
        assert ours.dispersion[k] == pytest.approx(max(1.0, glm.scale), rel=1e-6)
        assert np.allclose(ours.hat[:, k], glm.get_influence().hat_matrix_diag, atol=1e-6)
        weighted = sm.GLM(Y[:, k], X, family=sm.families.Poisson(), var_weights=weights[:, k]).fit(
            scale="X2"
        )
        assert np.allclose(reweighted.beta[k], weighted.params, atol=1e-6)
        unscaled = np.sqrt(np.diag(reweighted.cov_unscaled[k]) * weighted.scale)
        assert np.allclose(unscaled, weighted.bse, rtol=1e-5)
    assert weights[10, 0] < 0.1 * np.median(weights[:, 0])


def test_it_gives_the_seasonal_window_level_zero_and_nine_blocks_between():
    levels = F.seasonal_levels(np.arange(0, 2 * F.WEEKS_PER_YEAR))
    assert set(levels[[0, 3, 49, 52, 55, 101]]) == {0}
    assert set(levels) == set(range(10))
    assert np.bincount(levels[:52]).tolist() == [7] + [5] * 9


def test_it_falls_back_with_less_than_two_years_and_says_too_little_data():
    rng = np.random.default_rng(5)
    short = rng.poisson(6, size=(2, 80))
    short[1] = 0
    short[1, 70] = 1
    result = F.evaluate_week(short, 79)
    assert result.method.tolist() == [F.FALLBACK, F.TOO_LITTLE_DATA]
    assert not result.alarm[1]
    assert result.expected[0] == pytest.approx(short[0, 67:79].mean())
    assert F.evaluate_week(short, 0).method.tolist() == [F.NO_HISTORY] * 2


def test_it_alarms_on_a_clear_rise_with_scores_and_p_values():
    rng = np.random.default_rng(8)
    y = _draw(rng, _means(6, 4), None)
    y[:, -1] = [30, 6, 14, 2]
    result = F.evaluate_week(y, WEEKS - 1)
    assert result.method.tolist() == [F.FARRINGTON] * 4
    assert result.alarm[0] and not result.alarm[1] and not result.alarm[3]
    assert result.score[0] > 1 > result.score[1]
    assert result.p_value[0] < 1e-6 < result.p_value[1]
    assert result.upper[0] > result.expected[0] > 3


def test_it_keeps_a_significant_trend_only():
    rng = np.random.default_rng(11)
    years = np.arange(WEEKS) / F.WEEKS_PER_YEAR
    rising = rng.poisson(6 * np.exp(0.15 * years), size=(50, WEEKS))  # +16 % a year
    flat = rng.poisson(6, size=(50, WEEKS))
    result = F.evaluate_week(np.vstack([rising, flat]), WEEKS - 1)
    assert result.trend[:50].mean() > 0.8
    assert result.trend[50:].mean() < 0.15
    kept = result.trend[:50]
    assert np.all(result.expected[:50][kept] > rising[kept, : WEEKS - 26].mean(axis=1))


def _table(title, rows):
    print(f"\n{title}")
    for row in rows:
        print("  " + " | ".join(str(cell) for cell in row))


def test_it_raises_few_false_alarms_on_null_series():
    """Nominal: at most alpha = 1 % of cell-weeks alarm, and a cell stays quiet over 8 weeks
    in at least 95 % of runs."""
    rows = [("reports/week", "distribution", "alarming cell-weeks", "runs quiet 8 weeks")]
    failures = []
    for index, (base, size) in enumerate(NULL_SCENARIOS):
        rng = np.random.default_rng(1000 + index)
        y = _draw(rng, _means(base, RUNS), size)
        alarms = np.array([r.alarm for r in F.evaluate(y, range(WEEKS - 8, WEEKS))])
        share, quiet = alarms.mean(), (~alarms.any(axis=0)).mean()
        name = "Poisson" if size is None else f"neg. binomial (size {size})"
        rows.append((base, name, f"{share:.2%}", f"{quiet:.1%}"))
        if share > F.ALPHA or quiet < 0.95:
            failures.append((base, size, share, quiet))
    _table(f"False alarms, {RUNS} seeded null series, alpha = {F.ALPHA}", rows)
    assert not failures


def test_it_flags_a_doubling_for_four_weeks():
    """A cell whose count doubles for 4 weeks is flagged (in one of the four weeks) in at
    least 80 % of runs from 5 reports a week."""
    rows = [("reports/week", "distribution", "flagged", "by week 1..4")]
    powers = {}
    for index, (base, size) in enumerate([(5, None), (6, None), (10, None), (10, 20), (20, None)]):
        rng = np.random.default_rng(2000 + index)
        mu = _means(base, RUNS)
        y = _draw(rng, mu, size)
        y[:, -4:] += _draw(rng, mu[:, -4:], size)
        alarms = np.array([r.alarm for r in F.evaluate(y, range(WEEKS - 4, WEEKS))])
        powers[base, size] = alarms.any(axis=0).mean()
        name = "Poisson" if size is None else f"neg. binomial (size {size})"
        by_week = " ".join(f"{share:.0%}" for share in np.cumsum(alarms, axis=0).clip(0, 1).mean(1))
        rows.append((base, name, f"{powers[base, size]:.1%}", by_week))
    _table(f"Power against a doubling for 4 weeks, {RUNS} seeded runs", rows)
    assert all(power >= 0.8 for power in powers.values()), powers


def test_it_offers_farringtons_two_thirds_power_bound_close_to_the_quantile():
    mu, phi = np.array([2.0, 10.0, 50.0]), np.array([1.0, 1.5, 2.0])
    quantile = F.negative_binomial_upper(mu, phi, 0.005)
    two_thirds = F.two_thirds_upper(mu, phi, np.zeros(3), 0.005)
    assert np.all(np.abs(two_thirds - quantile) <= 0.15 * quantile + 1)
    rng = np.random.default_rng(4)
    y = _draw(rng, _means(8, 3), None)
    result = F.evaluate_week(y, WEEKS - 1, threshold="two_thirds")
    assert np.all(result.upper > result.expected)
