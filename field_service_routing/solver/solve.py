"""``solve()``: pre-checks, search (whole or by sectors), and the Plan with true reasons."""

from __future__ import annotations

import math
import time
from dataclasses import replace

from . import ortools_adapter as adapter
from .construct import Builder, construct, relocate_into
from .decompose import MIN_VISITS, focus_part, interchangeable, route_parts, sectors
from .model import (
    CAPACITY,
    STATUS_EMPTY,
    STATUS_NO_SOLUTION,
    STATUS_SOLVED,
    Plan,
    Problem,
    Unassigned,
)
from .prechecks import CAPACITY_DETAIL, eligibility
from .routes import build_route
from .strategy import options_for

# Shares of the time limit: the insertion that starts large days (at most), the last insertion and
# the report (kept at the end), and the least a second round of improvement needs.
CONSTRUCTION_SHARE = 0.25
FINAL_SHARE = 0.04
REPORT_SHARE = 0.01
ROUND_SHARE = 0.25
MIN_ROUND_S = 0.2
MAX_ROUNDS = 3
FIRST_ROUND_START = "local_cheapest_insertion"
FIRST_ROUND_SCRATCH = True
# Up to this many visits, the first round starts from PATH_CHEAPEST_ARC as tuned on Solomon.
SMALL_PART = 100


def solve(problem: Problem, *, time_limit_s: float, deterministic: bool = False) -> Plan:
    """Plan the day. Always returns a Plan; raises ValueError only on malformed input.

    ``time_limit_s`` caps the wall time of the whole call. ``deterministic`` gives the same plan
    for the same input on every run (a fixed amount of search instead of a timed one; the time
    limit still caps it, so a too short limit on a slow machine can break the guarantee).
    """
    began = time.monotonic()
    if not isinstance(problem, Problem):
        raise ValueError(f"solve() expects a Problem, got {type(problem).__name__}")
    if isinstance(time_limit_s, bool) or not isinstance(time_limit_s, int | float):
        raise ValueError(f"time_limit_s must be a number, got {time_limit_s!r}")
    if not math.isfinite(time_limit_s) or time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be a positive finite number, got {time_limit_s!r}")

    problem = canonical(problem)
    allowed = eligibility(problem)
    unassigned = list(allowed.unassigned)
    visit_ids = sorted(allowed.candidates)
    if not visit_ids:
        return Plan((), tuple(unassigned), STATUS_EMPTY, 0, time.monotonic() - began)

    tech_ids = sorted({t for techs in allowed.candidates.values() for t in techs})
    # The search ends early enough to leave time for the last insertion and the report.
    deadline = began + time_limit_s * (1 - FINAL_SHARE)
    stats: dict[str, float] = {"prechecks_s": time.monotonic() - began, "build_s": 0.0}
    parts = sectors(problem, visit_ids, tech_ids, allowed.candidates)
    if len(parts) > 1:
        raw, objective, found_any = _search_sectors(
            problem, parts, visit_ids, tech_ids, allowed.candidates, deadline, deterministic, stats
        )
    elif len(visit_ids) >= MIN_VISITS or not interchangeable(
        problem, visit_ids, tech_ids, allowed.candidates
    ):
        raw, objective, found_any = _search_from_insertion(
            problem, visit_ids, tech_ids, allowed.candidates, began, deadline, deterministic, stats
        )
    else:
        options = options_for(
            problem, len(visit_ids), deadline - time.monotonic(), deterministic, len(visit_ids)
        )
        result = adapter.search(problem, visit_ids, tech_ids, allowed.candidates, options)
        stats["build_s"] += result.stats.get("build_s", 0.0)
        raw, objective, found_any = list(result.routes), result.objective, result.found

    raw, added = _last_insertion(
        problem, raw, visit_ids, tech_ids, allowed.candidates, began, time_limit_s
    )
    stats["last_inserted"] = added
    found_any = found_any or added > 0
    routes = tuple(
        build_route(problem, r.technician, list(r.visits), list(r.breaks), r.start, r.end)
        for r in sorted(raw, key=lambda r: r.technician)
    )
    served = {stop.visit_id for route in routes for stop in route.stops}
    for vi in visit_ids:
        visit_id = problem.visits[vi].id
        if visit_id not in served:
            unassigned.append(Unassigned(visit_id, CAPACITY, CAPACITY_DETAIL))
    unassigned.sort(key=lambda u: u.visit_id)
    status = STATUS_SOLVED if found_any else STATUS_NO_SOLUTION
    wall = time.monotonic() - began
    stats["wall_s"] = wall
    return Plan(routes, tuple(unassigned), status, objective, wall, stats)


