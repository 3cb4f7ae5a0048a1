"""The improved Farrington method (Noufaily et al. 2012) for weekly counts: is this week's
count more than its history predicts?

Pure numpy/scipy, no Django: the alerts service (``analysis.alerts``) hands it a matrix of
weekly counts, one row per cell (district or mellanområde × main category), one column per
ISO week, and gets back, per cell, the expected count, the upper bound and how unusual the
week is. The calibration tests run it on generated series without a database.

What it does for the evaluated week t0 (as R's ``surveillance::farringtonFlexible`` with
Noufaily's defaults):

- Baseline: every week from ``b`` years (52 weeks each) and ``w`` weeks back up to 26 weeks
  before t0 (``pastWeeksNotIncluded``: a rise that has lasted some weeks does not raise its
  own baseline). ``b`` is 5, or the number of whole years the data has, at least 2.
- Seasonality: a factor of 10 levels over all those weeks: the 2w+1 weeks around t0's week
  of each earlier year are level 1, the 45 weeks between two windows are cut into 9 blocks
  of 5 (``noPeriods=10``).
- A quasi-Poisson GLM (log link) of the counts on the factor and, with 3 years or more, a
  linear trend. The trend is kept only when significant (p < 0.05) and its prediction for t0
  does not exceed every baseline count (no extrapolation beyond what was observed).
- Past outbreaks are down-weighted: a week whose Anscombe residual s exceeds 2.58 gets a
  weight proportional to s^-2, the weights are scaled to sum to the number of weeks, and the
  model is fitted once more.
- The upper bound is the 1 - alpha quantile of a negative binomial with the predicted mean
  and the estimated dispersion (Noufaily's "nbPlugin"); or, on request, Farrington's
  2/3-power bound.

All cells evaluated at one week share the design matrix (only their counts differ), so the
GLM is fitted for all of them at once by iteratively reweighted least squares written with
numpy (``fit_quasi_poisson``; a test checks it against statsmodels).
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

WEEKS_PER_YEAR = 52

# The nominal false-alarm rate per cell and week, one-sided, shared by the two tests
# (``evaluate_week``): the week's count at 0.003 (its 99.7 % quantile), the four weeks' sum at
# 0.007. The calibration tests hold the measured rate to it.
ALPHA = 0.01
# The sum's share of ALPHA. A rise that matters for a plan lasts; the four-week sum sees it
# with more power than any one week, so it gets the larger share: with 0.7 rather than an
# equal split, a doubling for four weeks at 5 reports a week is flagged in 80.7 % rather than
# 79.1 % of 1,000 seeded runs, and the false alarms did not rise (at 5 and 10 a week, and at
# 40 and 70, on 600–1,000 runs each).
SUSTAINED_SHARE = 0.7
YEARS_BACK = 5  # b
WINDOW = 3  # w
PERIODS = 10  # noPeriods
PAST_WEEKS_NOT_INCLUDED = 26
TREND_P = 0.05
TREND_MIN_YEARS = 3  # Farrington: a trend only with 3 years of history or more
MIN_YEARS = 2  # fewer whole years of history: the fallback baseline
REWEIGHT_THRESHOLD = 2.58
FALLBACK_WEEKS = 12
# The baseline must hold this many reports, or the cell is "för lite data" and never alarms:
# from fewer, neither the level nor the dispersion can be estimated.
MIN_BASELINE_REPORTS = 10
# A week alarms only with at least this many reports, and (Farrington's limit54) at least 5
# in the four weeks ending with it: 1 or 2 reports are not something an analyst acts on,
# however unlikely they were.
MIN_OBSERVED = 3
LIMIT_WEEKS, LIMIT_REPORTS = 4, 5

FARRINGTON = "farrington"
FALLBACK = "fallback"
TOO_LITTLE_DATA = "too_little_data"
NO_HISTORY = "no_history"  # t0 has not a single earlier week: nothing at all to say

_EPS = 1e-10


@dataclass(frozen=True)
class WeekResult:
    """The evaluation of one week for K cells: each field an array of length K."""

    observed: np.ndarray
    expected: np.ndarray
    upper: np.ndarray
    score: np.ndarray
    p_value: np.ndarray
    dispersion: np.ndarray
    trend: np.ndarray
    alarm: np.ndarray
    method: np.ndarray  # of str
    observed_4w: np.ndarray  # the four weeks ending with the week
    expected_4w: np.ndarray
    upper_4w: np.ndarray
    sustained: np.ndarray  # alarmed by the four weeks' sum only


@dataclass(frozen=True)
class Fit:
    """A batch of quasi-Poisson fits over one design matrix (n × p) and K count columns."""

    beta: np.ndarray  # K × p
    mu: np.ndarray  # n × K
    cov_unscaled: np.ndarray  # K × p × p: (X' W X)^-1; times dispersion gives cov(beta)
    dispersion: np.ndarray  # K, at least 1
    hat: np.ndarray  # n × K: diagonal of the hat matrix


def fit_quasi_poisson(
    X: np.ndarray, Y: np.ndarray, prior_weights: np.ndarray | None = None, *, iterations=30
) -> Fit:
    """Fit log(mu) = X beta to every column of ``Y`` at once by IRLS.

    The dispersion is Pearson's statistic over n - p, and never below 1 (as in
    Farrington's method: under-dispersion is not credited). A small ridge keeps a level
    whose weeks are all zero solvable (its coefficient then goes far negative, as in glm).
    """
    n, p = X.shape
    W0 = np.ones_like(Y, dtype=float) if prior_weights is None else prior_weights
    mu = np.where(Y > 0, Y, 0.5).astype(float) + 0.1
    eta = np.log(mu)
    beta = np.zeros((Y.shape[1], p))
    ridge = 1e-8 * np.eye(p)
    XX = (X[:, :, None] * X[:, None, :]).reshape(n, p * p)  # X'WX for all K as one matmul
    for _ in range(iterations):
        z = eta + (Y - mu) / mu
        w = W0 * mu
        A = (w.T @ XX).reshape(-1, p, p) + ridge
        rhs = (w * z).T @ X
        new = np.linalg.solve(A, rhs[..., None])[..., 0]
        eta = np.clip(X @ new.T, -30.0, 30.0)
        mu = np.exp(eta)
        done = np.max(np.abs(new - beta)) < 1e-8
        beta = new
        if done:
            break
    w = W0 * mu
    cov = np.linalg.inv((w.T @ XX).reshape(-1, p, p) + ridge)
    hat = (cov.reshape(-1, p * p) @ XX.T).T * w
    # Pearson's statistic over every week, down-weighted or not: with the down-weighting in it
    # the dispersion of overdispersed series came out low (1.88 for a true 2) and quiet cells
    # alarmed 1.1 % of weeks at a nominal 1 %; a past outbreak now raises the bound somewhat.
    pearson = np.sum((Y - mu) ** 2 / np.maximum(mu, _EPS), axis=0)
    dispersion = np.maximum(1.0, pearson / max(n - p, 1))
    return Fit(beta, mu, cov, dispersion, hat)


def anscombe_weights(Y: np.ndarray, fit: Fit, threshold=REWEIGHT_THRESHOLD) -> np.ndarray:
    """Farrington's down-weighting of past outbreaks: weeks with a standardised Anscombe
    residual above the threshold get a weight proportional to its inverse square, the
    weights scaled to sum to the number of weeks."""
    mu = np.maximum(fit.mu, _EPS)
    scale = np.sqrt(fit.dispersion[None, :] * np.maximum(1.0 - fit.hat, _EPS))
    s = 1.5 * (Y ** (2 / 3) * mu ** (-1 / 6) - mu**0.5) / scale
    weights = np.where(s > threshold, 1.0 / np.maximum(s, _EPS) ** 2, 1.0)
    return weights * (Y.shape[0] / weights.sum(axis=0))[None, :]


def seasonal_levels(lags: np.ndarray, window=WINDOW, periods=PERIODS) -> np.ndarray:
    """The factor level (0 = the window around t0's week in an earlier year, then the 9
    blocks between two windows) of each baseline week, given its lag t0 - j in weeks."""
    offset = (lags + window) % WEEKS_PER_YEAR
    width = 2 * window + 1
    between = WEEKS_PER_YEAR - width
    return np.where(offset < width, 0, 1 + (offset - width) * (periods - 1) // between).astype(int)


def _design(t0: int, years: int, *, trend: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The baseline weeks of t0, their design matrix and t0's row."""
    start = max(0, t0 - years * WEEKS_PER_YEAR - WINDOW)
    weeks = np.arange(start, t0 - PAST_WEEKS_NOT_INCLUDED)
    levels = seasonal_levels(t0 - weeks)
    present = np.unique(levels[levels > 0])
    columns = [np.ones(len(weeks))]
    x0 = [1.0]
    if trend:
        columns.append((weeks - t0) / WEEKS_PER_YEAR)  # in years, 0 at t0
        x0.append(0.0)
    for level in present:
        columns.append((levels == level).astype(float))
        x0.append(0.0)
    return weeks, np.column_stack(columns), np.array(x0)


