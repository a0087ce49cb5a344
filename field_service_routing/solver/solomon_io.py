"""Read Solomon / Gehring-Homberger VRPTW text files into a Problem.

Travel time = Euclidean distance (speed 1). Everything is scaled by ``SCALE`` so that integer
matrices keep three decimals: distances are rounded, travel times rounded *up* (so a plan feasible
with the integer matrix is feasible in double precision too), windows and service times scaled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from .model import Problem, Technician, TimeWindow, Visit

SCALE = 1000


@dataclass(frozen=True)
class SolomonInstance:
    """A parsed instance: the Problem (scaled) plus what is needed to report in file units."""

    name: str
    problem: Problem
    coords: tuple[tuple[float, float], ...]
    scale: int


def looks_like_solomon(text: str) -> bool:
    """True for text in the Solomon format (a VEHICLE and a CUSTOMER section)."""
    head = text[:2000].upper()
    return "VEHICLE" in head and "CUSTOMER" in head


def parse_solomon(text: str, scale: int = SCALE, fleet: int | None = None) -> SolomonInstance:
    """Parse Solomon text; ``fleet`` overrides the file's vehicle count."""
    lines = [line.strip() for line in text.splitlines()]
    name = next((line for line in lines if line), "instance")
    try:
        vehicle_at = next(i for i, line in enumerate(lines) if line.upper().startswith("VEHICLE"))
        numbers = next(
            line.split()
            for line in lines[vehicle_at + 1 :]
            if line and line.split()[0].lstrip("-").isdigit()
        )
        file_fleet, capacity = int(numbers[0]), int(numbers[1])
        customer_at = next(i for i, line in enumerate(lines) if line.upper().startswith("CUSTOMER"))
    except (StopIteration, IndexError, ValueError) as exc:
        raise ValueError("not a Solomon file: missing VEHICLE/CUSTOMER sections") from exc
    rows = []
    for line in lines[customer_at + 1 :]:
        parts = line.split()
        if len(parts) != 7 or not parts[0].isdigit():
            continue
        try:
            row = (int(parts[0]), *(float(p) for p in parts[1:]))
        except ValueError as exc:
            raise ValueError(f"bad Solomon customer line: {line!r}") from exc
        if not all(math.isfinite(value) for value in row[1:]):
            raise ValueError(f"Solomon customer line with a non-finite number: {line!r}")
        rows.append(row)
    if not rows:
        raise ValueError("Solomon file has no customer lines")
    coords = tuple((r[1], r[2]) for r in rows)
    durations, distances = euclidean_matrices(coords, scale)

    def scaled(value: float) -> int:
        return round(value * scale)

    depot = rows[0]
    shift = TimeWindow(scaled(depot[4]), scaled(depot[5]))
    visits = tuple(
        Visit(
            id=str(row[0]),
            location=loc,
            service_s=scaled(row[6]),
            time_windows=(TimeWindow(scaled(row[4]), scaled(row[5])),),
            demand=round(row[3]),
        )
        for loc, row in enumerate(rows)
        if loc > 0
    )
    technicians = tuple(
        Technician(id=str(k + 1), start_location=0, end_location=0, shift=shift, capacity=capacity)
        for k in range(fleet if fleet is not None else file_fleet)
    )
    problem = Problem(visits, technicians, durations, distances, objective="distance")
    return SolomonInstance(name, problem, coords, scale)


def euclidean_matrices(
    coords: tuple[tuple[float, float], ...], scale: int
) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Scaled Euclidean (durations rounded up, distances rounded)."""
    durations = []
    distances = []
    for x1, y1 in coords:
        exact = [math.hypot(x1 - x2, y1 - y2) * scale for x2, y2 in coords]
        durations.append(tuple(math.ceil(d - 1e-9) for d in exact))
        distances.append(tuple(round(d) for d in exact))
    return tuple(durations), tuple(distances)


def route_length(coords: tuple[tuple[float, float], ...], locations: list[int]) -> float:
    """Double-precision length of a depot-to-depot route through ``locations`` (indices)."""
    path = [0, *locations, 0]
    return sum(math.dist(coords[a], coords[b]) for a, b in pairwise(path))
