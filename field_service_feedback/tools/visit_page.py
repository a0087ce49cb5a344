"""What the customer's visit page shows and allows: timeline, change rules, free slots.

States are field_service_cx's visit states (plain strings); datetimes are naive UTC.
"""

from collections.abc import Hashable, Iterable, Mapping
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
    cancelled or missed: those steps stay ticked and the failure closes the line.
    """
    if state in ("cancelled", "not_home"):
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

    Codes: ``left`` (the technician is on the way or there), ``done``, ``closed`` (cancelled
    or missed), ``cutoff`` (less than ``cutoff_hours`` before the window starts).
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
    if state not in CHANGEABLE_STATES:
        return "closed"
    return None


def earliest_start(
    now: datetime, cutoff_hours: float, parts_ready: bool, parts_lead_hours: float
) -> datetime:
    """The earliest window start the customer may pick: the cut-off, or the time needed to get
    the parts kit ready when parts are missing, whichever is later."""
    hours = cutoff_hours if parts_ready else max(cutoff_hours, parts_lead_hours)
    return now + timedelta(hours=hours)


@dataclass(frozen=True)
class FreeSlot:
    start: datetime
    end: datetime
    technicians: tuple  # free technicians, the preferred one first


def free_slots(
    offered: Iterable,
    busy: Mapping[Hashable, Iterable[tuple[datetime, datetime]]],
    per_window: int,
    earliest: datetime,
    preferred: Hashable | None = None,
    exclude: tuple[datetime, datetime] | None = None,
) -> list[FreeSlot]:
    """The offered windows (``tools.slots.Slot``: start, end, working qualified technicians)
    that start at or after ``earliest`` and where a technician has fewer than ``per_window``
    planned visits overlapping the window. ``exclude`` drops the visit's current window."""
    taken = {tech: list(spans) for tech, spans in busy.items()}
    result = []
    for slot in offered:
        if slot.start < earliest or (exclude and (slot.start, slot.end) == exclude):
            continue
        free = [
            tech
            for tech in slot.technicians
            if sum(1 for start, end in taken.get(tech, ()) if start < slot.end and slot.start < end)
            < per_window
        ]
        if preferred in free:
            free.remove(preferred)
            free.insert(0, preferred)
        if free:
            result.append(FreeSlot(slot.start, slot.end, tuple(free)))
    return result


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
