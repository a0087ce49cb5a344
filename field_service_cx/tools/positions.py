"""The technician's live position: when one is accepted, when it is stale, how long it is kept.

A position is shared only while the technician is on the way to the visit, only by the
technician of that visit, only inside their working hours, and only when it is a real point.
The model turns each refusal *code* into a translated sentence. Times are naive UTC datetimes.
"""

import math
from datetime import datetime, timedelta

from .geo import haversine_km, is_real_point

# No update for this long: the position no longer says where the van is.
STALE_AFTER = timedelta(minutes=3)
# Positions are kept this many days unless the settings say otherwise.
DEFAULT_RETENTION_DAYS = 7
# The embedded travel estimate when no travel-time provider re-times the leg: the routing
# addon's defaults (straight line × detour at an average speed).
DEFAULT_SPEED_KMH = 40.0
DEFAULT_DETOUR_FACTOR = 1.3

# Why a position is refused (the model says each in the technician's language).
NOT_ON_THE_WAY = "not_on_the_way"
NOT_YOURS = "not_yours"
OFF_DUTY = "off_duty"
BAD_POINT = "bad_point"
BAD_ACCURACY = "bad_accuracy"
REFUSALS = (NOT_ON_THE_WAY, NOT_YOURS, OFF_DUTY, BAD_POINT, BAD_ACCURACY)


def in_working_hours(now: datetime, intervals) -> bool:
    """Whether ``now`` falls inside one of the (start, end) working intervals (end excluded)."""
    return any(start <= now < end for start, end in intervals)


def sharing_refusal(
    *, en_route: bool, own_visit: bool, now: datetime, working_intervals
) -> str | None:
    """Why the phone must not share its position for this visit now, or None: the visit is
    on the way, it is the technician's own, and ``now`` is inside their working intervals
    (their calendar, time off removed)."""
    if not en_route:
        return NOT_ON_THE_WAY
    if not own_visit:
        return NOT_YOURS
    if not in_working_hours(now, working_intervals):
        return OFF_DUTY
    return None


def refusal(
    *,
    en_route: bool,
    own_visit: bool,
    now: datetime,
    working_intervals,
    latitude,
    longitude,
    accuracy=None,
) -> str | None:
    """Why this position is refused (one of ``REFUSALS``), or None when it is accepted:
    ``sharing_refusal`` first, then the point must be real and the accuracy a non-negative
    number of metres (or none)."""
    code = sharing_refusal(
        en_route=en_route, own_visit=own_visit, now=now, working_intervals=working_intervals
    )
    if code:
        return code
    if not is_real_point(latitude, longitude):
        return BAD_POINT
    if accuracy not in (None, False):
        try:
            value = float(accuracy)
        except (TypeError, ValueError):
            return BAD_ACCURACY
        if math.isnan(value) or value < 0:
            return BAD_ACCURACY
    return None


def is_stale(recorded_at: datetime | None, now: datetime) -> bool:
    """No update for ``STALE_AFTER`` (or none at all): fall back to the planned timing."""
    if not recorded_at:  # None, or the ORM's False for an empty field
        return True
    return now - recorded_at >= STALE_AFTER


def purge_before(now: datetime, days) -> datetime:
    """Positions recorded before this moment are purged (``days`` below 1 counts as 1)."""
    try:
        keep = max(int(days), 1)
    except (TypeError, ValueError):
        keep = DEFAULT_RETENTION_DAYS
    return now - timedelta(days=keep)


def travel_seconds(
    point: tuple[float, float],
    destination: tuple[float, float],
    *,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
) -> int:
    """The embedded estimate of the rest of the leg: straight line × detour at a speed."""
    if speed_kmh <= 0:
        raise ValueError(f"speed_kmh must be > 0, got {speed_kmh!r}")
    if detour_factor < 1:
        raise ValueError(f"detour_factor must be >= 1, got {detour_factor!r}")
    km = haversine_km(point, destination) * detour_factor
    return round(km / speed_kmh * 3600)


def eta_from(recorded_at: datetime, seconds: int) -> datetime:
    """The arrival the rest of the leg gives, counted from when the position was received."""
    return recorded_at + timedelta(seconds=max(int(seconds), 0))
