from datetime import datetime, timedelta

import pytest
from fs_cx_tools import booking
from fs_cx_tools.geo import haversine_km

DAY = datetime(2026, 3, 2)  # a Monday; times below are naive UTC and the local day is UTC's
LYON, VILLEURBANNE, GRENOBLE = (45.764, 4.8357), (45.7719, 4.8902), (45.1885, 5.7245)


def at(hour, minutes=0, day=DAY):
    return day.replace(hour=hour, minute=minutes)


def shift(first=8, last=17, day=DAY):
    return [(at(first, day=day), at(12, day=day)), (at(13, day=day), at(last, day=day))]


def offer(**kwargs):
    values = {
        "working": {"ann": shift()},
        "booked": [],
        "service_minutes": 60,
        "window_minutes": 120,
        "earliest": {},
        "day_of": lambda moment: moment.date(),
    }
    values.update(kwargs)
    return booking.offer_windows(**values)


def starts(offers):
    return [(o.start.hour, o.start.minute) for o in offers]


def test_windows_follow_the_working_hours_not_a_fixed_grid():
    assert starts(offer()) == [(8, 0), (10, 0), (13, 0), (15, 0)]
    late = offer(working={"ann": [(at(10, 30), at(19))]})
    assert starts(late) == [(10, 30), (12, 30), (14, 30), (16, 30)]
    assert offer(working={"ann": []}) == []


def test_the_service_must_fit_in_the_shift():
    # 16:30-18:30 starts in the shift but 90 minutes of service end after 17:00.
    offers = offer(working={"ann": [(at(14, 30), at(17))]}, service_minutes=90)
    assert starts(offers) == [(14, 30)]


def test_a_window_taken_by_a_visit_is_not_offered_again():
    booked = [booking.Booked(at(10), at(12), "ann", 60)]
    assert (10, 0) not in starts(offer(booked=booked))
    assert (10, 0) in starts(offer(booked=booked, per_window=2))


def test_the_day_capacity_counts_visits_nobody_was_given_yet():
    # Ann works 8 h; seven hours of unassigned visits leave room for one more hour only.
    unassigned = [booking.Booked(at(8), at(17), None, 60) for _ in range(7)]
    assert len(offer(booked=unassigned)) == 4
    unassigned.append(booking.Booked(at(8), at(17), None, 60))
    assert offer(booked=unassigned) == []


def test_a_technicians_own_day_fills_up():
    full = [booking.Booked(at(8), at(17), "ann", 240) for _ in range(2)]
    offers = offer(working={"ann": shift(), "bob": shift()}, booked=full)
    assert offers and all(o.technicians == ("bob",) for o in offers)


def test_visits_of_unqualified_technicians_do_not_use_our_capacity():
    theirs = [booking.Booked(at(8), at(17), "zoe", 480)]
    assert len(offer(booked=theirs)) == 4


def test_earliest_start_per_technician_holds_the_parts_lead_time():
    offers = offer(working={"ann": shift(), "bob": shift()}, earliest={"ann": at(13)})
    assert offers[0].technicians == ("bob",)
    assert [o.technicians for o in offers if o.start >= at(13)] == [("ann", "bob")] * 2


def test_the_suggested_technician_adds_the_least_travel():
    booked = [
        booking.Booked(at(8), at(10), "ann", 60, GRENOBLE),
        booking.Booked(at(8), at(10), "bob", 60, VILLEURBANNE),
    ]
    offers = offer(working={"ann": shift(), "bob": shift()}, booked=booked, point=LYON)
    window = next(o for o in offers if o.start == at(10))
    assert window.technician == "bob"
    assert window.technicians == ("bob", "ann")
    assert 3 < window.added_km < 6  # Villeurbanne to Lyon centre


def test_added_travel_is_the_detour_between_neighbours():
    day = [
        booking.Booked(at(8), at(10), "ann", 60, LYON),
        booking.Booked(at(13), at(15), "ann", 60, GRENOBLE),
    ]
    between = booking.added_km(VILLEURBANNE, day, at(10))
    direct = booking.added_km(LYON, day, at(10))
    assert direct == pytest.approx(0.0, abs=1e-6)
    assert between > 0
    assert booking.added_km(None, day, at(10)) == 0.0
    # Before the day's first visit, the detour is from where the technician's day starts.
    first = booking.added_km(VILLEURBANNE, day, at(7), home=LYON)  # Lyon, here, Lyon at 8
    assert first == pytest.approx(2 * haversine_km(LYON, VILLEURBANNE))
    assert booking.added_km(VILLEURBANNE, [], at(7)) == 0.0
    assert booking.added_km(VILLEURBANNE, [], at(7), home=GRENOBLE) > 90
    assert booking.added_km((0.0, 0.0), day, at(10)) == 0.0


def test_an_empty_day_counts_travel_from_home():
    working = {"ann": shift(), "bob": shift()}
    offers = offer(working=working, point=LYON, homes={"ann": GRENOBLE, "bob": VILLEURBANNE})
    assert all(o.technician == "bob" for o in offers)
    assert all(3 < o.added_km < 6 for o in offers)


def test_preferred_technician_wins_a_tie_and_exclude_drops_the_current_window():
    offers = offer(working={"ann": shift(), "bob": shift()}, preferred="bob")
    assert all(o.technician == "bob" for o in offers)
    current = (at(8), at(10))
    assert (8, 0) not in starts(offer(exclude=current))


