"""Exact VROOM output from ``plan_to_vroom`` (what ``python -m solver solve`` prints).

Round trips: VROOM's documented example 2 (input and solution from VROOM's docs/), and two
generated metro days with lunch breaks solved by VROOM 1.15 (pyvroom, one thread; stored in
data/): VROOM's own plan, read into a Plan and written back by us, must come out field by field
as VROOM wrote it. Then our solver's plans on generated days with breaks, checked for VROOM's
semantics here and by the benchmark's independent checker (bench/vroom_checker.py).
"""

import copy
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from solver import solve
from solver.model import BreakStop, Plan, Route, Stop, Unassigned
from solver.routes import build_route
from solver.vroom_io import parse_vroom, plan_to_vroom

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


def _load(name, path):
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


vroom_checker = _load("vroom_checker", REPO / "bench" / "vroom_checker.py")
metro_gen = _load("metro_gen", REPO / "bench" / "metro_gen.py")

# VROOM's docs/example_2.json and docs/example_2_sol.json (VROOM-Project/vroom, master).
EXAMPLE_2 = {
    "vehicles": [{"id": 0, "start_index": 0, "end_index": 3}],
    "jobs": [{"id": 1414, "location_index": 1}, {"id": 1515, "location_index": 2}],
    "matrices": {
        "car": {
            "durations": [
                [0, 2104, 197, 1299],
                [2103, 0, 2255, 3152],
                [197, 2256, 0, 1102],
                [1299, 3153, 1102, 0],
            ]
        }
    },
}
EXAMPLE_2_SOL = json.loads(
    '{"code": 0, "summary": {"cost": 5461, "routes": 1, "unassigned": 0, "setup": 0, "service": 0,'
    ' "duration": 5461, "waiting_time": 0, "priority": 0, "violations": []}, "unassigned": [],'
    ' "routes": [{"vehicle": 0, "cost": 5461, "setup": 0, "service": 0, "duration": 5461,'
    ' "waiting_time": 0, "priority": 0, "steps": [{"type": "start", "location_index": 0,'
    ' "setup": 0, "service": 0, "waiting_time": 0, "arrival": 0, "duration": 0, "violations":'
    ' []}, {"type": "job", "id": 1414, "location_index": 1, "setup": 0, "service": 0,'
    ' "waiting_time": 0, "job": 1414, "arrival": 2104, "duration": 2104, "violations": []},'
    ' {"type": "job", "id": 1515, "location_index": 2, "setup": 0, "service": 0,'
    ' "waiting_time": 0, "job": 1515, "arrival": 4359, "duration": 4359, "violations": []},'
    ' {"type": "end", "location_index": 3, "setup": 0, "service": 0, "waiting_time": 0,'
    ' "arrival": 5461, "duration": 5461, "violations": []}], "violations": []}]}'
)
# Keys VROOM still writes but documents as deprecated (``job``), or that depend on the run.
IGNORED = {"job", "computing_times"}


