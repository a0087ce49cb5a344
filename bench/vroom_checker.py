"""An independent checker for VROOM-format plans: reads a VROOM input and a VROOM output (decoded
JSON) and lists every violation. It imports nothing from our solver.

What it holds an output to (VROOM's docs/API.md, "Output"; how VROOM itself reports):
- each route's steps run ``start``, then jobs and breaks, then ``end``; a vehicle has one route;
- for every step ``start = arrival + waiting_time`` and ``end = start + setup + service``;
  ``service`` is the job's (or the break's) service; ``duration`` (travel so far) never decreases
  and ``arrival`` of a step is the previous step's end plus the travel between them (the rise in
  ``duration``), so steps are in chronological order;
- between two consecutive located steps (start, jobs, end) the rise in ``duration`` is the matrix
  travel time, and in ``distance`` (when emitted) the matrix distance;
- jobs start inside one of their time windows and need skills the vehicle holds; the vehicle
  leaves at or after its shift starts and arrives at its end by the shift's end;
- every break of a used vehicle is taken once, with the input's id, starting inside one of its
  time windows; ``max_tasks`` and capacities (``load`` after each step, when emitted) hold;
- every job is served at most once, and ``unassigned`` lists exactly the jobs not served;
- route and summary totals (``cost`` when travel time is the cost, ``service``, ``duration``,
  ``waiting_time``, ``setup``, ``priority``, ``distance``; ``routes`` and ``unassigned`` counts)
  add up.

``check(input, output)`` returns a :class:`Report`; ``python bench/vroom_checker.py IN OUT``
prints it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

LOCATED = ("start", "job", "end")
TASK_TYPES = ("job", "pickup", "delivery")


@dataclass
class Report:
    """What the checker found: violations (empty = feasible) and the plan's figures, recomputed
    from the input's matrices (not read from the output)."""

    errors: list[str] = field(default_factory=list)
    served: int = 0
    unassigned: int = 0
    travel_s: int = 0
    distance_m: int | None = None
    priority: int = 0
    routes: int = 0

    @property
    def feasible(self) -> bool:
        return not self.errors


def _matrices(data: dict[str, Any]) -> tuple[list[list[int]] | None, list[list[int]] | None]:
    if "matrices" in data:
        profile = data["matrices"].get("car") or next(iter(data["matrices"].values()))
        return profile.get("durations"), profile.get("distances")
    if "matrix" in data:
        return data["matrix"], None
    return None, None


def _loc(item: dict[str, Any], key: str) -> Any:
    """A step's or task's location: its matrix index, else its coordinates."""
    if f"{key}_index" in item:
        return item[f"{key}_index"]
    if key in item:
        return tuple(item[key])
    return None


def _in_windows(value: int, windows: list[list[int]] | None) -> bool:
    if not windows:
        return True
    return any(start <= value <= end for start, end in windows)


def _num(step: dict[str, Any], key: str, default: int | None = None) -> int:
    value = step.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{key}={value!r}")
    return value


def check(data: dict[str, Any], output: dict[str, Any]) -> Report:
    """Every violation of ``output`` as a plan for ``data`` (both VROOM JSON, decoded)."""
    report = Report()
    errors = report.errors
    if output.get("code", 0) != 0:
        errors.append(f"output code {output.get('code')}: {output.get('error', '')}")
        return report
    durations, distances = _matrices(data)
    if durations is None:
        errors.append("the checker needs a duration matrix in the input")
        return report
    jobs = {job["id"]: job for job in data.get("jobs", [])}
    vehicles = {vehicle["id"]: vehicle for vehicle in data.get("vehicles", [])}
    served: dict[Any, Any] = {}
    used: set[Any] = set()
    totals = dict.fromkeys(("cost", "setup", "service", "duration", "waiting_time", "priority"), 0)
    total_distance = 0
    has_distance = distances is not None
    for route in output.get("routes", []):
        vid = route.get("vehicle")
        vehicle = vehicles.get(vid)
        if vehicle is None:
            errors.append(f"route for unknown vehicle {vid!r}")
            continue
        if vid in used:
            errors.append(f"vehicle {vid}: two routes")
        used.add(vid)
        try:
            figures = _check_route(vehicle, route, jobs, durations, distances, served, errors)
        except (KeyError, TypeError, IndexError, ValueError) as exc:
            errors.append(f"vehicle {vid}: malformed route ({exc})")
            continue
        report.routes += 1
        report.travel_s += figures["duration"]
        report.priority += figures["priority"]
        if has_distance:
            total_distance += figures["distance"]
        for key in totals:
            totals[key] += route.get(key, 0)
        if "distance" in route:
            total_distance_out = route["distance"]
            if has_distance and total_distance_out != figures["distance"]:
                errors.append(
                    f"vehicle {vid}: route distance {total_distance_out}, "
                    f"matrix says {figures['distance']}"
                )
    report.served = len(served)
    if has_distance:
        report.distance_m = total_distance

    listed: set[Any] = set()
    for item in output.get("unassigned", []):
        jid = item.get("id")
        if jid not in jobs:
            errors.append(f"unassigned: unknown job {jid!r}")
        elif jid in served:
            errors.append(f"job {jid}: both served and unassigned")
        if jid in listed:
            errors.append(f"job {jid}: unassigned twice")
        listed.add(jid)
    for jid in jobs:
        if jid not in served and jid not in listed:
            errors.append(f"job {jid}: neither served nor unassigned")
    report.unassigned = len(listed)

    summary = output.get("summary", {})
    if summary:
        if summary.get("routes") != len(output.get("routes", [])):
            errors.append(f"summary: routes {summary.get('routes')}, output has {report.routes}")
        if summary.get("unassigned") != len(output.get("unassigned", [])):
            errors.append(
                f"summary: unassigned {summary.get('unassigned')}, listed {report.unassigned}"
            )
        for key, value in totals.items():
            if key in summary and summary[key] != value:
                errors.append(f"summary: {key} {summary[key]}, routes add up to {value}")
        if has_distance and "distance" in summary and summary["distance"] != total_distance:
            errors.append(f"summary: distance {summary['distance']}, matrix says {total_distance}")
    return report


