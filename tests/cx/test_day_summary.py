from datetime import datetime

from fs_cx_tools.day_sheet import DayStop, summarize_day


def stop(eta=None, start=None, minutes=0.0, km=0.0, is_open=True):
    return DayStop(
        window_start=start, eta=eta, travel_minutes=minutes, travel_km=km, is_open=is_open
    )


def test_departure_is_the_first_arrival_less_its_travel_and_km_add_up():
    summary = summarize_day(
        [
            stop(eta=datetime(2026, 12, 1, 8, 5), minutes=25, km=12.25, is_open=False),
            stop(eta=datetime(2026, 12, 1, 10, 0), minutes=10, km=4.3),
        ]
    )
    assert summary.visits == 2
    assert summary.open_visits == 1
    assert summary.first_departure == datetime(2026, 12, 1, 7, 40)
    assert summary.km == 16.6


def test_unplanned_day_leaves_at_the_first_window_and_an_empty_day_never():
    summary = summarize_day([stop(start=datetime(2026, 12, 1, 9, 0))])
    assert summary.first_departure == datetime(2026, 12, 1, 9, 0)
    assert summary.km == 0.0
    assert summarize_day([]).first_departure is None
