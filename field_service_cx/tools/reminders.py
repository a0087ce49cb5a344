"""Customer messages: when each one is due, whether it is still useful, and by which channel.

Plain rules on naive UTC datetimes (Odoo's convention) and ``ZoneInfo`` zones; local times are
computed in the site's zone, so "the day before at 18:00" stays 18:00 on daylight-saving days.

Cadence text (a setting), steps separated by commas::

    7d>2d, 1d@18:00>2h, 1h

- ``7d``: 7 local calendar days before the window starts, at the same local time;
- ``1d@18:00``: the local day before the window, at 18:00;
- ``1h`` / ``30m``: that long before the window starts;
- ``>2d``: the reminder expires once the window starts within 2 days (default: the next step's
  lead time, and the window start for the last step).
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .notes import Note, _lt

UTC = ZoneInfo("UTC")


# Why a contact gets no message, or which channel replaced the one they prefer.
OPTED_OUT = _lt("the customer opted out of visit messages")
UNREACHABLE = _lt("no e-mail address and no valid mobile number")
EMAIL_ONLY = _lt("no valid mobile: e-mail only")
SMS_ONLY = _lt("no e-mail: SMS only")
EMAIL_FOR_SMS = _lt("SMS preferred but no valid mobile: e-mail used")
SMS_FOR_EMAIL = _lt("no e-mail address: SMS used")

# Notes with data (``Note``): models translate them, with the values formatted by babel.
MOVED_OUT_OF_QUIET = _lt("moved out of quiet hours to %(moment)s local time")
QUIET_TOO_LONG = _lt("quiet hours until %(until)s end after the message's useful time")
STALE_STATE = _lt("the visit is now %(state)s")  # state: a visit state code
STALE_TIME = _lt("too late: useful until %(until)s UTC")
MAIL_CANCELLED = _lt("e-mail cancelled")
SMS_CANCELLED = _lt("SMS cancelled")
MAIL_NOT_SENT = _lt("e-mail not sent")
MAIL_FAILED = _lt("e-mail: %(mail_failure)s")  # mail_failure: a mail.mail failure type
WITH_DETAIL = _lt("%(reason)s (%(detail)s)")  # detail: the mail server's own words
SMS_FAILED = _lt("SMS: %(sms_failure)s")  # sms_failure: an sms.sms failure type
RETRYING = _lt("%(reason)s, retrying")
GAVE_UP = _lt("%(reason)s: failed after %(attempts)s attempt(s)")

DEFAULT_CADENCE = "7d>2d, 1d@18:00>2h, 1h"

# Message kinds (the ledger's key is the kind, plus the step code for reminders).
CONFIRMATION = "confirmation"
REMINDER = "reminder"
ON_THE_WAY = "on_the_way"
DELAY = "delay"
DONE = "done"
NOT_HOME = "not_home"
UNFINISHED = "unfinished"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
TECHNICIAN = "technician"

KINDS = [
    (CONFIRMATION, "Booking confirmation"),
    (REMINDER, "Reminder"),
    (ON_THE_WAY, "On the way"),
    (DELAY, "Delay alert"),
    (DONE, "Job done"),
    (NOT_HOME, "Customer not home"),
    (UNFINISHED, "Follow-up needed"),
    (RESCHEDULED, "Reschedule acknowledgement"),
    (CANCELLED, "Cancellation acknowledgement"),
    (TECHNICIAN, "New technician"),
]
# Messages about the promised window: replaced (voided) when a new window is promised.
WINDOW_KINDS = (CONFIRMATION, REMINDER, RESCHEDULED, DELAY)
# Messages that tell the customer who comes: a later change of technician is announced.
NAMING_KINDS = (CONFIRMATION, REMINDER, TECHNICIAN)
# Messages that cannot wait for the morning: sent even in quiet hours.
URGENT_KINDS = (ON_THE_WAY, DELAY, NOT_HOME)
# The event message planned when a promise of this source is recorded.
PROMISE_EVENT = {
    "booking": CONFIRMATION,
    "company": RESCHEDULED,
    "customer": RESCHEDULED,
    "delay": DELAY,
}
# Visit states in which a message of each kind still makes sense.
KIND_STATES = {
    CONFIRMATION: ("to_schedule", "scheduled", "confirmed"),
    REMINDER: ("to_schedule", "scheduled", "confirmed"),
    RESCHEDULED: ("to_schedule", "scheduled", "confirmed"),
    DELAY: ("scheduled", "confirmed", "en_route"),
    ON_THE_WAY: ("en_route",),
    DONE: ("done",),
    NOT_HOME: ("not_home",),
    UNFINISHED: ("unfinished",),
    CANCELLED: ("cancelled",),
    TECHNICIAN: ("scheduled", "confirmed"),
}
# How long an event message stays useful after its event.
EVENT_LIFETIME = {
    DONE: timedelta(hours=24),
    NOT_HOME: timedelta(hours=12),
    UNFINISHED: timedelta(hours=24),
    CANCELLED: timedelta(hours=24),
}

# A booking confirmation is news for a day; after that the reminders speak for it.
CONFIRMATION_LIFETIME = timedelta(hours=24)

# SMS gateway failures worth retrying (the account or the service may recover).
TRANSIENT_SMS_FAILURES = frozenset({"sms_server", "sms_credit", "sms_acc", "unknown"})
# E-mail failures worth retrying: the outgoing server could not be reached (core leaves the
# type empty then) or failed for no stated reason. An invalid address or sender is final.
TRANSIENT_MAIL_FAILURES = frozenset({"", "mail_smtp", "unknown"})
MAX_ATTEMPTS = 4
FIRST_RETRY = timedelta(minutes=5)

_STEP = re.compile(
    r"^(?P<n>\d{1,3})(?P<unit>[dhm])(?:@(?P<at>\d{1,2}:\d{2}))?(?:>(?P<exp>\d{1,3})(?P<eunit>[dhm]))?$"
)
_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}


@dataclass(frozen=True)
class Step:
    """One reminder of the cadence."""

    code: str  # e.g. "1d@18:00": the ledger key, stable across settings edits of the expiry
    days: int  # local calendar days before the window's day (with ``at``) or time
    lead: timedelta  # fixed lead time (hours/minutes steps)
    at: time | None  # fixed local time of day ("the day before at 18:00")
    expire_before: timedelta | None  # expires once the window starts within this; None: default

    def due(self, window_start: datetime, zone: ZoneInfo) -> datetime:
        """When this reminder is due (naive UTC), computed on the site's local calendar."""
        if self.lead:
            return window_start - self.lead
        local_start = _local(window_start, zone)
        if self.at is not None:
            local = datetime.combine(local_start.date() - timedelta(days=self.days), self.at)
        else:
            local = local_start.replace(tzinfo=None) - timedelta(days=self.days)
        return _utc(local, zone)

    def nominal_lead(self) -> timedelta:
        """The step's lead time, for ordering and default expiries (fixed hours count as 0)."""
        return self.lead or timedelta(days=self.days)


