"""Haversine and the default travel provider."""

import pytest

from solver import HaversineProvider, haversine_m


def test_haversine_known_distance():
    # Paris (Notre-Dame) to Brussels (Grand-Place): about 264 km.
    assert haversine_m(48.8530, 2.3499, 50.8467, 4.3525) == pytest.approx(264_000, rel=0.01)


def test_provider_matrix():
    durations, distances = HaversineProvider(
        detour_factor=1.0, speed_kmh=36.0, stop_overhead_s=60
    ).matrix([(0.0, 0.0), (0.0, 0.01), (0.0, 0.0)])
    assert distances[0][1] == pytest.approx(1112, abs=2)
    assert durations[0][1] == pytest.approx(1112 / 10 + 60, abs=2)
    assert durations[0][2] == 0 and distances[1][1] == 0
    assert all(isinstance(x, int) for row in durations for x in row)


def test_provider_rejects_bad_points():
    with pytest.raises(ValueError):
        HaversineProvider().matrix([(95.0, 0.0)])
