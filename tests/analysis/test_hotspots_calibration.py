"""The hotspots' calibration on seeded generated cities (no database): a uniform city shows no
hotspot in at least 95 % of runs, a planted hotspot is found in at least 90 %. The scenarios
and the real contiguity are in ``tests/analysis/hotspot_calibration.py``; run it as a module
to print the whole table (docs/analysis/hotspots.md holds it)."""

import pytest

from tests.analysis.hotspot_calibration import (
    PLANTED,
    SEEDS,
    UNIFORM,
    UNIFORM_SEEDS,
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
    # cities: the reason the portal's p-values are exact (docs/analysis/hotspots.md).
    result = run(UNIFORM[0], UNIFORM_SEEDS)
    assert result["gi_normal"] > 0.05 >= result["method"]
