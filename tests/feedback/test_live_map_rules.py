"""The customer's live map: the van only on the way, coarse (a grid) until the last leg."""

import math

import pytest
from fs_feedback_tools import live_map

HOME = (48.8687, 2.3316)  # 12 rue de la Paix, Paris
# About 4.5 km south-east of it, and about 600 m north of it.
FAR = (48.8400, 2.3800)
NEAR = (48.8741, 2.3316)
ALL_STATES = (
    "to_schedule",
    "scheduled",
    "confirmed",
    "en_route",
    "on_site",
    "done",
    "cancelled",
    "not_home",
    "unfinished",
)


def metres(a, b):
    return live_map.distance_km(a, b) * 1000


def test_no_map_and_no_position_in_any_state_but_on_the_way():
    for state in ALL_STATES:
        view = live_map.map_view(state, FAR, False, 20, HOME)
        if state == "en_route":
            assert view is not None and view.van is not None
        else:
            assert view is None, state


def test_on_the_way_far_away_the_van_is_snapped_to_a_500_m_grid():
    view = live_map.map_view("en_route", FAR, False, 20, HOME)
    assert view.precision == "coarse"
    assert view.van != FAR
    assert view.van == live_map.grid_point(FAR)
    # Within half a cell's diagonal of the truth, never the truth itself.
    assert 0 < metres(view.van, FAR) <= 500 / math.sqrt(2) + 1
    assert view.home == HOME and view.note is None


def test_the_grid_is_not_noise_a_cell_always_gives_the_same_point():
    # A van crawling 50 m at a time through one cell shows one point, so watching the page
    # (or averaging its answers) tells nothing finer than the cell.
    centre = live_map.grid_point(FAR)
    shown = set()
    for step in range(-2, 3):
        moved = (centre[0] + step * 0.00045, centre[1] + step * 0.0006)
        shown.add(live_map.grid_point(moved))
    assert shown == {centre}
    # The next row north is another point, one cell (500 m) further north; rows' cells are
    # as wide as they are high, so a row's columns need not line up with the next row's.
    north = live_map.grid_point((centre[0] + 500 / live_map.METRES_PER_DEGREE, centre[1]))
    assert north != centre
    assert 499 <= metres((north[0], centre[1]), centre) <= 501
    east = live_map.grid_point((centre[0], centre[1] + 0.0069))
    assert 499 <= metres(east, centre) <= 501


@pytest.mark.parametrize(
    "point", [(0.0001, 0.0001), (-33.8688, 151.2093), (64.1466, -21.9426), (89.9, 179.99)]
)
def test_grid_cells_stay_about_500_m_wide_at_every_latitude(point):
    centre = live_map.grid_point(point)
    assert metres(centre, point) <= 500 / math.sqrt(2) + 5
    assert -90 <= centre[0] <= 90 and -180 <= centre[1] <= 180


def test_a_grid_needs_a_real_cell():
    with pytest.raises(ValueError):
        live_map.grid_point(FAR, cell_m=0)


def test_the_last_leg_shows_the_exact_position():
    # Five minutes or less before the ETA, wherever the van is.
    view = live_map.map_view("en_route", FAR, False, 5, HOME)
    assert (view.precision, view.van) == ("exact", FAR)
    assert live_map.map_view("en_route", FAR, False, 6, HOME).precision == "coarse"
    # Within about a kilometre of the address, whatever the ETA says (or without one).
    assert 500 < metres(NEAR, HOME) < 1000
    view = live_map.map_view("en_route", NEAR, False, 12, HOME)
    assert (view.precision, view.van) == ("exact", NEAR)
    assert live_map.map_view("en_route", NEAR, False, None, HOME).precision == "exact"
    # Without the address's point only the ETA can tell the last leg.
    assert live_map.map_view("en_route", NEAR, False, 12, None).precision == "coarse"


def test_the_exact_point_keeps_about_a_metre():
    view = live_map.map_view("en_route", (48.86871234, 2.33161234), False, 2, HOME)
    assert view.van == (48.86871, 2.33161)


def test_a_stale_or_missing_position_shows_no_van_and_says_why():
    view = live_map.map_view("en_route", FAR, True, 20, HOME)
    assert (view.van, view.precision, view.note, view.home) == (None, None, "stale", HOME)
    # Stale even on the last leg: an old point is not where the van is.
    assert live_map.map_view("en_route", NEAR, True, 2, HOME).van is None
    assert live_map.map_view("en_route", None, False, 20, HOME).note == "unknown"
    # base_geolocalize's (0, 0) and garbage are no position either.
    assert live_map.map_view("en_route", (0.0, 0.0), False, 20, HOME).note == "unknown"
    assert live_map.map_view("en_route", (95.0, 2.0), False, 20, HOME).note == "unknown"
    assert live_map.map_view("en_route", ("x", 2.0), False, 20, HOME).van is None


def test_real_point_refuses_the_not_geolocated_marker():
    assert live_map.real_point(48.1, 2.2) == (48.1, 2.2)
    assert live_map.real_point("48.1", "2.2") == (48.1, 2.2)
    assert live_map.real_point(0, 0) is None
    assert live_map.real_point(None, 2.2) is None
    assert live_map.real_point(float("nan"), 2.2) is None
    assert live_map.real_point(12.0, 181.0) is None


def test_tiles_follow_the_dispatchers_settings_else_openstreetmap():
    custom = "https://tiles.example.com/{z}/{x}/{y}.png"
    assert live_map.tiles(custom, "© Example") == {"url": custom, "attribution": "© Example"}
    assert live_map.tiles(custom, "False")["attribution"] == live_map.DEFAULT_TILE_ATTRIBUTION
    for unusable in (None, "", "False", "https://tiles.example.com/", "ftp://x/{z}/{x}/{y}"):
        assert live_map.tiles(unusable, "© Example") == {
            "url": live_map.DEFAULT_TILE_URL,
            "attribution": live_map.DEFAULT_TILE_ATTRIBUTION,
        }
    assert live_map.tiles("/tiles/{z}/{x}/{y}.png", "")["url"] == "/tiles/{z}/{x}/{y}.png"
