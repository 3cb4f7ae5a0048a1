"""The solver of the inference test (``test_inference.py``): the figures a viewer is shown,
as linear equations over the hidden cells, and which hidden counts all solutions agree on."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from overview.selectors.counts import BY_CHOICES

if TYPE_CHECKING:  # the test's data types; the test module imports this one
    from tests.security.test_inference import Atom, Query, World

REPORTS = 1 + len(BY_CHOICES)
CAP = 50  # no hidden cell holds more: a bound on the unknowns, far above any tried count


@dataclass(frozen=True)
class Equation:
    """Σ hidden over ``cells`` lies in [low, high] (low == high for an exact figure)."""

    cells: tuple[int, ...]
    low: int
    high: int


@functools.cache
def _key(atom: Atom, grain: str, by: tuple[str, ...], world: World) -> tuple:
    day = atom.day
    period = {
        "day": day,
        "week": day - timedelta(days=day.weekday()),
        "month": day.replace(day=1),
        "quarter": date(day.year, (day.month - 1) // 3 * 3 + 1, 1),
        "year": date(day.year, 1, 1),
    }[grain]
    values = {
        "district": atom.district,
        "intermediate_area": atom.intermediate_area,
        "primary_area": atom.primary_area,
        "category": atom.category,
        "main_category": world.main_code(atom.category),
        "source_kind": atom.source_kind,
    }
    return (period, *[values[name] for name in BY_CHOICES if name in by])


def _matches(atom: Atom, query: Query, reach, world: World) -> bool:
    if atom.district not in reach:
        return False
    if query.district and atom.district != query.district:
        return False
    if query.category and query.category not in (atom.category, world.main_code(atom.category)):
        return False
    return not (query.source_kind and atom.source_kind != query.source_kind)


def _row_key(row: tuple, by: tuple[str, ...]) -> tuple:
    # The row as ``CountRow`` fields: period_start, district, intermediate_area,
    # primary_area, category, main_category, source_kind, reports, severity_sum.
    values = dict(zip(BY_CHOICES, row[1:REPORTS], strict=True))
    return (row[0], *[values[name] for name in BY_CHOICES if name in by])


def equations_from_answers(answers, atoms, readable, reach, world) -> list[Equation]:
    """Each answered figure as an equation over the hidden cells: figure = readable part +
    Σ hidden (the figure is taken to count hidden records: the only way it could carry
    them). A "<3" figure (``reports`` None) gives 1..2; a group the answer leaves out is 0."""
    equations = []
    for query, rows in answers.items():
        groups = defaultdict(list)
        for index, atom in enumerate(atoms):
            if _matches(atom, query, reach, world):
                groups[_key(atom, query.grain, query.by, world)].append(index)
        answered = set()
        for row in rows:
            key = _row_key(row, query.by)
            answered.add(key)
            cells = tuple(groups.get(key, ()))
            known = sum(readable[i] for i in cells)
            if row[REPORTS] is None:  # suppressed: 1 or 2 in all
                equations.append(Equation(cells, 1 - known, 2 - known))
            else:
                equations.append(Equation(cells, row[REPORTS] - known, row[REPORTS] - known))
        for key, cells in groups.items():
            if key not in answered:
                known = sum(readable[i] for i in cells)
                equations.append(Equation(tuple(cells), -known, -known))
    return equations


def disclosed(equations: list[Equation], hidden: list[int], targets: list[int]) -> list[int]:
    """The ``targets`` whose hidden count every solution of ``equations`` (non-negative
    integers up to ``CAP``) agrees on and which equals the true ``hidden`` count."""
    size = len(hidden)
    if not size or not targets:
        return []
    # A figure with nothing hidden (Σ ≤ 0 over non-negative cells) pins each of its cells
    # to 0: done here, so that the integer programs below stay small.
    upper = np.full(size, CAP, dtype=float)
    for eq in equations:
        if eq.high <= 0:
            upper[list(eq.cells)] = 0
    matrix = np.zeros((len(equations), size))
    for row, eq in enumerate(equations):
        matrix[row, list(eq.cells)] = 1
    constraints = LinearConstraint(
        matrix, [eq.low for eq in equations], [eq.high for eq in equations]
    )
    found = []
    for target in targets:
        if upper[target] == 0:
            continue  # pinned to 0: a "solution" that its true count (1 or 2) refutes
        extremes = []
        for sign in (1, -1):
            objective = np.zeros(size)
            objective[target] = sign
            result = milp(
                objective,
                constraints=constraints,
                integrality=np.ones(size),
                bounds=Bounds(np.zeros(size), upper),
            )
            assert result.status == 0, result.message  # the true counts always solve it
            extremes.append(round(result.x[target]))
        if extremes[0] == extremes[1] == hidden[target]:
            found.append(target)
    return found


def old_answers(queries, atoms, readable, hidden, reach, world, threshold=3) -> dict:
    """The figures as Trygg showed them before issue #9, for the solver's own test: every
    record counted, a count below ``threshold`` that includes hidden records shown "<3"."""
    answers = {}
    for query in queries:
        groups = defaultdict(lambda: [0, 0])
        for index, atom in enumerate(atoms):
            if _matches(atom, query, reach, world):
                total = groups[_key(atom, query.grain, query.by, world)]
                total[0] += readable[index] + hidden[index]
                total[1] += hidden[index]
        rows = []
        for key, (total, unreadable) in groups.items():
            if not total:
                continue
            values = dict.fromkeys(BY_CHOICES)
            values.update(zip([n for n in BY_CHOICES if n in query.by], key[1:], strict=True))
            suppressed = unreadable and total < threshold
            rows.append((key[0], *values.values(), None if suppressed else total, None))
        answers[query] = rows
    return answers
