"""The customer's live map: when the van shows on the visit page, and how precisely.

A privacy rule, written once for the page and its JSON. The van's position leaves the server
only while the technician is on the way to *this* visit; then it is snapped to a ~500 m grid
(the centre of its cell: the same cell always gives the same point, so watching the page
longer or averaging answers tells nothing more) until the last leg, when the van is a few
minutes or about a kilometre away and the exact point helps the customer look out for it.
A stale position (the phone stopped sending) shows no van: the page shows the planned time.

Points are (latitude, longitude) in degrees; plain Python, no Odoo.
"""

import math
from dataclasses import dataclass

# The state in which the technician is driving to the visit (field_service_cx's visit state).
EN_ROUTE = "en_route"
# The coarse grid's cell, in metres (north-south and east-west).
COARSE_CELL_M = 500.0
# The last leg: the exact position shows from this many minutes before the ETA ...
LAST_LEG_MINUTES = 5
# ... or once the van is this close to the customer's address (as the crow flies).
LAST_LEG_KM = 1.0
# Decimals of the exact point sent (about 1 m): no more than a phone's fix is worth.
EXACT_DECIMALS = 5
METRES_PER_DEGREE = 111_320.0
EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]


@dataclass(frozen=True)
class MapView:
    """What the customer's map may draw.

    ``van`` is None when no position may be shown; ``precision`` is ``"exact"`` or
    ``"coarse"`` with a van; ``note`` says why there is no van: ``"stale"`` (no recent
    update) or ``"unknown"`` (no position shared yet); the page then shows the planned time.
    """

    home: Point | None
    van: Point | None = None
    precision: str | None = None
    note: str | None = None


def real_point(latitude: float | None, longitude: float | None) -> Point | None:
    """(latitude, longitude) as floats when they name a point on Earth other than (0, 0)
    (base_geolocalize's "not geolocated"), else None."""
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if math.isnan(lat) or math.isnan(lng) or not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0):
        return None
    if abs(lat) < 1e-7 and abs(lng) < 1e-7:
        return None
    return lat, lng


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance between two points, in kilometres."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def grid_point(point: Point, cell_m: float = COARSE_CELL_M) -> Point:
    """The centre of the ``cell_m`` × ``cell_m`` grid cell holding ``point``.

    Rows are bands of latitude ``cell_m`` high; each row's cells are ``cell_m`` wide at the
    row's centre, so the centre is at most ``cell_m / √2`` from the point (a little more
    near the poles) and every point of a cell gives the same centre.
    """
    if cell_m <= 0:
        raise ValueError("A grid cell must be larger than zero.")
    lat, lng = point
    lat_step = cell_m / METRES_PER_DEGREE
    row = math.floor((lat + 90.0) / lat_step)
    centre_lat = min(90.0, -90.0 + (row + 0.5) * lat_step)
    lng_step = cell_m / (METRES_PER_DEGREE * max(math.cos(math.radians(centre_lat)), 0.01))
    column = math.floor((lng + 180.0) / lng_step)
    centre_lng = min(180.0, -180.0 + (column + 0.5) * lng_step)
    return round(centre_lat, 6), round(centre_lng, 6)


def is_last_leg(eta_minutes: int | None, distance: float | None) -> bool:
    """Whether the van is on its last leg: due within ``LAST_LEG_MINUTES`` or within
    ``LAST_LEG_KM`` of the customer's address."""
    soon = eta_minutes is not None and eta_minutes <= LAST_LEG_MINUTES
    close = distance is not None and distance <= LAST_LEG_KM
    return soon or close


def map_view(
    state: str,
    position: Point | None,
    stale: bool,
    eta_minutes: int | None,
    home: Point | None,
) -> MapView | None:
    """The customer's map for a visit in ``state``, or None: no map, and no position
    anywhere in the answer, unless the technician is on the way to this visit.

    ``position`` is the van's last known point (None when none is shared), ``stale`` whether
    it is too old to show, ``eta_minutes`` the minutes left (None without an ETA) and ``home``
    the customer's address point (None when not geolocated).
    """
    if state != EN_ROUTE:
        return None
    position = real_point(*position) if position else None
    if position is None:
        return MapView(home=home, note="unknown")
    if stale:
        return MapView(home=home, note="stale")
    distance = distance_km(position, home) if home else None
    if is_last_leg(eta_minutes, distance):
        exact = (round(position[0], EXACT_DECIMALS), round(position[1], EXACT_DECIMALS))
        return MapView(home=home, van=exact, precision="exact")
    return MapView(home=home, van=grid_point(position), precision="coarse")


# The dispatcher's map's tiles when the settings are empty (web_leaflet_lib stores "False"
# then) or unusable: field_service_routing's defaults, which feedback does not depend on.
TILE_URL_PARAM = "leaflet.tile_url"
TILE_ATTRIBUTION_PARAM = "leaflet.copyright"
DEFAULT_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def tile_url_is_valid(url: str | None) -> bool:
    """A tile URL template Leaflet can fill: http(s) or site-relative, with {z}, {x} and {y}."""
    url = (url or "").strip()
    return url.startswith(("https://", "http://", "/")) and all(
        part in url for part in ("{z}", "{x}", "{y}")
    )


def tiles(url: str | None, attribution: str | None) -> dict[str, str]:
    """The tile layer of the map from the settings ``leaflet.tile_url`` / ``leaflet.copyright``
    (the dispatcher's map's), OpenStreetMap's where they are empty or the URL is unusable."""
    url = (url or "").strip()
    attribution = (attribution or "").strip()
    if attribution == "False":
        attribution = ""
    if not tile_url_is_valid(url):
        return {"url": DEFAULT_TILE_URL, "attribution": DEFAULT_TILE_ATTRIBUTION}
    return {"url": url, "attribution": attribution or DEFAULT_TILE_ATTRIBUTION}
