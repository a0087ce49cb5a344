from solver.eta import Leg, project_arrivals

MATRIX = ((0, 600, 900), (600, 0, 300), (900, 300, 0))


def test_waits_for_a_window_that_has_not_opened():
    legs = [Leg("a", 1, 1800, 3600, 7200), Leg("b", 2, 600, 0, 99999)]
    first, second = project_arrivals(0, 0, legs, MATRIX)
    assert (first.arrival, first.start, first.late_s) == (600, 3600, 0)
    assert (second.arrival, second.travel_s) == (3600 + 1800 + 300, 300)


def test_lateness_is_kept_not_dropped():
    legs = [Leg("a", 1, 3600, 0, 1000), Leg("b", 2, 0, 0, 4000)]
    first, second = project_arrivals(800, 0, legs, MATRIX)
    assert (first.arrival, first.late_s) == (1400, 400)
    assert (second.arrival, second.late_s) == (1400 + 3600 + 300, 1400 + 3600 + 300 - 4000)


def test_no_legs_no_projection():
    assert project_arrivals(0, 0, [], MATRIX) == ()
