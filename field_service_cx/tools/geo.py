"""Coordinates: what counts as a real point, distances, and a polite pace for geocoders."""

import math
import threading
import time
from collections.abc import Callable
from urllib.parse import quote

EARTH_RADIUS_KM = 6371.0088


def is_real_point(latitude: float | None, longitude: float | None) -> bool:
    """A point on Earth that is not (0, 0), the "not geolocated" marker of base_geolocalize."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    if math.isnan(lat) or math.isnan(lon):
        return False
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return False
    return abs(lat) > 1e-7 or abs(lon) > 1e-7


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Throttle:
    """At most one call per ``interval_s`` seconds: call ``wait()`` right before each call.

    Thread-safe; ``clock`` and ``sleep`` are injectable so tests need not wait.
    """

    def __init__(
        self,
        interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if interval_s < 0:
            raise ValueError("A throttle interval cannot be negative.")
        self.interval_s = interval_s
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Sleep as long as needed since the previous call; return the time slept."""
        with self._lock:
            slept = 0.0
            if self._last is not None:
                slept = max(0.0, self._last + self.interval_s - self._clock())
                if slept:
                    self._sleep(slept)
            self._last = self._clock()
            return slept


def navigation_url(latitude: float | None, longitude: float | None, address: str | None) -> str:
    """A link the phone opens in its maps app, routing to the point (else to the address)."""
    if is_real_point(latitude, longitude):
        destination = f"{float(latitude):.6f},{float(longitude):.6f}"
    elif address and address.strip():
        destination = " ".join(address.split())
    else:
        return ""
    return "https://www.google.com/maps/dir/?api=1&destination=" + quote(destination, safe=",")
