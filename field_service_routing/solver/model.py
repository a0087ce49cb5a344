"""Plain data in and out of the solver: frozen dataclasses, integers only.

Times are integer seconds from a planning epoch (e.g. midnight of the day in the site's time zone),
distances integer metres, locations are indices into the problem's matrices.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

NO_QUALIFIED_TECHNICIAN = "no_qualified_technician"
WINDOW_UNREACHABLE = "window_unreachable"
CAPACITY = "capacity"
REASONS = (NO_QUALIFIED_TECHNICIAN, WINDOW_UNREACHABLE, CAPACITY)

OBJECTIVES = ("duration", "distance")

MAX_PRIORITY = 100
# A pinned visit is worth this many ordinary visits of the same priority (its drop penalty weight).
PINNED_WEIGHT = 100
MAX_DROP_WEIGHT = (MAX_PRIORITY + 1) * PINNED_WEIGHT

# Every number given to the solver lies within [-MAX_VALUE, MAX_VALUE] (about 31,700 years in
# seconds, a billion km in metres), and the objective OR-Tools sums from them stays below
# INT64_SAFE, a quarter of int64, leaving room for its own additions during the search.
MAX_VALUE = 10**12
INT64_SAFE = (2**63 - 1) // 4


def check_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` if it is a true ``int`` (not bool, not float, not NaN) within
    ``[minimum, MAX_VALUE]`` (``minimum`` defaults to ``-MAX_VALUE``), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"{name} must be an integer, got NaN")
        raise ValueError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if minimum is None:
        minimum = -MAX_VALUE
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if value > MAX_VALUE:
        raise ValueError(f"{name} must be <= {MAX_VALUE}, got {value}")
    return value


def _check_optional_int(value: object, name: str, *, minimum: int | None = None) -> None:
    if value is not None:
        check_int(value, name, minimum=minimum)


def _check_id(value: object, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _check_unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"duplicate {what} id {item!r}")
        seen.add(item)


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval [start, end] in seconds from the epoch."""

    start: int
    end: int

    def __post_init__(self) -> None:
        check_int(self.start, "TimeWindow.start")
        check_int(self.end, "TimeWindow.end")
        if self.end < self.start:
            raise ValueError(f"time window ends before it starts: [{self.start}, {self.end}]")


@dataclass(frozen=True)
class Visit:
    """A job at a location; service must *start* inside one of its time windows."""

    id: str
    location: int
    service_s: int
    time_windows: tuple[TimeWindow, ...]
    allowed_technicians: frozenset[str] | None = None
    priority: int = 0
    demand: int = 0
    pinned_technician: str | None = None
    pinned_sequence: int | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "Visit.id")
        where = f"visit {self.id!r}"
        check_int(self.location, f"{where}: location", minimum=0)
        check_int(self.service_s, f"{where}: service_s", minimum=0)
        check_int(self.priority, f"{where}: priority", minimum=0)
        if self.priority > MAX_PRIORITY:
            raise ValueError(f"{where}: priority must be <= {MAX_PRIORITY}, got {self.priority}")
        check_int(self.demand, f"{where}: demand", minimum=0)
        if not isinstance(self.time_windows, tuple) or not self.time_windows:
            raise ValueError(f"{where}: time_windows must be a non-empty tuple of TimeWindow")
        for window in self.time_windows:
            if not isinstance(window, TimeWindow):
                raise ValueError(f"{where}: time_windows must hold TimeWindow, got {window!r}")
        ordered = sorted(self.time_windows, key=lambda w: w.start)
        for before, after in pairwise(ordered):
            if after.start <= before.end:
                raise ValueError(f"{where}: time windows overlap or touch")
        if self.allowed_technicians is not None:
            if not isinstance(self.allowed_technicians, frozenset):
                raise ValueError(f"{where}: allowed_technicians must be a frozenset or None")
            for tech in self.allowed_technicians:
                _check_id(tech, f"{where}: allowed technician")
        if self.pinned_technician is not None:
            _check_id(self.pinned_technician, f"{where}: pinned_technician")
        _check_optional_int(self.pinned_sequence, f"{where}: pinned_sequence", minimum=0)
        if self.pinned_sequence is not None and self.pinned_technician is None:
            raise ValueError(f"{where}: pinned_sequence needs a pinned_technician")

    @property
    def earliest(self) -> int:
        """Earliest allowed service start."""
        return min(w.start for w in self.time_windows)

    @property
    def latest(self) -> int:
        """Latest allowed service start."""
        return max(w.end for w in self.time_windows)


