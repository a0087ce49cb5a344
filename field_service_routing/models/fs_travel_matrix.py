import logging
import threading
from collections import OrderedDict

import requests

from odoo import models

from ..solver import HaversineProvider

_logger = logging.getLogger(__name__)

OSRM_TIMEOUT_S = 5
_CACHE_SIZE = 64
_cache = OrderedDict()
_cache_lock = threading.Lock()


class FsTravelMatrix(models.AbstractModel):
    """Travel times between points: OSRM when configured and reachable, else the embedded estimate.

    Returns integer matrices (seconds, metres) and a note saying which source was used, so a
    fallback is visible on the plan instead of silent.
    """

    _name = "fs.travel.matrix"
    _description = "Travel-time matrix"

    def _fs_matrices(self, points, company):
        """(durations_s, distances_m, note) for (lat, lon) ``points``, per company settings."""
        overhead_s = round(company.fs_travel_stop_overhead_min * 60)
        embedded = HaversineProvider(
            detour_factor=company.fs_travel_detour_factor,
            speed_kmh=company.fs_travel_speed_kmh,
            stop_overhead_s=overhead_s,
        )
        if company.fs_osrm_url and len(points) > 1:
            try:
                durations, distances = self._fs_osrm_table(company.fs_osrm_url, points)
                return (
                    self._fs_add_overhead(durations, overhead_s),
                    distances,
                    self.env._("Road times from OSRM (%s).", company.fs_osrm_url),
                )
            except (requests.RequestException, ValueError, KeyError) as error:
                _logger.info(
                    "OSRM at %s unreachable, embedded estimate used: %s", company.fs_osrm_url, error
                )
                durations, distances = embedded.matrix(points)
                return (
                    durations,
                    distances,
                    self.env._(
                        "OSRM at %(url)s could not answer (%(error)s): "
                        "the embedded estimate was used.",
                        url=company.fs_osrm_url,
                        error=str(error)[:120],
                    ),
                )
        durations, distances = embedded.matrix(points)
        return (
            durations,
            distances,
            self.env._(
                "Embedded estimate: straight line × %(detour)s at %(speed)s km/h "
                "+ %(overhead)s min a stop.",
                detour=company.fs_travel_detour_factor,
                speed=company.fs_travel_speed_kmh,
                overhead=company.fs_travel_stop_overhead_min,
            ),
        )

    def _fs_osrm_table(self, base_url, points):
        """OSRM's table service (durations and distances), cached by the exact points asked."""
        key = (base_url, tuple(points))
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        response = requests.get(
            f"{base_url.rstrip('/')}/table/v1/driving/{coordinates}",
            params={"annotations": "duration,distance"},
            timeout=OSRM_TIMEOUT_S,
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("code") != "Ok":
            raise ValueError(payload.get("message") or payload.get("code") or "no answer")
        result = (
            self._fs_integer_matrix(payload["durations"]),
            self._fs_integer_matrix(payload["distances"]),
        )
        if len(result[0]) != len(points):
            raise ValueError("OSRM answered for another number of points")
        with _cache_lock:
            _cache[key] = result
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return result

    @staticmethod
    def _fs_integer_matrix(rows):
        """OSRM's floats (None where unroutable) as integers; unroutable pairs become very far."""
        unroutable = 10**7
        return tuple(
            tuple(unroutable if value is None else round(value) for value in row) for row in rows
        )

    @staticmethod
    def _fs_add_overhead(durations, overhead_s):
        return tuple(
            tuple(value + (overhead_s if i != j else 0) for j, value in enumerate(row))
            for i, row in enumerate(durations)
        )
