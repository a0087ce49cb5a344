"""VROOM's JSON formats: read its input into a Problem, write a Plan as its output.

Supported input: ``jobs`` (id, location or location_index, service, skills, time_windows,
priority, delivery/amount), ``vehicles`` (id, start/end or start_index/end_index, time_window,
skills, breaks, capacity, max_tasks) and ``matrices`` (or the older ``matrix``). Without a matrix,
coordinates go through :class:`HaversineProvider`. Shipments are not supported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import Break, Plan, Problem, Technician, TimeWindow, Visit
from .travel import HaversineProvider, TravelTimeProvider

# VROOM leaves time unbounded when no window is given; we need a finite horizon.
DEFAULT_HORIZON = 10**9


@dataclass(frozen=True)
class Instance:
    """A Problem plus what is needed to report in the input's own terms."""

    problem: Problem
    job_ids: dict[str, Any]
    vehicle_ids: dict[str, Any]
    points: tuple[Any, ...]
    uses_indices: bool
    scale: int = 1
    route_distance: Callable[[list[int]], float] | None = None


def _as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"{what} must be a number, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{what} must be a whole number, got {value!r}")
        value = int(value)
    return value


def _window(raw: Any, what: str) -> TimeWindow:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        raise ValueError(f"{what} must be [start, end], got {raw!r}")
    return TimeWindow(_as_int(raw[0], f"{what} start"), _as_int(raw[1], f"{what} end"))


class _Locations:
    """Collects locations as matrix indices or as distinct [lon, lat] points."""

    def __init__(self, has_matrix: bool) -> None:
        self.has_matrix = has_matrix
        self.points: list[tuple[float, float]] = []
        self.index: dict[tuple[float, float], int] = {}
        self.uses_indices = False
        self.uses_points = False

    def get(self, item: dict[str, Any], key: str, what: str) -> int | None:
        if f"{key}_index" in item:
            self.uses_indices = True
            return _as_int(item[f"{key}_index"], f"{what} {key}_index")
        if key in item:
            raw = item[key]
            if not isinstance(raw, list | tuple) or len(raw) != 2:
                raise ValueError(f"{what} {key} must be [lon, lat], got {raw!r}")
            lon, lat = float(raw[0]), float(raw[1])
            self.uses_points = True
            if (lon, lat) not in self.index:
                self.index[(lon, lat)] = len(self.points)
                self.points.append((lon, lat))
            return self.index[(lon, lat)]
        return None


