"""An independent feasibility checker: recomputes a plan's timeline from the problem's matrices.

It shares no code with the search: it reads only the Problem and the Plan and returns a list of
human-readable violations (empty when the plan is feasible).
"""

from __future__ import annotations

from itertools import pairwise

from .model import REASONS, Break, BreakStop, Plan, Problem, Route, Technician


def check_plan(problem: Problem, plan: Plan) -> list[str]:
    """Return every violation found in ``plan`` (an empty list means feasible)."""
    errors: list[str] = []
    visits = {v.id: v for v in problem.visits}
    techs = {t.id: t for t in problem.technicians}
    served: dict[str, str] = {}
    route_techs: set[str] = set()
    for route in plan.routes:
        tech = techs.get(route.technician_id)
        if tech is None:
            errors.append(f"route for unknown technician {route.technician_id!r}")
            continue
        if route.technician_id in route_techs:
            errors.append(f"technician {tech.id!r} has two routes")
        route_techs.add(route.technician_id)
        for stop in route.stops:
            if stop.visit_id not in visits:
                errors.append(f"{tech.id}: unknown visit {stop.visit_id!r}")
            elif stop.visit_id in served:
                errors.append(f"visit {stop.visit_id!r} served twice")
            served[stop.visit_id] = tech.id
        if all(stop.visit_id in visits for stop in route.stops):
            errors.extend(_check_route(problem, tech, route))
    left_out: set[str] = set()
    for item in plan.unassigned:
        if item.visit_id not in visits:
            errors.append(f"unknown unassigned visit {item.visit_id!r}")
        if item.visit_id in served:
            errors.append(f"visit {item.visit_id!r} both served and unassigned")
        if item.visit_id in left_out:
            errors.append(f"visit {item.visit_id!r} unassigned twice")
        if item.reason not in REASONS:
            errors.append(f"visit {item.visit_id!r}: unknown reason {item.reason!r}")
        left_out.add(item.visit_id)
    for visit_id in visits:
        if visit_id not in served and visit_id not in left_out:
            errors.append(f"visit {visit_id!r} neither served nor unassigned")
    return errors


def _check_route(problem: Problem, tech: Technician, route: Route) -> list[str]:
    errors: list[str] = []
    name = f"route {tech.id}"
    visits = {v.id: v for v in problem.visits}
    if not tech.shift.start <= route.start <= route.end <= tech.shift.end:
        errors.append(
            f"{name}: [{route.start}, {route.end}] outside shift "
            f"[{tech.shift.start}, {tech.shift.end}]"
        )
    errors.extend(_check_breaks(tech, route))
    breaks = sorted((b.start, b.start + b.duration_s) for b in route.breaks)
    here = tech.start_location
    leave = route.start
    travel_total = 0
    distance_total = 0
    load = 0
    pinned_seen: list[int] = []
    for stop in route.stops:
        visit = visits[stop.visit_id]
        what = f"{name}: visit {visit.id!r}"
        if visit.allowed_technicians is not None and tech.id not in visit.allowed_technicians:
            errors.append(f"{what}: technician not allowed (skills)")
        if visit.pinned_technician is not None and visit.pinned_technician != tech.id:
            errors.append(f"{what}: pinned to {visit.pinned_technician!r}")
        if visit.pinned_sequence is not None:
            pinned_seen.append(visit.pinned_sequence)
        travel = problem.travel_s(here, visit.location)
        travel_total += travel
        distance_total += problem.distance_m(here, visit.location)
        if stop.travel_s != travel:
            errors.append(f"{what}: reports travel {stop.travel_s}, matrix says {travel}")
        errors.extend(_check_gap(what, leave, stop.start, travel, breaks))
        if stop.arrival < leave + travel or stop.arrival > stop.start:
            errors.append(
                f"{what}: arrival {stop.arrival} impossible (left {leave}, travel {travel}, "
                f"start {stop.start})"
            )
        if stop.waiting_s < 0:
            errors.append(f"{what}: negative waiting")
        if not any(w.start <= stop.start <= w.end for w in visit.time_windows):
            errors.append(f"{what}: starts at {stop.start}, outside its time windows")
        end_service = stop.start + visit.service_s
        for b_start, b_end in breaks:
            if b_start < end_service and stop.start < b_end:
                errors.append(f"{what}: service overlaps the break at {b_start}")
        load += visit.demand
        here = visit.location
        leave = end_service
    if tech.end_location is not None:
        travel = problem.travel_s(here, tech.end_location)
        travel_total += travel
        distance_total += problem.distance_m(here, tech.end_location)
        errors.extend(_check_gap(f"{name}: return", leave, route.end, travel, breaks))
    elif route.end < leave:
        errors.append(f"{name}: ends at {route.end} before the last service ends ({leave})")
    if tech.capacity is not None and load > tech.capacity:
        errors.append(f"{name}: load {load} over capacity {tech.capacity}")
    if tech.max_visits is not None and len(route.stops) > tech.max_visits:
        errors.append(f"{name}: {len(route.stops)} visits, limit {tech.max_visits}")
    if pinned_seen != sorted(pinned_seen):
        errors.append(f"{name}: pinned visits out of order {pinned_seen}")
    if route.travel_s != travel_total:
        errors.append(f"{name}: reports travel {route.travel_s}, recomputed {travel_total}")
    if route.distance_m != distance_total:
        errors.append(f"{name}: reports distance {route.distance_m}, recomputed {distance_total}")
    return errors


def _check_gap(
    what: str, leave: int, until: int, travel: int, breaks: list[tuple[int, int]]
) -> list[str]:
    """Between ``leave`` and ``until`` there must be room for the travel and the breaks in it."""
    inside = sum(end - start for start, end in breaks if leave <= start and end <= until)
    if until - leave < travel + inside:
        return [f"{what}: needs {travel}s travel + {inside}s breaks between {leave} and {until}"]
    return []


def _check_breaks(tech: Technician, route: Route) -> list[str]:
    errors = []
    if len(route.breaks) != len(tech.breaks):
        errors.append(
            f"route {tech.id}: {len(route.breaks)} breaks planned, shift has {len(tech.breaks)}"
        )
    if not _match_breaks(list(tech.breaks), sorted(route.breaks, key=lambda b: b.start)):
        errors.append(f"route {tech.id}: breaks {route.breaks} do not fit the break windows")
    spans = sorted((b.start, b.start + b.duration_s) for b in route.breaks)
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            errors.append(f"route {tech.id}: breaks overlap")
    return errors


def _match_breaks(windows: list[Break], planned: list[BreakStop]) -> bool:
    """Each planned break takes a distinct window that contains it with the right duration."""
    if not planned:
        return True
    first, rest = planned[0], planned[1:]
    for k, window in enumerate(windows):
        fits = (
            window.start <= first.start
            and first.start + first.duration_s <= window.end
            and first.duration_s >= window.duration_s
        )
        if fits and _match_breaks(windows[:k] + windows[k + 1 :], rest):
            return True
    return False
