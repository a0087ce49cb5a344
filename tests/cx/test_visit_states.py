import pytest
from fs_cx_tools import visit_states as vs


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (vs.SCHEDULED, vs.EN_ROUTE),
        (vs.CONFIRMED, vs.EN_ROUTE),
        (vs.EN_ROUTE, vs.ON_SITE),
        (vs.ON_SITE, vs.DONE),
        (vs.EN_ROUTE, vs.NOT_HOME),
        (vs.CANCELLED, vs.TO_SCHEDULE),
    ],
)
def test_the_day_moves_forward(current, target):
    assert vs.move_problem(current, target) is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (vs.TO_SCHEDULE, vs.DONE),
        (vs.SCHEDULED, vs.ON_SITE),
        (vs.DONE, vs.CANCELLED),
        (vs.ON_SITE, vs.CANCELLED),
        (vs.CANCELLED, vs.DONE),
    ],
)
def test_impossible_moves_are_explained(current, target):
    problem = vs.move_problem(current, target)
    assert problem and vs.LABELS[current].lower() in problem


def test_every_state_has_a_move_table_entry():
    assert set(vs.MOVES) == {key for key, _label in vs.STATES}
    assert set(vs.OPEN_STATES) | set(vs.CLOSED_STATES) == set(vs.MOVES)


@pytest.mark.parametrize("current", [vs.ON_SITE, vs.EN_ROUTE])
def test_a_visit_under_way_can_end_unfinished(current):
    assert vs.move_problem(current, vs.UNFINISHED) is None


@pytest.mark.parametrize("current", [vs.SCHEDULED, vs.CONFIRMED, vs.DONE, vs.NOT_HOME])
def test_only_a_visit_under_way_ends_unfinished(current):
    assert vs.move_problem(current, vs.UNFINISHED)


def test_an_unfinished_visit_is_closed_and_done_no_more():
    assert vs.UNFINISHED in vs.CLOSED_STATES
    assert vs.UNFINISHED not in vs.OPEN_STATES + vs.PLANNED_STATES
    assert vs.move_problem(vs.UNFINISHED, vs.DONE)
    assert vs.move_problem(vs.UNFINISHED, vs.TO_SCHEDULE) is None  # the office reopens it
