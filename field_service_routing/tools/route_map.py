"""The day's routes as map data: one route per technician, stops in route order, colours.

Plain values in, JSON-ready dicts out (the web client's map draws them with Leaflet). Visits
without coordinates are listed apart and never drawn; visits without a technician are drawn
apart, unnumbered, with no line.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Odoo's colour indexes (hr.employee.color, 1-11: $o-colors of the web client) as hex, so that a
# technician has the colour HR gave them; index 0 ("no colour") falls back to ROUTE_PALETTE.
ODOO_COLORS = (
    "#a2a2a2",
    "#ee2d2d",
    "#dc8534",
    "#e8bb1d",
    "#5794dd",
    "#9f628f",
    "#db8865",
    "#41a9a2",
    "#304be0",
    "#ee2f8a",
    "#61c36e",
    "#9872e6",
)
# Distinct, readable on map tiles; picked by technician id, so it never changes with the day.
ROUTE_PALETTE = (
    "#0e7490",
    "#c2410c",
    "#7c3aed",
    "#15803d",
    "#be123c",
    "#a16207",
    "#1d4ed8",
    "#475569",
    "#db2777",
    "#4d7c0f",
)
UNASSIGNED_COLOR = "#6b7280"


def technician_color(technician_id: int, color_index: int = 0) -> str:
    """The technician's stable colour: their Odoo colour index if set, else one from their id."""
    if 0 < (color_index or 0) < len(ODOO_COLORS):
        return ODOO_COLORS[color_index]
    return ROUTE_PALETTE[technician_id % len(ROUTE_PALETTE)]


@dataclass(frozen=True)
class MapPoint:
    """A real point (the adapter gives None instead of a point for "not geolocated")."""

    latitude: float
    longitude: float
    label: str = ""

    def as_dict(self) -> dict:
        return {"lat": self.latitude, "lng": self.longitude, "label": self.label}


@dataclass(frozen=True)
class MapTechnician:
    id: int
    name: str
    color_index: int = 0
    start: MapPoint | None = None


@dataclass(frozen=True)
class MapVisit:
    """One visit as the map shows it; ``order`` sorts a technician's visits (route order)."""

    id: int
    name: str
    point: MapPoint | None
    technician_id: int | None = None
    order: tuple = ()
    customer: str = ""
    window: str = ""
    eta: str = ""
    state: str = ""


def day_routes(
    visits: Iterable[MapVisit], technicians: Sequence[MapTechnician]
) -> dict[str, list[dict]]:
    """{"routes", "unassigned", "not_located"}: JSON-ready, routes in technicians' name order.

    A route's stops are numbered 1..n in route order among the drawn (located) visits; its path
    runs from the technician's start (when known) through the stops.
    """
    by_id = {technician.id: technician for technician in technicians}
    stops: dict[int, list[MapVisit]] = {}
    unassigned, not_located = [], []
    for visit in visits:
        if visit.point is None:
            not_located.append(visit)
        elif visit.technician_id in by_id:
            stops.setdefault(visit.technician_id, []).append(visit)
        else:
            unassigned.append(visit)
    routes = []
    for technician in sorted(
        (by_id[tid] for tid in stops), key=lambda t: (_name_key(t.name), t.id)
    ):
        ordered = sorted(stops[technician.id], key=lambda visit: (visit.order, visit.id))
        start = technician.start
        routes.append(
            {
                "technician_id": technician.id,
                "name": technician.name,
                "color": technician_color(technician.id, technician.color_index),
                "start": start.as_dict() if start else None,
                "stops": [
                    _visit_dict(visit, sequence=number)
                    for number, visit in enumerate(ordered, start=1)
                ],
            }
        )
    names = {technician.id: technician.name for technician in technicians}
    return {
        "routes": routes,
        "unassigned": [
            _visit_dict(visit) for visit in sorted(unassigned, key=lambda v: (v.order, v.id))
        ],
        "not_located": [
            dict(_visit_dict(visit), technician=names.get(visit.technician_id, ""))
            for visit in sorted(not_located, key=lambda v: (v.order, v.id))
        ],
    }


def _name_key(name: str) -> str:
    """Alphabetical whatever the accents: "Émilie" between "Damien" and "Fanny"."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def _visit_dict(visit: MapVisit, sequence: int | None = None) -> dict:
    point = visit.point
    return {
        "visit_id": visit.id,
        "sequence": sequence,
        "name": visit.name,
        "lat": point.latitude if point else None,
        "lng": point.longitude if point else None,
        "customer": visit.customer,
        "window": visit.window,
        "eta": visit.eta,
        "state": visit.state,
    }


def tile_url_is_valid(url: str) -> bool:
    """A tile URL template Leaflet can fill: http(s) or site-relative, with {z}, {x} and {y}."""
    url = (url or "").strip()
    return url.startswith(("https://", "http://", "/")) and all(
        part in url for part in ("{z}", "{x}", "{y}")
    )


# Where a van on the live map is drawn (the web client words them).
LIVE, STALE, PREVIOUS_STOP, START = "live", "stale", "previous_stop", "start"


@dataclass(frozen=True)
class MapVan:
    """A technician on the way to ``visit``: their latest position (``stale`` when it is old),
    else where they were last seen by the plan: the previous stop of the day, else their start.
    ``recorded`` is the position's time as the dispatcher reads it."""

    technician: MapTechnician
    visit: MapVisit
    position: MapPoint | None = None
    stale: bool = False
    recorded: str = ""
    previous_stop: MapPoint | None = None


def live_vans(vans: Iterable[MapVan]) -> dict[str, list[dict]]:
    """{"vehicles", "routes", "not_located"}: one van per technician on the way, at its
    position or its fallback (``source`` says which), with the visit it drives to as that
    technician's only stop; a van with no point at all is listed apart, never drawn."""
    vehicles, routes, not_located = [], [], []
    for van in sorted(vans, key=lambda v: (_name_key(v.technician.name), v.technician.id)):
        technician, visit = van.technician, van.visit
        color = technician_color(technician.id, technician.color_index)
        if van.position:
            point, source = van.position, STALE if van.stale else LIVE
        elif van.previous_stop:
            point, source = van.previous_stop, PREVIOUS_STOP
        elif technician.start:
            point, source = technician.start, START
        else:
            point, source = None, None
        destination = _visit_dict(visit, sequence=1)
        row = {
            "technician_id": technician.id,
            "technician": technician.name,
            "color": color,
            "source": source,
            "recorded": van.recorded if van.position else "",
            "visit_id": visit.id,
            "name": visit.name,
            "customer": visit.customer,
            "window": visit.window,
            "eta": visit.eta,
            "to": (
                {"lat": visit.point.latitude, "lng": visit.point.longitude} if visit.point else None
            ),
        }
        if point is None:
            not_located.append(row)
            continue
        vehicles.append(dict(row, lat=point.latitude, lng=point.longitude, label=technician.name))
        if visit.point:
            routes.append(
                {
                    "technician_id": technician.id,
                    "name": technician.name,
                    "color": color,
                    "start": None,
                    "stops": [destination],
                }
            )
    return {"vehicles": vehicles, "routes": routes, "not_located": not_located}
