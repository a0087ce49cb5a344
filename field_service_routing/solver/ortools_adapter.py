"""The only module that imports OR-Tools: builds a routing model and runs the search.

Nodes, not locations, index the registered matrices: one node per visit, one per distinct depot
location, and one shared "anywhere" end node for technicians without an end location. The time
transit from node i to node j is service(i) + travel(loc(i), loc(j)), registered as data
(``RegisterTransitMatrix``), so the search never calls back into Python.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from ortools.constraint_solver import (
    pywrapcp,
    routing_enums_pb2,
    routing_heuristic_parameters_pb2,
    routing_ils_pb2,
)
from ortools.util import optional_boolean_pb2

from .model import MAX_DROP_WEIGHT, Problem, drop_penalty_unit

_FIRST = routing_enums_pb2.FirstSolutionStrategy
_META = routing_enums_pb2.LocalSearchMetaheuristic
_SORTING = (
    routing_heuristic_parameters_pb2.LocalCheapestInsertionParameters.InsertionSortingProperty
)
_RUN_ONE_RANDOMLY = routing_ils_pb2.RuinCompositionStrategy.RUN_ONE_RANDOMLY

FIRST_SOLUTION_STRATEGIES = {
    "parallel_cheapest_insertion": _FIRST.PARALLEL_CHEAPEST_INSERTION,
    "local_cheapest_insertion": _FIRST.LOCAL_CHEAPEST_INSERTION,
    "path_cheapest_arc": _FIRST.PATH_CHEAPEST_ARC,
    "sequential_cheapest_insertion": _FIRST.SEQUENTIAL_CHEAPEST_INSERTION,
    "savings": _FIRST.SAVINGS,
    "christofides": _FIRST.CHRISTOFIDES,
    "automatic": _FIRST.AUTOMATIC,
}
METAHEURISTICS = {
    "guided_local_search": _META.GUIDED_LOCAL_SEARCH,
    "greedy_descent": _META.GREEDY_DESCENT,
    "simulated_annealing": _META.SIMULATED_ANNEALING,
    "tabu_search": _META.TABU_SEARCH,
}

# Operators switched off by ``lean_operators``: the model has no pickup-and-delivery pairs and no
# visit types, a drop never pays (see drop_penalty_unit), and the insertion LNS are slow. Each local
# search after a ruin-and-recreate step then takes a third of the time (Solomon R109 at 10 s: 20
# perturbations with the default operators, 115 with these off), and more perturbations is what
# improves the plans.
_HEAVY_OPERATORS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_shortest_path_swap_active",
    "use_shortest_path_two_opt",
    "use_swap_active_chain",
    "use_lin_kernighan",
    "use_relocate_expensive_chain",
    "use_make_chain_inactive",
    "use_exchange_subtrip",
    "use_relocate_subtrip",
    "use_relocate_pair",
    "use_light_relocate_pair",
    "use_exchange_pair",
)


@dataclass(frozen=True)
class SearchOptions:
    """How to search: solve() takes these defaults through ``strategy.options_for``."""

    time_limit_s: float
    first_solution: str = "path_cheapest_arc"
    metaheuristic: str = "greedy_descent"
    iterated_local_search: bool = True
    gls_lambda: float = 0.1
    solution_limit: int | None = None
    lns_operators: bool = False
    # Ruin strategies joined by "+" (one is picked at random per perturbation): "sisr",
    # "random_walk", "spatially_close_routes". SISR removes about ``ruin_size`` visits (15 and 10
    # were level on Solomon at 10 s; 20 left C205 stuck 3.5 % above the best known).
    ruin: str = "sisr"
    ruin_size: int = 15
    neighbors_ratio: float = 1.0
    min_neighbors: int = 1
    # Switch off local search operators that cannot help this model or cost more than they give.
    lean_operators: bool = True
    # Acceptance of the iterated local search: "annealing" (simulated annealing) or "greedy".
    acceptance: str = "annealing"
    # Simulated annealing start / end temperatures as fractions of the mean arc cost; None lets
    # OR-Tools pick them (0.1 and 0.001 of a sampled mean arc cost).
    temperatures: tuple[float, float] | None = None
    # Order in which the recreate step inserts the removed visits (OR-Tools sorting properties,
    # e.g. "random"); empty keeps OR-Tools' default.
    recreate_order: tuple[str, ...] = ()
    # Further independent searches from other first solutions; the time is shared equally and the
    # best plan kept.
    restarts: tuple[str, ...] = ()
    # From a given first solution (``search(..., initial=...)``) OR-Tools 9.15 runs no iterated
    # local search, only the metaheuristic: greedy descent stops at the first local optimum
    # (2.6 s of 10 on a 150-visit day), guided local search uses the time (137 visits served
    # against 131 with greedy descent and 134 with simulated annealing on that day, 10 s).
    seeded_metaheuristic: str = "guided_local_search"
    tweaks: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class RawRoute:
    """A route as read from the search: technician index, (visit index, service start) pairs."""

    technician: int
    visits: tuple[tuple[int, int], ...]
    breaks: tuple[tuple[int, int], ...]
    start: int
    end: int


@dataclass(frozen=True)
class SearchResult:
    """Routes (only non-empty ones), the search objective, and timings."""

    routes: tuple[RawRoute, ...]
    objective: int
    found: bool
    stats: dict[str, float] = field(default_factory=dict)


@dataclass
class _Model:
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time_dim: pywrapcp.RoutingDimension
    node_visit: list[int]
    technicians: list[int]
    breaks: dict[int, list[pywrapcp.IntervalVar]]
    mean_arc: float = 0.0


def _build(
    problem: Problem,
    visit_ids: Sequence[int],
    tech_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
) -> _Model:
    techs = [problem.technicians[t] for t in tech_ids]
    visits = [problem.visits[v] for v in visit_ids]
    # Depots in technician order (not by location number): the model then does not depend on how
    # the caller numbered the locations.
    depot_locs = list(
        dict.fromkeys(
            [t.start_location for t in techs]
            + [t.end_location for t in techs if t.end_location is not None]
        )
    )
    locs = [v.location for v in visits] + depot_locs
    service = [v.service_s for v in visits] + [0] * len(depot_locs)
    depot_node = {loc: len(visits) + k for k, loc in enumerate(depot_locs)}
    free_end = any(t.end_location is None for t in techs)
    n_nodes = len(locs) + (1 if free_end else 0)
    free_node = len(locs)

    starts = [depot_node[t.start_location] for t in techs]
    ends = [free_node if t.end_location is None else depot_node[t.end_location] for t in techs]
    manager = pywrapcp.RoutingIndexManager(n_nodes, len(techs), starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    durations = problem.duration_matrix
    time_rows = []
    for loc, serv in zip(locs, service, strict=False):
        row = durations[loc]
        values = [row[other] + serv for other in locs]
        if free_end:
            values.append(serv)
        time_rows.append(values)
    if free_end:
        time_rows.append([0] * n_nodes)
    time_idx = routing.RegisterTransitMatrix(time_rows)

    if problem.objective == "distance":
        assert problem.distance_matrix is not None
        distances = problem.distance_matrix
        cost_rows = []
        for loc in locs:
            row = distances[loc]
            values = [row[other] for other in locs]
            if free_end:
                values.append(0)
            cost_rows.append(values)
        if free_end:
            cost_rows.append([0] * n_nodes)
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost_rows))
    else:
        # Service of the from-node is constant for a given set of served visits.
        routing.SetArcCostEvaluatorOfAllVehicles(time_idx)
        cost_rows = time_rows
    n_locs = len(locs)
    mean_arc = sum(sum(row[:n_locs]) for row in cost_rows[:n_locs]) / max(1, n_locs * n_locs)

    horizon = max(t.shift.end for t in techs) + 1
    routing.AddDimension(time_idx, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    solver = routing.solver()

    for v, tech in enumerate(techs):
        time_dim.CumulVar(routing.Start(v)).SetRange(tech.shift.start, tech.shift.end)
        time_dim.CumulVar(routing.End(v)).SetRange(tech.shift.start, tech.shift.end)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))

    unit = drop_penalty_unit(problem)
    tech_pos = {t: k for k, t in enumerate(tech_ids)}
    for node, (vi, visit) in enumerate(zip(visit_ids, visits, strict=False)):
        index = manager.NodeToIndex(node)
        cumul = time_dim.CumulVar(index)
        ordered = sorted(visit.time_windows, key=lambda w: w.start)
        cumul.SetRange(ordered[0].start, ordered[-1].end)
        for before, after in pairwise(ordered):
            cumul.RemoveInterval(before.end + 1, after.start - 1)
        allowed = [tech_pos[t] for t in candidates[vi] if t in tech_pos]
        if len(allowed) < len(techs):
            # SetAllowedVehiclesForIndex accepts no Python sequence in 9.15's binding; restrict
            # the vehicle variable instead (-1 = not performed, the visit stays optional).
            routing.VehicleVar(index).SetValues([-1, *allowed])
        weight = 1 + visit.priority
        if visit.pinned_technician is not None:
            weight = MAX_DROP_WEIGHT
        routing.AddDisjunction([index], unit * weight)

    if any(v.demand for v in visits) and any(t.capacity is not None for t in techs):
        total = sum(v.demand for v in visits)
        demand_idx = routing.RegisterUnaryTransitVector(
            [v.demand for v in visits] + [0] * (n_nodes - len(visits))
        )
        capacities = [total if t.capacity is None else t.capacity for t in techs]
        routing.AddDimensionWithVehicleCapacity(demand_idx, 0, capacities, True, "load")

    pinned = [(n, v) for n, v in enumerate(visits) if v.pinned_sequence is not None]
    if any(t.max_visits is not None for t in techs) or pinned:
        count_idx = routing.RegisterUnaryTransitVector(
            [1] * len(visits) + [0] * (n_nodes - len(visits))
        )
        limits = [len(visits) if t.max_visits is None else t.max_visits for t in techs]
        routing.AddDimensionWithVehicleCapacity(count_idx, 0, limits, True, "count")
        _add_pinned_order(routing, manager, pinned)

    breaks: dict[int, list[pywrapcp.IntervalVar]] = {}
    visit_transits = None
    for v, tech in enumerate(techs):
        if not tech.breaks:
            continue
        if visit_transits is None:
            visit_transits = [0] * (routing.Size() + routing.vehicles())
            for node in range(len(visits)):
                visit_transits[manager.NodeToIndex(node)] = service[node]
        intervals = [
            solver.FixedDurationIntervalVar(
                b.start, b.end - b.duration_s, b.duration_s, False, f"break {tech.id} {k}"
            )
            for k, b in enumerate(tech.breaks)
        ]
        time_dim.SetBreakIntervalsOfVehicle(intervals, v, visit_transits)
        if len(intervals) > 1:
            # The break constraint keeps breaks off the visits, not off each other.
            solver.Add(solver.DisjunctiveConstraint(intervals, f"breaks {tech.id}"))
        for interval in intervals:
            routing.AddIntervalToAssignment(interval)
        breaks[v] = intervals

    node_visit = list(visit_ids)
    return _Model(manager, routing, time_dim, node_visit, list(tech_ids), breaks, mean_arc)


def _add_pinned_order(routing, manager, pinned) -> None:
    """Pinned visits of one technician keep their relative order (when both are served)."""
    count = routing.GetDimensionOrDie("count")
    solver = routing.solver()
    by_tech: dict[str, list[tuple[int, int]]] = {}
    for node, visit in pinned:
        by_tech.setdefault(visit.pinned_technician, []).append((visit.pinned_sequence, node))
    for chain in by_tech.values():
        chain.sort()
        nodes = [manager.NodeToIndex(node) for _, node in chain]
        for k, first in enumerate(nodes):
            for second in nodes[k + 1 :]:
                both = routing.ActiveVar(first) * routing.ActiveVar(second)
                gap = count.CumulVar(second) - count.CumulVar(first)
                solver.Add(both * gap >= both)


def _parameters(options: SearchOptions, time_limit_s: float, mean_arc: float = 0.0):
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTION_STRATEGIES[options.first_solution]
    params.local_search_metaheuristic = METAHEURISTICS[options.metaheuristic]
    params.guided_local_search_lambda_coefficient = options.gls_lambda
    params.use_full_propagation = False
    if options.iterated_local_search:
        params.use_iterated_local_search = True
        ils = params.iterated_local_search_parameters
        rr = ils.ruin_recreate_parameters
        del rr.ruin_strategies[:]
        for ruin in options.ruin.split("+"):
            strategy = rr.ruin_strategies.add()
            if ruin == "sisr":
                strategy.sisr.max_removed_sequence_size = options.ruin_size
                strategy.sisr.avg_num_removed_visits = options.ruin_size
                strategy.sisr.bypass_factor = 0.01
            elif ruin == "random_walk":
                strategy.random_walk.num_removed_visits = options.ruin_size
            else:
                strategy.spatially_close_routes.num_ruined_routes = max(1, options.ruin_size // 5)
        if len(rr.ruin_strategies) > 1:
            rr.ruin_composition_strategy = _RUN_ONE_RANDOMLY
        if options.recreate_order:
            lci = rr.recreate_strategy.parameters.local_cheapest_insertion
            for name in options.recreate_order:
                lci.insertion_sorting_properties.append(
                    _SORTING.Value(f"SORTING_PROPERTY_{name.upper()}")
                )
        if options.acceptance == "greedy":
            ils.reference_solution_acceptance_strategy.greedy_descent.SetInParent()
        else:
            sa = ils.reference_solution_acceptance_strategy.simulated_annealing
            if options.temperatures is None or mean_arc <= 0:
                sa.automatic_temperatures = True
            else:
                hot, cold = options.temperatures
                sa.automatic_temperatures = False
                sa.initial_temperature = max(1e-6, hot * mean_arc)
                sa.final_temperature = max(1e-6, min(hot, cold) * mean_arc)
    ops = params.local_search_operators
    if options.lean_operators:
        for name in _HEAVY_OPERATORS:
            setattr(ops, name, optional_boolean_pb2.BOOL_FALSE)
    if options.lns_operators:
        on = optional_boolean_pb2.BOOL_TRUE
        ops.use_relocate_neighbors = on
        ops.use_cross_exchange = on
        ops.use_path_lns = on
        ops.use_inactive_lns = on
        ops.use_relocate_and_make_active = on
    params.ls_operator_neighbors_ratio = options.neighbors_ratio
    params.ls_operator_min_neighbors = options.min_neighbors
    for path, value in options.tweaks:
        target = params
        *parents, leaf = path.split(".")
        for part in parents:
            target = getattr(target, part)
        setattr(target, leaf, value)
    if options.solution_limit is not None:
        params.solution_limit = options.solution_limit
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    return params


def search(
    problem: Problem,
    visit_ids: Sequence[int],
    tech_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
    options: SearchOptions,
    initial: Sequence[Sequence[int]] | None = None,
) -> SearchResult:
    """Build the model for the given visits and technicians (indices) and search.

    ``initial``, when given, holds one list of visit indices per technician in ``tech_ids``; it is
    used as the first solution when OR-Tools accepts it.
    """
    began = time.monotonic()
    deadline = began + options.time_limit_s
    firsts = [options.first_solution, *options.restarts]
    best: SearchResult | None = None
    stats = {"build_s": 0.0, "search_s": 0.0}
    for k, first in enumerate(firsts):
        share = (deadline - time.monotonic()) / (len(firsts) - k)
        if k and share < 0.05:
            break
        run = replace(options, first_solution=first, time_limit_s=share)
        result = _search_once(
            problem, visit_ids, tech_ids, candidates, run, initial if k == 0 else None
        )
        stats["build_s"] += result.stats["build_s"]
        stats["search_s"] += result.stats["search_s"]
        if result.found and (best is None or result.objective < best.objective):
            best = result
    if best is None:
        return SearchResult((), 0, False, stats)
    return SearchResult(best.routes, best.objective, True, stats)


def _search_once(
    problem: Problem,
    visit_ids: Sequence[int],
    tech_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
    options: SearchOptions,
    initial: Sequence[Sequence[int]] | None,
) -> SearchResult:
    began = time.monotonic()
    model = _build(problem, visit_ids, tech_ids, candidates)
    built = time.monotonic()
    remaining = _search_time(options.time_limit_s - (built - began))
    params = _parameters(options, remaining, model.mean_arc)
    routing = model.routing
    solution = None
    if initial is not None:
        params.local_search_metaheuristic = METAHEURISTICS[options.seeded_metaheuristic]
        # Restoring the first solution places the breaks under the LNS time limit (100 ms by
        # default): on a 150-visit day with 22 lunch breaks that failed, and the search started
        # from nothing.
        params.lns_time_limit.FromMilliseconds(max(100, int(remaining * 300)))
        node_of = {vi: node for node, vi in enumerate(model.node_visit)}
        routes = [
            [model.manager.NodeToIndex(node_of[vi]) for vi in route if vi in node_of]
            for route in initial
        ]
        routing.CloseModelWithParameters(params)
        start = routing.ReadAssignmentFromRoutes(routes, True)
        if start is not None:
            solution = routing.SolveFromAssignmentWithParameters(start, params)
    if solution is None:
        remaining = _search_time(options.time_limit_s - (time.monotonic() - began))
        params.time_limit.FromMilliseconds(max(1, int(remaining * 1000)))
        if options.iterated_local_search:
            solution = routing.SolveWithIteratedLocalSearch(params)
        else:
            solution = routing.SolveWithParameters(params)
    done = time.monotonic()
    stats = {"build_s": built - began, "search_s": done - built}
    if solution is None:
        return SearchResult((), 0, False, stats)
    return SearchResult(_read(model, solution), solution.ObjectiveValue(), True, stats)


def _search_time(left_s: float) -> float:
    """OR-Tools' limit for ``left_s`` seconds of wall time: it checks its clock between moves and
    overran 30 s limits by up to 0.3 s on a loaded machine, so keep a margin of 1.5 %."""
    return max(0.01, left_s - max(0.01, 0.015 * left_s))


def _read(model: _Model, solution) -> tuple[RawRoute, ...]:
    routing, manager, time_dim = model.routing, model.manager, model.time_dim
    n_visits = len(model.node_visit)
    routes = []
    for v, tech in enumerate(model.technicians):
        index = routing.Start(v)
        start = solution.Min(time_dim.CumulVar(index))
        visits = []
        index = solution.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node < n_visits:
                visits.append((model.node_visit[node], solution.Min(time_dim.CumulVar(index))))
            index = solution.Value(routing.NextVar(index))
        if not visits:
            continue
        end = solution.Min(time_dim.CumulVar(index))
        breaks = tuple(
            sorted(
                (solution.StartValue(iv), iv.DurationMin())
                for iv in model.breaks.get(v, [])
                if solution.PerformedValue(iv)
            )
        )
        routes.append(RawRoute(tech, tuple(visits), breaks, start, end))
    return tuple(routes)
