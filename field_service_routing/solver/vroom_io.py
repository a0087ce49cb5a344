"""VROOM's JSON formats: read its input into a Problem, write a Plan as its output.

Supported input: ``jobs`` (id, location or location_index, service, skills, time_windows,
priority, delivery/amount), ``vehicles`` (id, start/end or start_index/end_index, time_window,
skills, breaks, capacity, max_tasks) and ``matrices`` (or the older ``matrix``). Without a matrix,
coordinates go through :class:`HaversineProvider`. Shipments are not supported.

Output: VROOM's format with VROOM's semantics (docs/API.md, "Output"; see the notes above
:class:`_Writer`), ids, locations and descriptions echoed as the input gave them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import Break, BreakStop, Plan, Problem, Route, Technician, TimeWindow, Unassigned, Visit
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
    # The decoded VROOM input, to echo ids, locations and descriptions as given.
    source: dict[str, Any] | None = field(default=None, compare=False, repr=False)


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
        source=data,
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
        return tuple(_row(row, name, i) for i, row in enumerate(matrix))

    durations = convert(raw["durations"], "durations")
    distances = convert(raw["distances"], "distances") if "distances" in raw else None
    return durations, distances


def _row(row: Any, name: str, i: int) -> tuple[int, ...]:
    if not isinstance(row, list):
        raise ValueError(f"{name} row {i} must be a list")
    # Fast path (a 1,000-job day has 2.6 million entries): plain ints are taken as they are.
    if set(map(type, row)) <= {int}:
        return tuple(row)
    return tuple(_as_int(x, f"{name}[{i}]") for x in row)


# --- Output ------------------------------------------------------------------------------------
# VROOM's output semantics (docs/API.md, "Output"), as VROOM itself reports:
# - ``arrival`` is when the vehicle reaches the step, ``waiting_time`` what it waits there, so
#   ``arrival + waiting_time`` is when the service (or the break) starts; ``duration`` and
#   ``distance`` are the travel so far, so each step's arrival is the previous step's end plus the
#   rise in ``duration``. Steps are listed in that (chronological) order.
# - A break has no location: VROOM takes it where the vehicle is, after the previous service and
#   before driving on. We do the same whenever the planned break leaves room for the whole leg
#   after it; otherwise the part of the leg that must come first is driven first (the break is
#   then taken on the way, or at the next job while waiting for its window).
# - Route and summary ``service`` and ``waiting_time`` include the breaks'; ``duration`` is the
#   travel time, ``cost`` the arc cost (travel time, or distance for objective "distance").


def _match_breaks(
    windows: tuple[Break, ...], planned: list[BreakStop], used: frozenset[int] = frozenset()
) -> list[int] | None:
    """For each planned break (sorted by start), the index of a distinct break it fulfils."""
    if not planned:
        return []
    first = planned[0]
    for k, window in enumerate(windows):
        fits = (
            k not in used
            and window.start <= first.start
            and first.start + first.duration_s <= window.end
            and first.duration_s >= window.duration_s
        )
        if fits:
            others = _match_breaks(windows, planned[1:], used | {k})
            if others is not None:
                return [k, *others]
    return None


def _take(windows: tuple[Break, ...], planned: list[BreakStop]) -> list[int]:
    matched = _match_breaks(windows, planned)
    # Not a valid plan for these windows (the checker says so): keep the input order.
    return matched if matched is not None else list(range(len(planned)))


class _Writer:
    """Builds VROOM's output for one Instance: steps, routes and the summary."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.problem = instance.problem
        self.scale = instance.scale
        source = instance.source if isinstance(instance.source, dict) else {}
        self.raw_jobs = {str(j.get("id")): j for j in source.get("jobs", [])}
        self.raw_vehicles = {str(v.get("id")): v for v in source.get("vehicles", [])}
        self.visits = {v.id: v for v in self.problem.visits}
        self.techs = {t.id: t for t in self.problem.technicians}
        self.has_distance = self.problem.distance_matrix is not None
        self.dims = max(
            [len(v.get("capacity", [])) for v in self.raw_vehicles.values()]
            + [len(self._amounts(j)[0]) for j in self.raw_jobs.values()]
            + [len(self._amounts(j)[1]) for j in self.raw_jobs.values()]
            + [0]
        )

    @staticmethod
    def _amounts(raw: dict[str, Any]) -> tuple[list[int], list[int]]:
        return list(raw.get("delivery") or raw.get("amount") or []), list(raw.get("pickup") or [])

    def t(self, value: int) -> float | int:
        return value if self.scale == 1 else round(value / self.scale, 2)

    def _pad(self, amounts: list[int]) -> list[int]:
        return [int(x) for x in amounts] + [0] * (self.dims - len(amounts))

    def job_fields(self, visit_id: str) -> dict[str, Any]:
        raw = self.raw_jobs.get(visit_id)
        if raw is None:
            return self._where(self.visits[visit_id].location)
        out = {k: raw[k] for k in ("location", "location_index") if k in raw}
        if not out:
            out = self._where(self.visits[visit_id].location)
        return out

    def _where(self, loc: int | None) -> dict[str, Any]:
        if loc is None:
            return {}
        if self.instance.uses_indices:
            return {"location_index": loc}
        return {"location": list(self.instance.points[loc])}

    def vehicle_end(self, tech: Technician, key: str) -> dict[str, Any]:
        raw = self.raw_vehicles.get(tech.id)
        loc = tech.start_location if key == "start" else tech.end_location
        if raw is None or loc is None:
            return self._where(loc)
        out = {}
        if key in raw:
            out["location"] = raw[key]
        if f"{key}_index" in raw:
            out["location_index"] = raw[f"{key}_index"]
        return out or self._where(loc)

    def step(self, kind: str, **values: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind}
        for key in ("location", "location_index", "id", "description"):
            if key in values:
                out[key] = values[key]
        out["setup"] = 0
        out["service"] = self.t(values.get("service", 0))
        out["waiting_time"] = self.t(values.get("waiting", 0))
        if "load" in values:
            out["load"] = values["load"]
        out["arrival"] = self.t(values["arrival"])
        out["duration"] = self.t(values["duration"])
        if self.has_distance:
            out["distance"] = self.t(values["distance"])
        out["violations"] = []
        return out

    def route(self, route: Route) -> tuple[dict[str, Any], dict[str, Any]]:
        """One route's output and its totals (integers, before scaling)."""
        problem = self.problem
        tech = self.techs[route.technician_id]
        raw_vehicle = self.raw_vehicles.get(tech.id, {})
        raw_breaks = raw_vehicle.get("breaks", [])
        planned = sorted(route.breaks, key=lambda b: b.start)
        which = _take(tech.breaks, planned)
        # (start, duration, input id, description) of each planned break, in time order.
        pending = [
            (
                brk.start,
                brk.duration_s,
                raw_breaks[k].get("id", k + 1) if k < len(raw_breaks) else k + 1,
                raw_breaks[k].get("description") if k < len(raw_breaks) else None,
            )
            for brk, k in zip(planned, which, strict=True)
        ]
        with_load = self.dims > 0 and "capacity" in raw_vehicle
        delivered = [0] * self.dims
        picked = [0] * self.dims
        for stop in route.stops:
            raw_job = self.raw_jobs.get(stop.visit_id, {})
            delivery, pickup = self._amounts(raw_job)
            delivered = [a + b for a, b in zip(delivered, self._pad(delivery), strict=True)]
            picked = [a + b for a, b in zip(picked, self._pad(pickup), strict=True)]
        load = list(delivered)

        steps: list[dict[str, Any]] = []
        sums = {"service": 0, "waiting": 0, "priority": 0}
        travel = 0
        distance = 0
        leave = route.start
        if pending and pending[0][0] < leave:
            # A break before leaving is taken at the start, which the vehicle reaches first.
            leave = pending[0][0]
        extra = {"load": list(load)} if with_load else {}
        steps.append(
            self.step(
                "start",
                **self.vehicle_end(tech, "start"),
                arrival=leave,
                duration=0,
                distance=0,
                **extra,
            )
        )
        here = tech.start_location
        targets: list[tuple[int, str | None, int | None]] = [
            (stop.start, stop.visit_id, self.visits[stop.visit_id].location) for stop in route.stops
        ]
        # The end: reached as soon as possible after the last service and the breaks after it.
        targets.append((max(route.end, leave), None, tech.end_location))
        for k, (begins, visit_id, loc) in enumerate(targets):
            last = k == len(targets) - 1
            leg = problem.travel_s(here, loc) if loc is not None else 0
            leg_m = problem.distance_m(here, loc) if loc is not None else 0
            in_gap = [b for b in pending if last or b[0] < begins]
            pending = pending[len(in_gap) :]
            now = leave
            done = 0
            for i, (b_start, b_length, b_id, b_text) in enumerate(in_gap):
                later = sum(b[1] for b in in_gap[i + 1 :])
                room_after = (
                    leg  # before the end, drive home right after the last break
                    if last and i == len(in_gap) - 1
                    else begins - (b_start + b_length) - later
                )
                part = min(leg - done, max(0, (leg - done) - room_after))
                done += part
                arrival = now + part
                values: dict[str, Any] = {
                    "id": b_id,
                    "arrival": arrival,
                    "waiting": b_start - arrival,
                    "service": b_length,
                    "duration": travel + done,
                    "distance": distance + (leg_m if done == leg else leg_m * done // max(1, leg)),
                }
                if b_text is not None:
                    values["description"] = b_text
                if with_load:
                    values["load"] = list(load)
                steps.append(self.step("break", **values))
                sums["service"] += b_length
                sums["waiting"] += b_start - arrival
                now = b_start + b_length
            travel += leg
            distance += leg_m
            arrival = now + (leg - done)
            if visit_id is None:
                end_values: dict[str, Any] = {"arrival": arrival, "duration": travel}
                if with_load:
                    end_values["load"] = list(load)
                steps.append(
                    self.step(
                        "end", **self.vehicle_end(tech, "end"), distance=distance, **end_values
                    )
                )
                break
            visit = self.visits[visit_id]
            raw_job = self.raw_jobs.get(visit_id, {})
            if with_load:
                delivery, pickup = self._amounts(raw_job)
                load = [
                    a - d + p
                    for a, d, p in zip(load, self._pad(delivery), self._pad(pickup), strict=True)
                ]
            values = {
                **self.job_fields(visit_id),
                "id": self.instance.job_ids[visit_id],
                "arrival": arrival,
                "waiting": begins - arrival,
                "service": visit.service_s,
                "duration": travel,
                "distance": distance,
            }
            if "description" in raw_job:
                values["description"] = raw_job["description"]
            if with_load:
                values["load"] = list(load)
            steps.append(self.step("job", **values))
            sums["service"] += visit.service_s
            sums["waiting"] += begins - arrival
            sums["priority"] += visit.priority
            here = loc
            leave = begins + visit.service_s

        totals = {
            "travel": travel,
            "distance": distance,
            "service": sums["service"],
            "waiting": sums["waiting"],
            "priority": sums["priority"],
            "delivery": delivered,
            "pickup": picked,
        }
        return self._route_out(tech, route, steps, totals), totals

    def _route_out(
        self, tech: Technician, route: Route, steps: list[dict[str, Any]], totals: dict[str, Any]
    ) -> dict[str, Any]:
        instance = self.instance
        raw_vehicle = self.raw_vehicles.get(tech.id, {})
        if instance.route_distance is not None:
            distance: float | int = round(
                instance.route_distance([self.visits[s.visit_id].location for s in route.stops]),
                2,
            )
        else:
            distance = totals["distance"]
        totals["reported_distance"] = distance
        cost = distance if self.problem.objective == "distance" else self.t(totals["travel"])
        totals["cost"] = cost
        out: dict[str, Any] = {"vehicle": instance.vehicle_ids[tech.id]}
        if "description" in raw_vehicle:
            out["description"] = raw_vehicle["description"]
        out["cost"] = cost
        if self.dims:
            out["delivery"] = totals["delivery"]
            out["pickup"] = totals["pickup"]
        out.update(
            setup=0,
            service=self.t(totals["service"]),
            duration=self.t(totals["travel"]),
            waiting_time=self.t(totals["waiting"]),
            priority=totals["priority"],
        )
        if self.has_distance or instance.route_distance is not None:
            out["distance"] = distance
        out["steps"] = steps
        out["violations"] = []
        return out

    def unassigned(self, item: Unassigned) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.instance.job_ids[item.visit_id], "type": "job"}
        raw = self.raw_jobs.get(item.visit_id, {})
        for key in ("description", "location", "location_index"):
            if key in raw:
                out[key] = raw[key]
        out["reason"] = item.reason
        out["detail"] = item.detail
        return out


