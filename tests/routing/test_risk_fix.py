from datetime import datetime, timedelta

from fs_routing_tools.risk_fix import (
    Candidate,
    DayStop,
    Fix,
    best_slot,
    detour_minutes,
    freed_minutes,
    round_up,
    suggest_fixes,
)

DAY = datetime(2026, 6, 10)


def at(hour, minute=0):
    return DAY.replace(hour=hour, minute=minute)


# Places on a line: minutes between them are 10 per unit of distance.
PLACES = {"home": 0, "a": 1, "b": 2, "visit": 3, "c": 4, "far": 9}


def travel(origin, target):
    return 10.0 * abs(PLACES[origin] - PLACES[target])


WORK = ((at(8), at(17)),)
WINDOW = (at(13), at(15))
NOW = at(9)


def suggest(candidates, **values):
    options = {
        "place": "visit",
        "window": WINDOW,
        "service_minutes": 60,
        "latest_start": WINDOW[1] - timedelta(minutes=10),
        "now": NOW,
        "travel": travel,
    }
    options.update(values)
    return suggest_fixes(candidates, **options)


def test_round_up_to_five_minutes():
    assert round_up(at(13, 1)) == at(13, 5)
    assert round_up(at(13, 5)) == at(13, 5)
    assert round_up(at(13, 4).replace(second=1)) == at(13, 5)
    assert round_up(at(13, 58)) == at(14, 0)


def test_detour_between_neighbours():
    assert detour_minutes("a", "visit", "c", travel) == 20 + 10 - 30
    assert detour_minutes("b", "visit", None, travel) == 10  # the end of the route
    assert detour_minutes(None, "visit", "c", travel) == 10  # the day's start unknown
    assert detour_minutes("c", "visit", "c", travel) == 20


def test_the_least_added_travel_wins_and_the_start_keeps_the_window():
    near = Candidate(2, "Carla", WORK, (DayStop(at(10), at(11), "c"),), home="home")
    far = Candidate(3, "Dan", WORK, (DayStop(at(10), at(11), "far"),), home="home")
    fixes = suggest([far, near])
    assert [fix.name for fix in fixes] == ["Carla", "Dan"]
    carla = fixes[0]
    assert carla.added_minutes == 10  # from c, end of her route
    assert carla.start == at(13)  # free before: she waits for the window to open
    for fix in fixes:
        assert WINDOW[0] <= fix.start <= WINDOW[1] - timedelta(minutes=10)


def test_an_unqualified_technician_is_never_offered():
    expert = Candidate(2, "Carla", WORK, home="visit")
    novice = Candidate(3, "Bob", WORK, home="visit", missing=(7,))
    assert [fix.technician for fix in suggest([novice, expert])] == [2]
    assert (
        best_slot(
            novice,
            place="visit",
            window=WINDOW,
            service_minutes=60,
            latest_start=at(14, 50),
            now=NOW,
            travel=travel,
        )
        is None
    )


def test_nobody_when_the_window_cannot_be_kept():
    busy = Candidate(2, "Carla", WORK, (DayStop(at(12), at(15), "a"),), home="home")
    off = Candidate(3, "Dan", ((at(8), at(12)),), home="home")  # works mornings only
    short = Candidate(4, "Eve", ((at(13), at(13, 30)),), home="visit")  # too short for 60 min
    assert suggest([busy, off, short]) == []


def test_the_start_leaves_time_to_drive_there_and_on():
    # Carla ends at c at 12:55: 10 min to drive, so 13:05 (rounded up); the service ends at
    # 14:05 and 60 min take her to "far" by 15:05, before its 15:10 start.
    carla = Candidate(
        2,
        "Carla",
        WORK,
        (DayStop(at(11), at(12, 55), "c"), DayStop(at(15, 10), at(16), "far")),
        home="home",
    )
    [fix] = suggest([carla])
    assert fix.start == at(13, 5)
    assert fix.added_minutes == 10 + 60 - 50
    # A next visit too close: 14:05 + 60 min of travel to "far" misses its 14:30 start.
    tight = Candidate(
        2, "Carla", WORK, (DayStop(at(11), at(12, 55), "c"), DayStop(at(14, 30), at(16), "far"))
    )
    assert suggest([tight]) == []


def test_never_in_the_past_and_not_after_the_latest_start():
    free = Candidate(2, "Carla", WORK, home="visit")
    [fix] = suggest([free], now=at(14, 2))
    assert fix.start == at(14, 5), "from now, rounded up"
    assert suggest([free], now=at(14, 51)) == [], "later than the margin before the window ends"


def test_the_booking_rule_has_the_last_word():
    carla = Candidate(2, "Carla", WORK, home="visit")
    dan = Candidate(3, "Dan", WORK, home="far")
    refused = []

    def accept(technician, start):
        refused.append((technician, start))
        return technician != 2

    assert [fix.technician for fix in suggest([carla, dan], accept=accept)] == [3]
    assert (2, at(13)) in refused


def test_ties_go_to_the_earlier_start_then_the_name():
    early = Candidate(2, "Zoé", WORK, home="visit")
    late = Candidate(3, "Adam", WORK, (DayStop(at(12), at(13, 30), "visit"),), home="visit")
    same = Candidate(4, "Ada", WORK, home="visit")
    fixes = suggest([late, early, same])
    assert [(fix.name, fix.start) for fix in fixes] == [
        ("Ada", at(13)),
        ("Zoé", at(13)),
        ("Adam", at(13, 30)),
    ]
    assert all(isinstance(fix, Fix) and fix.added_minutes == 0 for fix in fixes)


def test_the_freed_minutes_of_the_visit_own_route():
    stops = [DayStop(at(9), at(10), "a"), DayStop(at(15), at(16), "c")]
    visit = DayStop(at(13), at(14), "far")
    assert freed_minutes(stops, "home", visit, travel) == 80 + 50 - 30
    assert freed_minutes([], "home", visit, travel) == 90
    assert freed_minutes(stops, "home", DayStop(at(13), at(14), None), travel) == 0
