from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import skills as skill_rules
from ..tools import slots as slot_rules
from ..tools import windows


class FsBookVisit(models.TransientModel):
    """Book a visit from a lead: a job type, a day, and one of the windows a technician can keep."""

    _name = "fs.book.visit"
    _description = "Book a visit"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", compute="_compute_partner_id", store=True, readonly=False, required=True
    )
    project_id = fields.Many2one(
        "project.project",
        required=True,
        domain=[("fs_is_field_service", "=", True)],
        default=lambda self: self.env["project.project"].search(
            [("fs_is_field_service", "=", True)], limit=1
        ),
    )
    job_type_id = fields.Many2one("fs.job.type", required=True)
    visit_date = fields.Date(
        "Day", required=True, default=lambda self: fields.Date.context_today(self) + timedelta(1)
    )
    window_minutes = fields.Integer("Window length (min)", default=120, required=True)
    access_notes = fields.Text()
    slot_ids = fields.One2many(
        "fs.book.visit.slot", "wizard_id", compute="_compute_slot_ids", store=True, readonly=True
    )
    slot_count = fields.Integer(compute="_compute_slot_ids", store=True)

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.lead_id.partner_id

    @api.depends("job_type_id", "visit_date", "window_minutes", "partner_id", "project_id")
    def _compute_slot_ids(self):
        for wizard in self:
            offered = wizard._fs_offered_slots() if wizard.job_type_id and wizard.visit_date else []
            wizard.slot_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "start": slot.start,
                        "end": slot.end,
                        "technician_ids": [fields.Command.set(list(slot.technicians))],
                    }
                )
                for slot in offered
            ]
            wizard.slot_count = len(offered)

    def _fs_zone(self):
        """The zone the visit will have: the customer's, else the company's (never the user's)."""
        company = self.project_id.company_id or self.env.company
        zone, _note = windows.resolve_zone(self.partner_id.tz, company.partner_id.tz)
        return zone

    def _fs_offered_slots(self):
        """Windows of that day in which at least one qualified technician works."""
        if self.window_minutes <= 0:
            raise UserError(self.env._("The window length must be positive."))
        zone = self._fs_zone()
        required = self.job_type_id.required_skill_ids._fs_as_requirements()
        company = self.project_id.company_id or self.env.company
        technicians = self.env["hr.employee"].search(
            [("fs_is_technician", "=", True), ("company_id", "in", [company.id, False])]
        )
        qualified = technicians.browse(
            skill_rules.eligible_technicians(required, technicians._fs_held_skills())
        )
        day_start = datetime.combine(self.visit_date, time.min).replace(tzinfo=zone)
        working = qualified.sudo()._fs_work_intervals(day_start, day_start + timedelta(days=1))
        candidates = [
            (
                windows.to_utc(start.replace(tzinfo=None), zone),
                windows.to_utc(end.replace(tzinfo=None), zone),
            )
            for start, end in slot_rules.day_grid(day_start, 7, 19, self.window_minutes)
        ]
        return slot_rules.offered_windows(working, candidates, self.job_type_id.service_minutes)

    def _fs_book(self, slot):
        self.ensure_one()
        lead = self.lead_id
        visit = self.env["project.task"].create(
            {
                "name": f"{self.job_type_id.name} – {self.partner_id.display_name}",
                "project_id": self.project_id.id,
                "partner_id": self.partner_id.id,
                "fs_job_type_id": self.job_type_id.id,
                "fs_window_start": slot.start,
                "fs_window_end": slot.end,
                "fs_lead_id": lead.id,
                "fs_access_notes": self.access_notes,
                "description": lead.description,
            }
        )
        lead.message_post(
            body=self.env._("Visit booked: %(visit)s, %(window)s")
            % {"visit": visit.name, "window": visit.fs_window_display}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.task",
            "res_id": visit.id,
            "view_mode": "form",
            "target": "current",
        }


class FsBookVisitSlot(models.TransientModel):
    _name = "fs.book.visit.slot"
    _description = "Offered window"
    _order = "start"

    wizard_id = fields.Many2one("fs.book.visit", required=True, ondelete="cascade")
    start = fields.Datetime(required=True)
    end = fields.Datetime(required=True)
    technician_ids = fields.Many2many("hr.employee", string="Technicians free")
    technician_count = fields.Integer(compute="_compute_technician_count")
    label = fields.Char("Window", compute="_compute_label")

    def _compute_technician_count(self):
        for slot in self:
            slot.technician_count = len(slot.technician_ids)

    def _compute_label(self):
        for slot in self:
            slot.label = windows.format_window(
                slot.start, slot.end, slot.wizard_id._fs_zone(), self.env.lang
            )

    def action_book(self):
        self.ensure_one()
        return self.wizard_id._fs_book(self)
