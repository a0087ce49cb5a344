"""The day's routes as an SVG map: one coloured line per technician, numbered stops.

Drawn from coordinates alone (equirectangular projection around the day's centre), so it needs
no map library and no tile server, and stays readable on a phone.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0e7490", "#c2410c", "#7c3aed", "#15803d", "#be123c", "#a16207", "#1d4ed8", "#475569")


@dataclass(frozen=True)
class MapRoute:
    label: str
    start: tuple[float, float]
    stops: Sequence[tuple[float, float]]


def routes_svg(
    routes: Sequence[MapRoute],
    width: int = 640,
    height: int = 420,
    pad: int = 24,
    label: str = "Routes of the day",
    start_title: str = "%(name)s: start",
    stop_title: str = "%(name)s: stop %(number)s",
) -> str:
    """An inline SVG of ``routes`` (points are (lat, lon)); empty string without points.

    ``label`` (the map's accessible name) and the hover titles of starts and stops come in the
    reader's language from the model."""
    points = [p for route in routes for p in (route.start, *route.stops)]
    if not points:
        return ""
    mid_lat = math.radians(sum(lat for lat, _lon in points) / len(points))
    xs = [lon * math.cos(mid_lat) for _lat, lon in points]
    ys = [lat for lat, _lon in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    scale = min(width - 2 * pad, height - 2 * pad) / span
    x0, y0 = min(xs), max(ys)

    def xy(point):
        lat, lon = point
        return pad + (lon * math.cos(mid_lat) - x0) * scale, pad + (y0 - lat) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="o_fs_route_map" role="img" aria-label="{escape(label)}">',
        f'<rect width="{width}" height="{height}" fill="#f8fafc" rx="8"/>',
    ]
    for index, route in enumerate(routes):
        color = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(xy, (route.start, *route.stops)))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5" '
            f'stroke-linejoin="round" opacity="0.85"/>'
        )
        sx, sy = xy(route.start)
        parts.append(
            f'<rect x="{sx - 6:.1f}" y="{sy - 6:.1f}" width="12" height="12" fill="{color}">'
            f"<title>{escape(start_title % {'name': route.label})}</title></rect>"
        )
        for number, stop in enumerate(route.stops, start=1):
            x, y = xy(stop)
            title = escape(stop_title % {"name": route.label, "number": number})
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#fff" stroke="{color}" '
                f'stroke-width="2"><title>{title}</title></circle>'
                f'<text x="{x:.1f}" y="{y + 3.5:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{color}" font-family="sans-serif">{number}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
