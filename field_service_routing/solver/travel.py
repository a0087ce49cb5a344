"""Travel times between points: a provider interface and a haversine default (no network)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

EARTH_RADIUS_M = 6_371_008.8

Matrix = tuple[tuple[int, ...], ...]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two (lat, lon) points in degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class TravelTimeProvider(Protocol):
    """Anything that turns points into integer travel matrices.

    ``points`` are (lat, lon) in degrees; the answer is ``(durations_s, distances_m)``, square
    integer matrices in the order of ``points``. A road engine (OSRM, Valhalla) implements the same
    method; it should raise ``RuntimeError`` when the engine cannot answer.
    """

    def matrix(self, points: Sequence[tuple[float, float]]) -> tuple[Matrix, Matrix]:
        """Return (durations in seconds, distances in metres)."""
        ...


class HaversineProvider:
    """Straight-line distance times a detour factor, at a constant speed, plus a stop overhead.

    ``stop_overhead_s`` (parking, walking to the door) is added to every leg between two
    different points.
    """

    def __init__(
        self, detour_factor: float = 1.3, speed_kmh: float = 40.0, stop_overhead_s: int = 120
    ) -> None:
        if not detour_factor >= 1.0:
            raise ValueError(f"detour_factor must be >= 1, got {detour_factor!r}")
        if not speed_kmh > 0:
            raise ValueError(f"speed_kmh must be > 0, got {speed_kmh!r}")
        if isinstance(stop_overhead_s, bool) or not isinstance(stop_overhead_s, int):
            raise ValueError(f"stop_overhead_s must be an integer, got {stop_overhead_s!r}")
        if stop_overhead_s < 0:
            raise ValueError(f"stop_overhead_s must be >= 0, got {stop_overhead_s}")
        self.detour_factor = detour_factor
        self.speed_ms = speed_kmh / 3.6
        self.stop_overhead_s = stop_overhead_s

    def matrix(self, points: Sequence[tuple[float, float]]) -> tuple[Matrix, Matrix]:
        """Return (durations in seconds, distances in metres), both rounded to integers."""
        for lat, lon in points:
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise ValueError(f"invalid coordinates (lat, lon) = ({lat}, {lon})")
        durations: list[tuple[int, ...]] = []
        distances: list[tuple[int, ...]] = []
        for lat1, lon1 in points:
            drow: list[int] = []
            mrow: list[int] = []
            for lat2, lon2 in points:
                if lat1 == lat2 and lon1 == lon2:
                    drow.append(0)
                    mrow.append(0)
                    continue
                metres = haversine_m(lat1, lon1, lat2, lon2) * self.detour_factor
                mrow.append(round(metres))
                drow.append(round(metres / self.speed_ms) + self.stop_overhead_s)
            durations.append(tuple(drow))
            distances.append(tuple(mrow))
        return tuple(durations), tuple(distances)
