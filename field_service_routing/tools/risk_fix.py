"""A suggested fix for a visit at risk: another qualified technician who can keep its window.

Plain values in (naive UTC datetimes, places as keys of a travel function in minutes), plain
values out. For each other technician the rule looks for the earliest start in each gap of
their day (from where they are, or from home, to their next visit) that

- lies inside the customer's window and no later than ``latest_start`` (the window's end less
  the at-risk margin: a start later than that would be at risk again),
- is not in the past, and leaves time to drive there from the previous stop,
- keeps the whole service inside one of their working spans (time off removed) and leaves
  time to drive on to their next visit at its planned start (nobody else's visit moves),
- passes ``accept`` (the booking rule's own check: skills at level, hours, time off, clear of
  other visits).

The least painful fix comes first: the fewest minutes added to the receiving route (the travel
the visit adds between its new neighbours; what the visit's own route saves is the same for
every candidate), then the earliest start, then the technician's name.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Suggested starts are rounded up to this many minutes (a time a dispatcher would say).
ROUND_MINUTES = 5

Travel = Callable[[Hashable | None, Hashable | None], float]


@dataclass(frozen=True)
class DayStop:
    """A visit already in a technician's day: its planned service span and where it is."""

    start: datetime
    end: datetime
    place: Hashable | None = None


@dataclass(frozen=True)
class Candidate:
    """Another technician: their working spans that day, their visits, where the day starts;
    ``missing`` is what they lack of the visit's skills (an unqualified one is never offered)."""

    technician: Hashable
    name: str
    working: tuple[tuple[datetime, datetime], ...]
    stops: tuple[DayStop, ...] = ()
    home: Hashable | None = None
    missing: tuple = ()


@dataclass(frozen=True)
class Fix:
    technician: Hashable
    name: str
    start: datetime
    added_minutes: int  # travel added to the receiving route


def round_up(moment: datetime, minutes: int = ROUND_MINUTES) -> datetime:
    """``moment`` rounded up to the next multiple of ``minutes`` past the hour (seconds too)."""
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += timedelta(minutes=1)
    extra = -base.minute % minutes
    return base + timedelta(minutes=extra)


def detour_minutes(
    before: Hashable | None, place: Hashable, after: Hashable | None, travel: Travel
) -> float:
    """Minutes a visit at ``place`` adds between ``before`` and ``after`` (either may be None:
    the start of the day unknown, or the end of the route)."""
    added = travel(before, place) if before is not None else 0.0
    if after is not None:
        added += travel(place, after)
        if before is not None:
            added -= travel(before, after)
    return max(added, 0.0)


def freed_minutes(
    stops: Sequence[DayStop], home: Hashable | None, visit: DayStop, travel: Travel
) -> float:
    """Minutes the visit's current route saves when ``visit`` leaves it (``stops`` holds the
    route's other visits)."""
    ordered = sorted(stops, key=lambda stop: stop.start)
    before = [stop.place for stop in ordered if stop.start <= visit.start]
    after = [stop.place for stop in ordered if stop.start > visit.start]
    previous = before[-1] if before else home
    following = after[0] if after else None
    if visit.place is None:
        return 0.0
    return detour_minutes(previous, visit.place, following, travel)


def best_slot(
    candidate: Candidate,
    *,
    place: Hashable | None,
    window: tuple[datetime, datetime],
    service_minutes: int,
    latest_start: datetime,
    now: datetime,
    travel: Travel,
    accept: Callable[[Hashable, datetime], bool] | None = None,
) -> tuple[datetime, float] | None:
    """(start, added minutes) of the candidate's least painful slot for the visit, or None."""
    if candidate.missing:
        return None
    service = timedelta(minutes=service_minutes)
    stops = sorted(candidate.stops, key=lambda stop: stop.start)
    last_start = min(window[1], latest_start)
    best = None
    for span_start, span_end in sorted(candidate.working):
        for index in range(len(stops) + 1):
            previous = stops[index - 1] if index else None
            following = stops[index] if index < len(stops) else None
            origin = previous.place if previous else candidate.home
            leave = max(previous.end if previous else span_start, span_start, now)
            drive = travel(origin, place) if origin is not None and place is not None else 0.0
            start = round_up(max(leave + timedelta(minutes=drive), window[0], span_start))
            end = start + service
            if start > last_start or end > span_end:
                continue
            if following is not None:
                known = place is not None and following.place is not None
                onward = travel(place, following.place) if known else 0.0
                if end + timedelta(minutes=onward) > following.start:
                    continue
            if any(stop.start < end and start < stop.end for stop in stops):
                continue
            if accept and not accept(candidate.technician, start):
                continue
            added = (
                detour_minutes(origin, place, following.place if following else None, travel)
                if place is not None
                else 0.0
            )
            key = (round(added), start)
            if best is None or key < best[0]:
                best = (key, start, added)
    return (best[1], best[2]) if best else None


def suggest_fixes(
    candidates: Iterable[Candidate],
    *,
    place: Hashable | None,
    window: tuple[datetime, datetime],
    service_minutes: int,
    latest_start: datetime,
    now: datetime,
    travel: Travel,
    accept: Callable[[Hashable, datetime], bool] | None = None,
) -> list[Fix]:
    """Every candidate who can keep the window, the least painful first (see the module)."""
    fixes = []
    for candidate in candidates:
        slot = best_slot(
            candidate,
            place=place,
            window=window,
            service_minutes=service_minutes,
            latest_start=latest_start,
            now=now,
            travel=travel,
            accept=accept,
        )
        if slot:
            start, added = slot
            fixes.append(Fix(candidate.technician, candidate.name, start, round(added)))
    fixes.sort(
        key=lambda fix: (fix.added_minutes, fix.start, fix.name.casefold(), str(fix.technician))
    )
    return fixes
