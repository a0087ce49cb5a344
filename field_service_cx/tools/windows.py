"""Arrival windows: validation and time-zone conversion at the boundary.

Windows are stored as naive UTC datetimes (Odoo's convention) and shown in the site's time zone.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

from .notes import Note, _lt

UTC = ZoneInfo("UTC")


NEEDS_BOTH = _lt("A visit window needs both a start and an end.")
ENDS_BEFORE_START = _lt("The window ends (%(end)s) before it starts (%(start)s).")
NEGATIVE_SERVICE = _lt("The service duration cannot be negative.")


def window_problem(
    start: datetime | None, end: datetime | None, service_minutes: int
) -> Note | None:
    """Why a promised window is invalid, or None when it is fine (or not set yet).

    A window promises the arrival, not the whole service: it may be shorter than the job
    (a measured 30-minute arrival window for a 90-minute job, see ``tools.promises``)."""
    if not start and not end:
        return None
    if not start or not end:
        return Note(NEEDS_BOTH)
    if end <= start:
        return Note(ENDS_BEFORE_START, {"end": end, "start": start})
    if service_minutes < 0:
        return Note(NEGATIVE_SERVICE)
    return None


UNKNOWN_ZONE = _lt("unknown time zone “%(name)s”")


def find_zone(*names: str | None) -> tuple[ZoneInfo | None, Note | None]:
    """The first valid time zone among ``names`` (None when there is none) and a note.

    The note names the invalid zone that was skipped, so callers can record the fallback.
    """
    note = None
    for name in names:
        if not name:
            continue
        try:
            return ZoneInfo(name), note
        except (ZoneInfoNotFoundError, ValueError):
            note = note or Note(UNKNOWN_ZONE, {"name": name})
    return None, note


def resolve_zone(*names: str | None) -> tuple[ZoneInfo, Note | None]:
    """Like ``find_zone``, with UTC as the last resort."""
    zone, note = find_zone(*names)
    return zone or UTC, note


def to_local(value: datetime, zone: ZoneInfo) -> datetime:
    """A naive UTC datetime as an aware datetime in ``zone``."""
    return value.replace(tzinfo=UTC).astimezone(zone)


def to_utc(value: datetime, zone: ZoneInfo) -> datetime:
    """A naive local datetime in ``zone`` as a naive UTC datetime."""
    return value.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The naive UTC start and end of a local calendar day (23 or 25 hours on DST days)."""
    start = to_utc(datetime.combine(day, time.min), zone)
    end = to_utc(datetime.combine(day + timedelta(days=1), time.min), zone)
    return start, end


# How each language names a day in a window (babel's skeletons give only short forms).
DAY_PATTERNS = {
    "de": "EEEE, d. MMMM",
    "en": "EEEE d MMMM",
    "fi": "cccc d. MMMM",
    "fr": "EEEE d MMMM",
    "hu": "MMMM d., EEEE",
}
FALLBACK_LOCALE = "en_GB"


def _locale(code: str | None) -> Locale:
    try:
        return Locale.parse(code or FALLBACK_LOCALE)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)


def format_day(value: date, locale: str | None = None) -> str:
    """'Tuesday 24 November' in the customer's language ('tiistai 24. marraskuuta')."""
    loc = _locale(locale)
    pattern = DAY_PATTERNS.get(loc.language)
    if pattern:
        return format_date(value, format=pattern, locale=loc)
    return format_skeleton("MMMMEEEEd", value, locale=loc)


def format_hour(moment: datetime, zone: ZoneInfo, locale: str | None = None) -> str:
    """A naive UTC moment as the site's local 24-hour time in the language's way ('13.05')."""
    return format_skeleton("Hm", to_local(moment, zone), locale=_locale(locale))


def format_window(
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    locale: str | None = None,
    now: datetime | None = None,
) -> str:
    """'Tuesday 24 November, 13:00–15:00' in the customer's language and the site's zone.

    The one way windows are written (page, messages, report, calendar file): times are 24-hour
    in the language's own notation. With ``now`` (naive UTC), a window of the site's current
    day is just '13:00–15:00': a technician's list of today's visits does not repeat the date.
    """
    local_start, local_end = to_local(start, zone), to_local(end, zone)
    first, last = format_hour(start, zone, locale), format_hour(end, zone, locale)
    if local_start.date() == local_end.date():
        if now is not None and to_local(now, zone).date() == local_start.date():
            return f"{first}–{last}"
        return f"{format_day(local_start.date(), locale)}, {first}–{last}"
    return (
        f"{format_day(local_start.date(), locale)}, {first} – "
        f"{format_day(local_end.date(), locale)}, {last}"
    )