class CadenceError(ValueError):
    """A cadence that cannot be read: ``code`` says why, ``step`` is the step at fault (the
    message is English, for logs; models translate the code)."""

    def __init__(self, code: str, step: str, message: str):
        super().__init__(message)
        self.code = code
        self.step = step


def parse_cadence(text: str | None) -> tuple[Step, ...]:
    """The cadence's steps, longest lead first; ``ValueError`` names the step that is wrong."""
    steps = []
    for raw in (text or "").split(","):
        part = raw.strip().replace(" ", "")
        if not part:
            continue
        match = _STEP.match(part)
        if not match:
            raise CadenceError(
                "not_understood",
                part,
                f"Reminder step {part!r} is not understood: write e.g. 7d, 1d@18:00, 1h or 30m, "
                "optionally followed by an expiry such as >2d.",
            )
        number, unit, at = int(match["n"]), match["unit"], match["at"]
        if at and unit != "d":
            raise CadenceError(
                "time_needs_days",
                part,
                f"Reminder step {part!r}: a time of day (@HH:MM) needs days (d).",
            )
        at_time = None
        if at:
            hour, minute = (int(value) for value in at.split(":"))
            if hour > 23 or minute > 59:
                raise CadenceError(
                    "not_a_time", part, f"Reminder step {part!r}: {at} is not a time of day."
                )
            at_time = time(hour, minute)
        if number == 0 and not at_time:
            raise CadenceError(
                "lead_not_positive",
                part,
                f"Reminder step {part!r}: the lead time must be positive.",
            )
        expire = int(match["exp"]) * _UNITS[match["eunit"]] if match["exp"] else None
        step = Step(
            code=part.split(">")[0],
            days=number if unit == "d" else 0,
            lead=number * _UNITS[unit] if unit != "d" else timedelta(0),
            at=at_time,
            expire_before=expire,
        )
        if any(other.code == step.code for other in steps):
            raise CadenceError("twice", step.code, f"Reminder step {step.code!r} appears twice.")
        steps.append(step)
    steps.sort(key=lambda step: (step.nominal_lead(), step.at or time.max), reverse=True)
    return tuple(steps)


