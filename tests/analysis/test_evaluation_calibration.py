"""Calibration of the measure evaluation (``analysis.evaluation``) on seeded generated data.

Each run draws 52 weeks before and 52 after of negative binomial weekly counts (overdispersed:
variance mu + mu^2/5) for a target area (8 reports a week), a comparison area (25) and a
buffer (10), under one common trend and season, and plants an effect in the target, the
buffer or neither. The seeds are fixed, so the shares are deterministic; each test prints
its table (run with ``-s`` to see it). No database: these are pure statistics.
"""

import math

import numpy as np
import pytest
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM

from analysis.evaluation import (
    OK,
    TOO_LITTLE_DATA,
    WDQ_DISPLACEMENT,
    WDQ_UNDEFINED,
    Totals,
    evaluate,
    weighted_displacement_quotient,
)

RUNS = 300
WEEKS = 52
SIZE = 5.0  # negative binomial size: the smaller, the more overdispersed
BASE = {"target": 8.0, "comparison": 25.0, "buffer": 10.0}


def _draw(seed: int, *, target_effect=1.0, buffer_effect=1.0, size=SIZE, base=BASE):
    rng = np.random.default_rng(seed)
    week = np.arange(2 * WEEKS)
    common = np.exp(0.004 * week + 0.2 * np.sin(2 * np.pi * week / 52))
    after = week >= WEEKS
    effects = {"target": target_effect, "buffer": buffer_effect, "comparison": 1.0}
    counts = {}
    for group, level in base.items():
        mean = level * common * np.where(after, effects[group], 1.0)
        counts[group] = rng.negative_binomial(size, size / (size + mean))
    return evaluate(
        target_before=counts["target"][:WEEKS],
        target_after=counts["target"][WEEKS:],
        comparison_before=counts["comparison"][:WEEKS],
        comparison_after=counts["comparison"][WEEKS:],
        buffer_before=counts["buffer"][:WEEKS],
        buffer_after=counts["buffer"][WEEKS:],
    )


def _table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    for label, value in rows:
        print(f"  {label:<52} {value}")


def test_it_covers_a_planted_30_percent_reduction():
    results = [_draw(seed, target_effect=0.7) for seed in range(RUNS)]
    covered = sum(r.effect.covers(0.7) for r in results) / RUNS
    detected = sum(r.effect.high < 1 for r in results) / RUNS
    mean_change = np.mean([r.effect.change_pct for r in results])
    median_width = np.median([r.effect.high_pct - r.effect.low_pct for r in results])
    _table(
        f"Planted -30 % in the target, {RUNS} runs (NB size {SIZE:g}, 52+52 weeks)",
        [
            ("interval covers RRR 0.70", f"{covered:.1%}"),
            ("interval lies below 1 (a reduction shown)", f"{detected:.1%}"),
            ("mean estimated change", f"{mean_change:+.1f} %"),
            ("median width of the interval", f"{median_width:.1f} points"),
        ],
    )
    # Power is the data's, not the method's: 8 reports a week this overdispersed give an
    # ideal standard error of about 0.16 on the log scale, so a -30 % is shown in some 60 %.
    assert covered >= 0.90


def test_it_covers_no_change_when_none_is_planted():
    results = [_draw(10_000 + seed) for seed in range(RUNS)]
    covered = sum(r.effect.covers(1.0) for r in results) / RUNS
    buffer_covered = sum(r.buffer_effect.covers(1.0) for r in results) / RUNS
    dispersion = np.median([r.dispersion for r in results])
    _table(
        f"No effect planted, {RUNS} runs",
        [
            ("target interval covers RRR 1 (no change)", f"{covered:.1%}"),
            ("buffer interval covers RRR 1", f"{buffer_covered:.1%}"),
            ("median estimated dispersion", f"{dispersion:.2f}"),
        ],
    )
    assert covered >= 0.95
    assert buffer_covered >= 0.95


