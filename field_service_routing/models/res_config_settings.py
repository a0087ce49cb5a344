from odoo import fields, models


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
