from datetime import timedelta

from odoo import fields, models

from ..tools import visit_states as vs

# How long "on the way" or "on site" stays true without a newer step.
STATUS_FRESHNESS = timedelta(hours=12)

TECHNICIAN_STATUSES = [
    ("off", "Off"),
    ("available", "Available"),
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
            else:
                employee.fs_status = "available" if employee.id in working else "off"