def test_it_shows_a_planted_displacement_as_a_negative_quotient():
    results = [_draw(20_000 + seed, target_effect=0.7, buffer_effect=1.3) for seed in range(RUNS)]
    negative = sum(r.wdq is not None and r.wdq < 0 for r in results) / RUNS
    undefined = sum(r.wdq_reading == WDQ_UNDEFINED for r in results) / RUNS
    rose = sum(r.buffer_effect.low > 1 for r in results) / RUNS
    median = np.median([r.wdq for r in results if r.wdq is not None])
    # Without displacement, a negative quotient is as likely as a positive one: chance.
    null = [_draw(30_000 + seed, target_effect=0.7) for seed in range(RUNS)]
    null_rose = sum(r.buffer_effect.low > 1 for r in null) / RUNS
    _table(
        f"Planted -30 % in the target and +30 % in the buffer, {RUNS} runs",
        [
            ("WDQ < 0 (displacement)", f"{negative:.1%}"),
            ("WDQ undefined (target did not improve)", f"{undefined:.1%}"),
            ("median WDQ", f"{median:.2f}"),
            ("buffer interval above 1 (displacement shown)", f"{rose:.1%}"),
            ("the same, no displacement planted (false signs)", f"{null_rose:.1%}"),
        ],
    )
    assert negative >= 0.80
    assert null_rose <= 0.05


def test_it_agrees_with_the_statsmodels_quasi_poisson_glm():
    """The closed form is the GLM: same estimate, same standard error."""
    rng = np.random.default_rng(7)
    counts = {g: rng.negative_binomial(SIZE, SIZE / (SIZE + m), 2 * WEEKS) for g, m in BASE.items()}
    result = evaluate(
        target_before=counts["target"][:WEEKS],
        target_after=counts["target"][WEEKS:],
        comparison_before=counts["comparison"][:WEEKS],
        comparison_after=counts["comparison"][WEEKS:],
    )
    y = np.concatenate([counts["comparison"], counts["target"]]).astype(float)
    after = np.tile(np.r_[np.zeros(WEEKS), np.ones(WEEKS)], 2)
    target = np.r_[np.zeros(2 * WEEKS), np.ones(2 * WEEKS)]
    x = np.column_stack([np.ones_like(y), target, after, target * after])
    fit = GLM(y, x, family=Poisson()).fit(scale="X2")
    assert result.effect.ratio == pytest.approx(math.exp(fit.params[3]), rel=1e-9)
    log_width = math.log(result.effect.high) - math.log(result.effect.ratio)
    from scipy import stats

    quantile = stats.t.ppf(0.975, len(y) - 4)
    assert log_width / quantile == pytest.approx(fit.bse[3], rel=1e-6)


def test_it_says_too_little_data_below_the_minimum():
    few = evaluate(
        target_before=[1] * 8,
        target_after=[0] * 8,
        comparison_before=[5] * 8,
        comparison_after=[5] * 8,
    )
    short = evaluate(
        target_before=[9] * 3,
        target_after=[9] * 3,
        comparison_before=[9] * 3,
        comparison_after=[9] * 3,
    )
    assert (few.status, few.shortfall, few.effect) == (TOO_LITTLE_DATA, "reports", None)
    assert (short.status, short.shortfall) == (TOO_LITTLE_DATA, "weeks")


def test_it_reads_the_quotient_as_bowers_and_johnson_do():
    control = Totals(before=100, after=100)
    improved = Totals(before=100, after=70)
    wdq, reading = weighted_displacement_quotient(improved, Totals(100, 115), control)
    assert wdq == pytest.approx(-0.5) and reading == WDQ_DISPLACEMENT
    # The target did not improve relative to the comparison: no gain to be a share of.
    assert weighted_displacement_quotient(Totals(100, 100), Totals(100, 80), control) == (
        None,
        WDQ_UNDEFINED,
    )
    assert _draw(1).status == OK