def without_ignored(value):
    if isinstance(value, dict):
        return {k: without_ignored(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return [without_ignored(v) for v in value]
    return value


def assert_same_fields(ours, vroom, where="output"):
    """Every field VROOM wrote is in ours with the same value (ours may add ``distance`` when a
    distance matrix is given, as VROOM documents, and our ``reason``/``detail`` for unassigned)."""
    if isinstance(vroom, dict):
        assert isinstance(ours, dict), where
        for key, value in vroom.items():
            if key in IGNORED:
                continue
            assert key in ours, f"{where}: missing {key!r}"
            assert_same_fields(ours[key], value, f"{where}.{key}")
        extra = set(ours) - set(vroom) - {"distance", "reason", "detail"}
        assert not extra, f"{where}: keys VROOM does not write: {extra}"
    elif isinstance(vroom, list):
        assert isinstance(ours, list) and len(ours) == len(vroom), where
        for k, (a, b) in enumerate(zip(ours, vroom, strict=True)):
            assert_same_fields(a, b, f"{where}[{k}]")
    else:
        assert ours == vroom, f"{where}: ours {ours!r}, VROOM {vroom!r}"


def plan_from_vroom(instance, output):
    """VROOM's plan as our Plan: sequences, service starts and break starts as VROOM chose."""
    problem = instance.problem
    visits = {v.id: v for v in problem.visits}
    techs = {t.id: t for t in problem.technicians}
    routes = []
    for route in output["routes"]:
        tech = techs[str(route["vehicle"])]
        here = tech.start_location
        stops, breaks = [], []
        distance = 0
        for step in route["steps"]:
            if step["type"] == "job":
                visit = visits[str(step["id"])]
                travel = problem.travel_s(here, visit.location)
                leg = problem.distance_m(here, visit.location)
                distance += leg
                start = step["arrival"] + step["waiting_time"]
                stops.append(
                    Stop(visit.id, step["arrival"], start, step["waiting_time"], travel, leg)
                )
                here = visit.location
            elif step["type"] == "break":
                breaks.append(BreakStop(step["arrival"] + step["waiting_time"], step["service"]))
        distance += problem.distance_m(here, tech.end_location)
        first, last = route["steps"][0], route["steps"][-1]
        routes.append(
            Route(
                tech.id,
                tuple(stops),
                tuple(breaks),
                first["arrival"],
                last["arrival"],
                route["duration"],
                distance,
            )
        )
    unassigned = tuple(Unassigned(str(u["id"]), "capacity") for u in output["unassigned"])
    return Plan(tuple(routes), unassigned, "solved", 0, 0.0)


def semantic_errors(data, output):
    """VROOM's step semantics, checked here on their own (besides the independent checker)."""
    errors = []
    breaks = {(v["id"], b["id"]): b for v in data["vehicles"] for b in v.get("breaks", [])}
    jobs = {j["id"]: j for j in data["jobs"]}
    for route in output["routes"]:
        steps = route["steps"]
        ends = []
        for k, step in enumerate(steps):
            begins = step["arrival"] + step["waiting_time"]
            if k:
                travel = step["duration"] - steps[k - 1]["duration"]
                if step["arrival"] != ends[-1] + travel or travel < 0:
                    errors.append((route["vehicle"], k, "arrival"))
            if step["type"] == "break":
                brk = breaks.get((route["vehicle"], step["id"]))
                if brk is None or not any(a <= begins <= b for a, b in brk["time_windows"]):
                    errors.append((route["vehicle"], k, "break"))
            windows = jobs[step["id"]]["time_windows"] if step["type"] == "job" else None
            if windows and not any(a <= begins <= b for a, b in windows):
                errors.append((route["vehicle"], k, "window"))
            ends.append(begins + step["setup"] + step["service"])
        if route["service"] != sum(s["service"] for s in steps):
            errors.append((route["vehicle"], "service"))
        if route["waiting_time"] != sum(s["waiting_time"] for s in steps):
            errors.append((route["vehicle"], "waiting_time"))
        if route["duration"] != steps[-1]["duration"]:
            errors.append((route["vehicle"], "duration"))
    for key in ("service", "duration", "waiting_time", "cost", "priority"):
        if output["summary"][key] != sum(r[key] for r in output["routes"]):
            errors.append(("summary", key))
    return errors


# --- Round trips on VROOM's own output ---------------------------------------------------------


def test_example_2_as_documented():
    instance = parse_vroom(copy.deepcopy(EXAMPLE_2))
    plan = solve(instance.problem, time_limit_s=2, deterministic=True)
    out = plan_to_vroom(instance, plan)
    assert without_ignored(out) == without_ignored(EXAMPLE_2_SOL)


def test_example_2_solution_read_back():
    instance = parse_vroom(copy.deepcopy(EXAMPLE_2))
    out = plan_to_vroom(instance, plan_from_vroom(instance, EXAMPLE_2_SOL))
    assert without_ignored(out) == without_ignored(EXAMPLE_2_SOL)
    assert vroom_checker.check(EXAMPLE_2, EXAMPLE_2_SOL).errors == []


@pytest.mark.parametrize("name", ["vroom_metro_36.json", "vroom_metro_45.json"])
def test_vroom_plans_with_breaks_read_back_field_by_field(name):
    stored = json.loads((DATA / name).read_text())
    data, vroom_out = stored["input"], stored["vroom_output"]
    assert vroom_checker.check(data, vroom_out).errors == []
    assert semantic_errors(data, vroom_out) == []
    assert sum(s["type"] == "break" for r in vroom_out["routes"] for s in r["steps"]) == 5
    instance = parse_vroom(copy.deepcopy(data))
    ours = plan_to_vroom(instance, plan_from_vroom(instance, vroom_out))
    assert_same_fields(ours, vroom_out)
    distances = data["matrices"]["car"]["distances"]
    for route in ours["routes"]:
        here = None
        total = 0
        located = []  # (duration, distance) at each located step, recomputed
        for step in route["steps"]:
            if "location_index" in step:
                total += distances[here][step["location_index"]] if here is not None else 0
                here = step["location_index"]
                assert step["distance"] == total
                located.append((step["duration"], total))
        assert route["distance"] == total
        # A break says the distance where it is taken: before or after the leg it interrupts, or
        # (VROOM takes some on the way) the share of the leg driven so far.
        for step in route["steps"]:
            if step["type"] == "break":
                before = max(p for p in located if p[0] <= step["duration"])
                after = min(p for p in located if p[0] >= step["duration"])
                if before[0] == after[0]:
                    assert step["distance"] == before[1]
                else:
                    share = (step["duration"] - before[0]) / (after[0] - before[0])
                    assert abs(step["distance"] - (before[1] + share * (after[1] - before[1]))) < 1


# --- Where a break goes, and what the steps around it say ---------------------------------------

DAY = {
    "vehicles": [
        {
            "id": 3,
            "start_index": 0,
            "end_index": 0,
            "time_window": [28800, 61200],
            "breaks": [
                {
                    "id": 42,
                    "description": "lunch",
                    "time_windows": [[43200, 45000]],
                    "service": 1800,
                }
            ],
        }
    ],
    "jobs": [
        {"id": 7, "location_index": 1, "service": 1800, "time_windows": [[28800, 61200]]},
        {"id": 8, "location_index": 2, "service": 600, "time_windows": [[28800, 61200]]},
    ],
    "matrices": {
        "car": {
            "durations": [[0, 600, 900], [600, 0, 1200], [900, 1200, 0]],
            "distances": [[0, 6000, 9000], [6000, 0, 12000], [9000, 12000, 0]],
        }
    },
}


def write(day, starts, brk, begin, end):
    """Our output for a route serving job 7 then job 8 at ``starts``, the break at ``brk``."""
    instance = parse_vroom(copy.deepcopy(day))
    route = build_route(
        instance.problem, 0, list(zip((0, 1), starts, strict=True)), [(brk, 1800)], begin, end
    )
    out = plan_to_vroom(instance, Plan((route,), (), "solved", 0, 0.0))
    assert vroom_checker.check(day, out).errors == []
    assert semantic_errors(day, out) == []
    return [
        (s["type"], s.get("id"), s["arrival"], s["waiting_time"], s["duration"], s["distance"])
        for s in out["routes"][0]["steps"]
    ]


def test_break_taken_where_the_vehicle_is_then_drive_as_vroom_does():
    # 7 ends at 37800; lunch 43200-45000; 8 starts at 46800: the whole leg fits after lunch.
    assert write(DAY, (36000, 46800), 43200, 35400, 48300) == [
        ("start", None, 35400, 0, 0, 0),
        ("job", 7, 36000, 0, 600, 6000),
        ("break", 42, 37800, 5400, 600, 6000),
        ("job", 8, 46200, 600, 1800, 18000),
        ("end", None, 48300, 0, 2700, 27000),
    ]


def test_leg_driven_first_when_the_job_starts_right_after_lunch():
    assert write(DAY, (36000, 45000), 43200, 35400, 46500) == [
        ("start", None, 35400, 0, 0, 0),
        ("job", 7, 36000, 0, 600, 6000),
        ("break", 42, 39000, 4200, 1800, 18000),
        ("job", 8, 45000, 0, 1800, 18000),
        ("end", None, 46500, 0, 2700, 27000),
    ]


def test_break_on_the_way():
    # 7 ends at 42600, lunch at 43200, 8 at 45600: 600 s driven before lunch, 600 s after.
    assert write(DAY, (40800, 45600), 43200, 40200, 47100) == [
        ("start", None, 40200, 0, 0, 0),
        ("job", 7, 40800, 0, 600, 6000),
        ("break", 42, 43200, 0, 1200, 12000),
        ("job", 8, 45600, 0, 1800, 18000),
        ("end", None, 47100, 0, 2700, 27000),
    ]


def test_break_before_leaving_and_after_the_last_job():
    early = copy.deepcopy(DAY)
    early["vehicles"][0]["breaks"][0]["time_windows"] = [[28800, 30000]]
    assert write(early, (31200, 34200), 28800, 30600, 35700) == [
        ("start", None, 28800, 0, 0, 0),
        ("break", 42, 28800, 0, 0, 0),
        ("job", 7, 31200, 0, 600, 6000),
        ("job", 8, 34200, 0, 1800, 18000),
        ("end", None, 35700, 0, 2700, 27000),
    ]
    # After the last job: lunch where job 8 ended, then home.
    assert write(DAY, (36000, 39000), 43200, 35400, 45900)[-2:] == [
        ("break", 42, 39600, 3600, 1800, 18000),
        ("end", None, 45900, 0, 2700, 27000),
    ]


def test_break_ids_and_description_as_given():
    day = copy.deepcopy(DAY)
    day["vehicles"][0]["breaks"] = [
        {"id": 5, "time_windows": [[50000, 52000]], "service": 900},
        {"id": 42, "description": "lunch", "time_windows": [[43200, 45000]], "service": 1800},
    ]
    instance = parse_vroom(copy.deepcopy(day))
    route = build_route(
        instance.problem, 0, [(0, 36000), (1, 46800)], [(43200, 1800), (50000, 900)], 35400, 51800
    )
    out = plan_to_vroom(instance, Plan((route,), (), "solved", 0, 0.0))
    assert vroom_checker.check(day, out).errors == []
    got = [
        (s["id"], s.get("description")) for s in out["routes"][0]["steps"] if s["type"] == "break"
    ]
    assert got == [(42, "lunch"), (5, None)]


# --- Our solver's plans on generated days with breaks -------------------------------------------


@pytest.mark.parametrize("seed", [21, 22])
def test_our_plans_on_generated_days_are_vroom_exact(seed):
    data = metro_gen.generate(28, 4, seed)
    instance = parse_vroom(copy.deepcopy(data))
    plan = solve(instance.problem, time_limit_s=4, deterministic=True)
    out = plan_to_vroom(instance, plan)
    report = vroom_checker.check(data, out)
    assert report.errors == [], report.errors[:5]
    assert semantic_errors(data, out) == []
    assert report.served + report.unassigned == 28 and report.served >= 20
    for route in out["routes"]:
        vehicle = next(v for v in data["vehicles"] if v["id"] == route["vehicle"])
        taken = [s["id"] for s in route["steps"] if s["type"] == "break"]
        assert taken == [b["id"] for b in vehicle["breaks"]]
        starts = [s["arrival"] + s["waiting_time"] for s in route["steps"]]
        assert starts == sorted(starts)
    assert out["summary"]["service"] == sum(s["service"] for r in out["routes"] for s in r["steps"])


def test_command_line_output_passes_the_independent_checker(tmp_path):
    path = metro_gen.write_day(tmp_path, 30, 4, 5)
    env = dict(os.environ, PYTHONPATH=str(REPO / "field_service_routing"))
    done = subprocess.run(
        [sys.executable, "-m", "solver", "solve", str(path), "--time-limit", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(path.read_text())
    out = json.loads(done.stdout)
    report = vroom_checker.check(data, out)
    assert report.errors == [], report.errors[:5]
    assert report.served + report.unassigned == 30 and report.routes == 4
    assert sum(s["type"] == "break" for r in out["routes"] for s in r["steps"]) == 4


@pytest.mark.parametrize(
    "cell, message", [(2.0, None), (2.5, "whole number"), (True, "must be a number")]
)
def test_matrix_cells_are_whole_numbers(cell, message):
    day = copy.deepcopy(DAY)
    day["matrices"]["car"]["durations"][1][2] = cell
    if message is None:
        assert parse_vroom(day).problem.duration_matrix[1][2] == 2
    else:
        with pytest.raises(ValueError, match=message):
            parse_vroom(day)
