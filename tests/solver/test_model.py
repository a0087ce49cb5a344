"""Validation of the input dataclasses."""

import math

import pytest
from solver_helpers import day, line_matrix, problem, tech, visit

from solver import Break, Problem, Technician, TimeWindow, Visit


def test_window_end_before_start():
    with pytest.raises(ValueError, match="ends before it starts"):
        TimeWindow(100, 50)


@pytest.mark.parametrize("bad", [1.5, 2.0, math.nan, True, "10"])
def test_floats_nan_bool_rejected(bad):
    with pytest.raises(ValueError, match="integer"):
        TimeWindow(bad, 200)


def test_negative_service():
    with pytest.raises(ValueError, match="service_s must be >= 0"):
        Visit("v", 0, -5, (TimeWindow(0, 10),))


def test_nan_service():
    with pytest.raises(ValueError, match="NaN"):
        Visit("v", 0, math.nan, (TimeWindow(0, 10),))


def test_break_longer_than_window():
    with pytest.raises(ValueError, match="shorter than its duration"):
        Break(0, 100, 200)


def test_priority_range():
    with pytest.raises(ValueError, match="priority"):
        visit("v", 1, priority=101)


def test_duplicate_visit_ids():
    with pytest.raises(ValueError, match="duplicate visit id"):
        problem([visit("a", 1), visit("a", 2)], [tech("t")])


def test_duplicate_technician_ids():
    with pytest.raises(ValueError, match="duplicate technician id"):
        problem([], [tech("t"), tech("t")])


def test_matrix_not_square():
    with pytest.raises(ValueError, match="not square"):
        Problem((), (), ((0, 1), (1,)))


def test_matrix_float_entry():
    with pytest.raises(ValueError, match="integer"):
        Problem((), (), ((0, 1.5), (1, 0)))


def test_location_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        Problem((visit("v", 9),), (), line_matrix(3))


def test_technician_location_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        Problem((), (Technician("t", 5, None, day()),), line_matrix(3))


def test_break_outside_shift():
    with pytest.raises(ValueError, match="outside shift"):
        tech("t", breaks=(Break(0, 3600, 600),))


def test_distance_objective_needs_distances():
    with pytest.raises(ValueError, match="distance_matrix"):
        Problem((), (), line_matrix(2), objective="distance")


def test_shared_pinned_sequence():
    with pytest.raises(ValueError, match="share pinned_sequence"):
        problem(
            [
                visit("a", 1, pinned_technician="t", pinned_sequence=1),
                visit("b", 2, pinned_technician="t", pinned_sequence=1),
            ],
            [tech("t")],
        )