def _weighted_fit(X, Y):
    first = fit_quasi_poisson(X, Y)
    weights = anscombe_weights(Y, first)
    return fit_quasi_poisson(X, Y, weights), weights


def _farrington(counts: np.ndarray, t0: int, years: int):
    """Expected count, dispersion, prediction variance (of eta) and trend flag per cell."""
    weeks, X, x0 = _design(t0, years, trend=False)
    Y = counts[:, weeks].T.astype(float)
    fit, _ = _weighted_fit(X, Y)
    mu0 = np.exp(np.clip(fit.beta @ x0, -30, 30))
    var_eta = fit.dispersion * np.einsum("p,kpq,q->k", x0, fit.cov_unscaled, x0)
    phi = fit.dispersion
    trend = np.zeros(len(mu0), dtype=bool)
    if years >= TREND_MIN_YEARS:
        _, Xt, xt0 = _design(t0, years, trend=True)
        tfit, _ = _weighted_fit(Xt, Y)
        se = np.sqrt(tfit.dispersion * tfit.cov_unscaled[:, 1, 1])
        p = 2 * stats.t.sf(np.abs(tfit.beta[:, 1]) / np.maximum(se, _EPS), X.shape[0] - Xt.shape[1])
        mu_t = np.exp(np.clip(tfit.beta @ xt0, -30, 30))
        trend = (p < TREND_P) & (mu_t <= Y.max(axis=0))
        var_t = tfit.dispersion * np.einsum("p,kpq,q->k", xt0, tfit.cov_unscaled, xt0)
        mu0 = np.where(trend, mu_t, mu0)
        phi = np.where(trend, tfit.dispersion, phi)
        var_eta = np.where(trend, var_t, var_eta)
    return mu0, phi, var_eta, trend, Y.sum(axis=0)