def plan_to_vroom(instance: Instance, plan: Plan) -> dict[str, Any]:
    """VROOM's output format; times and distances are divided by ``instance.scale``."""
    writer = _Writer(instance)
    routes_out = []
    sums: dict[str, Any] = {
        "cost": 0,
        "service": 0,
        "travel": 0,
        "waiting": 0,
        "priority": 0,
        "distance": 0,
        "delivery": [0] * writer.dims,
        "pickup": [0] * writer.dims,
    }
    for route in plan.routes:
        out, totals = writer.route(route)
        routes_out.append(out)
        sums["cost"] += totals["cost"]
        sums["distance"] += totals["reported_distance"]
        for key in ("service", "travel", "waiting", "priority"):
            sums[key] += totals[key]
        for key in ("delivery", "pickup"):
            sums[key] = [a + b for a, b in zip(sums[key], totals[key], strict=True)]
    scaled = instance.scale != 1
    summary: dict[str, Any] = {
        "cost": round(sums["cost"], 2) if scaled else int(sums["cost"]),
        "routes": len(plan.routes),
        "unassigned": len(plan.unassigned),
    }
    if writer.dims:
        summary["delivery"] = sums["delivery"]
        summary["pickup"] = sums["pickup"]
    summary.update(
        setup=0,
        service=writer.t(sums["service"]),
        duration=writer.t(sums["travel"]),
        waiting_time=writer.t(sums["waiting"]),
        priority=sums["priority"],
    )
    if writer.has_distance or instance.route_distance is not None:
        summary["distance"] = round(sums["distance"], 2) if scaled else int(sums["distance"])
    summary["violations"] = []
    summary["computing_times"] = {"solving": round(plan.wall_time_s * 1000)}
    unassigned = [writer.unassigned(item) for item in plan.unassigned]
    return {"code": 0, "summary": summary, "unassigned": unassigned, "routes": routes_out}
