"""The independent checker catches broken plans."""

import dataclasses

from solver_helpers import LEG, problem, tech, visit

from solver import Plan, Route, Stop, Unassigned, check_plan, solve


def good():
    p = problem(
        [visit("a", 2, allowed_technicians=frozenset({"t"})), visit("b", 4)], [tech("t"), tech("u")]
    )
    plan = solve(p, time_limit_s=5, deterministic=True)
    assert check_plan(p, plan) == []
    return p, plan


def test_detects_early_start():
    p, plan = good()
    route = plan.routes[0]
    first = route.stops[0]
    broken = dataclasses.replace(first, start=route.start, arrival=route.start)
    bad = dataclasses.replace(
        plan, routes=(dataclasses.replace(route, stops=(broken, *route.stops[1:])),)
    )
    assert any("impossible" in e or "needs" in e for e in check_plan(p, bad))


def test_detects_served_twice_and_missing():
    p, plan = good()
    route = plan.routes[0]
    doubled = dataclasses.replace(route, stops=route.stops + route.stops[:1])
    assert any(
        "served twice" in e for e in check_plan(p, dataclasses.replace(plan, routes=(doubled,)))
    )
    empty = Plan((), (), "solved", 0, 0.0)
    assert any("neither served" in e for e in check_plan(p, empty))


def test_detects_wrong_technician():
    p, _ = good()
    stop = Stop("a", 8 * 3600 + 2 * LEG, 8 * 3600 + 2 * LEG, 0, 2 * LEG, 2 * LEG)
    route = Route("u", (stop,), (), 8 * 3600, 8 * 3600 + 4 * LEG + 1800, 4 * LEG, 4 * LEG)
    plan = Plan((route,), (Unassigned("b", "capacity"),), "solved", 0, 0.0)
    assert any("not allowed" in e for e in check_plan(p, plan))


def test_detects_window_and_shift_violation():
    p, plan = good()
    route = plan.routes[0]
    late = dataclasses.replace(route, end=23 * 3600)
    assert any(
        "outside shift" in e for e in check_plan(p, dataclasses.replace(plan, routes=(late,)))
    )
