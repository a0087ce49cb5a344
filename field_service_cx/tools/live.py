"""Live operations: is a technician late to leave for a visit, is a visit's window at risk.

Times are naive UTC datetimes; minutes are the company's settings.
"""

from datetime import datetime, timedelta

DEFAULT_LATE_TO_START_MINUTES = 10
DEFAULT_AT_RISK_MARGIN_MINUTES = 10


def planned_departure(
    window_start: datetime | None,
    departure: datetime | None = None,
    travel_minutes: float = 0.0,
) -> datetime | None:
    """When the technician should leave for the visit: the plan's departure, else the window's
    start less the planned travel."""
    if departure:
        return departure
    if not window_start:
        return None
    return window_start - timedelta(minutes=travel_minutes or 0.0)


def is_late_to_start(
    now: datetime, departure: datetime | None, *, started: bool, grace_minutes: int
) -> bool:
    """Not on the way more than ``grace_minutes`` after the planned departure."""
    if started or not departure:  # None, or the ORM's False for an empty field
        return False
    return now > departure + timedelta(minutes=grace_minutes)


def projected_arrival(now: datetime, eta: datetime | None) -> datetime:
    """The re-timed ETA, never earlier than now (an ETA in the past has not happened)."""
    return max(now, eta) if eta else now


def is_at_risk(
    now: datetime,
    eta: datetime | None,
    window_end: datetime | None,
    *,
    arrived: bool,
    margin_minutes: int,
) -> bool:
    """Not arrived and projected to arrive later than ``margin_minutes`` before the window ends:
    flagged while the window can still be kept (or the customer warned)."""
    if arrived or not window_end:  # None, or the ORM's False for an empty field
        return False
    return projected_arrival(now, eta) > window_end - timedelta(minutes=margin_minutes)
