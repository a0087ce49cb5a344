"""The solve in a child process: same plan as in-process, hard kill, every failure told."""

import json
import signal
import subprocess
import sys
import time

import pytest
from solver_helpers import HOUR, day, problem, tech, visit

from solver import Break, TimeWindow, solve
from solver.isolated import (
    ADDON_DIR,
    CRASHED,
    INVALID,
    TIMEOUT,
    SolveFailed,
    margin_s,
    plan_from_json,
    plan_to_json,
    problem_from_json,
    problem_to_json,
    solve_isolated,
)


def day_problem():
    visits = [
        visit("early", 3, window=TimeWindow(8 * HOUR, 9 * HOUR), priority=5, demand=2),
        visit("gas", 5, allowed_technicians=frozenset({"b"})),
        visit("pinned", 2, pinned_technician="a", pinned_sequence=0),
        visit("any", 6, window=day(10, 16)),
    ]
    techs = [
        tech("a", breaks=(Break(12 * HOUR, 14 * HOUR, HOUR),), capacity=4),
        tech("b", home=7, max_visits=3),
    ]
    return problem(visits, techs)


def test_problem_and_plan_survive_the_trip_unchanged():
    p = day_problem()
    assert problem_from_json(problem_to_json(p)) == p
    plan = solve(p, time_limit_s=3, deterministic=True)
    assert plan.routes
    assert plan_from_json(plan_to_json(plan)) == plan


def test_the_child_gives_the_plan_solve_gives():
    p = day_problem()
    began = time.monotonic()
    isolated = solve_isolated(p, time_limit_s=3, deterministic=True)
    elapsed = time.monotonic() - began
    direct = solve(p, time_limit_s=3, deterministic=True)
    assert isolated.routes == direct.routes
    assert isolated.unassigned == direct.unassigned
    assert elapsed < 3 + margin_s(3)


def test_a_hanging_solve_is_killed_at_its_limit_plus_margin():
    began = time.monotonic()
    with pytest.raises(SolveFailed) as failed:
        solve_isolated(day_problem(), time_limit_s=1, drill="hang")
    elapsed = time.monotonic() - began
    assert failed.value.kind == TIMEOUT
    assert 1 + margin_s(1) <= elapsed < 1 + margin_s(1) + 2


@pytest.mark.parametrize(
    ("drill", "detail"),
    [("crash", "RuntimeError: drill: the solver crashed"), ("die", "killed by SIGKILL")],
)
def test_a_crash_or_a_killed_child_is_reported(drill, detail):
    with pytest.raises(SolveFailed) as failed:
        solve_isolated(day_problem(), time_limit_s=1, drill=drill)
    assert failed.value.kind == CRASHED
    assert detail in failed.value.detail


def test_bad_input_reaching_the_child_is_reported_as_invalid():
    with pytest.raises(SolveFailed) as failed:
        solve_isolated(day_problem(), time_limit_s=-1)
    assert failed.value.kind == INVALID
    assert "time_limit_s must be a positive finite number" in failed.value.detail


def test_a_child_outliving_its_caller_ends_itself_after_the_kill_time():
    """As if the caller had died: nobody kills the hanging child, its own alarm does."""
    request = {
        "problem": problem_to_json(day_problem()),
        "time_limit_s": 1,
        "deterministic": True,
        "drill": "hang",
        "kill_after_s": 1.5,
    }
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "solver.isolated"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ADDON_DIR,
        timeout=30,
        check=False,
    )
    assert done.returncode == -signal.SIGALRM
    assert time.monotonic() - began < 5
