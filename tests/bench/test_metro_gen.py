"""The metro day generator: deterministic with a seed, and the days it writes are what the
benchmark promises (sizes, skills, shifts, lunch windows, job windows, priorities, geography)."""

import json
import math

import metro_gen
import pytest

from solver.vroom_io import parse_vroom


@pytest.fixture(scope="module")
def day150():
    return metro_gen.generate(150, 22, 150)


def test_same_seed_same_day_other_seed_other_day(tmp_path):
    assert metro_gen.generate(40, 6, 3) == metro_gen.generate(40, 6, 3)
    assert metro_gen.generate(40, 6, 3) != metro_gen.generate(40, 6, 4)
    first = metro_gen.write_day(tmp_path / "a", 150).read_bytes()
    second = metro_gen.write_day(tmp_path / "b", 150).read_bytes()
    assert first == second
    assert json.loads(first) == metro_gen.generate(150, 22, 150)


def test_cli_writes_the_requested_days(tmp_path, capsys):
    assert metro_gen.main(["--out", str(tmp_path), "--jobs", "150"]) == 0
    data = json.loads((tmp_path / "metro_150.json").read_text())
    assert len(data["jobs"]) == 150 and len(data["vehicles"]) == 22
    assert "metro_150.json" in capsys.readouterr().out


def test_sizes_of_the_benchmark_days():
    assert metro_gen.DAYS == {150: (22, 150), 400: (60, 400), 1000: (140, 1000)}


def test_technicians_shifts_skills_and_lunch(day150):
    vehicles = day150["vehicles"]
    assert len({v["id"] for v in vehicles}) == 22
    held = set()
    for vehicle in vehicles:
        start, end = vehicle["time_window"]
        assert 27000 <= start <= 32400 and start % 900 == 0  # 07:30 .. 09:00
        assert end - start == 8 * 3600
        assert 2 <= len(vehicle["skills"]) <= 3 and set(vehicle["skills"]) <= {1, 2, 3, 4, 5}
        held |= set(vehicle["skills"])
        assert vehicle["start_index"] == vehicle["end_index"]
        (lunch,) = vehicle["breaks"]
        assert lunch["service"] == 1800
        assert lunch["time_windows"] == [[12 * 3600, 13 * 3600 + 1800]]  # ends by 14:00
    assert held == {1, 2, 3, 4, 5}
    starts = {v["time_window"][0] for v in vehicles}
    assert len(starts) > 2, "shift starts should vary"
    break_ids = {v["breaks"][0]["id"] for v in vehicles}
    assert len(break_ids) == 22
    assert not break_ids & ({v["id"] for v in vehicles} | {j["id"] for j in day150["jobs"]})


def test_jobs_skills_windows_priorities(day150):
    vehicles = day150["vehicles"]
    sizes = {1: 0, 2: 0}
    for job in day150["jobs"]:
        need = set(job["skills"])
        sizes[len(need)] += 1
        assert any(need <= set(v["skills"]) for v in vehicles), job
        ((opens, closes),) = job["time_windows"]
        assert closes - opens in (2 * 3600, 3 * 3600, 4 * 3600)
        assert opens >= 8 * 3600 and closes <= 17 * 3600
        assert 900 <= job["service"] <= 5400
        assert job["priority"] in (0, 10, 50)
    assert sizes[1] > sizes[2] > 0
    assert len({j["priority"] for j in day150["jobs"]}) == 3


def test_matrices_are_metro_travel(day150):
    car = day150["matrices"]["car"]
    durations, distances = car["durations"], car["distances"]
    points = day150["meta"]["points_m"]
    n = 22 + 150
    assert len(durations) == len(distances) == len(points) == n
    for i in range(n):
        assert durations[i][i] == 0 and distances[i][i] == 0
        assert all(0 <= c <= 30_000 for c in points[i])
        for j in range(0, n, 7):
            assert durations[i][j] == durations[j][i]
            crow = math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1])
            assert abs(distances[i][j] - 1.3 * crow) <= 0.5
            assert durations[i][j] == math.ceil(1.3 * crow / (30_000 / 3600))
    longest = max(max(row) for row in durations)
    assert 3000 < longest <= math.ceil(1.3 * 30_000 * math.sqrt(2) / (30_000 / 3600))


def test_solver_reads_the_day(day150):
    instance = parse_vroom(day150)
    problem = instance.problem
    assert len(problem.visits) == 150 and len(problem.technicians) == 22
    tech = problem.technicians[0]
    assert tech.breaks[0].duration_s == 1800
    assert tech.breaks[0].end - tech.breaks[0].duration_s == 13 * 3600 + 1800
