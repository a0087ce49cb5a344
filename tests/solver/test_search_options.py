"""Search options reach OR-Tools' parameters, and the optional searches keep their promises."""

import time
from dataclasses import replace

from solver_helpers import day, problem, tech, visit

from solver import ortools_adapter as adapter
from solver.prechecks import eligibility


def params(**kwargs):
    return adapter._parameters(adapter.SearchOptions(time_limit_s=1.0, **kwargs), 1.0, 1000.0)


def small_problem():
    visits = [
        visit(f"v{i}", i % 7 + 1, service_min=20 + i, window=day(8 + i % 4, 13 + i % 4))
        for i in range(12)
    ]
    return problem(visits, [tech("a"), tech("b", home=7), tech("c", home=3)])


def test_lean_operators_switch_off_only_the_listed_ones():
    lean = params().local_search_operators
    full = params(lean_operators=False).local_search_operators
    for name in adapter._HEAVY_OPERATORS:
        assert getattr(lean, name) != getattr(full, name), name
    for name in ("use_relocate", "use_exchange", "use_cross", "use_two_opt", "use_or_opt"):
        assert getattr(lean, name) == getattr(full, name), name


def test_temperatures_scale_with_the_mean_arc():
    sa = params(temperatures=(0.3, 0.003)).iterated_local_search_parameters
    sa = sa.reference_solution_acceptance_strategy.simulated_annealing
    assert not sa.automatic_temperatures
    assert abs(sa.initial_temperature - 300.0) < 1e-9
    assert abs(sa.final_temperature - 3.0) < 1e-9
    auto = params().iterated_local_search_parameters
    assert auto.reference_solution_acceptance_strategy.simulated_annealing.automatic_temperatures


def test_mixed_ruin_picks_one_strategy_at_random():
    rr = params(ruin="sisr+random_walk").iterated_local_search_parameters.ruin_recreate_parameters
    assert len(rr.ruin_strategies) == 2
    assert rr.ruin_composition_strategy == adapter._RUN_ONE_RANDOMLY


def test_search_time_keeps_a_margin():
    assert 9.8 < adapter._search_time(10.0) < 10.0
    assert adapter._search_time(-1.0) > 0


def test_restarts_serve_everything_within_the_limit_and_are_deterministic():
    p = small_problem()
    allowed = eligibility(p)
    visit_ids = sorted(allowed.candidates)
    options = adapter.SearchOptions(
        time_limit_s=6.0, solution_limit=300, restarts=("savings", "parallel_cheapest_insertion")
    )
    began = time.monotonic()
    first = adapter.search(p, visit_ids, [0, 1, 2], allowed.candidates, options)
    assert time.monotonic() - began < 6.5
    assert first.found
    assert sorted(vi for r in first.routes for vi, _ in r.visits) == visit_ids
    second = adapter.search(p, visit_ids, [0, 1, 2], allowed.candidates, options)
    assert second.routes == first.routes
    single = adapter.search(
        p, visit_ids, [0, 1, 2], allowed.candidates, replace(options, restarts=())
    )
    assert first.objective <= single.objective