def step_expiry(steps: tuple[Step, ...], index: int, window_start: datetime) -> datetime:
    """When reminder ``steps[index]`` stops being useful (naive UTC)."""
    step = steps[index]
    if step.expire_before is not None:
        return window_start - step.expire_before
    if index + 1 < len(steps):
        return window_start - steps[index + 1].nominal_lead()
    return window_start


# ---- quiet hours ---------------------------------------------------------------------------


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(zone)


def _utc(local_naive: datetime, zone: ZoneInfo) -> datetime:
    return local_naive.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _hour_time(hours: float) -> time:
    minutes = round((hours or 0.0) * 60) % (24 * 60)
    return time(minutes // 60, minutes % 60)


def in_quiet_hours(moment: datetime, zone: ZoneInfo, quiet_from: float, quiet_until: float) -> bool:
    """Whether the naive UTC ``moment`` falls in the local quiet hours [from, until)."""
    start, end = _hour_time(quiet_from), _hour_time(quiet_until)
    if start == end:
        return False
    now = _local(moment, zone).time().replace(tzinfo=None)
    if start < end:
        return start <= now < end
    return now >= start or now < end


def quiet_end(moment: datetime, zone: ZoneInfo, quiet_until: float) -> datetime:
    """The first end of quiet hours after ``moment`` (naive UTC)."""
    local = _local(moment, zone).replace(tzinfo=None)
    end = datetime.combine(local.date(), _hour_time(quiet_until))
    if end <= local:
        end += timedelta(days=1)
    return _utc(end, zone)


@dataclass(frozen=True)
class Timing:
    due: datetime
    expired: Note | None = None  # why the message will never go out
    note: Note | None = None  # e.g. "moved out of quiet hours"


def fit_quiet_hours(
    due: datetime,
    expires: datetime | None,
    zone: ZoneInfo,
    quiet_from: float,
    quiet_until: float,
    urgent: bool,
) -> Timing:
    """Move a non-urgent message out of the customer's quiet hours, or expire it if too late."""
    if urgent or not in_quiet_hours(due, zone, quiet_from, quiet_until):
        return Timing(due)
    later = quiet_end(due, zone, quiet_until)
    local = _local(later, zone)
    if expires and later >= expires:
        return Timing(later, expired=Note(QUIET_TOO_LONG, {"until": local.time()}))
    return Timing(later, note=Note(MOVED_OUT_OF_QUIET, {"moment": local}))


def event_expiry(
    kind: str, promised_at: datetime, window_start: datetime, window_end: datetime
) -> datetime:
    """Until when the event message of a new promise is worth sending (naive UTC).

    A delay alert until the middle of its new window; a confirmation for a day after the
    booking, and never once the window has started; any other until the window starts.
    """
    if kind == DELAY:
        return window_start + (window_end - window_start) / 2
    if kind == CONFIRMATION:
        return min(window_start, promised_at + CONFIRMATION_LIFETIME)
    return window_start


def reminder_plan(
    steps: tuple[Step, ...],
    window_start: datetime,
    zone: ZoneInfo,
    now: datetime,
    quiet_from: float,
    quiet_until: float,
) -> list[tuple[Step, Timing, datetime]]:
    """The reminders still to plan for a window: (step, timing, expiry), due in the future.

    Steps whose time has passed when the window is promised are left out (the confirmation said
    it all); steps that cannot leave quiet hours in time are returned expired.
    """
    plan = []
    for index, step in enumerate(steps):
        due = step.due(window_start, zone)
        expires = step_expiry(steps, index, window_start)
        if due < now or due >= expires:
            continue
        plan.append(
            (step, fit_quiet_hours(due, expires, zone, quiet_from, quiet_until, False), expires)
        )
    return plan


# ---- usefulness at send time ---------------------------------------------------------------


def stale_reason(
    kind: str, visit_state: str, now: datetime, expires: datetime | None
) -> Note | None:
    """Why a message should no longer be sent, or None when it still should."""
    if visit_state not in KIND_STATES.get(kind, ()):
        return Note(STALE_STATE, {"state": visit_state})
    if expires and now >= expires:
        return Note(STALE_TIME, {"until": expires})
    return None


# ---- channels ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelChoice:
    channels: tuple[str, ...]  # ("email",), ("sms",) or ("email", "sms")
    skip: str | None = None  # why nothing is sent
    note: str | None = None  # a fallback worth recording


def choose_channels(
    preferred: str | None, has_email: bool, mobile: str | None, opted_out: bool
) -> ChannelChoice:
    """The channels to use for one contact, falling back to the one that can reach them."""
    if opted_out:
        return ChannelChoice((), skip=OPTED_OUT)
    wanted = {"email": ("email",), "sms": ("sms",), "both": ("email", "sms")}.get(
        preferred or "email", ("email",)
    )
    usable = tuple(
        channel
        for channel in wanted
        if (channel == "email" and has_email) or (channel == "sms" and mobile)
    )
    if usable:
        note = None
        if len(usable) < len(wanted):
            note = EMAIL_ONLY if "email" in usable else SMS_ONLY
        return ChannelChoice(usable, note=note)
    if "sms" in wanted and has_email:
        return ChannelChoice(("email",), note=EMAIL_FOR_SMS)
    if "email" in wanted and mobile:
        return ChannelChoice(("sms",), note=SMS_FOR_EMAIL)
    return ChannelChoice((), skip=UNREACHABLE)


# ---- delivery follow-up --------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    outcome: str  # "sent", "wait", "retry" or "failed"
    reason: Note | None = None
    retry_at: datetime | None = None
    channels: tuple[str, ...] = ()  # for "retry": the channels to queue again


def delivery_outcome(
    *,
    attempts: int,
    now: datetime,
    mail_state: str | None = None,
    mail_failure: str | None = None,
    mail_reason: str | None = None,
    sms_state: str | None = None,
    sms_failure: str | None = None,
) -> Delivery:
    """What the queues did with a message: ``None`` states mean "not used or already purged".

    A transient failure (SMS gateway or account, outgoing mail server) is retried on the same
    ``sms.sms`` / ``mail.mail`` (so it cannot go out twice) with growing delays (5, 15, 45 min),
    up to ``MAX_ATTEMPTS`` attempts. A final failure on either channel fails the message.
    """
    if mail_state == "cancel":
        return Delivery("failed", Note(MAIL_CANCELLED))
    if sms_state == "canceled":
        return Delivery("failed", Note(SMS_CANCELLED))
    errors = []  # (channel, transient, note)
    if mail_state == "exception":
        failure = mail_failure or ""
        text = Note(MAIL_FAILED, {"mail_failure": failure}) if failure else Note(MAIL_NOT_SENT)
        if mail_reason:
            text = Note(WITH_DETAIL, {"reason": text, "detail": mail_reason})
        errors.append(("email", failure in TRANSIENT_MAIL_FAILURES, text))
    if sms_state == "error":
        failure = sms_failure or "unknown"
        text = Note(SMS_FAILED, {"sms_failure": failure})
        errors.append(("sms", failure in TRANSIENT_SMS_FAILURES, text))
    if errors:
        reason = tuple(text for _channel, _transient, text in errors)  # said "a; b"
        if all(transient for _channel, transient, _text in errors) and attempts < MAX_ATTEMPTS:
            channels = tuple(channel for channel, _transient, _text in errors)
            retry_at = now + retry_delay(attempts)
            return Delivery("retry", Note(RETRYING, {"reason": reason}), retry_at, channels)
        return Delivery("failed", Note(GAVE_UP, {"reason": reason, "attempts": attempts}))
    if mail_state == "outgoing" or sms_state in ("outgoing", "process"):
        return Delivery("wait")
    return Delivery("sent")


def retry_delay(attempts: int) -> timedelta:
    """Backoff before attempt ``attempts + 1``: 5, 15, 45 minutes…"""
    return FIRST_RETRY * (3 ** max(attempts - 1, 0))


# ---- delay alerts --------------------------------------------------------------------------


def delay_window(
    eta: datetime, window_start: datetime, window_end: datetime, margin_minutes: int = 15
) -> tuple[datetime, datetime] | None:
    """The new arrival window when ``eta`` falls after the promised window, else None.

    The ETA is rounded to the nearest 10 minutes and widened by ``margin_minutes`` each side.
    Arriving early is not a delay: the technician waits for the window.
    """
    if eta <= window_end:
        return None
    base = eta.replace(second=0, microsecond=0)
    rounded = base - timedelta(minutes=base.minute % 10)
    if base.minute % 10 >= 5:
        rounded += timedelta(minutes=10)
    margin = timedelta(minutes=margin_minutes)
    return rounded - margin, rounded + margin