def _search_sectors(
    problem, parts, visit_ids, tech_ids, candidates, deadline, deterministic, stats
):
    """Interchangeable technicians, many visits: parts by geography, then what is left to the
    technicians still idle."""
    raw: list[adapter.RawRoute] = []
    objective = 0
    found_any = False
    total_visits = len(visit_ids)
    time_limit_s = deadline - time.monotonic()
    # With several parts, keep a little time to place what a part could not.
    repair_deadline = deadline - 0.1 * time_limit_s
    for k, (part_visits, part_techs) in enumerate(parts):
        left = repair_deadline - time.monotonic()
        rest = sum(len(p[0]) for p in parts[k:])
        budget = max(0.05, left * len(part_visits) / rest)
        options = options_for(problem, len(part_visits), budget, deterministic, total_visits)
        result = adapter.search(problem, part_visits, part_techs, candidates, options)
        stats["build_s"] += result.stats.get("build_s", 0.0)
        if result.found:
            found_any = True
            raw.extend(result.routes)
            objective += result.objective
    served_ids = {vi for r in raw for vi, _ in r.visits}
    left_visits = [vi for vi in visit_ids if vi not in served_ids]
    busy = {r.technician for r in raw}
    idle = [t for t in tech_ids if t not in busy]
    if left_visits and idle and deadline - time.monotonic() > 0.05:
        options = options_for(
            problem, len(left_visits), deadline - time.monotonic(), deterministic, total_visits
        )
        result = adapter.search(problem, left_visits, idle, candidates, options)
        if result.found:
            raw.extend(result.routes)
            objective += result.objective
    stats["parts"] = len(parts)
    return raw, objective, found_any


def _search_from_insertion(
    problem, visit_ids, tech_ids, candidates, began, deadline, deterministic, stats
):
    """Technicians that differ (skills, starts, breaks) or a large day: first every visit an
    insertion over all technicians can place, then OR-Tools improves parts of that plan (whole
    routes grouped by where they work, with the visits still left out), starting from it; the
    parts are cut again between rounds."""
    total = deadline - began
    built_by = began + CONSTRUCTION_SHARE * total
    builder, loose = construct(problem, visit_ids, tech_ids, candidates, built_by)
    if loose:
        loose = relocate_into(builder, loose, candidates, built_by)
    stats["construct_s"] = time.monotonic() - began - stats["prechecks_s"]
    stats["construct_left"] = len(loose)
    stats["construct_cost"] = _plan_cost(problem, builder, {})
    frozen: dict[int, adapter.RawRoute] = {}
    rounds = 0
    while True:
        left_s = deadline - time.monotonic()
        if left_s < MIN_ROUND_S or (rounds and left_s < ROUND_SHARE * total):
            break
        routes = {t: list(builder.routes[t].visits) for t in tech_ids if t not in frozen}
        served = {v for r in routes.values() for v in r} | {
            vi for r in frozen.values() for vi, _ in r.visits
        }
        loose = [vi for vi in visit_ids if vi not in served]
        if rounds and loose:
            # Visits still left out get a part of their own with every technician qualified
            # for them and the ones working nearest (the other parts are cut as usual).
            focus = focus_part(problem, routes, loose, candidates)
            others = {t: r for t, r in routes.items() if t not in set(focus[1])}
            parts = [focus, *route_parts(problem, others, [], candidates, offset=rounds * 7919)]
        else:
            parts = route_parts(problem, routes, loose, candidates, offset=rounds * 7919)
        last = rounds >= MAX_ROUNDS - 1 or left_s < 2 * ROUND_SHARE * total
        round_deadline = deadline if last else time.monotonic() + 0.6 * left_s
        for k, (part_visits, part_techs) in enumerate(parts):
            rest = sum(len(p[0]) + 1 for p in parts[k:])
            budget = (round_deadline - time.monotonic()) * (len(part_visits) + 1) / rest
            if budget < 0.05:
                break
            if not part_techs or not part_visits:
                continue
            initial = [builder.routes[t].visits for t in part_techs]
            options = options_for(problem, len(part_visits), budget, deterministic, len(visit_ids))
            focused = rounds > 0 and k == 0 and bool(loose)
            if (rounds == 0 and FIRST_ROUND_SCRATCH) or focused:
                # OR-Tools' iterated local search from its own insertion beat guided local
                # search from the plan in hand (which is all it can run from a given first
                # solution) on parts of a 1,000-visit day; the plan in hand stays when the
                # search serves less.
                if len(part_visits) > SMALL_PART or focused:
                    options = replace(options, first_solution=FIRST_ROUND_START)
                result = adapter.search(problem, part_visits, part_techs, candidates, options)
            else:
                result = adapter.search(
                    problem, part_visits, part_techs, candidates, options, initial
                )
            stats["build_s"] += result.stats.get("build_s", 0.0)
            if result.found:
                _adopt(problem, builder, frozen, part_techs, initial, result)
        rounds += 1
        stats[f"round{rounds}_cost"] = _plan_cost(problem, builder, frozen)
        if last:
            break
    stats["rounds"] = rounds
    raw = [adapter.RawRoute(t, *_as_raw(builder, t)) for t in tech_ids if t not in frozen]
    raw = [r for r in raw if r.visits] + list(frozen.values())
    objective = sum(_route_cost(problem, r.technician, [vi for vi, _ in r.visits]) for r in raw)
    return raw, objective, True


