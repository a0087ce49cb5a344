"""Pre-checks before the search: who may serve what, and why a visit cannot be planned.

A visit goes to the search only with the technicians that could serve it on an otherwise empty day
(qualified, window reachable from the start and back to the end within the shift, breaks fitting,
capacity). The other visits are reported straight away with a true reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .model import (
    CAPACITY,
    NO_QUALIFIED_TECHNICIAN,
    WINDOW_UNREACHABLE,
    Break,
    Problem,
    Technician,
    Unassigned,
    Visit,
)

# Beyond this many breaks per shift, try only "all before" / "all after" placements.
MAX_ENUMERATED_BREAKS = 6


def finish_gap(ready: int, travel: int, breaks: Sequence[Break]) -> int | None:
    """Earliest time a gap's work (``travel`` plus ``breaks``) is done when it starts at ``ready``.

    Travel may be split around breaks (a break can be taken on the way); each break must lie inside
    its own window. Returns None when a break cannot fit.
    """
    now = ready
    remaining = travel
    for brk in sorted(breaks, key=lambda b: (b.start, b.end)):
        if brk.start > now and remaining:
            step = min(remaining, brk.start - now)
            now += step
            remaining -= step
        begin = max(now, brk.start)
        if begin + brk.duration_s > brk.end:
            return None
        now = begin + brk.duration_s
    return now + remaining


def _placements(breaks: tuple[Break, ...]) -> list[tuple[tuple[Break, ...], tuple[Break, ...]]]:
    if len(breaks) > MAX_ENUMERATED_BREAKS:
        return [(breaks, ()), ((), breaks)]
    out = []
    for mask in itertools.product((0, 1), repeat=len(breaks)):
        before = tuple(b for b, m in zip(breaks, mask, strict=False) if m == 0)
        after = tuple(b for b, m in zip(breaks, mask, strict=False) if m == 1)
        out.append((before, after))
    return out


def qualifies(visit: Visit, tech: Technician) -> bool:
    """True when the technician is allowed to do the visit (skills, pin)."""
    if visit.pinned_technician is not None and visit.pinned_technician != tech.id:
        return False
    return visit.allowed_technicians is None or tech.id in visit.allowed_technicians


def reachable_alone(problem: Problem, visit: Visit, tech: Technician) -> bool:
    """True when ``tech`` can serve ``visit`` inside a window on an otherwise empty day."""
    to_visit = problem.travel_s(tech.start_location, visit.location)
    back = 0 if tech.end_location is None else problem.travel_s(visit.location, tech.end_location)
    for before, after in _placements(tech.breaks):
        arrival = finish_gap(tech.shift.start, to_visit, before)
        if arrival is None:
            continue
        for window in visit.time_windows:
            start = max(arrival, window.start)
            if start > window.end:
                continue
            done = finish_gap(start + visit.service_s, back, after)
            if done is not None and done <= tech.shift.end:
                return True
    return False


def fits_load(visit: Visit, tech: Technician) -> bool:
    """True when the visit alone fits the technician's capacity and visit count."""
    if tech.max_visits is not None and tech.max_visits < 1:
        return False
    return tech.capacity is None or visit.demand <= tech.capacity


@dataclass(frozen=True)
class Eligibility:
    """Technician indices able to serve each visit alone, and the visits that no one can."""

    candidates: dict[int, tuple[int, ...]]
    unassigned: tuple[Unassigned, ...]


def eligibility(problem: Problem) -> Eligibility:
    """Split visits into plannable ones (with their candidate technicians) and rejected ones."""
    candidates: dict[int, tuple[int, ...]] = {}
    rejected: list[Unassigned] = []
    # Technicians with the same day (start, end, shift, breaks) share one reachability check.
    days: dict[tuple, int] = {}
    day_of = [
        days.setdefault((t.start_location, t.end_location, t.shift, t.breaks), len(days))
        for t in problem.technicians
    ]
    everyone = list(range(len(problem.technicians)))
    for vi, visit in enumerate(problem.visits):
        if visit.allowed_technicians is None and visit.pinned_technician is None:
            qualified = everyone
        else:
            qualified = [ti for ti, t in enumerate(problem.technicians) if qualifies(visit, t)]
        if not qualified:
            rejected.append(Unassigned(visit.id, NO_QUALIFIED_TECHNICIAN, _why_unqualified(visit)))
            continue
        reach: dict[int, bool] = {}
        timely = []
        for ti in qualified:
            key = day_of[ti]
            if key not in reach:
                reach[key] = reachable_alone(problem, visit, problem.technicians[ti])
            if reach[key]:
                timely.append(ti)
        if not timely:
            rejected.append(
                Unassigned(
                    visit.id,
                    WINDOW_UNREACHABLE,
                    "no qualified technician can reach a time window and finish within the shift",
                )
            )
            continue
        fitting = [ti for ti in timely if fits_load(visit, problem.technicians[ti])]
        if not fitting:
            rejected.append(
                Unassigned(
                    visit.id,
                    CAPACITY,
                    "demand exceeds the capacity (or visit limit) of every qualified technician",
                )
            )
            continue
        candidates[vi] = tuple(fitting)
    return Eligibility(candidates, tuple(rejected))


def _why_unqualified(visit: Visit) -> str:
    if visit.pinned_technician is not None:
        return f"pinned technician {visit.pinned_technician!r} is not working"
    if visit.allowed_technicians is not None and not visit.allowed_technicians:
        return "no technician has the required skills"
    return "none of the qualified technicians is working"


CAPACITY_DETAIL = "fits alone but not in the day with the other visits (time, capacity, limits)"
