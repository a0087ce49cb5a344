from datetime import datetime, timedelta

import pytest
from fs_feedback_tools import customer_text as ct
from fs_feedback_tools import feedback as fb
from fs_feedback_tools import visit_page as vp


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused(character):
    assert ct.text_problem(f"Gate{character}code", 100) == "control"


def test_tabs_new_lines_and_ordinary_text_pass():
    assert ct.text_problem("Gate 1\r\n\tthen left — café ☕", 100) is None


def test_the_limit_is_inclusive_and_never_cuts():
    assert ct.text_problem("x" * 10, 10) is None
    assert ct.text_problem("x" * 11, 10) == "too_long"


def test_without_control_keeps_the_rest():
    assert ct.without_control("Odd\x00Agent\x1b/1.0\t") == "OddAgent/1.0\t"
    assert ct.without_control(None) == ""


def test_echo_removes_control_characters_and_bounds_the_form():
    assert ct.echo("Gate\x00code\x1b") == "Gatecode"
    assert ct.echo(None) == ""
    assert ct.echo("x" * ct.ECHO_MAX) == "x" * ct.ECHO_MAX
    assert ct.echo("x" * (ct.ECHO_MAX + 1)) == ""


NOW = datetime(2026, 3, 10, 12, 0)


@pytest.mark.parametrize(
    ("state", "cancelled_ago", "done_ago", "expired"),
    [
        ("cancelled", timedelta(hours=23), None, False),
        ("cancelled", timedelta(hours=25), None, True),
        ("done", None, timedelta(days=90), False),
        ("done", None, timedelta(days=90, seconds=1), True),
        ("scheduled", None, None, False),
        ("cancelled", None, None, False),  # no time stamp: never expires on a guess
    ],
)
def test_links_expire_a_day_after_a_cancellation_and_after_the_report_retention(
    state, cancelled_ago, done_ago, expired
):
    cancelled_at = cancelled_ago and NOW - cancelled_ago
    done_at = done_ago and NOW - done_ago
    assert vp.link_expired(state, cancelled_at, done_at, NOW, 1, 90) is expired


def test_ratings_are_open_within_their_window():
    assert fb.rating_open(NOW - timedelta(days=14), NOW, 14)
    assert not fb.rating_open(NOW - timedelta(days=14, seconds=1), NOW, 14)
    assert not fb.rating_open(None, NOW, 14)
