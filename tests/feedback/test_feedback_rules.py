import secrets
from datetime import datetime, timedelta

import pytest
from fs_feedback_tools import feedback as fb


def test_valid_feedback_is_parsed_and_trimmed():
    assert fb.parse_feedback("5", " 9 ", "  Great job ") == fb.Feedback(5, 9, "Great job")
    assert fb.parse_feedback(1, 0, None) == fb.Feedback(1, 0, "")


@pytest.mark.parametrize(
    ("stars", "nps", "words"),
    [
        ("0", "5", "from 1 to 5"),
        ("6", "5", "from 1 to 5"),
        ("3", "11", "from 0 to 10"),
        ("3", "-1", "from 0 to 10"),
        ("", "5", "Please give a star rating"),
        (None, "5", "Please give a star rating"),
        ("3", None, "Please give a recommendation score"),
        ("four", "5", "whole number"),
        ("4.5", "5", "whole number"),
        (True, "5", "whole number"),
    ],
)
def test_bad_values_are_refused_with_a_readable_reason(stars, nps, words):
    with pytest.raises(fb.FeedbackError, match=words):
        fb.parse_feedback(stars, nps, "")


def test_huge_comment_is_refused_not_truncated():
    with pytest.raises(fb.FeedbackError, match="too long"):
        fb.parse_feedback(5, 10, "x" * (5 * 1024 * 1024))


def test_markup_in_comments_is_kept_as_text():
    assert fb.parse_feedback(4, 8, "<b>{{ 7*7 }}</b>").comment == "<b>{{ 7*7 }}</b>"


@pytest.mark.parametrize(
    ("nps", "category"),
    [
        (10, "promoter"),
        (9, "promoter"),
        (8, "passive"),
        (7, "passive"),
        (6, "detractor"),
        (0, "detractor"),
    ],
)
def test_nps_categories(nps, category):
    assert fb.nps_category(nps) == category


def test_follow_up_for_detractors_or_low_stars():
    assert fb.needs_follow_up(5, 6)
    assert fb.needs_follow_up(2, 10)
    assert not fb.needs_follow_up(3, 7)


def test_nps_score():
    assert fb.nps_score([10, 9, 8, 3]) == 25.0
    assert fb.nps_score([0, 0]) == -100.0
    assert fb.nps_score([]) is None


def test_edit_window():
    sent = datetime(2026, 5, 1, 10, 0)
    assert fb.may_edit(sent, sent + timedelta(minutes=30), 30)
    assert not fb.may_edit(sent, sent + timedelta(minutes=31), 30)


def test_only_rater_keys_of_our_shape_are_used():
    key = secrets.token_urlsafe(32)
    assert fb.valid_rater_key(key) == key
    for bad in (None, "", "short", "x" * 65, key[:-1] + "!", "a b" * 20, 42):
        assert fb.valid_rater_key(bad) is None
