"""Pure-Python route solver for field service (OR-Tools behind one adapter module).

Usage: build a :class:`Problem` from frozen dataclasses and call :func:`solve`.
"""

from .checker import check_plan
from .model import (
    CAPACITY,
    NO_QUALIFIED_TECHNICIAN,
    REASONS,
    WINDOW_UNREACHABLE,
    Break,
    BreakStop,
    Plan,
    Problem,
    Route,
    Stop,
    Technician,
    TimeWindow,
    Unassigned,
    Visit,
)
from .solve import solve
from .travel import HaversineProvider, TravelTimeProvider, haversine_m

__all__ = [
    "CAPACITY",
    "NO_QUALIFIED_TECHNICIAN",
    "REASONS",
    "WINDOW_UNREACHABLE",
    "Break",
    "BreakStop",
    "HaversineProvider",
    "Plan",
    "Problem",
    "Route",
    "Stop",
    "Technician",
    "TimeWindow",
    "TravelTimeProvider",
    "Unassigned",
    "Visit",
    "check_plan",
    "haversine_m",
    "solve",
]
