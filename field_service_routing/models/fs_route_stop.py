from odoo import fields, models

from .fs_route_plan import REASONS


class FsRouteStop(models.Model):
    """One visit in a day plan: where it goes and when, or why it was left out."""

    _name = "fs.route.stop"
    _description = "Day plan stop"
    _order = "plan_id, technician_id, sequence, id"

    plan_id = fields.Many2one("fs.route.plan", required=True, ondelete="cascade", index=True)
    task_id = fields.Many2one("project.task", string="Visit", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="task_id.partner_id")
    window_display = fields.Char(related="task_id.fs_window_display", string="Window")
    technician_id = fields.Many2one("hr.employee", string="Technician", index=True)
    sequence = fields.Integer("Stop")
    arrival = fields.Datetime("Arrival (ETA)")
    service_start = fields.Datetime()
    waiting_minutes = fields.Float("Waiting (min)", digits=(16, 1))
    travel_minutes = fields.Float("Travel (min)", digits=(16, 1))
    travel_km = fields.Float("Travel (km)", digits=(16, 2))
    reason = fields.Selection(REASONS, string="Left out because")
    reason_detail = fields.Char("Details")

    def _fs_prepare_visit_values(self):
        self.ensure_one()
        return {
            "fs_technician_id": self.technician_id.id,
            "fs_route_sequence": self.sequence,
            "fs_eta": self.arrival,
            "fs_planned_travel_minutes": self.travel_minutes,
            "fs_planned_travel_km": self.travel_km,
        }
