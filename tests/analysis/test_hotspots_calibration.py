"""The hotspots' calibration on seeded generated cities (no database): a uniform city shows no
hotspot in at least 95 % of runs, a planted hotspot is found in at least 90 %. The scenarios
and the real contiguity are in ``tests/analysis/hotspot_calibration.py``; run it as a module
to print the whole table (docs/analysis.md holds it)."""

import pytest

from tests.analysis.hotspot_calibration import (
    PLANTED,
    SEEDS,
    UNIFORM,
    UNIFORM_SEEDS,
    heterogeneous,
    run,
)


@pytest.mark.parametrize("scenario", UNIFORM, ids=lambda scenario: scenario.label)
def test_it_finds_no_hotspot_in_a_uniform_city_in_95_percent_of_runs(scenario):
    without = 1 - run(scenario, UNIFORM_SEEDS)["method"]
    print(f"{scenario.label}: no hotspot in {without:.1%} of {UNIFORM_SEEDS} runs")
    assert without >= 0.95


@pytest.mark.parametrize("scenario", PLANTED, ids=lambda scenario: scenario.label)
def test_it_finds_a_planted_hotspot_in_90_percent_of_runs(scenario):
    found = run(scenario, SEEDS)["method"]
    print(f"{scenario.label}: found in {found:.1%} of {SEEDS} runs")
    assert found >= 0.90


def test_it_shows_why_gi_star_with_normal_p_values_was_not_taken():
    # With few reports the normal approximation of Gi* alarms in more than 5 % of uniform
    # cities: the reason the portal's p-values are exact (docs/analysis.md).
    result = run(UNIFORM[0], UNIFORM_SEEDS)
    assert result["gi_normal"] > 0.05 >= result["method"]


def test_it_names_fewer_hotspots_where_areas_differ_as_real_ones_do():
    # Tested against Poisson variation, a city whose areas merely differ (nothing planted)
    # would have a fifth of its areas named hotspots at a month's reports.
    named = heterogeneous(10000, seeds=50)
    assert named["method"] < named["poisson"] / 2


def test_it_allows_for_extra_variation_only_with_enough_areas():
    import numpy as np

    from analysis.hotspots import MIN_AREAS_FOR_DISPERSION, dispersion

    counts = np.array([5, 50, 5, 50, 5, 50, 5, 50] * 3)
    expected = np.full(len(counts), counts.mean())
    share = expected / expected.sum()
    assert dispersion(counts, expected, share) > 10
    few = MIN_AREAS_FOR_DISPERSION - 1
    assert dispersion(counts[:few], expected[:few], share[:few]) == 1.0
    assert dispersion(expected, expected, share) == 1.0
