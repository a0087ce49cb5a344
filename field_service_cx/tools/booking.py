"""The booking rule: which windows can we offer for a job at a place, and with whom.

One rule for every path that books (the office's booking wizard, the customer's reschedule,
later the waitlist). Inputs are plain values the model adapter reads in batch: the qualified
technicians' working intervals (their calendars, time off removed), the visits already booked
around those days (with or without a technician), where the job is.

A window is offered when a qualified technician
- works at its start and for the whole service after it,
- may start the job then (``earliest``: the cut-off, and the parts lead time when their van
  lacks the kit),
- has fewer than ``per_window`` visits overlapping it,
- has room left that day (worked minutes minus booked service), and the team has room left
  that day counting the visits nobody was given yet.
Each window comes with its technicians, the one adding the least travel first.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .geo import haversine_km, is_real_point

Point = tuple[float, float]


@dataclass(frozen=True)
class Booked:
    """A visit already holding a window (UTC); ``technician`` is None when nobody has it yet."""

    start: datetime
    end: datetime
    technician: Hashable | None
    service_minutes: int
    point: Point | None = None


@dataclass(frozen=True)
class Offer:
    start: datetime
    end: datetime
    technicians: tuple  # who can keep it, the suggested one (least added travel) first
    added_km: float  # the suggested technician's added travel

    @property
    def technician(self):
        return self.technicians[0]


def fits(spans: Iterable[tuple[datetime, datetime]], start: datetime, service_minutes: int) -> bool:
    """Whether a job starting at ``start`` and lasting ``service_minutes`` fits inside one of
    the working ``spans`` (the technician works at its start and for the whole service)."""
    end = start + timedelta(minutes=service_minutes)
    return any(span_start <= start and end <= span_end for span_start, span_end in spans)


def candidate_windows(
    working: Mapping[Hashable, Iterable[tuple[datetime, datetime]]], window_minutes: int
) -> list[tuple[datetime, datetime]]:
    """Back-to-back windows of ``window_minutes`` from the start of each working interval,
    for every technician, without duplicates, in time order."""
    if window_minutes <= 0:
        raise ValueError("A window must last at least a minute.")
    length = timedelta(minutes=window_minutes)
    starts = set()
    for spans in working.values():
        for span_start, span_end in spans:
            start = span_start
            while start < span_end:
                starts.add(start)
                start += length
    return [(start, start + length) for start in sorted(starts)]


def added_km(
    point: Point | None, day_visits: Iterable[Booked], start: datetime, home: Point | None = None
) -> float:
    """The detour (km) of slotting a visit at ``point`` between the technician's visits of
    that day just before and just after ``start`` (before the first: from ``home``, where
    the day starts); a neighbour or a point that is unknown adds nothing."""
    if not is_real_point(*(point or (None, None))):
        return 0.0
    ordered = sorted(day_visits, key=lambda visit: visit.start)
    before = [v.point for v in ordered if v.start <= start and v.point]
    after = [v.point for v in ordered if v.start > start and v.point]
    prev, nxt = (before[-1] if before else home), (after[0] if after else None)
    detour = 0.0
    if prev and is_real_point(*prev):
        detour += haversine_km(prev, point)
    if nxt and is_real_point(*nxt):
        detour += haversine_km(point, nxt)
    if prev and nxt and is_real_point(*prev) and is_real_point(*nxt):
        detour -= haversine_km(prev, nxt)
    return max(detour, 0.0)


def offer_windows(
    *,
    working: Mapping[Hashable, Iterable[tuple[datetime, datetime]]],
    booked: Iterable[Booked],
    service_minutes: int,
    window_minutes: int,
    earliest: Mapping[Hashable, datetime],
    day_of: Callable[[datetime], date],
    point: Point | None = None,
    per_window: int = 1,
    exclude: tuple[datetime, datetime] | None = None,
    preferred: Hashable | None = None,
    homes: Mapping[Hashable, Point] | None = None,
) -> list[Offer]:
    """The windows to offer, in time order (see the module's docstring for the rule).

    ``working`` maps each qualified technician to their working intervals (naive UTC);
    ``earliest`` the first start each may take; ``day_of`` gives the local day of a moment;
    ``exclude`` drops a window (the visit's current one); ``preferred`` wins a travel tie;
    ``homes`` gives where each technician's day starts.
    """
    homes = homes or {}
    spans = {tech: sorted(intervals) for tech, intervals in working.items()}
    booked = list(booked)
    worked = {}  # (tech, day) -> minutes
    for tech, intervals in spans.items():
        for span_start, span_end in intervals:
            key = (tech, day_of(span_start))
            worked[key] = worked.get(key, 0) + (span_end - span_start).total_seconds() / 60
    load = {}  # (tech or None, day) -> booked service minutes
    by_tech_day = {}
    for visit in booked:
        key = (visit.technician if visit.technician in spans else None, day_of(visit.start))
        if visit.technician is not None and visit.technician not in spans:
            continue  # someone else's visit (not qualified for this job): not our capacity
        load[key] = load.get(key, 0) + visit.service_minutes
        by_tech_day.setdefault(key, []).append(visit)

    offers = []
    for start, end in candidate_windows(spans, window_minutes):
        if exclude and (start, end) == exclude:
            continue
        day = day_of(start)
        team_room = sum(minutes for (_t, d), minutes in worked.items() if d == day) - sum(
            minutes for (_t, d), minutes in load.items() if d == day
        )
        if team_room < service_minutes:
            continue
        fitting = []
        for tech, intervals in spans.items():
            if start < earliest.get(tech, start):
                continue
            if not fits(intervals, start, service_minutes):
                continue
            if worked.get((tech, day), 0) - load.get((tech, day), 0) < service_minutes:
                continue
            overlapping = sum(
                1 for v in by_tech_day.get((tech, day), ()) if v.start < end and start < v.end
            )
            if overlapping >= per_window:
                continue
            detour = added_km(point, by_tech_day.get((tech, day), ()), start, homes.get(tech))
            fitting.append((round(detour, 3), tech != preferred, len(fitting), tech, detour))
        if fitting:
            fitting.sort(key=lambda row: row[:3])
            offers.append(Offer(start, end, tuple(row[3] for row in fitting), fitting[0][4]))
    return offers


# Why a technician may not take a visit at a moment (codes: the models word them).
SKILLS, WINDOW, HOURS, TIME_OFF, BUSY = "skills", "window", "hours", "time_off", "busy"


def placement_problem(
    *,
    start: datetime,
    service_minutes: int,
    window: tuple[datetime, datetime] | None,
    missing: Iterable,
    attendance: Iterable[tuple[datetime, datetime]],
    working: Iterable[tuple[datetime, datetime]],
    busy: Iterable[tuple[datetime, datetime]] = (),
) -> str | None:
    """The first reason a technician may not start a visit at ``start``, or None.

    ``missing`` is what ``tools.skills.missing_skills`` says they lack, ``window`` the customer's
    (start, end) or None when none was promised yet, ``attendance`` their working hours and
    ``working`` the same with time off removed (naive UTC spans, like ``start``). The visit must
    start inside its window and the whole service fit in the working hours, clear of the
    technician's other visits (``busy``: their service spans).
    """
    if list(missing):
        return SKILLS
    if window and not window[0] <= start <= window[1]:
        return WINDOW
    if not fits(list(working), start, service_minutes):
        return TIME_OFF if fits(list(attendance), start, service_minutes) else HOURS
    end = start + timedelta(minutes=service_minutes)
    if any(other_start < end and start < other_end for other_start, other_end in busy):
        return BUSY
    return None
