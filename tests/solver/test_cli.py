"""The command line: VROOM JSON in and out, Solomon files, errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from solver import check_plan, solve
from solver.solomon_io import parse_solomon, route_length

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "vrptw"
C101 = DATA / "solomon" / "C101.txt"


def cli(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(REPO / "field_service_routing"))
    return subprocess.run(
        [sys.executable, "-m", "solver", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
        check=False,
    )


VROOM_INPUT = {
    "vehicles": [
        {
            "id": 1,
            "start_index": 0,
            "end_index": 0,
            "time_window": [28800, 61200],
            "skills": [1],
            "capacity": [4],
            "breaks": [{"id": 1, "time_windows": [[43200, 46800]], "service": 1800}],
        },
        {
            "id": 2,
            "start_index": 0,
            "end_index": 0,
            "time_window": [28800, 61200],
            "skills": [2],
            "capacity": [4],
        },
    ],
    "jobs": [
        {"id": 10, "location_index": 1, "service": 900, "skills": [1], "delivery": [1]},
        {
            "id": 11,
            "location_index": 2,
            "service": 900,
            "skills": [2],
            "delivery": [1],
            "time_windows": [[36000, 39600]],
        },
        {"id": 12, "location_index": 3, "service": 900, "delivery": [1]},
        {"id": 13, "location_index": 2, "service": 900, "skills": [3]},
    ],
    "matrices": {
        "car": {
            "durations": [
                [0, 600, 900, 1200],
                [600, 0, 300, 600],
                [900, 300, 0, 300],
                [1200, 600, 300, 0],
            ],
            "distances": [
                [0, 6000, 9000, 12000],
                [6000, 0, 3000, 6000],
                [9000, 3000, 0, 3000],
                [12000, 6000, 3000, 0],
            ],
        }
    },
}


def test_vroom_json_round_trip(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(VROOM_INPUT))
    done = cli("solve", str(path), "--time-limit", "3", "--deterministic")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["code"] == 0
    assert out["summary"]["routes"] == len(out["routes"]) == 2
    assert out["unassigned"] == [
        {
            "id": 13,
            "type": "job",
            "location_index": 2,
            "reason": "no_qualified_technician",
            "detail": "no technician has the required skills",
        }
    ]
    jobs = {
        s["id"]: (r["vehicle"], s) for r in out["routes"] for s in r["steps"] if s["type"] == "job"
    }
    assert jobs[10][0] == 1 and jobs[11][0] == 2
    assert 36000 <= jobs[11][1]["arrival"] + jobs[11][1]["waiting_time"] <= 39600
    breaks = [s for r in out["routes"] for s in r["steps"] if s["type"] == "break"]
    assert len(breaks) == 1 and breaks[0]["id"] == 1
    assert 43200 <= breaks[0]["arrival"] + breaks[0]["waiting_time"] <= 46800
    for route in out["routes"]:
        assert route["steps"][0]["type"] == "start" and route["steps"][-1]["type"] == "end"
    assert out["summary"]["distance"] == sum(r["distance"] for r in out["routes"])


def test_vroom_coordinates_without_matrix(tmp_path):
    data = {
        "vehicles": [{"id": 7, "start": [2.35, 48.85], "end": [2.35, 48.85]}],
        "jobs": [
            {"id": 1, "location": [2.36, 48.86], "service": 600},
            {"id": 2, "location": [2.30, 48.87], "service": 600},
        ],
    }
    path = tmp_path / "coords.json"
    path.write_text(json.dumps(data))
    done = cli("solve", str(path), "--time-limit", "2", "--deterministic")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["summary"]["unassigned"] == 0
    assert out["routes"][0]["steps"][1]["location"] in ([2.36, 48.86], [2.30, 48.87])


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "neither a Solomon file nor valid JSON"),
        (
            json.dumps(
                {
                    "jobs": [{"id": 1, "location_index": 0}],
                    "vehicles": [{"id": 1, "start_index": 0, "time_window": [100, 50]}],
                    "matrices": {"car": {"durations": [[0]]}},
                }
            ),
            "ends before it starts",
        ),
        (
            json.dumps(
                {
                    "jobs": [{"id": 1, "location_index": 5, "service": 1.5}],
                    "vehicles": [],
                    "matrices": {"car": {"durations": [[0]]}},
                }
            ),
            "whole number",
        ),
    ],
)
def test_malformed_input_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = cli("solve", str(path))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_solomon_c101_through_cli():
    assert C101.exists(), f"{C101} is missing: the repository expects ../shared beside it"
    done = cli("solve", str(C101), "--time-limit", "8")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["summary"]["unassigned"] == 0
    assert out["summary"]["distance"] <= 828.94 * 1.03
    served = sorted(s["id"] for r in out["routes"] for s in r["steps"] if s["type"] == "job")
    assert served == list(range(1, 101))


def test_solomon_c101_feasible_per_checker():
    assert C101.exists(), f"{C101} is missing: the repository expects ../shared beside it"
    instance = parse_solomon(C101.read_text())
    plan = solve(instance.problem, time_limit_s=5)
    assert check_plan(instance.problem, plan) == []
    distance = sum(
        route_length(instance.coords, [int(s.visit_id) for s in r.stops]) for r in plan.routes
    )
    assert distance <= 828.94 * 1.03
