"""Small hand-checkable problems: locations on a line, 10 minutes between neighbours."""

from __future__ import annotations

from solver import Problem, Technician, TimeWindow, Visit

HOUR = 3600
LEG = 600  # seconds between neighbouring locations


def line_matrix(n: int, leg: int = LEG) -> tuple[tuple[int, ...], ...]:
    """Travel time |i - j| * leg between locations i and j."""
    return tuple(tuple(abs(i - j) * leg for j in range(n)) for i in range(n))


def day(start_h: float = 8, end_h: float = 17) -> TimeWindow:
    """A window between two hours of the day."""
    return TimeWindow(int(start_h * HOUR), int(end_h * HOUR))


def visit(vid: str, location: int, service_min: int = 30, window=None, **kwargs) -> Visit:
    """A visit with a default all-day window."""
    return Visit(vid, location, service_min * 60, (window or day(),), **kwargs)


def tech(tid: str, shift=None, home: int = 0, **kwargs) -> Technician:
    """A technician starting and ending at ``home``."""
    return Technician(tid, home, home, shift or day(), **kwargs)


def problem(visits, techs, n_locations: int = 8, **kwargs) -> Problem:
    """A Problem on a line of ``n_locations``."""
    matrix = line_matrix(n_locations)
    return Problem(tuple(visits), tuple(techs), matrix, matrix, **kwargs)