def parse_vroom(
    data: Any, provider: TravelTimeProvider | None = None, objective: str = "duration"
) -> Instance:
    """Build an Instance from VROOM input (already decoded JSON)."""
    if not isinstance(data, dict):
        raise ValueError("VROOM input must be a JSON object")
    if data.get("shipments"):
        raise ValueError("shipments are not supported")
    jobs = data.get("jobs", [])
    vehicles = data.get("vehicles", [])
    if not isinstance(jobs, list) or not isinstance(vehicles, list):
        raise ValueError("'jobs' and 'vehicles' must be lists")
    durations, distances = _matrices(data)
    locations = _Locations(durations is not None)

    vehicle_ids: dict[str, Any] = {}
    vehicle_skills: dict[str, set[int]] = {}
    technicians = []
    for k, raw in enumerate(vehicles):
        if not isinstance(raw, dict) or "id" not in raw:
            raise ValueError(f"vehicle #{k} needs an 'id'")
        vid = str(raw["id"])
        what = f"vehicle {raw['id']!r}"
        start = locations.get(raw, "start", what)
        end = locations.get(raw, "end", what)
        if start is None:
            raise ValueError(f"{what}: a start (or start_index) is required")
        shift = (
            _window(raw["time_window"], f"{what} time_window")
            if "time_window" in raw
            else (TimeWindow(0, DEFAULT_HORIZON))
        )
        breaks = []
        for brk in raw.get("breaks", []):
            windows = brk.get("time_windows") or [[shift.start, shift.end]]
            first = _window(windows[0], f"{what} break time_window")
            service = _as_int(brk.get("service", 0), f"{what} break service")
            breaks.append(Break(first.start, min(shift.end, first.end + service), service))
        capacity = raw.get("capacity")
        technicians.append(
            Technician(
                id=vid,
                start_location=start,
                end_location=end,
                shift=shift,
                breaks=tuple(breaks),
                capacity=_as_int(capacity[0], f"{what} capacity") if capacity else None,
                max_visits=_as_int(raw["max_tasks"], f"{what} max_tasks")
                if "max_tasks" in raw
                else None,
            )
        )
        vehicle_ids[vid] = raw["id"]
        vehicle_skills[vid] = {_as_int(s, f"{what} skill") for s in raw.get("skills", [])}

    job_ids: dict[str, Any] = {}
    visits = []
    for k, raw in enumerate(jobs):
        if not isinstance(raw, dict) or "id" not in raw:
            raise ValueError(f"job #{k} needs an 'id'")
        what = f"job {raw['id']!r}"
        loc = locations.get(raw, "location", what)
        if loc is None:
            raise ValueError(f"{what}: a location (or location_index) is required")
        windows = tuple(_window(w, f"{what} time_window") for w in raw.get("time_windows", [])) or (
            TimeWindow(0, DEFAULT_HORIZON),
        )
        skills = {_as_int(s, f"{what} skill") for s in raw.get("skills", [])}
        allowed = (
            frozenset(v for v, have in vehicle_skills.items() if skills <= have) if skills else None
        )
        amounts = raw.get("delivery") or raw.get("amount") or raw.get("pickup") or [0]
        visits.append(
            Visit(
                id=str(raw["id"]),
                location=loc,
                service_s=_as_int(raw.get("service", 0), f"{what} service"),
                time_windows=windows,
                allowed_technicians=allowed,
                priority=_as_int(raw.get("priority", 0), f"{what} priority"),
                demand=_as_int(amounts[0], f"{what} delivery"),
            )
        )
        job_ids[str(raw["id"])] = raw["id"]

    if locations.uses_indices and locations.uses_points and durations is None:
        raise ValueError("mixing location and location_index needs a matrix")
    if durations is None:
        if locations.uses_indices:
            raise ValueError("location_index needs 'matrices' in the input")
        points = [(lat, lon) for lon, lat in locations.points]
        durations, distances = (provider or HaversineProvider()).matrix(points)
    if objective == "distance" and distances is None:
        raise ValueError("objective 'distance' needs distances")
    problem = Problem(tuple(visits), tuple(technicians), durations, distances, objective)
    return Instance(
        problem,
        job_ids,
        vehicle_ids,
        tuple(locations.points),
        uses_indices=locations.uses_indices or not locations.points,
    )


def _matrices(data: dict[str, Any]):
    raw = None
    if "matrices" in data:
        profiles = data["matrices"]
        if not isinstance(profiles, dict) or not profiles:
            raise ValueError("'matrices' must map a profile name to its matrices")
        raw = profiles.get("car") or next(iter(profiles.values()))
    elif "matrix" in data:
        raw = {"durations": data["matrix"]}
    if raw is None:
        return None, None
    if not isinstance(raw, dict) or "durations" not in raw:
        raise ValueError("a matrices profile needs 'durations'")

    def convert(matrix: Any, name: str):
        if not isinstance(matrix, list):
            raise ValueError(f"{name} must be a list of lists")
        return tuple(
            tuple(_as_int(x, f"{name}[{i}]") for x in row)
            if isinstance(row, list)
            else _bad_row(name, i)
            for i, row in enumerate(matrix)
        )

    durations = convert(raw["durations"], "durations")
    distances = convert(raw["distances"], "distances") if "distances" in raw else None
    return durations, distances


def _bad_row(name: str, i: int):
    raise ValueError(f"{name} row {i} must be a list")