def _check_route(
    vehicle: dict[str, Any],
    route: dict[str, Any],
    jobs: dict[Any, dict[str, Any]],
    durations: list[list[int]],
    distances: list[list[int]] | None,
    served: dict[Any, Any],
    errors: list[str],
) -> dict[str, int]:
    vid = vehicle["id"]
    name = f"vehicle {vid}"
    steps = route.get("steps", [])
    kinds = [step.get("type") for step in steps]
    if len(steps) < 2 or kinds[0] != "start" or kinds[-1] != "end":
        errors.append(f"{name}: steps must run start ... end, got {kinds}")
    if kinds.count("start") != 1 or kinds.count("end") != 1:
        errors.append(f"{name}: one start and one end expected, got {kinds}")
    skills = set(vehicle.get("skills", []))
    breaks = {brk["id"]: brk for brk in vehicle.get("breaks", [])}
    shift = vehicle.get("time_window")
    capacity = vehicle.get("capacity")
    taken: list[Any] = []
    sums = {"setup": 0, "service": 0, "waiting_time": 0, "priority": 0}
    travel = 0
    distance = 0
    here = None
    here_step = None
    prev_end: int | None = None
    prev_duration = 0
    prev_distance = 0
    load = None
    tasks = 0
    for k, step in enumerate(steps):
        kind = step.get("type")
        what = f"{name} step {k} ({kind} {step.get('id', '')})".replace(" )", ")")
        arrival = _num(step, "arrival")
        waiting = _num(step, "waiting_time", 0)
        setup = _num(step, "setup", 0)
        service = _num(step, "service", 0)
        duration = _num(step, "duration")
        if waiting < 0 or setup < 0 or service < 0:
            errors.append(f"{what}: negative waiting, setup or service")
        start = arrival + waiting
        end = start + setup + service
        if kind in TASK_TYPES:
            job = jobs.get(step.get("id"))
            if job is None:
                errors.append(f"{what}: unknown job")
                continue
            if step["id"] in served:
                errors.append(f"{what}: job already served by vehicle {served[step['id']]}")
            served[step["id"]] = vid
            tasks += 1
            need = set(job.get("skills", []))
            if not need <= skills:
                errors.append(f"{what}: needs skills {sorted(need - skills)} the vehicle lacks")
            if not _in_windows(start, job.get("time_windows")):
                errors.append(f"{what}: starts at {start}, outside {job.get('time_windows')}")
            if service != job.get("service", 0):
                errors.append(f"{what}: service {service}, job says {job.get('service', 0)}")
            if _loc(step, "location") not in (None, _loc(job, "location")):
                errors.append(f"{what}: location {_loc(step, 'location')} is not the job's")
            sums["priority"] += job.get("priority", 0)
        elif kind == "break":
            brk = breaks.get(step.get("id"))
            if brk is None:
                errors.append(f"{what}: the vehicle has no break with this id")
            else:
                taken.append(step["id"])
                if not _in_windows(start, brk.get("time_windows")):
                    errors.append(f"{what}: starts at {start}, outside {brk.get('time_windows')}")
                if service != brk.get("service", 0):
                    errors.append(f"{what}: service {service}, break says {brk.get('service', 0)}")
        elif kind == "start":
            if shift and arrival < shift[0]:
                errors.append(f"{what}: leaves at {arrival}, before the shift {shift}")
            if service or waiting or setup:
                errors.append(f"{what}: a start has no service, setup or waiting")
        elif kind == "end":
            if shift and end > shift[1]:
                errors.append(f"{what}: arrives at {end}, after the shift {shift}")
        else:
            errors.append(f"{what}: unknown step type")
        for key in ("setup", "service", "waiting_time"):
            sums[key] += _num(step, key, 0)

        # Chronology: this step's arrival is the previous end plus the travel in between.
        if prev_end is not None:
            if duration < prev_duration:
                errors.append(f"{what}: duration {duration} below the previous {prev_duration}")
            if arrival != prev_end + (duration - prev_duration):
                errors.append(
                    f"{what}: arrival {arrival} != previous end {prev_end} + travel "
                    f"{duration - prev_duration} (steps out of chronological order?)"
                )
        elif duration != 0:
            errors.append(f"{what}: the first step has travelled {duration}")

        # Travel and distance between located steps, from the matrices.
        if kind in LOCATED or kind in TASK_TYPES:
            loc = (
                _loc(jobs[step["id"]], "location")
                if kind in TASK_TYPES
                else _loc(vehicle, "start" if kind == "start" else "end")
            )
            if loc is not None:
                if here is not None:
                    travel += durations[here][loc]
                    if distances is not None:
                        distance += distances[here][loc]
                if duration != travel:
                    errors.append(
                        f"{what}: duration {duration}, the matrix says {travel} since the start"
                    )
                if distances is not None and "distance" in step and step["distance"] != distance:
                    errors.append(
                        f"{what}: distance {step['distance']}, the matrix says {distance}"
                    )
                here, here_step = loc, k
            elif kind == "end" and duration != travel:
                errors.append(f"{what}: duration {duration}, travel so far {travel}")
        elif distances is not None and "distance" in step and here_step is not None:
            if step["distance"] < prev_distance:
                errors.append(f"{what}: distance decreases")

        # Load after each step (deliveries leave the vehicle, pickups join it).
        if capacity and "load" in step:
            if load is None and kind == "start":
                load = list(step["load"])
            elif kind in TASK_TYPES and load is not None:
                job = jobs[step["id"]]
                for d, amount in enumerate(job.get("delivery", job.get("amount", []))):
                    load[d] -= amount
                for d, amount in enumerate(job.get("pickup", [])):
                    load[d] += amount
            if load is not None:
                if list(step["load"]) != load:
                    errors.append(f"{what}: load {step['load']}, deliveries give {load}")
                if any(x > c for x, c in zip(load, capacity, strict=False)) or min(load) < 0:
                    errors.append(f"{what}: load {load} outside capacity {capacity}")

        prev_end = end
        prev_duration = duration
        prev_distance = step.get("distance", prev_distance)

    missing = sorted(set(breaks) - set(taken))
    if missing:
        errors.append(f"{name}: breaks {missing} not taken")
    for bid in {b for b in taken if taken.count(b) > 1}:
        errors.append(f"{name}: break {bid} taken {taken.count(bid)} times")
    if "max_tasks" in vehicle and tasks > vehicle["max_tasks"]:
        errors.append(f"{name}: {tasks} tasks, max_tasks {vehicle['max_tasks']}")

    # Route totals.
    figures = {"duration": travel, "distance": distance, "priority": sums["priority"]}
    if route.get("duration") != travel:
        errors.append(f"{name}: route duration {route.get('duration')}, matrix travel {travel}")
    for key in ("setup", "service", "waiting_time", "priority"):
        if key in route and route[key] != sums[key]:
            errors.append(f"{name}: route {key} {route[key]}, steps add up to {sums[key]}")
    # With the default costs VROOM's cost is the travel time; ours may report the distance.
    if "cost" in route and "costs" not in vehicle and route["cost"] not in (travel, distance):
        errors.append(f"{name}: cost {route['cost']} is neither the travel time nor the distance")
    return figures


def format_report(report: Report) -> str:
    """A short text summary followed by the violations."""
    lines = [
        f"feasible={report.feasible} served={report.served} unassigned={report.unassigned} "
        f"travel_s={report.travel_s} distance_m={report.distance_m} routes={report.routes}"
    ]
    lines.extend(f"  {error}" for error in report.errors)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        sys.stderr.write("usage: python bench/vroom_checker.py INPUT.json OUTPUT.json\n")
        return 2
    with open(args[0], encoding="utf-8") as handle:
        data = json.load(handle)
    with open(args[1], encoding="utf-8") as handle:
        output = json.load(handle)
    report = check(data, output)
    print(format_report(report))
    return 0 if report.feasible else 1


if __name__ == "__main__":
    raise SystemExit(main())
