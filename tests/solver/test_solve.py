"""Plans on small hand-checked problems: invariants, reasons, determinism, edge cases."""

import pytest
from solver_helpers import HOUR, LEG, day, line_matrix, problem, tech, visit

from solver import (
    CAPACITY,
    NO_QUALIFIED_TECHNICIAN,
    WINDOW_UNREACHABLE,
    Break,
    Problem,
    Technician,
    TimeWindow,
    check_plan,
    solve,
)

LIMIT = 5.0


def run(p, deterministic=True):
    plan = solve(p, time_limit_s=LIMIT, deterministic=deterministic)
    assert check_plan(p, plan) == []
    return plan


def served(plan):
    return {s.visit_id: r.technician_id for r in plan.routes for s in r.stops}


def reasons(plan):
    return {u.visit_id: u.reason for u in plan.unassigned}


def test_everything_served_inside_windows_and_shift():
    visits = [
        visit("early", 3, window=TimeWindow(8 * HOUR, 9 * HOUR)),
        visit("late", 3, window=TimeWindow(15 * HOUR, 16 * HOUR)),
        visit("mid", 5, window=TimeWindow(11 * HOUR, 12 * HOUR)),
        visit("any", 2),
    ]
    p = problem(visits, [tech("a", shift=day(8, 18))])
    plan = run(p)
    assert set(served(plan)) == {"early", "late", "mid", "any"}
    stops = {s.visit_id: s for r in plan.routes for s in r.stops}
    for v in visits:
        assert v.time_windows[0].start <= stops[v.id].start <= v.time_windows[0].end
    route = plan.routes[0]
    assert route.start >= 8 * HOUR and route.end <= 18 * HOUR
    assert [s.visit_id for s in route.stops].index("early") < [
        s.visit_id for s in route.stops
    ].index("late")


def test_skills_respected():
    visits = [
        visit("gas", 1, allowed_technicians=frozenset({"b"})),
        visit("elec", 6, allowed_technicians=frozenset({"a"})),
        visit("both", 3, allowed_technicians=frozenset({"a", "b"})),
    ]
    plan = run(problem(visits, [tech("a"), tech("b")]))
    assignment = served(plan)
    assert assignment["gas"] == "b"
    assert assignment["elec"] == "a"
    assert assignment["both"] in {"a", "b"}


def test_break_taken_inside_its_window():
    lunch = Break(int(11.5 * HOUR), 14 * HOUR, 1800)
    visits = [visit(f"v{i}", i % 6 + 1, service_min=60) for i in range(7)]
    p = problem(visits, [tech("a", breaks=(lunch,))])
    plan = run(p)
    (route,) = plan.routes
    (brk,) = route.breaks
    assert lunch.start <= brk.start and brk.start + brk.duration_s <= lunch.end
    assert brk.duration_s == 1800
    for stop in route.stops:
        end = stop.start + 3600
        assert end <= brk.start or stop.start >= brk.start + brk.duration_s


def test_pinned_kept_with_technician_and_order():
    visits = [
        visit("p3", 1, pinned_technician="b", pinned_sequence=3),
        visit("p1", 6, pinned_technician="b", pinned_sequence=1),
        visit("p2", 1, pinned_technician="b", pinned_sequence=2),
        visit("free", 6),
    ]
    plan = run(problem(visits, [tech("a", home=1), tech("b", home=6)]))
    assignment = served(plan)
    assert assignment["p1"] == assignment["p2"] == assignment["p3"] == "b"
    order = [s.visit_id for r in plan.routes for s in r.stops if r.technician_id == "b"]
    pinned = [v for v in order if v.startswith("p")]
    assert pinned == ["p1", "p2", "p3"]


def test_reason_no_qualified_technician():
    visits = [
        visit("nobody", 1, allowed_technicians=frozenset()),
        visit("absent", 2, allowed_technicians=frozenset({"zed"})),
        visit("ok", 3),
    ]
    plan = run(problem(visits, [tech("a")]))
    assert reasons(plan) == {"nobody": NO_QUALIFIED_TECHNICIAN, "absent": NO_QUALIFIED_TECHNICIAN}


def test_reason_window_unreachable():
    # Location 7 is 70 minutes away; a window closing 30 minutes into the shift cannot be reached.
    visits = [visit("far", 7, window=TimeWindow(8 * HOUR, int(8.5 * HOUR))), visit("ok", 1)]
    plan = run(problem(visits, [tech("a")]))
    assert reasons(plan) == {"far": WINDOW_UNREACHABLE}


