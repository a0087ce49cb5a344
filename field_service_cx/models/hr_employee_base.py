from datetime import timedelta

from odoo import fields, models

from ..tools import visit_states as vs

# How long "on the way" or "on site" stays true without a newer step.
STATUS_FRESHNESS = timedelta(hours=12)

TECHNICIAN_STATUSES = [
    ("off", "Off"),
    ("available", "Available"),
    ("late_to_start", "Late to start"),
    ("en_route", "On the way"),
    ("on_site", "On site"),
]


class HrEmployeeBase(models.AbstractModel):
    """Technician fields, on the base shared by employees and their public profiles.

    Dispatchers and technicians are not HR officers: they read colleagues through
    ``hr.employee.public``, which exposes the stored fields of ``hr.employee.base``.
    """

    _inherit = "hr.employee.base"

    fs_is_technician = fields.Boolean("Field technician")
    fs_start_partner_id = fields.Many2one(
        "res.partner",
        string="Day starts at",
        help="Home or depot: where the technician's day starts (an address with coordinates).",
    )
    fs_end_partner_id = fields.Many2one(
        "res.partner", string="Day ends at", help="Where the day ends; the start when empty."
    )
    fs_van_location_id = fields.Many2one(
        "stock.location", string="Van stock", domain=[("usage", "=", "internal")]
    )
    fs_status = fields.Selection(
        TECHNICIAN_STATUSES, string="Status now", compute="_compute_fs_status"
    )

    # The live status board (Dispatch > Live status): today's picture, read when shown.
    fs_current_visit_id = fields.Many2one(
        "project.task", string="Current visit", compute="_compute_fs_live_day"
    )
    fs_next_visit_id = fields.Many2one(
        "project.task", string="Next visit", compute="_compute_fs_live_day"
    )
    fs_next_window = fields.Char("Next window", compute="_compute_fs_live_day")
    fs_next_eta = fields.Datetime(
        "ETA",
        compute="_compute_fs_live_day",
        help="The re-timed arrival where the technician is driving to, else at the next visit.",
    )
    fs_is_late_to_start = fields.Boolean("Late to start", compute="_compute_fs_live_day")
    fs_at_risk_visit_id = fields.Many2one(
        "project.task", string="At risk", compute="_compute_fs_live_day"
    )
    fs_at_risk_count = fields.Integer("Visits at risk", compute="_compute_fs_live_day")
    fs_day_progress = fields.Char("Done today", compute="_compute_fs_live_day")

    def _fs_today_visits(self):
        """{employee id: today's planned and closed visits, in route order}."""
        visits = self.env["project.task"].search(
            [
                ("fs_technician_id", "in", self.ids),
                ("fs_visit_date", "=", fields.Date.context_today(self)),
                ("fs_state", "!=", vs.TO_SCHEDULE),
            ],
            order="fs_route_sequence, fs_window_start, id",
        )
        by_employee = {employee.id: visits.browse() for employee in self}
        for visit in visits:
            by_employee[visit.fs_technician_id.id] |= visit
        return by_employee

    def _compute_fs_live_day(self):
        by_employee = self._fs_today_visits()
        for employee in self:
            visits = by_employee.get(employee.id) or self.env["project.task"]
            counted = visits.filtered(lambda v: v.fs_state != vs.CANCELLED)
            current = visits.filtered(lambda v: v.fs_state in (vs.EN_ROUTE, vs.ON_SITE))[:1]
            upcoming = visits.filtered(lambda v: v.fs_state in (vs.SCHEDULED, vs.CONFIRMED))
            following = upcoming[:1]
            # The arrival that matters now: where they drive to, else the next visit.
            heading = current if current.fs_state == vs.EN_ROUTE else following
            at_risk = visits.filtered("fs_is_late_risk")
            employee.fs_current_visit_id = current
            employee.fs_next_visit_id = following
            employee.fs_next_window = following.fs_window_day_display or False
            employee.fs_next_eta = heading.fs_eta
            employee.fs_is_late_to_start = bool(not current and upcoming[:1].fs_is_late_to_start)
            employee.fs_at_risk_visit_id = at_risk[:1]
            employee.fs_at_risk_count = len(at_risk)
            done = counted.filtered(lambda v: v.fs_state in (vs.DONE, vs.NOT_HOME))
            employee.fs_day_progress = f"{len(done)} / {len(counted)}" if counted else False

    def action_fs_open_day(self):
        """The technician's visits of today, in route order (from the live status)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        day_list = self.env.ref("field_service_cx.project_task_view_list_fs_day")
        visit_form = self.env.ref("field_service_cx.project_task_view_form_fs_visit")
        title = self.env._("%(technician)s's day", technician=self.name)
        action.update(
            {
                "name": title,
                "display_name": title,
                "domain": [
                    ("fs_is_visit", "=", True),
                    ("fs_technician_id", "=", self.id),
                    ("fs_visit_date", "=", fields.Date.context_today(self)),
                ],
                "context": {"fs_visit_views": 1, "create": False},
                "views": [(day_list.id, "list"), (visit_form.id, "form")],
                "view_mode": "list,form",
            }
        )
        return action

    def _compute_fs_status(self):
        now = fields.Datetime.now()
        # sudo: the status shows colleagues' visit states and hours, never their details.
        employees = self.env["hr.employee"].sudo().browse(self.ids)
        busy = dict(
            self.env["project.task"]
            .sudo()
            ._read_group(
                [
                    ("fs_technician_id", "in", self.ids),
                    # A visit left on site or on the way since yesterday says nothing about now.
                    "|",
                    "&",
                    ("fs_state", "=", vs.EN_ROUTE),
                    "|",
                    ("fs_en_route_at", "=", False),
                    ("fs_en_route_at", ">=", now - STATUS_FRESHNESS),
                    "&",
                    ("fs_state", "=", vs.ON_SITE),
                    "|",
                    ("fs_arrived_at", "=", False),
                    ("fs_arrived_at", ">=", now - STATUS_FRESHNESS),
                ],
                ["fs_technician_id"],
                ["fs_state:array_agg"],
            )
        )
        busy = {employee.id: states for employee, states in busy.items()}
        working = employees._fs_working_at(now)
        for employee in self:
            states = busy.get(employee.id, [])
            if vs.ON_SITE in states:
                employee.fs_status = "on_site"
            elif vs.EN_ROUTE in states:
                employee.fs_status = "en_route"
            elif employee.id not in working:
                employee.fs_status = "off"
            else:
                employee.fs_status = "available"
        # Idle while today's next visit should have been left for: the dispatcher should call
        # (whatever the hours say: the visit is booked).
        idle = self.filtered(lambda e: e.fs_status in ("available", "off"))
        late = set(
            # sudo: like the states above, colleagues' flags only, never their visits' details.
            self.env["project.task"]
            .sudo()
            .search(
                [
                    ("fs_technician_id", "in", idle.ids),
                    ("fs_visit_date", "=", fields.Date.context_today(self)),
                    ("fs_is_late_to_start", "=", True),
                ]
            )
            .fs_technician_id.ids
        )
        for employee in idle.filtered(lambda e: e.id in late):
            employee.fs_status = "late_to_start"
