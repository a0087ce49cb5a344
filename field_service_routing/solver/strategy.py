"""Search settings chosen by mode (measured with bench/vrptw_bench.py, see bench/README.md).

OR-Tools' iterated local search with SISR ruin-and-recreate (about 20 visits removed per
perturbation) from a PATH_CHEAPEST_ARC start beat guided local search clearly on Solomon at 10 s.
"""

from __future__ import annotations

from .model import Problem
from .ortools_adapter import SearchOptions


def options_for(
    problem: Problem, n_visits: int, time_limit_s: float, deterministic: bool, total_visits: int
) -> SearchOptions:
    """Search options for a (sub)problem of ``n_visits`` visits and a time budget.

    Deterministic mode stops after a number of solutions instead of a time (the time limit stays
    as a cap), so the same input gives the same plan.
    """
    if deterministic:
        return SearchOptions(time_limit_s=time_limit_s, solution_limit=200 + 5 * n_visits)
    return SearchOptions(time_limit_s=time_limit_s)
