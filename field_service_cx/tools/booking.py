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

With ``honest`` (``Honest``), each window's end (and its start when the day before it runs
late) is the simulated arrival interval of the suggested technician's day with the job slotted
at the window's start (``tools.promises``): early stops narrow, late stops wider.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import promises
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
    spread: tuple[float, float] | None = None  # measured (P50, P80) minutes; None: the service


@dataclass(frozen=True)
class Honest:
    """How to size windows from the simulated day (see ``tools.promises``)."""

    spread: Mapping[Hashable, tuple[float, float]]  # the new job's (P50, P80) per technician
    speed_kmh: float = 40.0  # travel between points: straight line × detour at this speed
    detour_factor: float = 1.3
    runs: int = promises.DEFAULT_RUNS
    seed: int = promises.DEFAULT_SEED
    step_minutes: int = promises.STEP_MINUTES
    min_width_minutes: int = promises.MIN_WIDTH_MINUTES

    def travel_minutes(self, a: Point | None, b: Point | None) -> float:
        if not (a and b and is_real_point(*a) and is_real_point(*b)):
            return 0.0
        return haversine_km(a, b) * self.detour_factor / self.speed_kmh * 60


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


def honest_window(
    honest: Honest,
    *,
    day_start: datetime,
    day_visits: Iterable[Booked],
    start: datetime,
    point: Point | None,
    technician: Hashable,
    home: Point | None = None,
) -> tuple[datetime, datetime]:
    """The window to promise a job at ``point`` slotted at ``start`` in a technician's day:
    their visits that day before ``start`` (each not reached before its own window), then
    this one (not before ``start``), simulated from ``day_start`` (see ``tools.promises``)."""

    def minutes(moment):
        return (moment - day_start).total_seconds() / 60

    stops = []
    previous = home
    for visit in sorted(day_visits, key=lambda v: v.start):
        if visit.start > start:
            break
        p50, p80 = visit.spread or (visit.service_minutes, visit.service_minutes)
        stops.append(
            promises.DayStop(
                honest.travel_minutes(previous, visit.point),
                promises.Duration(max(p50, 1), max(p80, p50, 1)),
                minutes(visit.start),
            )
        )
        previous = visit.point or previous
    p50, p80 = honest.spread[technician]
    stops.append(
        promises.DayStop(
            honest.travel_minutes(previous, point),
            promises.Duration(max(p50, 1), max(p80, p50, 1)),
            minutes(start),
        )
    )
    interval = promises.simulate_day(0.0, stops, runs=honest.runs, seed=honest.seed)[-1]
    first, last = promises.window_for(
        interval, step=honest.step_minutes, minimum=honest.min_width_minutes
    )
    return day_start + timedelta(minutes=first), day_start + timedelta(minutes=last)


def offer_windows(
    *,
    working: Mapping[Hashable, Iterable[tuple[datetime, datetime]]],
    booked: Iterable[Booked],
    service_minutes: int | Mapping[Hashable, int],
    window_minutes: int,
    earliest: Mapping[Hashable, datetime],
    day_of: Callable[[datetime], date],
    point: Point | None = None,
    per_window: int = 1,
    exclude: tuple[datetime, datetime] | None = None,
    preferred: Hashable | None = None,
    homes: Mapping[Hashable, Point] | None = None,
    honest: Honest | None = None,
) -> list[Offer]:
    """The windows to offer, in time order (see the module's docstring for the rule).

    ``working`` maps each qualified technician to their working intervals (naive UTC);
    ``earliest`` the first start each may take; ``day_of`` gives the local day of a moment;
    ``exclude`` drops a window (the visit's current one); ``preferred`` wins a travel tie;
    ``homes`` gives where each technician's day starts; ``service_minutes`` may differ per
    technician (a mapping: their measured durations); ``honest`` sizes each window from the
    simulated day instead of ``window_minutes`` (which then only spaces the starts).
    """
    homes = homes or {}
    spans = {tech: sorted(intervals) for tech, intervals in working.items()}
    if isinstance(service_minutes, Mapping):
        minutes_of = {tech: service_minutes.get(tech, 0) for tech in spans}
    else:
        minutes_of = dict.fromkeys(spans, service_minutes)
    least = min(minutes_of.values(), default=0)
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
        if exclude and start == exclude[0]:
            continue
        day = day_of(start)
        team_room = sum(minutes for (_t, d), minutes in worked.items() if d == day) - sum(
            minutes for (_t, d), minutes in load.items() if d == day
        )
        if team_room < least:
            continue
        fitting = []
        for tech, intervals in spans.items():
            service = minutes_of[tech]
            if start < earliest.get(tech, start):
                continue
            if not fits(intervals, start, service):
                continue
            if worked.get((tech, day), 0) - load.get((tech, day), 0) < service:
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
            suggested = fitting[0][3]
            first, last = start, end
            if honest:
                first, last = honest_window(
                    honest,
                    day_start=min(s for s, _e in spans[suggested] if day_of(s) == day),
                    day_visits=by_tech_day.get((suggested, day), ()),
                    start=start,
                    point=point,
                    technician=suggested,
                    home=homes.get(suggested),
                )
                if exclude and first == exclude[0]:
                    continue
            offers.append(Offer(first, last, tuple(row[3] for row in fitting), fitting[0][4]))
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
