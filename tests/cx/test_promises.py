import pytest
from fs_cx_tools import promises

HOUR = promises.Duration(55, 70)


def day(stops=10, travel=20, spacing=None):
    """A day of ``stops`` hour-long jobs; ``spacing`` gives each stop a planned start."""
    return [
        promises.DayStop(travel, HOUR, None if spacing is None else index * spacing)
        for index in range(stops)
    ]


def test_a_log_normal_is_fitted_to_the_median_and_the_p80():
    import random

    rng = random.Random(3)
    draws = sorted(HOUR.draw(rng) for _ in range(20000))
    assert draws[10000] == pytest.approx(55, rel=0.03)
    assert draws[16000] == pytest.approx(70, rel=0.03)
    fixed = promises.Duration(60, 60)
    assert fixed.draw(rng) == 60 and fixed.sigma == 0
    with pytest.raises(ValueError):
        promises.Duration(70, 55)


def test_the_same_seed_gives_the_same_intervals():
    first = promises.simulate_day(0, day(), seed=5)
    assert first == promises.simulate_day(0, day(), seed=5)
    assert first != promises.simulate_day(0, day(), seed=6)


def test_intervals_widen_along_the_day():
    intervals = promises.simulate_day(0, day())
    widths = [i.p90 - i.p10 for i in intervals]
    assert intervals[0].p10 == pytest.approx(16.8, abs=0.5)  # 20 min ±20 %, uniform
    assert intervals[0].p90 == pytest.approx(23.2, abs=0.5)
    assert widths == sorted(widths) and widths[-1] > 2 * widths[1] > 0  # grows like √n
    assert all(i.p10 <= i.p50 <= i.p90 for i in intervals)
    assert [i.p50 for i in intervals] == sorted(i.p50 for i in intervals)


def test_a_stop_is_never_reached_before_its_planned_start():
    # Two-hour spacing: the first hour-long stops wait, so their intervals start on time.
    intervals = promises.simulate_day(0, day(stops=4, spacing=120))
    for index, interval in enumerate(intervals):
        assert interval.p10 >= index * 120
    assert intervals[1].p10 == intervals[1].p50 == 120, "mostly waits for its start"
    assert intervals[1].p90 < 135


def test_a_window_is_the_interval_rounded_out_to_the_quarter_hour_and_at_least_30_min():
    assert promises.window_for(promises.Interval(61, 70, 83)) == (60, 90)
    assert promises.window_for(promises.Interval(120, 120, 120)) == (120, 150)
    assert promises.window_for(promises.Interval(95, 130, 190)) == (90, 195)
    start, end = promises.window_for(promises.Interval(7, 50, 101), step=10, minimum=20)
    assert (start, end) == (0, 110)
    with pytest.raises(ValueError):
        promises.window_for(promises.Interval(0, 0, 0), step=0)


def test_windows_are_never_narrower_than_the_simulation():
    for interval in promises.simulate_day(0, day()):
        start, end = promises.window_for(interval)
        assert start <= interval.p10 and interval.p90 <= end
        assert end - start >= promises.MIN_WIDTH_MINUTES
        assert start % 15 == 0 and end % 15 == 0


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        promises.simulate_day(0, day(), runs=0)
    with pytest.raises(ValueError):
        promises.simulate_day(0, day(), travel_noise=1.5)
    with pytest.raises(ValueError):
        promises.DayStop(-1, HOUR)
