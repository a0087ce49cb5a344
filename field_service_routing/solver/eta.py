"""Projected arrivals along a fixed order, lateness allowed (what the customer will see).

The solver keeps windows hard and leaves out what it cannot serve in time; a technician who is
already late still goes to every stop, and the customer must be told the honest time. This
walks the order as it is: travel, wait for a window that has not opened, serve, go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Leg:
    """A stop on the way: its matrix location, service time and window (seconds from epoch)."""

    visit_id: str
    location: int
    service_s: int
    window_start: int
    window_end: int


@dataclass(frozen=True)
class Projection:
    visit_id: str
    arrival: int
    start: int
    late_s: int
    travel_s: int


def project_arrivals(
    departure: int,
    origin: int,
    legs: Sequence[Leg],
    duration_matrix: Sequence[Sequence[int]],
) -> tuple[Projection, ...]:
    """Arrival and service start of each leg, leaving ``origin`` at ``departure``."""
    clock, here, projected = departure, origin, []
    for leg in legs:
        travel = duration_matrix[here][leg.location]
        arrival = clock + travel
        start = max(arrival, leg.window_start)
        projected.append(
            Projection(leg.visit_id, arrival, start, max(0, arrival - leg.window_end), travel)
        )
        clock, here = start + leg.service_s, leg.location
    return tuple(projected)
