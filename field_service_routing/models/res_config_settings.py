from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import route_map
from .fs_route_map import (
    DEFAULT_TILE_ATTRIBUTION,
    DEFAULT_TILE_URL,
    TILE_ATTRIBUTION_PARAM,
    TILE_URL_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fs_travel_speed_kmh = fields.Float(related="company_id.fs_travel_speed_kmh", readonly=False)
    fs_travel_detour_factor = fields.Float(
        related="company_id.fs_travel_detour_factor", readonly=False
    )
    fs_travel_stop_overhead_min = fields.Float(
        related="company_id.fs_travel_stop_overhead_min", readonly=False
    )
    fs_osrm_url = fields.Char(related="company_id.fs_osrm_url", readonly=False)
    # web_leaflet_lib's own parameters: one tile server for every Leaflet map of the database.
    fs_map_tile_url = fields.Char(
        "Map tiles",
        config_parameter=TILE_URL_PARAM,
        default=DEFAULT_TILE_URL,
        help="URL template of the tile server the maps load their background from, with {z}, "
        "{x} and {y} (and optionally {s}). Empty: OpenStreetMap's.",
    )
    fs_map_tile_attribution = fields.Char(
        "Map attribution",
        config_parameter=TILE_ATTRIBUTION_PARAM,
        default=DEFAULT_TILE_ATTRIBUTION,
        help="Credit shown in the map's corner, as the tile server's terms ask (HTML allowed).",
    )

    @api.constrains("fs_map_tile_url")
    def _check_fs_map_tile_url(self):
        for settings in self:
            url = settings.fs_map_tile_url
            if url and not route_map.tile_url_is_valid(url):
                raise ValidationError(
                    self.env._(
                        "The map tiles URL must start with https:// (or http://) and contain "
                        "{z}, {x} and {y}, e.g. %(example)s",
                        example=DEFAULT_TILE_URL,
                    )
                )