def test_reason_window_unreachable_because_of_return():
    # Service ends at 16:50; going home takes 70 minutes, past the 17:00 end of shift.
    visits = [visit("late", 7, service_min=50, window=TimeWindow(16 * HOUR, 16 * HOUR))]
    plan = run(problem(visits, [tech("a")]))
    assert reasons(plan) == {"late": WINDOW_UNREACHABLE}


def test_reason_capacity_when_the_day_is_full():
    # Each visit takes 3 h plus travel; a 9 h shift holds two of them, not three.
    visits = [visit(f"v{i}", 1, service_min=180, priority=10 * i) for i in range(3)]
    plan = run(problem(visits, [tech("a")]))
    assert len(served(plan)) == 2
    assert reasons(plan) == {"v0": CAPACITY}  # the lowest priority one is dropped


def test_reason_capacity_for_load():
    visits = [visit("big", 1, demand=8), visit("a", 2, demand=3), visit("b", 3, demand=3)]
    plan = run(problem(visits, [tech("t", capacity=10)]))
    assert len(plan.unassigned) == 1
    assert plan.unassigned[0].reason == CAPACITY
    assert sum({"big": 8, "a": 3, "b": 3}[v] for v in served(plan)) <= 10


def test_max_visits():
    visits = [visit(f"v{i}", i + 1, service_min=10) for i in range(4)]
    plan = run(problem(visits, [tech("t", max_visits=2)]))
    assert len(served(plan)) == 2
    assert {u.reason for u in plan.unassigned} == {CAPACITY}


def test_determinism():
    visits = [
        visit(f"v{i}", i % 7 + 1, service_min=20 + i, window=day(8 + i % 4, 13 + i % 4))
        for i in range(14)
    ]
    p = problem(visits, [tech("a"), tech("b", home=7), tech("c", home=3)])
    first = solve(p, time_limit_s=LIMIT, deterministic=True)
    second = solve(p, time_limit_s=LIMIT, deterministic=True)
    assert first.routes == second.routes
    assert first.unassigned == second.unassigned


def test_zero_visits():
    plan = run(problem([], [tech("a")]))
    assert plan.routes == () and plan.unassigned == ()


def test_zero_technicians():
    plan = run(problem([visit("a", 1), visit("b", 2)], []))
    assert reasons(plan) == {"a": NO_QUALIFIED_TECHNICIAN, "b": NO_QUALIFIED_TECHNICIAN}


def test_all_visits_at_one_point():
    visits = [visit(f"v{i}", 4, service_min=15) for i in range(10)]
    plan = run(problem(visits, [tech("a"), tech("b")]))
    assert len(served(plan)) == 10
    assert sum(r.travel_s for r in plan.routes) == 2 * 4 * LEG  # one technician goes


def test_more_work_than_capacity():
    visits = [visit(f"v{i}", i % 7 + 1, service_min=120) for i in range(12)]
    plan = run(problem(visits, [tech("a"), tech("b")]))
    assert 4 <= len(served(plan)) < 12
    assert len(served(plan)) + len(plan.unassigned) == 12
    assert {u.reason for u in plan.unassigned} == {CAPACITY}


def test_open_end_technician():
    p = Problem((visit("v", 7),), (Technician("a", 0, None, day()),), line_matrix(8))
    plan = run(p)
    (route,) = plan.routes
    assert route.travel_s == 7 * LEG  # no way back


def test_duration_objective_prefers_short_tours():
    visits = [visit("x", 2), visit("y", 3)]
    plan = run(problem(visits, [tech("a"), tech("b", home=7)]))
    assert sum(r.travel_s for r in plan.routes) == 6 * LEG


def test_time_limit_enforced():
    visits = [visit(f"v{i}", i % 7 + 1, service_min=5) for i in range(30)]
    p = problem(visits, [tech("a"), tech("b")])
    plan = solve(p, time_limit_s=1.0)
    assert plan.wall_time_s < 1.5


@pytest.mark.parametrize("limit", [0, -1, float("nan"), float("inf")])
def test_bad_time_limit(limit):
    with pytest.raises(ValueError):
        solve(problem([], []), time_limit_s=limit)