def test_several_days_each_with_its_own_capacity():
    tuesday = DAY + timedelta(days=1)
    working = {"ann": shift() + shift(day=tuesday)}
    monday_full = [booking.Booked(at(8), at(17), None, 480)]
    offers = offer(working=working, booked=monday_full)
    assert {o.start.date() for o in offers} == {tuesday.date()}


def test_a_window_must_have_a_length():
    with pytest.raises(ValueError, match="at least a minute"):
        offer(window_minutes=0)


# ---- placing a visit by hand (the dispatch board) ------------------------------------------


def place(**kwargs):
    values = {
        "start": at(10),
        "service_minutes": 60,
        "window": (at(10), at(12)),
        "missing": [],
        "attendance": shift(),
        "working": shift(),
    }
    values.update(kwargs)
    return booking.placement_problem(**values)


def test_a_start_inside_the_window_and_the_hours_is_fine():
    assert place() is None
    assert place(start=at(12), window=(at(10), at(12)), service_minutes=60) == booking.HOURS
    assert place(start=at(11), window=(at(10), at(12))) is None


def test_missing_skills_come_first():
    assert place(missing=["gas"], start=at(20)) == booking.SKILLS


def test_a_start_outside_the_window_is_refused():
    assert place(start=at(9)) == booking.WINDOW
    assert place(start=at(12, 15)) == booking.WINDOW
    assert place(start=at(15), window=None) is None  # no window promised yet


def test_the_whole_service_must_fit_the_working_hours():
    assert place(start=at(16, 30), window=(at(15), at(17))) == booking.HOURS
    assert place(start=at(11, 30), window=(at(11), at(13))) == booking.HOURS  # over lunch


def test_time_off_is_told_apart_from_hours():
    assert place(working=[]) == booking.TIME_OFF
    assert place(working=[], start=at(7), window=(at(7), at(9))) == booking.HOURS


def test_a_start_over_another_visit_of_the_technician_is_refused():
    other = [(at(10, 30), at(11, 30))]
    assert place(busy=other) == booking.BUSY  # 10:00-11:00 meets 10:30
    assert place(busy=[(at(9), at(10))]) is None  # ends as this one starts
    assert place(busy=[(at(11), at(12))]) is None  # starts as this one ends


# ---- honest windows (issue #17): each window sized from the technician's simulated day ----

HONEST = booking.Honest(spread={"ann": (55.0, 70.0), "bob": (55.0, 70.0)})


def widths(offers):
    return [(o.end - o.start).total_seconds() / 60 for o in offers]


def test_an_empty_day_offers_half_hour_windows_at_each_start():
    offers = offer(honest=HONEST)
    assert starts(offers) == [(8, 0), (10, 0), (13, 0), (15, 0)]
    assert widths(offers) == [30, 30, 30, 30], "nothing before them: the start is kept"


def test_windows_widen_behind_the_visits_already_booked():
    # Ann's morning is four hour-long jobs back to back, each with a spread, 5 km apart.
    points = [(45.764 + 0.045 * i, 4.8357) for i in range(4)]
    booked = [
        booking.Booked(
            at(8) + timedelta(minutes=15 * i),
            at(8) + timedelta(minutes=15 * i + 15),
            "ann",
            60,
            p,
            (55.0, 70.0),
        )
        for i, p in enumerate(points)
    ]
    late = booking.Honest(spread={"ann": (55.0, 70.0)})
    offers = offer(
        working={"ann": [(at(8), at(17))]},
        booked=booked,
        window_minutes=60,
        service_minutes=60,
        honest=late,
        point=LYON,
    )
    first_free = offers[0]
    assert first_free.start >= at(12), "behind four hour-long jobs"
    assert (first_free.end - first_free.start) >= timedelta(minutes=60), "four spreads add up"
    again = offer(
        working={"ann": [(at(8), at(17))]},
        booked=booked,
        window_minutes=60,
        service_minutes=60,
        honest=late,
        point=LYON,
    )
    assert [(o.start, o.end) for o in again] == [(o.start, o.end) for o in offers], "seeded"


def test_the_honest_window_is_the_simulated_interval_rounded_out():
    booked = [booking.Booked(at(8), at(8, 30), "ann", 60, LYON, (60.0, 90.0))]
    honest = booking.Honest(spread={"ann": (55.0, 70.0)})
    start, end = booking.honest_window(
        honest,
        day_start=at(8),
        day_visits=booked,
        start=at(9),
        point=VILLEURBANNE,
        technician="ann",
        home=LYON,
    )
    # After an hour-long job (P80 1.5 h, so P90 ≈ 1 h 50) at 8:00 and 6 min of travel:
    # 9:00 at best, about 10:00 when the first job runs long.
    assert start == at(9)
    assert at(9, 45) <= end <= at(10, 30)
    assert end.minute % 15 == 0


def test_each_technician_is_planned_with_their_own_duration():
    # Ann takes 3 h for this job (measured), Bob 1 h: 10:00 and 15:00 fit Bob's shift only.
    offers = offer(
        working={"ann": shift(), "bob": shift()},
        service_minutes={"ann": 180, "bob": 60},
    )
    by_start = {(o.start.hour, o.start.minute): set(o.technicians) for o in offers}
    assert by_start == {
        (8, 0): {"ann", "bob"},
        (10, 0): {"bob"},
        (13, 0): {"ann", "bob"},
        (15, 0): {"bob"},
    }
