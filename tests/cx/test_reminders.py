from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fs_cx_tools import reminders as r
from fs_cx_tools.notes import Note

PARIS = ZoneInfo("Europe/Paris")
STEPS = r.parse_cadence(r.DEFAULT_CADENCE)


def paris(*args):
    """A Paris wall time as naive UTC."""
    return datetime(*args, tzinfo=PARIS).astimezone(r.UTC).replace(tzinfo=None)


# ---- cadence -------------------------------------------------------------------------------


def test_default_cadence_is_ordered_longest_lead_first():
    assert [step.code for step in STEPS] == ["7d", "1d@18:00", "1h"]
    assert STEPS[0].expire_before == timedelta(days=2)
    assert STEPS[2].expire_before is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("7x", "not understood"),
        ("2h@18:00", "needs days"),
        ("1d@25:00", "not a time of day"),
        ("0h", "must be positive"),
        ("1h, 1h", "appears twice"),
    ],
)
def test_bad_cadence_is_refused_naming_the_step(text, message):
    with pytest.raises(ValueError, match=message):
        r.parse_cadence(text)


def test_empty_cadence_means_no_reminders():
    assert r.parse_cadence("  ") == ()


def test_due_times_in_local_time_on_a_plain_day():
    start = paris(2026, 6, 10, 13, 0)
    due = {step.code: step.due(start, PARIS) for step in STEPS}
    assert due["7d"] == paris(2026, 6, 3, 13, 0)
    assert due["1d@18:00"] == paris(2026, 6, 9, 18, 0)
    assert due["1h"] == paris(2026, 6, 10, 12, 0)


def test_due_times_across_spring_forward_keep_local_wall_times():
    # 2026-03-29: Paris goes from UTC+1 to UTC+2 at 02:00.
    start = paris(2026, 3, 30, 9, 0)  # Monday, summer time: 07:00 UTC
    assert start == datetime(2026, 3, 30, 7, 0)
    due = {step.code: step.due(start, PARIS) for step in STEPS}
    assert due["1d@18:00"] == datetime(2026, 3, 29, 16, 0)  # 18:00 CEST
    assert due["7d"] == datetime(2026, 3, 23, 8, 0)  # 09:00 CET, a week before
    assert due["1h"] == datetime(2026, 3, 30, 6, 0)
    # A visit on the change day itself.
    start = paris(2026, 3, 29, 10, 0)
    assert start == datetime(2026, 3, 29, 8, 0)
    assert STEPS[1].due(start, PARIS) == datetime(2026, 3, 28, 17, 0)  # 18:00 CET


def test_due_times_across_fall_back_keep_local_wall_times():
    # 2026-10-25: Paris goes from UTC+2 to UTC+1 at 03:00.
    start = paris(2026, 10, 26, 9, 0)  # 08:00 UTC
    assert start == datetime(2026, 10, 26, 8, 0)
    due = {step.code: step.due(start, PARIS) for step in STEPS}
    assert due["1d@18:00"] == datetime(2026, 10, 25, 17, 0)  # 18:00 CET
    assert due["7d"] == datetime(2026, 10, 19, 7, 0)  # 09:00 CEST
    start = paris(2026, 10, 25, 10, 0)
    assert start == datetime(2026, 10, 25, 9, 0)
    assert STEPS[1].due(start, PARIS) == datetime(2026, 10, 24, 16, 0)  # 18:00 CEST


def test_expiry_defaults_to_the_next_step_then_the_window_start():
    steps = r.parse_cadence("3d, 1d, 2h")
    start = datetime(2026, 6, 10, 12, 0)
    assert r.step_expiry(steps, 0, start) == start - timedelta(days=1)
    assert r.step_expiry(steps, 1, start) == start - timedelta(hours=2)
    assert r.step_expiry(steps, 2, start) == start
    assert r.step_expiry(STEPS, 0, start) == start - timedelta(days=2)


def test_plan_leaves_out_past_steps():
    start = paris(2026, 6, 10, 13, 0)
    now = paris(2026, 6, 8, 10, 0)  # booked two days before
    plan = r.reminder_plan(STEPS, start, PARIS, now, 21.0, 8.0)
    assert [(step.code, timing.due, timing.expired) for step, timing, _exp in plan] == [
        ("1d@18:00", paris(2026, 6, 9, 18, 0), None),
        ("1h", paris(2026, 6, 10, 12, 0), None),
    ]