def plan_to_vroom(instance: Instance, plan: Plan) -> dict[str, Any]:
    """VROOM's output format; times and distances are divided by ``instance.scale``."""
    problem = instance.problem
    scale = instance.scale
    visit_by_id = {v.id: v for v in problem.visits}
    loc_of = {v.id: v.location for v in problem.visits}

    def t(value: int) -> float | int:
        return value if scale == 1 else round(value / scale, 2)

    def where(loc: int | None) -> dict[str, Any]:
        if loc is None:
            return {}
        if instance.uses_indices:
            return {"location_index": loc}
        return {"location": list(instance.points[loc])}

    techs = {tech.id: tech for tech in problem.technicians}
    routes_out = []
    totals = {"cost": 0.0, "service": 0, "duration": 0, "waiting_time": 0, "distance": 0.0}
    for route in plan.routes:
        tech = techs[route.technician_id]
        if instance.route_distance is not None:
            distance: float | int = round(
                instance.route_distance([loc_of[s.visit_id] for s in route.stops]), 2
            )
        else:
            distance = route.distance_m
        steps: list[dict[str, Any]] = [
            {
                "type": "start",
                **where(tech.start_location),
                "arrival": t(route.start),
                "duration": 0,
                "distance": 0,
            }
        ]
        events: list[tuple[int, int, dict[str, Any]]] = []
        travel = 0
        dist = 0
        service = 0
        waiting = 0
        for stop in route.stops:
            visit = visit_by_id[stop.visit_id]
            travel += stop.travel_s
            dist += stop.distance_m
            service += visit.service_s
            waiting += stop.waiting_s
            events.append(
                (
                    stop.start,
                    1,
                    {
                        "type": "job",
                        "id": instance.job_ids[stop.visit_id],
                        **where(visit.location),
                        "arrival": t(stop.arrival),
                        "duration": t(travel),
                        "service": t(visit.service_s),
                        "waiting_time": t(stop.waiting_s),
                        "distance": t(dist) if scale != 1 else dist,
                    },
                )
            )
        for k, brk in enumerate(route.breaks):
            events.append(
                (
                    brk.start,
                    0,
                    {
                        "type": "break",
                        "id": k + 1,
                        "arrival": t(brk.start),
                        "service": t(brk.duration_s),
                        "waiting_time": 0,
                    },
                )
            )
        events.sort(key=lambda e: (e[0], e[1]))
        steps.extend(e[2] for e in events)
        steps.append(
            {
                "type": "end",
                **where(tech.end_location),
                "arrival": t(route.end),
                "duration": t(route.travel_s),
                "distance": distance,
            }
        )
        cost = distance if problem.objective == "distance" else t(route.travel_s)
        routes_out.append(
            {
                "vehicle": instance.vehicle_ids[route.technician_id],
                "cost": cost,
                "service": t(service),
                "duration": t(route.travel_s),
                "waiting_time": t(waiting),
                "distance": distance,
                "steps": steps,
            }
        )
        totals["cost"] += cost
        totals["service"] += service
        totals["duration"] += route.travel_s
        totals["waiting_time"] += waiting
        totals["distance"] += distance
    summary = {
        "cost": round(totals["cost"], 2) if scale != 1 else totals["cost"],
        "routes": len(plan.routes),
        "unassigned": len(plan.unassigned),
        "service": t(int(totals["service"])),
        "duration": t(int(totals["duration"])),
        "waiting_time": t(int(totals["waiting_time"])),
        "distance": round(totals["distance"], 2),
        "computing_times": {"solving": round(plan.wall_time_s * 1000)},
    }
    if scale == 1:
        summary["cost"] = int(summary["cost"])
        summary["distance"] = int(summary["distance"])
    unassigned = [
        {"id": instance.job_ids[u.visit_id], "type": "job", "reason": u.reason, "detail": u.detail}
        for u in plan.unassigned
    ]
    return {"code": 0, "summary": summary, "unassigned": unassigned, "routes": routes_out}