def _plan_cost(problem: Problem, builder: Builder, frozen) -> int:
    return sum(
        _route_cost(problem, t, [vi for vi, _ in frozen[t].visits])
        if t in frozen
        else _route_cost(problem, t, route.visits)
        for t, route in builder.routes.items()
    )


def _as_raw(builder: Builder, t: int):
    visits, breaks, start, end = builder.raw(builder.routes[t])
    return tuple(visits), tuple(breaks), start, end


def _route_cost(problem: Problem, t: int, visits: list[int]) -> int:
    tech = problem.technicians[t]
    costs = problem.distance_matrix if problem.objective == "distance" else problem.duration_matrix
    assert costs is not None
    here = tech.start_location
    total = 0
    for vi in visits:
        loc = problem.visits[vi].location
        total += costs[here][loc]
        here = loc
    if tech.end_location is not None:
        total += costs[here][tech.end_location]
    return total


def _weight(problem: Problem, visits) -> int:
    return sum(1 + problem.visits[vi].priority for vi in visits)


def _adopt(problem, builder, frozen, part_techs, initial, result) -> None:
    """Keep the search's routes of a part when they serve at least as much (priority-weighted)
    at no higher cost than the routes it started from."""
    before_weight = sum(_weight(problem, r) for r in initial)
    after_weight = sum(_weight(problem, [vi for vi, _ in r.visits]) for r in result.routes)
    before_cost = sum(
        _route_cost(problem, t, list(r)) for t, r in zip(part_techs, initial, strict=True)
    )
    after_cost = sum(
        _route_cost(problem, r.technician, [vi for vi, _ in r.visits]) for r in result.routes
    )
    if after_weight < before_weight or (
        after_weight == before_weight and after_cost >= before_cost
    ):
        return
    by_tech = {r.technician: r for r in result.routes}
    for t in part_techs:
        found = by_tech.get(t)
        if found is None:
            builder.load_route(t, [], [])
            frozen.pop(t, None)
        elif builder.load_route(t, found.visits, found.breaks):
            frozen.pop(t, None)
        else:
            frozen[t] = found


def _last_insertion(problem, raw, visit_ids, tech_ids, candidates, began, time_limit_s):
    """Try once more to place every visit left out, in every qualified technician's route (and
    day), so that "fits alone but not in the day" is true of the plan returned."""
    served = {vi for r in raw for vi, _ in r.visits}
    left = [vi for vi in visit_ids if vi not in served]
    if not left:
        return raw, 0
    builder = Builder(problem, tech_ids)
    kept: dict[int, adapter.RawRoute] = {}
    for r in raw:
        if not builder.load_route(r.technician, r.visits, r.breaks):
            kept[r.technician] = r
    open_techs = [t for t in tech_ids if t not in kept]
    stop_at = began + time_limit_s * (1 - REPORT_SHARE)
    _, unplaced = construct(problem, left, open_techs, candidates, stop_at, builder, wide=True)
    if unplaced:
        unplaced = relocate_into(builder, unplaced, candidates, stop_at, len(tech_ids))
    added = len(left) - len(unplaced)
    if not added:
        return raw, 0
    out = list(kept.values())
    for t in open_techs:
        if builder.routes[t].visits:
            out.append(adapter.RawRoute(t, *_as_raw(builder, t)))
    return out, added


def canonical(problem: Problem) -> Problem:
    """The same problem with visits and technicians sorted by id, so that the search (whose ties
    follow node order) gives the same plan whatever order the caller listed them in."""
    visits = tuple(sorted(problem.visits, key=lambda v: v.id))
    technicians = tuple(sorted(problem.technicians, key=lambda t: t.id))
    if visits == problem.visits and technicians == problem.technicians:
        return problem
    return replace(problem, visits=visits, technicians=technicians)