def test_early_visit_one_hour_reminder_in_quiet_hours_expires():
    start = paris(2026, 6, 10, 8, 0)
    plan = r.reminder_plan(STEPS, start, PARIS, paris(2026, 6, 1, 12, 0), 21.0, 8.0)
    last = {step.code: timing for step, timing, _exp in plan}["1h"]
    assert last.expired == Note(r.QUIET_TOO_LONG, {"until": time(8, 0)})


def test_quiet_hours_shift_to_the_morning():
    due = paris(2026, 6, 9, 22, 30)
    timing = r.fit_quiet_hours(due, paris(2026, 6, 10, 12, 0), PARIS, 21.0, 8.0, urgent=False)
    assert timing.due == paris(2026, 6, 10, 8, 0) and not timing.expired
    assert timing.note.text == r.MOVED_OUT_OF_QUIET
    moment = timing.note.params["moment"]
    assert moment.tzinfo == PARIS and moment.replace(tzinfo=None) == datetime(2026, 6, 10, 8, 0)
    urgent = r.fit_quiet_hours(due, None, PARIS, 21.0, 8.0, urgent=True)
    assert urgent.due == due


def test_quiet_hours_inside_a_day_and_disabled():
    assert r.in_quiet_hours(paris(2026, 6, 9, 12, 30), PARIS, 12.0, 14.0)
    assert not r.in_quiet_hours(paris(2026, 6, 9, 14, 0), PARIS, 12.0, 14.0)
    assert not r.in_quiet_hours(paris(2026, 6, 9, 3, 0), PARIS, 8.0, 8.0)
    assert r.in_quiet_hours(paris(2026, 6, 9, 21, 30), PARIS, 21.5, 7.5)
    assert r.quiet_end(paris(2026, 6, 9, 7, 0), PARIS, 7.5) == paris(2026, 6, 9, 7, 30)


def test_quiet_end_on_the_spring_forward_night():
    # 23:00 on Saturday 28 March (CET) → 08:00 on Sunday 29 March (CEST) = 06:00 UTC.
    assert r.quiet_end(paris(2026, 3, 28, 23, 0), PARIS, 8.0) == datetime(2026, 3, 29, 6, 0)
    assert r.quiet_end(paris(2026, 10, 24, 23, 0), PARIS, 8.0) == datetime(2026, 10, 25, 7, 0)


# ---- staleness, channels, delivery ---------------------------------------------------------


def test_a_confirmation_is_news_for_a_day_after_the_booking():
    booked = datetime(2026, 6, 1, 10, 0)
    start, end = datetime(2026, 6, 10, 8, 0), datetime(2026, 6, 10, 10, 0)
    assert r.event_expiry(r.CONFIRMATION, booked, start, end) == datetime(2026, 6, 2, 10, 0)
    # Booked for this afternoon: the window's start comes first.
    soon = datetime(2026, 6, 1, 14, 0)
    assert r.event_expiry(r.CONFIRMATION, booked, soon, soon + timedelta(hours=2)) == soon
    assert r.event_expiry(r.RESCHEDULED, booked, start, end) == start
    assert r.event_expiry(r.DELAY, booked, start, end) == datetime(2026, 6, 10, 9, 0)


def test_stale_reason_by_state_and_time():
    now = datetime(2026, 6, 10, 12, 0)
    assert r.stale_reason(r.REMINDER, "scheduled", now, now + timedelta(minutes=1)) is None
    stale_state = r.stale_reason(r.REMINDER, "en_route", now, None)
    assert stale_state == Note(r.STALE_STATE, {"state": "en_route"})
    assert r.stale_reason(r.REMINDER, "scheduled", now, now) == Note(r.STALE_TIME, {"until": now})
    assert r.stale_reason(r.ON_THE_WAY, "en_route", now, None) is None
    assert r.stale_reason(r.ON_THE_WAY, "on_site", now, None).params == {"state": "on_site"}


@pytest.mark.parametrize(
    "preferred, email, mobile, opted, channels, skip, note",
    [
        ("email", True, None, False, ("email",), None, None),
        ("both", True, "+33612345678", False, ("email", "sms"), None, None),
        ("both", True, None, False, ("email",), None, "no valid mobile"),
        ("sms", True, None, False, ("email",), None, "SMS preferred"),
        ("email", False, "+33612345678", False, ("sms",), None, "no e-mail"),
        ("sms", False, None, False, (), "no e-mail address and no valid mobile", None),
        ("both", True, "+33612345678", True, (), "opted out", None),
    ],
)
def test_channel_choice(preferred, email, mobile, opted, channels, skip, note):
    choice = r.choose_channels(preferred, email, mobile, opted)
    assert choice.channels == channels
    assert (skip or "") in (choice.skip or "")
    assert bool(choice.skip) == bool(skip)
    assert (note or "") in (choice.note or "") and bool(choice.note) == bool(note)