@dataclass(frozen=True)
class Break:
    """A break of ``duration_s`` to be taken entirely inside [start, end]."""

    start: int
    end: int
    duration_s: int

    def __post_init__(self) -> None:
        check_int(self.start, "Break.start")
        check_int(self.end, "Break.end")
        check_int(self.duration_s, "Break.duration_s", minimum=0)
        if self.end - self.start < self.duration_s:
            raise ValueError(
                f"break window [{self.start}, {self.end}] is shorter than its duration "
                f"{self.duration_s}"
            )


@dataclass(frozen=True)
class Technician:
    """A vehicle: leaves ``start_location`` and ends at ``end_location`` (None = anywhere)."""

    id: str
    start_location: int
    end_location: int | None
    shift: TimeWindow
    breaks: tuple[Break, ...] = ()
    capacity: int | None = None
    max_visits: int | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "Technician.id")
        where = f"technician {self.id!r}"
        check_int(self.start_location, f"{where}: start_location", minimum=0)
        _check_optional_int(self.end_location, f"{where}: end_location", minimum=0)
        if not isinstance(self.shift, TimeWindow):
            raise ValueError(f"{where}: shift must be a TimeWindow")
        if not isinstance(self.breaks, tuple):
            raise ValueError(f"{where}: breaks must be a tuple of Break")
        for brk in self.breaks:
            if not isinstance(brk, Break):
                raise ValueError(f"{where}: breaks must hold Break, got {brk!r}")
            if brk.start < self.shift.start or brk.end > self.shift.end:
                raise ValueError(f"{where}: break window [{brk.start}, {brk.end}] outside shift")
        _check_optional_int(self.capacity, f"{where}: capacity", minimum=0)
        _check_optional_int(self.max_visits, f"{where}: max_visits", minimum=0)


def _check_matrix(matrix: object, name: str, size: int | None = None) -> int:
    if not isinstance(matrix, tuple):
        raise ValueError(f"{name} must be a tuple of tuples")
    n = len(matrix)
    if size is not None and n != size:
        raise ValueError(f"{name} is {n}x?, expected {size}x{size} like the duration matrix")
    for i, row in enumerate(matrix):
        if not isinstance(row, tuple) or len(row) != n:
            raise ValueError(f"{name} is not square: row {i} has {len(row)} entries, expected {n}")
        for j, value in enumerate(row):
            # Fast path for the common case; check_int gives the precise message.
            if type(value) is not int or value < 0 or value > MAX_VALUE:
                check_int(value, f"{name}[{i}][{j}]", minimum=0)
    return n


def drop_penalty_unit(problem: Problem) -> int:
    """A penalty that beats any saving from dropping a visit (2 x the largest arc cost + 1)."""
    matrix = problem.distance_matrix if problem.objective == "distance" else problem.duration_matrix
    largest = max((max(row, default=0) for row in matrix), default=0)
    longest_service = max((v.service_s for v in problem.visits), default=0)
    if problem.objective == "duration":
        largest += longest_service
    return 2 * max(1, largest) + 1


def _check_int64_sums(problem: Problem) -> None:
    """Refuse a problem whose worst-case objective would overflow OR-Tools' int64.

    Each value is bounded already, so a time, a transit (travel + service) or a load stays far
    below int64 (a load sums at most one demand per visit: millions of visits before it could
    overflow). What remains is the objective: every dropped visit costs up to
    ``unit * MAX_DROP_WEIGHT`` and every leg of a route at most ``unit``.
    """
    unit = drop_penalty_unit(problem)
    n_visits, n_techs = len(problem.visits), len(problem.technicians)
    objective = n_visits * unit * MAX_DROP_WEIGHT + (n_visits + n_techs) * unit
    if objective > INT64_SAFE:
        raise ValueError(
            f"the worst-case objective ({objective}) would overflow 64-bit integers: lower the "
            f"{problem.objective} matrix and service values or plan fewer visits at once"
        )


