"""A feasible plan by insertion, in pure Python: skills, shifts, windows, breaks, capacity.

Used to start the search on large or mixed days (every technician with his own start, skills,
breaks) and to try, after the search, one last insertion of every visit left out, so that a visit
reported "fits alone but not in the day" truly does not fit in the plan returned.

A route is a list of visit indices and, for each gap (before the first visit, between two visits,
the way back), the breaks taken in it. Times follow the pre-checks' rule (``finish_gap``: travel
may be split around a break, each break inside its window) with the earliest service start, so a
route is feasible here exactly when the pre-checks' reasoning says it is, and an empty day
accepts a visit exactly when ``reachable_alone`` does.

Insertion is parallel over all technicians: each visit's cheapest feasible place in each of its
nearest qualified routes is cached; the visit whose second-best place costs most more than its
best (the largest regret; priority first) is inserted next; only the places in the route that
changed are computed again, lazily.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import MAX_DROP_WEIGHT, Break, Problem, Technician, Visit
from .prechecks import MAX_ENUMERATED_BREAKS

# Places are first looked for in this many qualified technicians nearest to the visit (then, for
# what is left, in all of them).
NEAREST_ROUTES = 12
# Weight of the delay a visit causes to the rest of its route against the added travel. Measured
# on generated metro days (150 and 1,000 visits): 0.1, 0.25 and 0.5 placed fewer visits (118 and
# 962-969 against 126 and 987) at a higher travel, so the added travel alone decides.
PUSH_WEIGHT = 0.0
# Regret of a visit that fits in one route only (it goes before any visit with a choice).
_ONLY_CHOICE = 10**15


def _service_start(visit: Visit, arrival: int) -> int | None:
    """Earliest start inside a window at or after ``arrival`` (None when every window closed)."""
    best = None
    for window in visit.time_windows:
        if arrival <= window.end:
            start = max(arrival, window.start)
            if best is None or start < best:
                best = start
    return best


def gap_times(ready: int, travel: int, breaks: Sequence[Break]) -> tuple[int, list[int]] | None:
    """``prechecks.finish_gap`` that also tells when each break starts (in the given order,
    which must be by window start), or None when a break cannot fit."""
    now = ready
    remaining = travel
    starts = []
    for brk in breaks:
        if brk.start > now and remaining:
            step = min(remaining, brk.start - now)
            now += step
            remaining -= step
        begin = max(now, brk.start)
        if begin + brk.duration_s > brk.end:
            return None
        starts.append(begin)
        now = begin + brk.duration_s
    return now + remaining, starts


@dataclass
class Route:
    """One technician's day under construction (visit indices and the breaks of each gap)."""

    tech: int
    visits: list[int] = field(default_factory=list)
    gaps: list[list[Break]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    load: int = 0
    version: int = 0
    end: int = 0


@dataclass(frozen=True)
class Place:
    """Where a visit goes in a route: before visit ``gap``; the breaks of that gap whose bit is
    set in ``split`` are taken before it, the others after it."""

    cost: int
    gap: int
    split: int


class Builder:
    """Routes of a problem and the insertion moves on them (all times checked)."""

    def __init__(self, problem: Problem, tech_ids: Sequence[int]) -> None:
        self.problem = problem
        self.durations = problem.duration_matrix
        self.costs = (
            problem.distance_matrix if problem.objective == "distance" else problem.duration_matrix
        )
        self.routes: dict[int, Route] = {}
        for t in tech_ids:
            tech = problem.technicians[t]
            breaks = sorted(tech.breaks, key=lambda b: (b.start, b.end))
            self.routes[t] = Route(t, [], [breaks], [], end=tech.shift.start)
        # A second of delay at the next visit costs this much (in the objective's unit): time
        # spent now is room lost for later visits.
        self.push_weight = PUSH_WEIGHT * _unit_per_second(problem)

    # ---- times ----------------------------------------------------------------------------

    def _tech(self, route: Route) -> Technician:
        return self.problem.technicians[route.tech]

    def schedule(self, tech: Technician, visits: list[int], gaps: list[list[Break]]):
        """Service starts of ``visits`` and the end of the day, or None when infeasible."""
        problem = self.problem
        durations = self.durations
        here = tech.start_location
        now = tech.shift.start
        starts = []
        for k, vi in enumerate(visits):
            visit = problem.visits[vi]
            timed = gap_times(now, durations[here][visit.location], gaps[k])
            if timed is None:
                return None
            start = _service_start(visit, timed[0])
            if start is None:
                return None
            starts.append(start)
            now = start + visit.service_s
            here = visit.location
        back = 0 if tech.end_location is None else durations[here][tech.end_location]
        timed = gap_times(now, back, gaps[len(visits)])
        if timed is None or timed[0] > tech.shift.end:
            return None
        return starts, timed[0]

    def _push(self, route: Route, tech: Technician, visit: Visit, gap: int, split: int):
        """How much later the next visit (or the end of the day) starts when ``visit`` goes
        before visit ``gap`` with the breaks of ``split`` (a bit mask) before it; None when
        that breaks the route. Checked forward from the place, and only as far as a later
        visit starts later than before (if it does not, the rest of the day is unchanged)."""
        problem = self.problem
        durations = self.durations
        visits = route.visits
        if gap == 0:
            here, now = tech.start_location, tech.shift.start
        else:
            prev = problem.visits[visits[gap - 1]]
            here, now = prev.location, route.starts[gap - 1] + prev.service_s
        breaks = route.gaps[gap]
        before, after = _split(breaks, split)
        timed = gap_times(now, durations[here][visit.location], before)
        if timed is None:
            return None
        start = _service_start(visit, timed[0])
        if start is None:
            return None
        now = start + visit.service_s
        here = visit.location
        push = None
        for k in range(gap, len(visits)):
            nxt = problem.visits[visits[k]]
            timed = gap_times(now, durations[here][nxt.location], after)
            if timed is None:
                return None
            start = _service_start(nxt, timed[0])
            if start is None:
                return None
            if push is None:
                push = start - route.starts[k]
            if start <= route.starts[k]:
                return max(0, push)
            now = start + nxt.service_s
            here = nxt.location
            after = route.gaps[k + 1]
        back = 0 if tech.end_location is None else durations[here][tech.end_location]
        timed = gap_times(now, back, after)
        if timed is None or timed[0] > tech.shift.end:
            return None
        if push is None:
            push = timed[0] - route.end
        return max(0, push)

    def best_place(self, route: Route, vi: int) -> Place | None:
        """The cheapest feasible place of visit ``vi`` in ``route`` (None when none)."""
        problem = self.problem
        tech = self._tech(route)
        visit = problem.visits[vi]
        if tech.capacity is not None and route.load + visit.demand > tech.capacity:
            return None
        if tech.max_visits is not None and len(route.visits) >= tech.max_visits:
            return None
        costs = self.costs
        loc = visit.location
        prev = tech.start_location
        options = []
        low, high = self._pinned_range(route, visit)
        for g in range(len(route.visits) + 1):
            if g < len(route.visits):
                nxt = problem.visits[route.visits[g]].location
                added = costs[prev][loc] + costs[loc][nxt] - costs[prev][nxt]
            elif tech.end_location is not None:
                nxt = tech.end_location
                added = costs[prev][loc] + costs[loc][nxt] - costs[prev][nxt]
            else:
                nxt = None
                added = costs[prev][loc]
            if low <= g <= high:
                for split in _masks(len(route.gaps[g])):
                    options.append((added, g, split))
            if nxt is not None and g < len(route.visits):
                prev = nxt
        options.sort()
        best: Place | None = None
        for added, g, split in options:
            if best is not None and added >= best.cost:
                break
            push = self._push(route, tech, visit, g, split)
            if push is None:
                continue
            cost = added + int(self.push_weight * push)
            if best is None or cost < best.cost:
                best = Place(cost, g, split)
        return best

    def _pinned_range(self, route: Route, visit: Visit) -> tuple[int, int]:
        """Gaps where a visit with a pinned sequence keeps the order of the pinned ones."""
        if visit.pinned_sequence is None:
            return 0, len(route.visits)
        low, high = 0, len(route.visits)
        for k, vi in enumerate(route.visits):
            other = self.problem.visits[vi].pinned_sequence
            if other is None:
                continue
            if other < visit.pinned_sequence:
                low = max(low, k + 1)
            elif other > visit.pinned_sequence:
                high = min(high, k)
        return low, high

    def insert(self, route: Route, vi: int, place: Place) -> None:
        """Put visit ``vi`` at ``place`` (known to be feasible) and re-time the route."""
        gap = route.gaps[place.gap]
        route.visits.insert(place.gap, vi)
        route.gaps[place.gap : place.gap + 1] = list(_split(gap, place.split))
        timed = self.schedule(self._tech(route), route.visits, route.gaps)
        if timed is None:  # pragma: no cover - best_place checked it
            raise AssertionError("inserted a visit at an infeasible place")
        route.starts, route.end = timed
        route.load += self.problem.visits[vi].demand
        route.version += 1

    def without(self, route: Route, k: int) -> Route | None:
        """A copy of ``route`` without its ``k``-th visit (None if that copy is not feasible,
        as can happen with travel times that break the triangle inequality)."""
        visits = route.visits[:k] + route.visits[k + 1 :]
        merged = sorted(route.gaps[k] + route.gaps[k + 1], key=lambda b: (b.start, b.end))
        gaps = [*route.gaps[:k], merged, *route.gaps[k + 2 :]]
        timed = self.schedule(self._tech(route), visits, gaps)
        if timed is None:
            return None
        load = route.load - self.problem.visits[route.visits[k]].demand
        return Route(route.tech, visits, gaps, timed[0], load, route.version + 1, timed[1])

    def load_route(
        self, t: int, visits: Sequence[tuple[int, int]], breaks: Sequence[tuple[int, int]]
    ) -> bool:
        """Replace technician ``t``'s route by (visit, service start) pairs in this order, each
        (start, duration) break in the gap where it was planned; False (route unchanged) when it
        is not feasible by this module's timing."""
        tech = self.problem.technicians[t]
        order = [vi for vi, _ in visits]
        starts = [start for _, start in visits]
        gaps: list[list[Break]] = [[] for _ in range(len(order) + 1)]
        remaining = sorted(tech.breaks, key=lambda b: (b.start, b.end))
        for brk_start, duration in sorted(breaks):
            match = next(
                (b for b in remaining if b.start <= brk_start and brk_start + duration <= b.end),
                None,
            )
            if match is None:
                return False
            remaining.remove(match)
            gaps[sum(1 for s in starts if s < brk_start)].append(match)
        gaps[-1].extend(remaining)
        for gap in gaps:
            gap.sort(key=lambda b: (b.start, b.end))
        timed = self.schedule(tech, order, gaps)
        if timed is None:
            return False
        route = self.routes[t]
        route.visits, route.gaps = order, gaps
        route.starts, route.end = timed
        route.load = sum(self.problem.visits[v].demand for v in order)
        route.version += 1
        return True

    def raw(self, route: Route) -> tuple[list[tuple[int, int]], list[tuple[int, int]], int, int]:
        """(visit, start) pairs, (break start, duration) pairs, departure and arrival."""
        tech = self._tech(route)
        problem = self.problem
        durations = self.durations
        here, now = tech.start_location, tech.shift.start
        breaks = []
        for k, vi in enumerate(route.visits):
            visit = problem.visits[vi]
            timed = gap_times(now, durations[here][visit.location], route.gaps[k])
            assert timed is not None
            breaks.extend(zip(timed[1], (b.duration_s for b in route.gaps[k]), strict=True))
            now = route.starts[k] + visit.service_s
            here = visit.location
        back = 0 if tech.end_location is None else durations[here][tech.end_location]
        timed = gap_times(now, back, route.gaps[-1])
        assert timed is not None
        breaks.extend(zip(timed[1], (b.duration_s for b in route.gaps[-1]), strict=True))
        return (
            list(zip(route.visits, route.starts, strict=True)),
            breaks,
            tech.shift.start,
            timed[0],
        )


def _masks(n: int) -> list[int]:
    """Which breaks of a gap go before an inserted visit: every subset, as the pre-checks try
    (beyond their limit of breaks, only the first k for each k, which includes all and none)."""
    if n <= MAX_ENUMERATED_BREAKS:
        return list(range(1 << n))
    return [(1 << k) - 1 for k in range(n + 1)]


def _split(breaks: list[Break], mask: int) -> tuple[list[Break], list[Break]]:
    before = [b for i, b in enumerate(breaks) if mask >> i & 1]
    after = [b for i, b in enumerate(breaks) if not mask >> i & 1]
    return before, after


def _unit_per_second(problem: Problem) -> float:
    """Objective units per second of travel (1 for duration; metres per second for distance)."""
    if problem.objective != "distance" or problem.distance_matrix is None:
        return 1.0
    seconds = sum(sum(row) for row in problem.duration_matrix[:50])
    metres = sum(sum(row) for row in problem.distance_matrix[:50])
    return metres / seconds if seconds else 1.0


def nearest_techs(problem: Problem, vi: int, techs: Sequence[int], k: int) -> list[int]:
    """The ``k`` technicians of ``techs`` whose start and end are closest to visit ``vi``."""
    durations = problem.duration_matrix
    loc = problem.visits[vi].location

    def detour(t: int) -> int:
        tech = problem.technicians[t]
        back = tech.start_location if tech.end_location is None else tech.end_location
        return durations[tech.start_location][loc] + durations[loc][back]

    return sorted(techs, key=detour)[:k]


def construct(
    problem: Problem,
    visit_ids: Sequence[int],
    tech_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
    deadline: float,
    builder: Builder | None = None,
    wide: bool = False,
) -> tuple[Builder, list[int]]:
    """Insert ``visit_ids`` into the routes of ``tech_ids`` (empty ones unless a ``builder`` with
    routes is given); returns the builder and the visits that found no place. Stops inserting at
    ``deadline`` (monotonic seconds): what is left then is returned as not placed. ``wide``
    looks in every qualified route at once (for a few visits)."""
    if builder is None:
        builder = Builder(problem, tech_ids)
    in_fleet = set(tech_ids)
    allowed = {vi: [t for t in candidates.get(vi, ()) if t in in_fleet] for vi in visit_ids}
    if wide:
        return builder, _insert_all(builder, list(visit_ids), allowed, deadline)
    near = {vi: nearest_techs(problem, vi, allowed[vi], NEAREST_ROUTES) for vi in visit_ids}
    left = _insert_all(builder, list(visit_ids), near, deadline)
    if left and time.monotonic() < deadline:
        wide = {vi: allowed[vi] for vi in left}
        left = _insert_all(builder, left, wide, deadline)
    return builder, left


def relocate_into(
    builder: Builder,
    visit_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
    deadline: float,
    nearest: int = NEAREST_ROUTES,
) -> list[int]:
    """For each visit that found no place: make room in one of its ``nearest`` qualified routes
    by moving one visit of that route to another route (among that visit's ``nearest``).
    Returns the visits still without a place."""
    problem = builder.problem
    left = []
    order = sorted(visit_ids, key=lambda vi: -problem.visits[vi].priority)
    for vi in order:
        if time.monotonic() > deadline or not _make_room(builder, vi, candidates, nearest):
            left.append(vi)
    return left


def _make_room(
    builder: Builder, vi: int, candidates: dict[int, tuple[int, ...]], nearest: int
) -> bool:
    problem = builder.problem
    routes = builder.routes
    mine = [t for t in candidates.get(vi, ()) if t in routes]
    for t in nearest_techs(problem, vi, mine, nearest):
        route = routes[t]
        for k, moved in enumerate(route.visits):
            shorter = builder.without(route, k)
            if shorter is None:
                continue
            place = builder.best_place(shorter, vi)
            if place is None:
                continue
            others = [o for o in candidates.get(moved, ()) if o in routes and o != t]
            for o in nearest_techs(problem, moved, others, nearest):
                elsewhere = builder.best_place(routes[o], moved)
                if elsewhere is not None:
                    builder.insert(routes[o], moved, elsewhere)
                    routes[t] = shorter
                    builder.insert(shorter, vi, place)
                    return True
    return False


def _insert_all(
    builder: Builder, visit_ids: list[int], near: dict[int, list[int]], deadline: float
) -> list[int]:
    problem = builder.problem
    routes = builder.routes
    places: dict[int, dict[int, tuple[int, Place | None]]] = {vi: {} for vi in visit_ids}

    def evaluate(vi: int) -> tuple[int, int] | None:
        """(regret key, best route) from up-to-date places; None when it fits nowhere."""
        cache = places[vi]
        best = second = None
        best_route = -1
        for t in near[vi]:
            route = routes[t]
            seen = cache.get(t)
            if seen is None or seen[0] != route.version:
                seen = (route.version, builder.best_place(route, vi))
                cache[t] = seen
            place = seen[1]
            if place is None:
                continue
            if best is None or place.cost < best:
                second, best, best_route = best, place.cost, t
            elif second is None or place.cost < second:
                second = place.cost
        if best is None:
            return None
        regret = _ONLY_CHOICE if second is None else second - best
        return regret, best_route

    heap: list[tuple[int, int, int, int]] = []
    left: list[int] = []
    for vi in visit_ids:
        if time.monotonic() > deadline:
            left.append(vi)
            continue
        found = evaluate(vi)
        if found is None:
            left.append(vi)
            continue
        visit = problem.visits[vi]
        priority = MAX_DROP_WEIGHT if visit.pinned_technician is not None else visit.priority
        heapq.heappush(heap, (-priority, -found[0], vi, found[1]))
    while heap:
        if time.monotonic() > deadline:
            left.extend(item[2] for item in heap)
            break
        neg_priority, neg_regret, vi, t = heapq.heappop(heap)
        cache = places[vi]
        stale = any(cache.get(r) is None or cache[r][0] != routes[r].version for r in near[vi])
        if stale:
            found = evaluate(vi)
            if found is None:
                left.append(vi)
                continue
            if (-found[0], found[1]) != (neg_regret, t):
                heapq.heappush(heap, (neg_priority, -found[0], vi, found[1]))
                continue
        place = cache[t][1]
        assert place is not None
        builder.insert(routes[t], vi, place)
    return left