def test_delivery_outcomes_and_backoff():
    now = datetime(2026, 6, 10, 12, 0)

    def outcome(attempts=1, **states):
        return r.delivery_outcome(attempts=attempts, now=now, **states)

    assert outcome().outcome == "sent"
    assert outcome(mail_state="outgoing").outcome == "wait"
    assert outcome(mail_state="sent", sms_state="outgoing").outcome == "wait"
    retry = outcome(sms_state="error", sms_failure="sms_server")
    assert retry.outcome == "retry" and retry.retry_at == now + timedelta(minutes=5)
    assert retry.channels == ("sms",)
    assert r.retry_delay(2) == timedelta(minutes=15) and r.retry_delay(3) == timedelta(minutes=45)
    gave_up = outcome(r.MAX_ATTEMPTS, sms_state="error", sms_failure="sms_server")
    server = Note(r.SMS_FAILED, {"sms_failure": "sms_server"})
    assert retry.reason == Note(r.RETRYING, {"reason": (server,)})
    assert gave_up.outcome == "failed"
    assert gave_up.reason == Note(r.GAVE_UP, {"reason": (server,), "attempts": 4})
    assert gave_up.reason.english() == "SMS: sms_server: failed after 4 attempt(s)"
    permanent = outcome(sms_state="error", sms_failure="sms_number_format")
    assert permanent.outcome == "failed"
    assert permanent.reason.params["reason"] == (
        Note(r.SMS_FAILED, {"sms_failure": "sms_number_format"}),
    )


def test_mail_server_outages_are_retried_bad_addresses_are_not():
    now = datetime(2026, 6, 10, 12, 0)
    down = r.delivery_outcome(
        attempts=1, now=now, mail_state="exception", mail_reason="Connection refused"
    )
    assert down.outcome == "retry" and down.channels == ("email",)
    not_sent = Note(
        r.WITH_DETAIL, {"reason": Note(r.MAIL_NOT_SENT), "detail": "Connection refused"}
    )
    assert down.reason == Note(r.RETRYING, {"reason": (not_sent,)})
    again = r.delivery_outcome(
        attempts=2, now=now, mail_state="exception", mail_failure="mail_smtp"
    )
    assert again.outcome == "retry" and again.retry_at == now + timedelta(minutes=15)
    invalid = r.delivery_outcome(
        attempts=1, now=now, mail_state="exception", mail_failure="mail_email_invalid"
    )
    assert invalid.outcome == "failed"
    assert invalid.reason.params["reason"] == (
        Note(r.MAIL_FAILED, {"mail_failure": "mail_email_invalid"}),
    )
    both = r.delivery_outcome(
        attempts=1, now=now, mail_state="exception", sms_state="error", sms_failure="sms_credit"
    )
    assert both.outcome == "retry" and both.channels == ("email", "sms")
    assert both.reason.english() == "e-mail not sent; SMS: sms_credit, retrying"
    one_final = r.delivery_outcome(
        attempts=1,
        now=now,
        mail_state="exception",
        mail_failure="mail_from_invalid",
        sms_state="error",
        sms_failure="sms_server",
    )
    assert one_final.outcome == "failed"
    cancelled = r.delivery_outcome(attempts=1, now=now, mail_state="cancel")
    assert cancelled.outcome == "failed" and cancelled.reason == Note(r.MAIL_CANCELLED)


def test_delay_window_rounds_the_eta_and_ignores_early_arrivals():
    start, end = datetime(2026, 6, 10, 8, 0), datetime(2026, 6, 10, 10, 0)
    assert r.delay_window(datetime(2026, 6, 10, 9, 59), start, end) is None
    assert r.delay_window(datetime(2026, 6, 10, 7, 0), start, end) is None
    assert r.delay_window(datetime(2026, 6, 10, 10, 34), start, end) == (
        datetime(2026, 6, 10, 10, 15),
        datetime(2026, 6, 10, 10, 45),
    )
    assert r.delay_window(datetime(2026, 6, 10, 10, 36), start, end)[0] == datetime(
        2026, 6, 10, 10, 25
    )
