"""Search settings chosen by mode (measured with bench/vrptw_bench.py, see bench/README.md).

OR-Tools' iterated local search with SISR ruin-and-recreate from a PATH_CHEAPEST_ARC start beat
guided local search clearly on Solomon at 10 s. What limits it is how many perturbations fit in the
time: each one is followed by a full local search, so the adapter switches off the operators that
cannot help this model (``lean_operators``), which gives about 3x more perturbations. Measured on
12 hard Solomon instances (C103, C104, C205, R104, R106-R109, R111, R112, RC103, RC106) at 10 s,
side by side on a loaded 2-core machine: mean gap 4.90 % -> 2.91 %, median 3.89 % -> 2.70 %.

Tried and not kept (same subset, same conditions, differences within the run-to-run noise or
worse): restarts from other first solutions sharing the time (worse at 10 s, equal at 30 s),
SAVINGS / cheapest-insertion starts, greedy acceptance, hotter or colder annealing than OR-Tools'
automatic temperatures, random insertion order in the recreate step (much worse), a random-walk or
close-routes ruin mixed with SISR, restricted neighbour lists (``neighbors_ratio`` 0.25: much worse,
the lists ignore time windows), and ILS without local search (ruin-and-recreate only).

Days whose technicians differ (skills, own starts, lunch breaks; ``solve._search_from_insertion``),
measured on generated metro days (``bench/metro_bench.py``) on the loaded 2-core machine: the
whole 1,000-visit day given to OR-Tools served nothing in 60 s (its first solution did not finish);
starting from ``construct.py``'s insertion (about 2 s, 987-999 of 1,000 placed) and improving parts
of whole routes serves them all. From a given first solution OR-Tools 9.15 runs guided local
search but no iterated local search; on parts of 125 visits at 6 s the iterated local search from
its own LOCAL_CHEAPEST_INSERTION start beat guided local search from the insertion (76.9 k against
83.8 k s of travel on a 131-visit part; PATH_CHEAPEST_ARC starts were far worse with breaks: 82 of
150 visits served at 5 s against 134), hence a first round from scratch and guided local search
from the plan in hand afterwards. Not kept: weighing the delay an insertion causes (0.1-0.5 s per
s: fewer visits placed), 4-48 nearest routes per visit instead of 12 (level), parts of 60, 90 or
125 visits (200 kept: 216 k against 234 k s of travel on the 400-visit day), more and shorter
rounds (level within the noise).
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
