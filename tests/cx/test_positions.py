from datetime import datetime, timedelta

import pytest
from fs_cx_tools import positions

NOW = datetime(2026, 3, 2, 9, 0)
MIN = timedelta(minutes=1)
WORKING = [(datetime(2026, 3, 2, 7, 0), datetime(2026, 3, 2, 11, 0))]
LYON = (45.7640, 4.8357)


def refusal(**overrides):
    values = {
        "en_route": True,
        "own_visit": True,
        "now": NOW,
        "working_intervals": WORKING,
        "latitude": LYON[0],
        "longitude": LYON[1],
        "accuracy": 12.0,
    }
    values.update(overrides)
    return positions.refusal(**values)


def test_a_position_on_the_way_in_working_hours_is_accepted():
    assert refusal() is None
    assert refusal(accuracy=None) is None


def test_not_on_the_way_is_refused_first_whatever_else():
    assert refusal(en_route=False) == positions.NOT_ON_THE_WAY
    assert (
        refusal(en_route=False, own_visit=False, working_intervals=[]) == positions.NOT_ON_THE_WAY
    )


def test_another_technicians_visit_is_refused():
    assert refusal(own_visit=False) == positions.NOT_YOURS


@pytest.mark.parametrize(
    "now",
    [datetime(2026, 3, 2, 6, 59), datetime(2026, 3, 2, 11, 0), datetime(2026, 3, 2, 21, 0)],
)
def test_outside_the_working_intervals_is_refused(now):
    assert refusal(now=now) == positions.OFF_DUTY


def test_no_working_hours_at_all_is_refused():
    assert refusal(working_intervals=[]) == positions.OFF_DUTY


def test_a_second_interval_of_the_day_counts():
    afternoon = (datetime(2026, 3, 2, 12, 0), datetime(2026, 3, 2, 16, 0))
    assert refusal(now=datetime(2026, 3, 2, 13, 0), working_intervals=[*WORKING, afternoon]) is None
    assert refusal(now=datetime(2026, 3, 2, 11, 30), working_intervals=[*WORKING, afternoon]) == (
        positions.OFF_DUTY
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(0.0, 0.0), (91.0, 4.0), (45.0, 181.0), (None, 4.0), ("north", 4.0), (float("nan"), 4.0)],
)
def test_a_point_that_is_not_one_is_refused(latitude, longitude):
    assert refusal(latitude=latitude, longitude=longitude) == positions.BAD_POINT


@pytest.mark.parametrize("accuracy", [-1, "far", float("nan")])
def test_a_bad_accuracy_is_refused(accuracy):
    assert refusal(accuracy=accuracy) == positions.BAD_ACCURACY


def test_sharing_needs_the_way_the_visit_and_the_hours_but_no_point():
    def sharing(**overrides):
        values = {"en_route": True, "own_visit": True, "now": NOW, "working_intervals": WORKING}
        values.update(overrides)
        return positions.sharing_refusal(**values)

    assert sharing() is None
    assert sharing(en_route=False) == positions.NOT_ON_THE_WAY
    assert sharing(own_visit=False) == positions.NOT_YOURS
    assert sharing(now=NOW + timedelta(hours=3)) == positions.OFF_DUTY


def test_off_duty_is_said_before_a_bad_point():
    assert refusal(latitude=0.0, longitude=0.0, working_intervals=[]) == positions.OFF_DUTY


def test_stale_after_three_minutes_without_update():
    assert not positions.is_stale(NOW, NOW)
    assert not positions.is_stale(NOW - 2 * MIN - timedelta(seconds=59), NOW)
    assert positions.is_stale(NOW - 3 * MIN, NOW)
    assert positions.is_stale(NOW - 10 * MIN, NOW)
    assert positions.is_stale(None, NOW)
    assert positions.is_stale(False, NOW)


def test_purge_cutoff_counts_whole_days_and_at_least_one():
    assert positions.purge_before(NOW, 7) == NOW - timedelta(days=7)
    assert positions.purge_before(NOW, "3") == NOW - timedelta(days=3)
    assert positions.purge_before(NOW, 0) == NOW - timedelta(days=1)
    assert positions.purge_before(NOW, None) == NOW - timedelta(days=7)


def test_travel_estimate_follows_distance_detour_and_speed():
    # About 10 km due north: 1.3 × 10 km at 40 km/h is 19.5 minutes.
    north = (LYON[0] + 10 / 111.195, LYON[1])
    seconds = positions.travel_seconds(LYON, north)
    assert 19 * 60 < seconds < 20 * 60
    assert positions.travel_seconds(LYON, north, speed_kmh=80) == pytest.approx(seconds / 2, abs=1)
    assert positions.travel_seconds(LYON, LYON) == 0
    with pytest.raises(ValueError, match="speed"):
        positions.travel_seconds(LYON, north, speed_kmh=0)
    with pytest.raises(ValueError, match="detour"):
        positions.travel_seconds(LYON, north, detour_factor=0.5)


def test_eta_counts_from_receipt_and_never_before_it():
    assert positions.eta_from(NOW, 600) == NOW + 10 * MIN
    assert positions.eta_from(NOW, -30) == NOW
