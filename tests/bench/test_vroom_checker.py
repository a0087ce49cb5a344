"""The benchmark's independent VROOM-format checker: it accepts a correct plan (written here by
hand, and VROOM's own documented output) and catches each kind of mistake."""

import copy
import json

import pytest
from vroom_checker import check, format_report, main

DURATIONS = [
    [0, 600, 900, 1200],
    [600, 0, 300, 600],
    [900, 300, 0, 300],
    [1200, 600, 300, 0],
]
INPUT = {
    "vehicles": [
        {
            "id": 1,
            "start_index": 0,
            "end_index": 0,
            "skills": [1, 2],
            "time_window": [28800, 61200],
            "breaks": [{"id": 77, "time_windows": [[43200, 45000]], "service": 1800}],
        },
        {"id": 2, "start_index": 0, "end_index": 0, "skills": [3], "time_window": [28800, 61200]},
    ],
    "jobs": [
        {"id": 10, "location_index": 1, "service": 600, "skills": [1], "priority": 5,
         "time_windows": [[30000, 36000]]},
        {"id": 11, "location_index": 2, "service": 600, "skills": [2],
         "time_windows": [[40000, 50000]]},
        {"id": 12, "location_index": 3, "service": 600, "skills": [3]},
    ],
    "matrices": {
        "car": {"durations": DURATIONS, "distances": [[10 * x for x in r] for r in DURATIONS]}
    },
}  # fmt: skip


def step(kind, arrival, duration, *, waiting=0, service=0, **extra):
    out = {"type": kind, **extra, "setup": 0, "service": service, "waiting_time": waiting}
    out.update(arrival=arrival, duration=duration, distance=10 * duration, violations=[])
    return out


# Vehicle 1: home -> 10 (30000) -> 11 (waits for 40000) -> lunch (waits for 43200) -> home.
OUTPUT = {
    "code": 0,
    "summary": {
        "cost": 4200, "routes": 2, "unassigned": 0, "setup": 0, "service": 3600,
        "duration": 4200, "waiting_time": 11700, "priority": 5, "distance": 42000,
        "violations": [],
    },
    "unassigned": [],
    "routes": [
        {
            "vehicle": 1, "cost": 1800, "setup": 0, "service": 3000, "duration": 1800,
            "waiting_time": 11700, "priority": 5, "distance": 18000,
            "steps": [
                step("start", 29400, 0, location_index=0),
                step("job", 30000, 600, service=600, location_index=1, id=10),
                step("job", 30900, 900, service=600, waiting=9100, location_index=2, id=11),
                step("break", 40600, 900, service=1800, waiting=2600, id=77),
                step("end", 45900, 1800, location_index=0),
            ],
        },
        {
            "vehicle": 2, "cost": 2400, "setup": 0, "service": 600, "duration": 2400,
            "waiting_time": 0, "priority": 0, "distance": 24000,
            "steps": [
                step("start", 28800, 0, location_index=0),
                step("job", 30000, 1200, service=600, location_index=3, id=12),
                step("end", 31800, 2400, location_index=0),
            ],
        },
    ],
}  # fmt: skip


def steps_of(output, vehicle):
    return next(r for r in output["routes"] if r["vehicle"] == vehicle)["steps"]


def errors(data, output):
    return check(data, output).errors


def test_a_correct_plan_passes_with_recomputed_figures():
    report = check(INPUT, OUTPUT)
    assert report.errors == []
    assert (report.served, report.unassigned, report.routes) == (3, 0, 2)
    assert report.travel_s == 4200 and report.distance_m == 42000 and report.priority == 5
    assert format_report(report).startswith("feasible=True served=3")


def test_skill_mismatch():
    data = copy.deepcopy(INPUT)
    data["vehicles"][1]["skills"] = [4]
    assert errors(data, OUTPUT) == ["vehicle 2 step 1 (job 12): needs skills [3] the vehicle lacks"]


def test_window_miss():
    data = copy.deepcopy(INPUT)
    data["jobs"][0]["time_windows"] = [[31000, 36000]]
    assert errors(data, OUTPUT) == [
        "vehicle 1 step 1 (job 10): starts at 30000, outside [[31000, 36000]]"
    ]