def _fallback(counts: np.ndarray, t0: int):
    """The mean of the preceding weeks, with their dispersion inflated by the uncertainty of
    that mean (Var(Y - mean) = phi mu (1 + 1/n))."""
    base = counts[:, max(0, t0 - FALLBACK_WEEKS) : t0].astype(float)
    n = base.shape[1]
    mu0 = base.mean(axis=1)
    var = base.var(axis=1, ddof=1) if n > 1 else mu0
    phi = np.maximum(1.0, var / np.maximum(mu0, _EPS)) * (1 + 1 / n)
    var_eta = phi / np.maximum(mu0 * n, _EPS)
    return mu0, phi, var_eta, np.zeros(len(mu0), dtype=bool), base.sum(axis=1)


def negative_binomial_upper(mu, phi, alpha=ALPHA) -> np.ndarray:
    """The 1 - alpha quantile of a count with mean mu and variance phi mu: negative binomial
    for phi > 1, Poisson at phi = 1 (Noufaily's plug-in)."""
    mu = np.maximum(mu, _EPS)
    over = phi > 1 + 1e-9
    size = mu / np.where(over, phi - 1, 1.0)
    nb = stats.nbinom.ppf(1 - alpha, size, size / (size + mu))
    return np.where(over, nb, stats.poisson.ppf(1 - alpha, mu))


def two_thirds_upper(mu, phi, var_eta, alpha=ALPHA) -> np.ndarray:
    """Farrington's bound on the 2/3-power scale, counting the prediction's own variance."""
    mu = np.maximum(mu, _EPS)
    tau = phi * mu + mu**2 * var_eta
    z = stats.norm.ppf(1 - alpha)
    return mu * (1 + (2 / 3) * z * np.sqrt(tau) / mu) ** 1.5


def upper_tail(observed, mu, phi) -> np.ndarray:
    """P(Y >= observed) under the same distribution as the bound: how unusual the week is."""
    mu = np.maximum(mu, _EPS)
    over = phi > 1 + 1e-9
    size = mu / np.where(over, phi - 1, 1.0)
    nb = stats.nbinom.sf(observed - 1, size, size / (size + mu))
    return np.where(over, nb, stats.poisson.sf(observed - 1, mu))