@dataclass(frozen=True)
class Problem:
    """Visits, technicians and the travel matrices between locations (indices)."""

    visits: tuple[Visit, ...]
    technicians: tuple[Technician, ...]
    duration_matrix: tuple[tuple[int, ...], ...]
    distance_matrix: tuple[tuple[int, ...], ...] | None = None
    objective: str = "duration"

    def __post_init__(self) -> None:
        if not isinstance(self.visits, tuple) or not isinstance(self.technicians, tuple):
            raise ValueError("visits and technicians must be tuples")
        for visit in self.visits:
            if not isinstance(visit, Visit):
                raise ValueError(f"visits must hold Visit, got {visit!r}")
        for tech in self.technicians:
            if not isinstance(tech, Technician):
                raise ValueError(f"technicians must hold Technician, got {tech!r}")
        _check_unique((v.id for v in self.visits), "visit")
        _check_unique((t.id for t in self.technicians), "technician")
        n = _check_matrix(self.duration_matrix, "duration_matrix")
        if self.distance_matrix is not None:
            _check_matrix(self.distance_matrix, "distance_matrix", n)
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {self.objective!r}")
        if self.objective == "distance" and self.distance_matrix is None:
            raise ValueError("objective 'distance' needs a distance_matrix")
        for visit in self.visits:
            if visit.location >= n:
                raise ValueError(
                    f"visit {visit.id!r}: location {visit.location} out of range 0..{n - 1}"
                )
        for tech in self.technicians:
            for loc in (tech.start_location, tech.end_location):
                if loc is not None and loc >= n:
                    raise ValueError(
                        f"technician {tech.id!r}: location {loc} out of range 0..{n - 1}"
                    )
        pinned: dict[tuple[str, int], str] = {}
        for visit in self.visits:
            if visit.pinned_sequence is not None:
                key = (visit.pinned_technician or "", visit.pinned_sequence)
                if key in pinned:
                    raise ValueError(
                        f"visits {pinned[key]!r} and {visit.id!r} share pinned_sequence "
                        f"{visit.pinned_sequence} for technician {key[0]!r}"
                    )
                pinned[key] = visit.id
        _check_int64_sums(self)

    def travel_s(self, origin: int, destination: int) -> int:
        """Travel duration between two locations."""
        return self.duration_matrix[origin][destination]

    def distance_m(self, origin: int, destination: int) -> int:
        """Travel distance between two locations (0 without a distance matrix)."""
        if self.distance_matrix is None:
            return 0
        return self.distance_matrix[origin][destination]


@dataclass(frozen=True)
class Stop:
    """A served visit: ``travel_s``/``distance_m`` are those of the leg that leads to it."""

    visit_id: str
    arrival: int
    start: int
    waiting_s: int
    travel_s: int
    distance_m: int


@dataclass(frozen=True)
class BreakStop:
    """A break as planned."""

    start: int
    duration_s: int


@dataclass(frozen=True)
class Route:
    """One technician's day; ``start`` is the departure, ``end`` the arrival at the end."""

    technician_id: str
    stops: tuple[Stop, ...]
    breaks: tuple[BreakStop, ...]
    start: int
    end: int
    travel_s: int
    distance_m: int


@dataclass(frozen=True)
class Unassigned:
    """A visit left out of the plan, with a reason from ``REASONS``."""

    visit_id: str
    reason: str
    detail: str = ""


STATUS_SOLVED = "solved"
STATUS_EMPTY = "empty"
STATUS_NO_SOLUTION = "no_solution"


@dataclass(frozen=True)
class Plan:
    """The solver's answer.

    ``status`` is ``solved`` (routes found), ``empty`` (nothing could be planned: no visits, no
    technicians, or nothing assignable) or ``no_solution`` (the search found no plan in time; every
    visit is then unassigned). ``stats`` holds timings for benchmarks; it is not compared.
    """

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    status: str
    objective: int
    wall_time_s: float
    stats: dict[str, float] = field(default_factory=dict, compare=False)
