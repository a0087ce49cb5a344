from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Travel-time settings of the embedded provider (haversine × detour ÷ speed + overhead)."""

    _inherit = "res.company"

    fs_travel_speed_kmh = fields.Float("Average speed (km/h)", default=40.0)
    fs_travel_detour_factor = fields.Float(
        "Detour factor", default=1.3, help="Road distance ÷ straight-line distance."
    )
    fs_travel_stop_overhead_min = fields.Float(
        "Per-stop overhead (min)", default=2.0, help="Parking and walking to the door."
    )
    fs_osrm_url = fields.Char(
        "OSRM server", help="Table service base URL, e.g. http://localhost:5000. Empty: embedded."
    )

    @api.constrains("fs_travel_speed_kmh", "fs_travel_detour_factor", "fs_travel_stop_overhead_min")
    def _check_fs_travel_settings(self):
        for company in self:
            if company.fs_travel_speed_kmh <= 0:
                raise ValidationError(_("The average travel speed must be positive."))
            if company.fs_travel_detour_factor < 1:
                raise ValidationError(_("The detour factor cannot be below 1 (a straight line)."))
            if company.fs_travel_stop_overhead_min < 0:
                raise ValidationError(_("The per-stop overhead cannot be negative."))
