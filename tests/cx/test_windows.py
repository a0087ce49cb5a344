from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from fs_cx_tools import windows
from fs_cx_tools.notes import Note

PARIS = ZoneInfo("Europe/Paris")


def test_valid_window_has_no_problem():
    assert windows.window_problem(datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 10), 60) is None


def test_end_before_start_is_refused():
    problem = windows.window_problem(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 8), 60)
    end, start = datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 10)
    assert problem == Note(windows.ENDS_BEFORE_START, {"end": end, "start": start})


def test_an_arrival_window_may_be_shorter_than_the_service():
    # A window promises the arrival (issue #17's honest windows: 30 minutes for an hour's job).
    assert windows.window_problem(datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 8, 30), 60) is None
    problem = windows.window_problem(datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 8, 30), -5)
    assert problem == Note(windows.NEGATIVE_SERVICE)


def test_half_window_is_refused():
    assert windows.window_problem(datetime(2026, 3, 2, 8), None, 60) == Note(windows.NEEDS_BOTH)


def test_unknown_zone_falls_back_with_a_note():
    zone, note = windows.resolve_zone("Mars/Olympus", "Europe/Paris")
    assert zone == PARIS and note == Note(windows.UNKNOWN_ZONE, {"name": "Mars/Olympus"})
    assert note.english() == "unknown time zone “Mars/Olympus”"
    zone, note = windows.resolve_zone(None, "")
    assert zone == windows.UTC and note is None


def test_no_valid_zone_is_found_as_none_never_guessed():
    assert windows.find_zone(None, "", "Europe/Paris") == (PARIS, None)
    zone, note = windows.find_zone("Mars/Olympus", None)
    assert zone is None and note == Note(windows.UNKNOWN_ZONE, {"name": "Mars/Olympus"})
    assert windows.find_zone(None, "") == (None, None)


def test_round_trip_through_local_time():
    utc = datetime(2026, 7, 1, 6, 0)
    local = windows.to_local(utc, PARIS)
    assert (local.hour, local.utcoffset().total_seconds()) == (8, 7200)
    assert windows.to_utc(local.replace(tzinfo=None), PARIS) == utc


def test_dst_days_have_23_and_25_hours():
    start, end = windows.local_day_bounds(date(2026, 3, 29), PARIS)
    assert (end - start).total_seconds() == 23 * 3600
    start, end = windows.local_day_bounds(date(2026, 10, 25), PARIS)
    assert (end - start).total_seconds() == 25 * 3600


def test_format_window_in_site_time():
    text = windows.format_window(datetime(2026, 1, 6, 12), datetime(2026, 1, 6, 14), PARIS)
    assert text == "Tuesday 6 January, 13:00–15:00"


def test_format_window_of_the_sites_day_is_hours_only():
    start, end = datetime(2026, 1, 6, 12), datetime(2026, 1, 6, 14)
    # 23:30 UTC on the 5th is already the 6th in Paris
    assert windows.format_window(start, end, PARIS, now=datetime(2026, 1, 5, 23, 30)) == (
        "13:00–15:00"
    )
    assert windows.format_window(start, end, PARIS, now=datetime(2026, 1, 5, 22, 30)) == (
        "Tuesday 6 January, 13:00–15:00"
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr_FR", "dimanche 29 mars, 10:00–12:00"),
        ("fi_FI", "sunnuntai 29. maaliskuuta, 10.00–12.00"),
        ("hu_HU", "március 29., vasárnap, 10:00–12:00"),
        ("de_DE", "Sonntag, 29. März, 10:00–12:00"),
        ("en_US", "Sunday 29 March, 10:00–12:00"),
    ],
)
def test_format_window_in_the_customers_language_24_hours(locale, expected):
    # The DST day in Paris: 08:00 UTC is 10:00 local.
    start, end = datetime(2026, 3, 29, 8), datetime(2026, 3, 29, 10)
    assert windows.format_window(start, end, PARIS, locale) == expected


def test_format_window_over_two_days_and_unknown_language():
    start, end = datetime(2026, 1, 6, 20), datetime(2026, 1, 7, 8)
    assert windows.format_window(start, end, PARIS, "xx_YY") == (
        "Tuesday 6 January, 21:00 – Wednesday 7 January, 09:00"
    )
    assert windows.format_hour(start, PARIS, "fi_FI") == "21.00"
