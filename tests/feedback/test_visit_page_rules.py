"""The customer's visit page rules: timeline, change cut-offs, free windows, ETA, calendar file."""

from datetime import datetime, timedelta

from fs_feedback_tools import ics
from fs_feedback_tools import visit_page as rules

NOW = datetime(2026, 11, 23, 9, 0)


def statuses(state, **kw):
    return [(step.key, step.status) for step in rules.timeline(state, **kw)]


def test_timeline_follows_the_visit():
    assert statuses("scheduled") == [
        ("booked", "current"),
        ("confirmed", "todo"),
        ("en_route", "todo"),
        ("on_site", "todo"),
        ("done", "todo"),
    ]
    assert statuses("en_route")[:3] == [
        ("booked", "done"),
        ("confirmed", "done"),
        ("en_route", "current"),
    ]
    assert all(status == "done" for _key, status in statuses("done"))


def test_timeline_variants_end_with_the_failure():
    assert statuses("cancelled") == [("booked", "done"), ("cancelled", "failed")]
    missed = statuses("not_home", left=True, arrived=True)
    assert missed[-2:] == [("on_site", "done"), ("not_home", "failed")]
    assert statuses("not_home", left=True)[-2:] == [("en_route", "done"), ("not_home", "failed")]


def test_changes_stop_at_the_cut_off_and_when_the_technician_leaves():
    window = NOW + timedelta(hours=5)
    assert rules.change_block("scheduled", window, NOW, 4) is None
    assert rules.change_block("confirmed", window, NOW + timedelta(hours=1, minutes=1), 4) == (
        "cutoff"
    )
    assert rules.change_block("to_schedule", None, NOW, 4) is None
    assert rules.change_block("en_route", window, NOW, 4) == "left"
    assert rules.change_block("on_site", window, NOW, 4) == "left"
    assert rules.change_block("done", window, NOW, 4) == "done"
    assert rules.change_block("cancelled", window, NOW, 4) == "closed"


def test_cancel_is_allowed_late_but_not_once_the_technician_left():
    assert rules.cancel_block("scheduled") is None
    assert rules.cancel_block("en_route") == "left"
    assert rules.cancel_block("not_home") == "closed"


def test_eta_minutes_round_up_and_never_go_negative():
    assert rules.eta_minutes(NOW + timedelta(minutes=17, seconds=10), NOW) == 18
    assert rules.eta_minutes(NOW - timedelta(minutes=3), NOW) == 0
    assert rules.eta_minutes(None, NOW) is None


def test_first_name_only():
    assert rules.first_name("Anna Tech") == "Anna"
    assert rules.first_name("  ") == ""
    assert rules.first_name(None) == ""


def test_calendar_event_is_valid_utc_and_escaped():
    body = ics.visit_event(
        uid="fs-visit-7@example.com",
        start=datetime(2026, 11, 24, 12, 0),
        end=datetime(2026, 11, 24, 14, 0),
        stamp=NOW,
        summary="Boiler service – ACME; Paris",
        location="12 rue de la Paix, Paris",
        description="Clear the way.\nMove the car " + "x" * 100,
    )
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART:20261124T120000Z" in lines
    assert "DTEND:20261124T140000Z" in lines
    assert "SUMMARY:Boiler service – ACME\\; Paris" in lines
    assert "LOCATION:12 rue de la Paix\\, Paris" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DESCRIPTION:Clear the way.\\nMove the car" in body.replace("\r\n ", "")


def test_an_unfinished_visit_ends_the_timeline_after_arrival_and_blocks_changes():
    assert statuses("unfinished", left=True, arrived=True)[-2:] == [
        ("on_site", "done"),
        ("unfinished", "failed"),
    ]
    assert rules.change_block("unfinished", None, NOW, 24) == "unfinished"
    assert rules.cancel_block("unfinished") == "unfinished"
