from datetime import datetime, timedelta

from fs_cx_tools import live

NOW = datetime(2026, 3, 2, 9, 0)
MIN = timedelta(minutes=1)


def test_planned_departure_prefers_the_plan_then_the_window_less_travel():
    window_start = datetime(2026, 3, 2, 10, 0)
    plan = datetime(2026, 3, 2, 9, 20)
    assert live.planned_departure(window_start, plan, 25) == plan
    assert live.planned_departure(window_start, None, 25) == datetime(2026, 3, 2, 9, 35)
    assert live.planned_departure(window_start) == window_start
    assert live.planned_departure(None) is None


def test_late_to_start_after_the_grace_not_before_or_at_it():
    departure = NOW
    late = lambda now: live.is_late_to_start(now, departure, started=False, grace_minutes=10)  # noqa: E731
    assert not late(NOW + 9 * MIN)
    assert not late(NOW + 10 * MIN)
    assert late(NOW + 11 * MIN)


def test_on_the_way_or_unplanned_is_never_late_to_start():
    assert not live.is_late_to_start(NOW + 60 * MIN, NOW, started=True, grace_minutes=10)
    assert not live.is_late_to_start(NOW + 60 * MIN, None, started=False, grace_minutes=10)


def test_at_risk_when_the_projected_arrival_passes_the_margin_before_the_window_end():
    end = NOW + 60 * MIN
    risk = lambda eta: live.is_at_risk(NOW, eta, end, arrived=False, margin_minutes=10)  # noqa: E731
    assert not risk(end - 11 * MIN)
    assert not risk(end - 10 * MIN)
    assert risk(end - 9 * MIN)
    assert risk(end + 30 * MIN)


def test_at_risk_is_forecast_before_the_window_ends():
    end = NOW + 60 * MIN
    assert live.is_at_risk(NOW, end + 5 * MIN, end, arrived=False, margin_minutes=0)
    assert end > NOW, "flagged while the window is still open"


def test_a_stale_eta_counts_from_now_and_no_eta_only_near_the_end():
    end = NOW + 5 * MIN
    assert live.is_at_risk(NOW, NOW - 30 * MIN, end, arrived=False, margin_minutes=10)
    assert not live.is_at_risk(NOW, None, NOW + 60 * MIN, arrived=False, margin_minutes=10)
    assert live.is_at_risk(NOW, None, end, arrived=False, margin_minutes=10)


def test_arrived_or_windowless_is_never_at_risk():
    assert not live.is_at_risk(NOW, NOW + 90 * MIN, NOW, arrived=True, margin_minutes=10)
    assert not live.is_at_risk(NOW, NOW + 90 * MIN, None, arrived=False, margin_minutes=10)


def test_an_empty_orm_field_is_no_window_and_no_departure():
    """The ORM gives False, not None, for an empty datetime: no flag, no error."""
    now = datetime(2026, 12, 1, 9, 0)
    assert not live.is_at_risk(now, None, False, arrived=False, margin_minutes=10)
    assert not live.is_late_to_start(now, False, started=False, grace_minutes=10)
