"""``solve()``: pre-checks, search (whole or by sectors), and the Plan with true reasons."""

from __future__ import annotations

import math
import time
from dataclasses import replace

from . import ortools_adapter as adapter
from .decompose import sectors
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
    deadline = began + time_limit_s
    parts = sectors(problem, visit_ids, tech_ids, allowed.candidates)
    raw: list[adapter.RawRoute] = []
    objective = 0
    found_any = False
    stats: dict[str, float] = {"prechecks_s": time.monotonic() - began, "build_s": 0.0}
    total_visits = len(visit_ids)
    # With several parts, keep a little time to place what a part could not.
    repair_deadline = deadline - (0.1 * time_limit_s if len(parts) > 1 else 0.0)
    for k, (part_visits, part_techs) in enumerate(parts):
        left = repair_deadline - time.monotonic()
        rest = sum(len(p[0]) for p in parts[k:])
        budget = max(0.05, left * len(part_visits) / rest)
        options = options_for(problem, len(part_visits), budget, deterministic, total_visits)
        result = adapter.search(problem, part_visits, part_techs, allowed.candidates, options)
        stats["build_s"] += result.stats.get("build_s", 0.0)
        if result.found:
            found_any = True
            raw.extend(result.routes)
            objective += result.objective
    if len(parts) > 1:
        served_ids = {vi for r in raw for vi, _ in r.visits}
        left_visits = [vi for vi in visit_ids if vi not in served_ids]
        busy = {r.technician for r in raw}
        idle = [t for t in tech_ids if t not in busy]
        if left_visits and idle and deadline - time.monotonic() > 0.05:
            options = options_for(
                problem, len(left_visits), deadline - time.monotonic(), deterministic, total_visits
            )
            result = adapter.search(problem, left_visits, idle, allowed.candidates, options)
            if result.found:
                raw.extend(result.routes)
                objective += result.objective
        stats["parts"] = len(parts)

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


def canonical(problem: Problem) -> Problem:
    """The same problem with visits and technicians sorted by id, so that the search (whose ties
    follow node order) gives the same plan whatever order the caller listed them in."""
    visits = tuple(sorted(problem.visits, key=lambda v: v.id))
    technicians = tuple(sorted(problem.technicians, key=lambda t: t.id))
    if visits == problem.visits and technicians == problem.technicians:
        return problem
    return replace(problem, visits=visits, technicians=technicians)
