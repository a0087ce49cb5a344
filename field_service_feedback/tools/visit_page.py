"""What the customer's visit page shows and allows: timeline, change rules.

States are field_service_cx's visit states (plain strings); datetimes are naive UTC.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

# The X-Robots-Tag of every answer a visit link gets: never indexed, never followed.
NOINDEX = "noindex, nofollow"
# The customer's steps, in order; each visit state maps to the step it is at.
STEPS = ("booked", "confirmed", "en_route", "on_site", "done")
STEP_OF_STATE = {
    "to_schedule": "booked",
    "scheduled": "booked",
    "confirmed": "confirmed",
    "en_route": "en_route",
    "on_site": "on_site",
    "done": "done",
}
# States in which the technician has left (or the visit is over): no more changes.
LEFT_STATES = ("en_route", "on_site")
CHANGEABLE_STATES = ("to_schedule", "scheduled", "confirmed")


@dataclass(frozen=True)
class Step:
    key: str
    status: str  # "done", "current", "todo" or "failed"


def timeline(state: str, left: bool = False, arrived: bool = False) -> list[Step]:
    """The customer's timeline for a visit in ``state``.

    ``left`` and ``arrived`` say whether the technician set off / arrived before the visit was
    cancelled, missed or stopped unfinished: those steps stay ticked and the failure closes
    the line.
    """
    if state in ("cancelled", "not_home", "unfinished"):
        reached = STEPS.index("on_site" if arrived else "en_route" if left else "booked")
        steps = [Step(key, "done") for key in STEPS[: reached + 1]]
        return [*steps, Step(state, "failed")]
    current = STEPS.index(STEP_OF_STATE.get(state, "booked"))
    if state == "done":
        return [Step(key, "done") for key in STEPS]
    return [
        Step(key, "done" if index < current else "current" if index == current else "todo")
        for index, key in enumerate(STEPS)
    ]


def change_block(
    state: str, window_start: datetime | None, now: datetime, cutoff_hours: float
) -> str | None:
    """Why the customer may not move the visit any more, as a reason code, or None.

    Codes: ``left`` (the technician is on the way or there), ``done``, ``unfinished`` (a
    follow-up visit is to be booked by the office), ``closed`` (cancelled or missed),
    ``cutoff`` (less than ``cutoff_hours`` before the window starts).
    """
    block = cancel_block(state)
    if block:
        return block
    if window_start and now > window_start - timedelta(hours=cutoff_hours):
        return "cutoff"
    return None


def cancel_block(state: str) -> str | None:
    """Why the customer may not cancel: only before the technician leaves (no cut-off: a
    customer who cannot be home should say so, even late, rather than waste a trip)."""
    if state in LEFT_STATES:
        return "left"
    if state == "done":
        return "done"
    if state == "unfinished":
        return "unfinished"
    if state not in CHANGEABLE_STATES:
        return "closed"
    return None


def eta_minutes(eta: datetime | None, now: datetime) -> int | None:
    """Whole minutes until the planned arrival (0 when it is due), None without an ETA."""
    if not eta:
        return None
    seconds = (eta - now).total_seconds()
    return max(0, int((seconds + 59) // 60))


def first_name(name: str | None) -> str:
    """The first word of a person's name: all the customer needs to greet the technician."""
    return (name or "").strip().split(" ")[0] if name and name.strip() else ""


def link_expired(
    state: str,
    cancelled_at: datetime | None,
    done_at: datetime | None,
    now: datetime,
    cancelled_days: float,
    retention_days: float,
) -> bool:
    """Whether the visit's link has served its purpose: a cancelled visit's after
    ``cancelled_days``, a done visit's after ``retention_days`` (its report's retention)."""
    if state == "cancelled" and cancelled_at:
        return now - cancelled_at > timedelta(days=cancelled_days)
    if state == "done" and done_at:
        return now - done_at > timedelta(days=retention_days)
    return False
