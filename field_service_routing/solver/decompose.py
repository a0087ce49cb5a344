"""Split a large day into geographic parts solved one after another.

Only when the technicians are interchangeable (same day, capacity, limits), no visit is restricted
to some of them and none is pinned: then visits are clustered by travel time (balanced k-medoids
on the matrix, no coordinates needed) and the fleet is shared in proportion to the part sizes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .model import Problem

# Parts of about this many visits: OR-Tools' search stays effective up to roughly this size.
PART_SIZE = 125
# Parts of a plan's routes (``route_parts``) hold about this many visits (metro days, quiet
# machine: 400 visits at 45 s 234 k s of travel with 125, 216 k with 200, 216 k with 300; 1,000
# visits at 60 s level; one part of 400 did not improve at all).
ROUTE_PART_SIZE = 200
# Decompose only above this many visits.
MIN_VISITS = 300
_ITERATIONS = 3


def sectors(
    problem: Problem,
    visit_ids: Sequence[int],
    tech_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
) -> list[tuple[list[int], list[int]]]:
    """Parts of (visit indices, technician indices); one part when not worth splitting."""
    whole = [(list(visit_ids), list(tech_ids))]
    if len(visit_ids) < MIN_VISITS or not interchangeable(problem, visit_ids, tech_ids, candidates):
        return whole
    parts = math.ceil(len(visit_ids) / PART_SIZE)
    if len(tech_ids) < 2 * parts:
        return whole
    clusters = _balanced_medoids(problem, list(visit_ids), parts)
    shares = _share_fleet(len(tech_ids), [len(c) for c in clusters])
    out = []
    first = 0
    for cluster, share in zip(clusters, shares, strict=False):
        out.append((sorted(cluster), list(tech_ids[first : first + share])))
        first += share
    return out


def interchangeable(
    problem: Problem,
    visit_ids: Sequence[int],
    tech_ids: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
) -> bool:
    techs = [problem.technicians[t] for t in tech_ids]
    first = techs[0]
    same = all(
        (t.start_location, t.end_location, t.shift, t.breaks, t.capacity, t.max_visits)
        == (
            first.start_location,
            first.end_location,
            first.shift,
            first.breaks,
            first.capacity,
            first.max_visits,
        )
        for t in techs
    )
    if not same:
        return False
    everyone = len(tech_ids)
    return all(
        len(candidates[v]) == everyone and problem.visits[v].pinned_technician is None
        for v in visit_ids
    )


def _share_fleet(fleet: int, sizes: list[int]) -> list[int]:
    total = sum(sizes)
    shares = [max(1, fleet * size // total) for size in sizes]
    k = 0
    while sum(shares) < fleet:
        shares[k % len(shares)] += 1
        k += 1
    while sum(shares) > fleet:
        biggest = max(range(len(shares)), key=lambda i: shares[i])
        shares[biggest] -= 1
    return shares


def _balanced_medoids(problem: Problem, visit_ids: list[int], parts: int) -> list[list[int]]:
    durations = problem.duration_matrix
    loc = {v: problem.visits[v].location for v in visit_ids}

    def gap(a: int, b: int) -> int:
        return durations[loc[a]][loc[b]] + durations[loc[b]][loc[a]]

    # Farthest-point seeds, starting from the visit farthest from the first one.
    seeds = [max(visit_ids, key=lambda v: gap(visit_ids[0], v))]
    nearest = {v: gap(seeds[0], v) for v in visit_ids}
    while len(seeds) < parts:
        seed = max(visit_ids, key=lambda v: nearest[v])
        seeds.append(seed)
        for v in visit_ids:
            nearest[v] = min(nearest[v], gap(seed, v))
    limit = math.ceil(len(visit_ids) / parts * 1.05)
    clusters: list[list[int]] = []
    for _ in range(_ITERATIONS):
        clusters = _assign(visit_ids, seeds, limit, gap)
        seeds = [min(c, key=lambda m, c=c: sum(gap(m, o) for o in c)) for c in clusters]
    return [c for c in clusters if c]


def _assign(visit_ids, seeds, limit, gap) -> list[list[int]]:
    """Each visit to its nearest seed with room, most constrained (largest regret) first."""
    ranked = {v: sorted(range(len(seeds)), key=lambda k: gap(seeds[k], v)) for v in visit_ids}

    def regret(v: int) -> int:
        order = ranked[v]
        if len(order) < 2:
            return 0
        return gap(seeds[order[1]], v) - gap(seeds[order[0]], v)

    clusters: list[list[int]] = [[] for _ in seeds]
    for v in sorted(visit_ids, key=regret, reverse=True):
        for k in ranked[v]:
            if len(clusters[k]) < limit:
                clusters[k].append(v)
                break
    return clusters


def route_parts(
    problem: Problem,
    routes: dict[int, list[int]],
    loose: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
    offset: int = 0,
) -> list[tuple[list[int], list[int]]]:
    """Parts of (visit indices, technician indices) formed from a plan's routes, for days whose
    technicians differ (skills, starts, breaks): each technician goes to a part with his whole
    route, so every visit keeps a qualified technician in its part; technicians are grouped by
    where they work (the medoid of their route, else their start), balanced by visit count.
    ``loose`` visits (not in a route) go to the part of their nearest qualified technician.
    ``offset`` picks another first seed, so that successive rounds cut the day elsewhere."""
    tech_ids = sorted(routes)
    if not tech_ids:
        return []
    n_visits = sum(len(r) for r in routes.values()) + len(loose)
    parts = math.ceil(n_visits / ROUTE_PART_SIZE)
    if parts <= 1 or len(tech_ids) < 2 * parts:
        everything = sorted({v for r in routes.values() for v in r} | set(loose))
        return [(everything, tech_ids)]
    durations = problem.duration_matrix
    rep = {t: _route_medoid(problem, t, routes[t]) for t in tech_ids}

    def gap(a: int, b: int) -> int:
        return durations[rep[a]][rep[b]] + durations[rep[b]][rep[a]]

    first = tech_ids[offset % len(tech_ids)]
    seeds = [max(tech_ids, key=lambda t: gap(first, t))]
    nearest = {t: gap(seeds[0], t) for t in tech_ids}
    while len(seeds) < parts:
        seed = max(tech_ids, key=lambda t: nearest[t])
        seeds.append(seed)
        for t in tech_ids:
            nearest[t] = min(nearest[t], gap(seed, t))
    weight = {t: len(routes[t]) + 1 for t in tech_ids}
    limit = math.ceil(sum(weight.values()) / parts * 1.1)
    groups: list[list[int]] = []
    for _ in range(_ITERATIONS):
        groups = _assign_weighted(tech_ids, seeds, limit, gap, weight)
        seeds = [min(g, key=lambda m, g=g: sum(gap(m, o) for o in g)) for g in groups if g]
    part_of = {t: k for k, g in enumerate(groups) for t in g}
    visits: list[list[int]] = [[v for t in g for v in routes[t]] for g in groups]
    for vi in loose:
        qualified = [t for t in candidates.get(vi, ()) if t in part_of]
        if not qualified:
            continue
        loc = problem.visits[vi].location
        best = min(qualified, key=lambda t: durations[rep[t]][loc] + durations[loc][rep[t]])
        visits[part_of[best]].append(vi)
    return [(sorted(v), sorted(g)) for v, g in zip(visits, groups, strict=True) if g]


def _route_medoid(problem: Problem, tech: int, route: list[int]) -> int:
    if not route:
        return problem.technicians[tech].start_location
    durations = problem.duration_matrix
    locs = [problem.visits[v].location for v in route]
    return min(locs, key=lambda a: sum(durations[a][b] + durations[b][a] for b in locs))


def _assign_weighted(tech_ids, seeds, limit, gap, weight) -> list[list[int]]:
    """Each technician to the nearest seed with room (largest regret first)."""
    ranked = {t: sorted(range(len(seeds)), key=lambda k: gap(seeds[k], t)) for t in tech_ids}

    def regret(t: int) -> int:
        order = ranked[t]
        return gap(seeds[order[1]], t) - gap(seeds[order[0]], t) if len(order) > 1 else 0

    groups: list[list[int]] = [[] for _ in seeds]
    loads = [0] * len(seeds)
    for t in sorted(tech_ids, key=regret, reverse=True):
        order = ranked[t]
        k = next((k for k in order if loads[k] + weight[t] <= limit), order[0])
        groups[k].append(t)
        loads[k] += weight[t]
    return groups


def focus_part(
    problem: Problem,
    routes: dict[int, list[int]],
    loose: Sequence[int],
    candidates: dict[int, tuple[int, ...]],
) -> tuple[list[int], list[int]]:
    """One part built around the visits still left out: every technician qualified for one of
    them, then the technicians working nearest to them (who can take over visits), up to about
    a part's size; with their whole routes and the left-out visits."""
    durations = problem.duration_matrix
    chosen: list[int] = []
    for vi in loose:
        for t in candidates.get(vi, ()):
            if t in routes and t not in chosen:
                chosen.append(t)
    size = sum(len(routes[t]) for t in chosen) + len(loose)
    if size < ROUTE_PART_SIZE:
        locs = [problem.visits[vi].location for vi in loose]
        rep = {t: _route_medoid(problem, t, routes[t]) for t in routes if t not in chosen}
        for t in sorted(rep, key=lambda t: min(durations[rep[t]][loc] for loc in locs)):
            if size >= ROUTE_PART_SIZE:
                break
            chosen.append(t)
            size += len(routes[t])
    visits = sorted({v for t in chosen for v in routes[t]} | set(loose))
    return visits, sorted(chosen)
