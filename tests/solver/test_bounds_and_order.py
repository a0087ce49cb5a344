"""Every number is bounded before OR-Tools sees it; the plan does not depend on input order."""

import json
import random

import pytest
from solver_helpers import HOUR, day, line_matrix, problem, tech, visit
from test_cli import cli

from solver import Break, Problem, Technician, TimeWindow, Visit, solve
from solver.model import MAX_VALUE

BIG = 2**63  # one past int64


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: TimeWindow(0, BIG), "TimeWindow.end"),
        (lambda: TimeWindow(-BIG, 0), "TimeWindow.start"),
        (lambda: Visit("v", 0, BIG, (day(),)), "service_s"),
        (lambda: visit("v", 0, demand=MAX_VALUE + 1), "demand"),
        (lambda: Break(0, BIG, 60), "Break.end"),
        (lambda: Break(0, 100, BIG), "Break.duration_s"),
        (lambda: tech("t", capacity=BIG), "capacity"),
        (lambda: tech("t", max_visits=BIG), "max_visits"),
        (lambda: visit("v", BIG), "location"),
    ],
)
def test_each_number_is_bounded(build, field):
    with pytest.raises(ValueError, match=f"{field} must be (<= |>= -){MAX_VALUE}"):
        build()


@pytest.mark.parametrize("name", ["duration_matrix", "distance_matrix"])
def test_matrix_entries_are_bounded(name):
    matrix = [list(row) for row in line_matrix(3)]
    matrix[1][2] = BIG
    big = tuple(tuple(row) for row in matrix)
    normal = line_matrix(3)
    matrices = (big, normal) if name == "duration_matrix" else (normal, big)
    with pytest.raises(ValueError, match=rf"{name}\[1\]\[2\] must be <= {MAX_VALUE}"):
        Problem((visit("v", 1),), (tech("t"),), *matrices)


def test_sums_that_would_overflow_int64_are_refused():
    """Each value is allowed, but the drop penalties over many visits exceed int64."""
    n = 300
    matrix = tuple(tuple(0 if i == j else MAX_VALUE for j in range(n)) for i in range(n))
    visits = tuple(visit(f"v{i}", i) for i in range(1, n))
    with pytest.raises(ValueError, match="objective .* would overflow 64-bit integers"):
        Problem(visits, (tech("t"),), matrix)


def test_cli_reports_an_overflowing_matrix_without_a_traceback(tmp_path):
    data = {
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0}],
        "jobs": [{"id": 7, "location_index": 1, "service": 300}],
        # Location 2 is used by no one: only the drop penalty (from the largest entry) overflows.
        "matrices": {"car": {"durations": [[0, 60, 60], [60, 0, 60], [BIG, 60, 0]]}},
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data))
    done = cli("solve", str(path), "--time-limit", "1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and "durations" not in done.stdout
    assert f"must be <= {MAX_VALUE}" in done.stderr


@pytest.mark.parametrize(("x", "message"), [("1e999", "non-finite"), ("1e300", "must be <=")])
def test_cli_reports_solomon_numbers_out_of_range_without_a_traceback(tmp_path, x, message):
    path = tmp_path / "far.txt"
    path.write_text(
        "FAR\n\nVEHICLE\nNUMBER     CAPACITY\n  2         200\n\nCUSTOMER\n"
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n"
        "    0      40         50          0          0       1236          0\n"
        f"    1      {x}      68         10        912        967         90\n"
    )
    done = cli("solve", str(path), "--time-limit", "1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and message in done.stderr


def sites_problem(order_seed):
    """The same day built from sites in another order; locations numbered as they come, as the
    Odoo builder does (technicians' depots first, then visits)."""
    rng = random.Random(7)
    sites = {f"s{k}": (rng.randint(0, 40), rng.randint(0, 40)) for k in range(16)}
    jobs = [(f"job{k}", f"s{k}", 20 + (k * 7) % 25, day(8 + k % 5, 12 + k % 5)) for k in range(16)]
    crew = [("anna", (20, 20)), ("bob", (0, 0)), ("carl", (40, 40))]
    shuffler = random.Random(order_seed)
    if order_seed:
        shuffler.shuffle(jobs)
        shuffler.shuffle(crew)
    points = []

    def location(point):
        points.append(point)
        return len(points) - 1

    techs = []
    for name, home in crew:
        spot = location(home)
        techs.append(
            Technician(name, spot, spot, day(8, 18), breaks=(Break(12 * HOUR, 14 * HOUR, HOUR),))
        )
    visits = [
        Visit(job_id, location(sites[site]), minutes * 60, (window,))
        for job_id, site, minutes, window in jobs
    ]
    # Manhattan travel, 60 s per unit: many equal legs, so ties would reveal any order effect.
    matrix = tuple(
        tuple(60 * (abs(a[0] - b[0]) + abs(a[1] - b[1])) for b in points) for a in points
    )
    return Problem(tuple(visits), tuple(techs), matrix, matrix)


def test_the_same_jobs_in_another_order_give_the_same_plan():
    reference = solve(sites_problem(0), time_limit_s=10, deterministic=True)
    assert reference.routes
    for seed in (1, 2, 3):
        shuffled = solve(sites_problem(seed), time_limit_s=10, deterministic=True)
        assert shuffled.routes == reference.routes, f"order {seed} changed the routes"
        assert shuffled.unassigned == reference.unassigned
        assert shuffled.objective == reference.objective


def test_unassigned_come_in_id_order_whatever_the_input_order():
    visits = [visit(f"v{k}", 1, allowed_technicians=frozenset()) for k in (3, 1, 2)]
    plan = solve(problem(visits, [tech("a")]), time_limit_s=2, deterministic=True)
    assert [u.visit_id for u in plan.unassigned] == ["v1", "v2", "v3"]
