"""Turn searched sequences and service starts into reported routes (arrivals, waiting, legs)."""

from __future__ import annotations

from .model import BreakStop, Problem, Route, Stop


def leg_arrival(leave: int, travel: int, breaks: list[tuple[int, int]]) -> int:
    """Arrival after leaving at ``leave`` and travelling ``travel``, taking ``breaks`` on the way.

    ``breaks`` are the (start, duration) of the breaks planned in this gap; travel fills the time
    before each break, so a break planned after the arrival does not delay it.
    """
    now = leave
    remaining = travel
    for start, duration in sorted(breaks):
        if remaining == 0 or start >= now + remaining:
            break
        remaining -= max(0, start - now)
        now = max(now, start) + duration
    return now + remaining


def build_route(
    problem: Problem,
    technician: int,
    visits: list[tuple[int, int]],
    breaks: list[tuple[int, int]],
    start: int,
    end: int,
) -> Route:
    """Report a route from (visit index, service start) pairs and (start, duration) breaks."""
    tech = problem.technicians[technician]
    stops = []
    here = tech.start_location
    leave = start
    total_travel = 0
    total_distance = 0
    pending = sorted(breaks)
    for vi, service_start in visits:
        visit = problem.visits[vi]
        travel = problem.travel_s(here, visit.location)
        distance = problem.distance_m(here, visit.location)
        in_gap = [b for b in pending if leave <= b[0] < service_start]
        arrival = min(leg_arrival(leave, travel, in_gap), service_start)
        after = sum(d for s, d in in_gap if s >= arrival)
        waiting = max(0, service_start - arrival - after)
        stops.append(Stop(visit.id, arrival, service_start, waiting, travel, distance))
        total_travel += travel
        total_distance += distance
        here = visit.location
        leave = service_start + visit.service_s
    if tech.end_location is not None:
        total_travel += problem.travel_s(here, tech.end_location)
        total_distance += problem.distance_m(here, tech.end_location)
    return Route(
        technician_id=tech.id,
        stops=tuple(stops),
        breaks=tuple(BreakStop(s, d) for s, d in pending),
        start=start,
        end=end,
        travel_s=total_travel,
        distance_m=total_distance,
    )