def evaluate_week(
    counts: np.ndarray,
    t0: int,
    *,
    alpha: float = ALPHA,
    threshold: str = "nbPlugin",
    sustained: bool = True,
    sustained_share: float = SUSTAINED_SHARE,
) -> WeekResult:
    """Evaluate week ``t0`` (a column of ``counts``, K cells × T weeks, weeks before t0 its
    history; the first column is the first week of data) for every cell.

    Two one-sided tests at ``alpha * (1 - sustained_share)`` and ``alpha * sustained_share``
    (so at most ``alpha`` together): the week's own count against its bound, and, with the
    Farrington baseline, the sum of the four weeks
    ending with it against four times the expectation (a rise that lasts, too small to pass
    the weekly bound in any one week). The four weeks lie in t0's seasonal window, which the
    expectation is for, and in the 26 weeks the baseline leaves out, so the rise cannot raise
    its own baseline.
    """
    counts = np.asarray(counts)
    K = counts.shape[0]
    observed = counts[:, t0].astype(float)
    years = min(YEARS_BACK, (t0 - WINDOW) // WEEKS_PER_YEAR)
    if years >= MIN_YEARS:
        method = FARRINGTON
        mu0, phi, var_eta, trend, base_total = _farrington(counts, t0, years)
    elif t0 >= 1:
        method = FALLBACK
        mu0, phi, var_eta, trend, base_total = _fallback(counts, t0)
        sustained = False  # the preceding weeks are its baseline: no gap to sum over
    else:
        nan = np.full(K, np.nan)
        return WeekResult(
            observed, nan, nan, nan, nan, nan, np.zeros(K, bool), np.zeros(K, bool),
            np.full(K, NO_HISTORY, dtype=object), nan, nan, nan, np.zeros(K, bool),
        )  # fmt: skip
    level = alpha * (1 - sustained_share) if sustained else alpha
    level_4w = alpha * sustained_share
    # The plug-in bound counts the prediction's own uncertainty as the 2/3-power bound does:
    # Var(Y - mu_hat) = phi mu + mu^2 Var(eta_hat).
    phi_eff = phi + mu0 * var_eta
    if threshold == "nbPlugin":
        upper = negative_binomial_upper(mu0, phi_eff, level)
    else:
        upper = two_thirds_upper(mu0, phi, var_eta, level)
    p_value = upper_tail(observed, mu0, phi_eff)
    score = (observed - mu0) / np.maximum(upper - mu0, _EPS)
    recent = counts[:, max(0, t0 - LIMIT_WEEKS + 1) : t0 + 1].sum(axis=1).astype(float)
    enough = base_total >= MIN_BASELINE_REPORTS
    plausible = enough & (observed >= MIN_OBSERVED) & (recent >= LIMIT_REPORTS)
    weekly = plausible & (observed > upper)
    nan = np.full(K, np.nan)
    expected_4w, upper_4w, long_alarm = nan, nan, np.zeros(K, bool)
    if sustained:
        expected_4w = LIMIT_WEEKS * mu0
        phi_4w = phi + LIMIT_WEEKS * mu0 * var_eta
        upper_4w = negative_binomial_upper(expected_4w, phi_4w, level_4w)
        p_4w = upper_tail(recent, expected_4w, phi_4w)
        long_alarm = plausible & (recent > upper_4w) & (observed > mu0)
        # Bonferroni: each p-value against the share of alpha its test was given
        p_value = np.minimum(p_value * alpha / level, p_4w * alpha / level_4w)
        score = np.maximum(score, (recent - expected_4w) / np.maximum(upper_4w - expected_4w, _EPS))
    alarm = weekly | long_alarm
    methods = np.where(enough, method, TOO_LITTLE_DATA).astype(object)
    return WeekResult(
        observed, mu0, upper, score, np.minimum(1.0, p_value), phi,
        trend, alarm, methods, recent, expected_4w, upper_4w, long_alarm & ~weekly,
    )  # fmt: skip


def evaluate(counts: np.ndarray, weeks, **options) -> list[WeekResult]:
    """``evaluate_week`` for each of ``weeks`` (column indices of ``counts``)."""
    return [evaluate_week(counts, t0, **options) for t0 in weeks]
