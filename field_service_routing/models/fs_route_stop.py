from odoo import api, fields, models

from .fs_route_plan import PLANNABLE_STATES, REASONS


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
    slack_minutes = fields.Integer(
        "Slack (min)",
        compute="_compute_slack_minutes",
        help="How much later than planned the technician may arrive and still be in the window.",
    )
    reason = fields.Selection(REASONS, string="Left out because")
    reason_detail = fields.Char("Details")
    # What the visit was when the solve read it: applying skips a visit changed since.
    solved_version = fields.Integer("Schedule version solved", readonly=True)
    solved_window_start = fields.Datetime("Window start solved", readonly=True)
    solved_window_end = fields.Datetime("Window end solved", readonly=True)
    solved_technician_id = fields.Many2one("hr.employee", "Technician solved", readonly=True)
    solved_visit_date = fields.Date("Day solved", readonly=True)
    skip_reason = fields.Char("Not applied because", readonly=True)

    @api.depends("arrival", "task_id.fs_window_end")
    def _compute_slack_minutes(self):
        for stop in self:
            end = stop.task_id.fs_window_end
            stop.slack_minutes = (
                round((end - stop.arrival).total_seconds() / 60) if end and stop.arrival else 0
            )

    def _fs_change_since_solve(self):
        """Why this stop must not be written on its visit (a sentence), or False."""
        self.ensure_one()
        visit = self.task_id
        if visit.fs_state not in PLANNABLE_STATES:
            states = dict(visit._fields["fs_state"]._description_selection(self.env))
            return self.env._("it is now %(state)s", state=states[visit.fs_state].lower())
        if not self.solved_version or visit.fs_schedule_version == self.solved_version:
            return False  # unchanged (or solved before versions were kept)
        if visit.fs_visit_date != self.solved_visit_date:
            return self.env._(
                "it moved to another day (%(window)s)", window=visit.fs_window_display or "-"
            )
        if (visit.fs_window_start, visit.fs_window_end) != (
            self.solved_window_start,
            self.solved_window_end,
        ):
            return self.env._(
                "its window changed (now %(window)s)", window=visit.fs_window_display or "-"
            )
        if visit.fs_technician_id != self.solved_technician_id:
            return self.env._(
                "its technician changed (now %(technician)s)",
                technician=visit.fs_technician_id.name or self.env._("none"),
            )
        return self.env._("its time or technician changed since the plan was solved")

    def _fs_prepare_visit_values(self):
        self.ensure_one()
        return {
            "fs_schedule_version_read": self.solved_version,
            "fs_technician_id": self.technician_id.id,
            "fs_route_sequence": self.sequence,
            "fs_eta": self.arrival,
            "fs_planned_departure": self.arrival
            and fields.Datetime.subtract(self.arrival, minutes=self.travel_minutes),
            "fs_planned_travel_minutes": self.travel_minutes,
            "fs_planned_travel_km": self.travel_km,
        }