def test_break_outside_its_window():
    data = copy.deepcopy(INPUT)
    data["vehicles"][0]["breaks"][0]["time_windows"] = [[44000, 45000]]
    assert errors(data, OUTPUT) == [
        "vehicle 1 step 3 (break 77): starts at 43200, outside [[44000, 45000]]"
    ]


def test_break_with_another_id_or_missing():
    output = copy.deepcopy(OUTPUT)
    steps_of(output, 1)[3]["id"] = 1
    found = errors(INPUT, output)
    assert "vehicle 1 step 3 (break 1): the vehicle has no break with this id" in found
    assert "vehicle 1: breaks [77] not taken" in found


def test_wrong_chronology():
    """The issue's case: a job listed after a break that, by the times given, comes later."""
    output = copy.deepcopy(OUTPUT)
    steps = steps_of(output, 1)
    steps[2], steps[3] = steps[3], steps[2]
    found = errors(INPUT, output)
    assert any("steps out of chronological order" in e for e in found), found


def test_arrival_plus_waiting_must_be_the_start():
    output = copy.deepcopy(OUTPUT)
    steps_of(output, 1)[2]["waiting_time"] = 9000  # starts at 39900: before the window
    found = errors(INPUT, output)
    assert "vehicle 1 step 2 (job 11): starts at 39900, outside [[40000, 50000]]" in found
    assert any("step 3 (break 77): arrival 40600 != previous end 40500" in e for e in found)


def test_duplicated_job():
    output = copy.deepcopy(OUTPUT)
    steps = steps_of(output, 2)
    steps.insert(2, step("job", 31800, 1800, service=600, location_index=3, id=12))
    steps[-1].update(arrival=33000 + 600, duration=3000 + 600, distance=36000)
    found = errors(INPUT, output)
    assert "vehicle 2 step 2 (job 12): job already served by vehicle 2" in found


def test_served_and_unassigned_or_forgotten():
    output = copy.deepcopy(OUTPUT)
    output["unassigned"] = [{"id": 10, "type": "job"}]
    output["summary"]["unassigned"] = 1
    assert errors(INPUT, output) == ["job 10: both served and unassigned"]
    output = copy.deepcopy(OUTPUT)
    output["routes"].pop()
    output["summary"].update(routes=1, cost=1800, service=3000, duration=1800, distance=18000)
    assert errors(INPUT, output) == ["job 12: neither served nor unassigned"]


def test_travel_is_recomputed_from_the_matrix():
    output = copy.deepcopy(OUTPUT)
    for k in (2, 3, 4):
        steps_of(output, 1)[k]["duration"] -= 100
        steps_of(output, 1)[k]["arrival"] -= 100 if k == 2 else 0
    steps_of(output, 1)[2]["waiting_time"] += 100
    found = errors(INPUT, output)
    assert "vehicle 1 step 2 (job 11): duration 800, the matrix says 900 since the start" in found


def test_shift_and_totals():
    data = copy.deepcopy(INPUT)
    data["vehicles"][0]["time_window"] = [28800, 45000]
    assert errors(data, OUTPUT) == [
        "vehicle 1 step 4 (end): arrives at 45900, after the shift [28800, 45000]"
    ]
    output = copy.deepcopy(OUTPUT)
    output["summary"]["duration"] = 4000
    output["routes"][0]["service"] = 1200  # without the break's service
    assert errors(INPUT, output) == [
        "vehicle 1: route service 1200, steps add up to 3000",
        "summary: service 3600, routes add up to 1800",
        "summary: duration 4000, routes add up to 4200",
    ]


def test_command_line(tmp_path, capsys):
    (tmp_path / "in.json").write_text(json.dumps(INPUT))
    (tmp_path / "out.json").write_text(json.dumps(OUTPUT))
    assert main([str(tmp_path / "in.json"), str(tmp_path / "out.json")]) == 0
    bad = copy.deepcopy(OUTPUT)
    bad["routes"][1]["steps"][1]["id"] = 10
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert main([str(tmp_path / "in.json"), str(tmp_path / "bad.json")]) == 1
    assert "feasible=False" in capsys.readouterr().out


@pytest.mark.parametrize("key", ["arrival", "duration"])
def test_malformed_step(key):
    output = copy.deepcopy(OUTPUT)
    del steps_of(output, 2)[1][key]
    assert any("vehicle 2: malformed route" in e for e in errors(INPUT, output))
