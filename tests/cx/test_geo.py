import math

import pytest
from fs_cx_tools import geo


def test_zero_zero_and_out_of_range_are_not_real_points():
    assert not geo.is_real_point(0.0, 0.0)
    assert not geo.is_real_point(None, 4.8)
    assert not geo.is_real_point(91.0, 4.8)
    assert not geo.is_real_point(45.0, 181.0)
    assert not geo.is_real_point(math.nan, 4.8)
    assert not geo.is_real_point("north", 4.8)
    assert geo.is_real_point(45.764, 4.8357)
    assert geo.is_real_point(0.0, 4.8)  # on the equator, still a real place


def test_haversine_lyon_to_paris_is_about_392_km():
    lyon, paris = (45.7640, 4.8357), (48.8566, 2.3522)
    assert geo.haversine_km(lyon, paris) == pytest.approx(392, abs=3)
    assert geo.haversine_km(lyon, lyon) == 0.0


def test_throttle_spaces_calls_by_the_interval():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    throttle = geo.Throttle(1.0, clock=lambda: now[0], sleep=sleep)
    assert throttle.wait() == 0.0  # the first call never waits
    now[0] += 0.25
    assert throttle.wait() == pytest.approx(0.75)
    now[0] += 3.0
    assert throttle.wait() == 0.0  # enough time passed
    assert slept == [pytest.approx(0.75)]


def test_throttle_refuses_a_negative_interval():
    with pytest.raises(ValueError):
        geo.Throttle(-1)


def test_navigation_goes_to_the_point_else_the_address():
    assert geo.navigation_url(45.764, 4.8357, "ignored") == (
        "https://www.google.com/maps/dir/?api=1&destination=45.764000,4.835700"
    )
    assert geo.navigation_url(0.0, 0.0, "12 rue de la Paix\n75002 Paris") == (
        "https://www.google.com/maps/dir/?api=1&destination=12%20rue%20de%20la%20Paix%2075002%20Paris"
    )
    assert geo.navigation_url(None, None, "  ") == ""
