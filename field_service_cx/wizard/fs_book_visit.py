from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import windows

HORIZON_DAYS = 7  # windows are offered over this many days from the day chosen


class FsBookVisit(models.TransientModel):
    """Book a visit in one screen: a customer, a job type, then one of the windows offered by
    the booking rule (``project.task._fs_offer_windows``) with its suggested technician."""

    _name = "fs.book.visit"
    _description = "Book a visit"

    lead_id = fields.Many2one("crm.lead", ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        required=True,
    )
    site_id = fields.Many2one(
        "res.partner",
        "Site",
        compute="_compute_site_id",
        store=True,
        readonly=False,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Where the visit takes place (the customer's address unless another is chosen).",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    project_id = fields.Many2one(
        "project.project",
        required=True,
        domain=[("fs_is_field_service", "=", True)],
        default=lambda self: self.env["project.project"].search(
            [("fs_is_field_service", "=", True)], limit=1
        ),
    )
    job_type_id = fields.Many2one("fs.job.type", "Job type", required=True)
    visit_date = fields.Date(
        "From", required=True, default=lambda self: fields.Date.context_today(self) + timedelta(1)
    )
    window_minutes = fields.Integer(
        "Window length (min)",
        default=120,
        required=True,
        help="With measured windows (the default), the spacing of the starts offered: each "
        "window is as wide as the technician's day can keep.",
    )
    access_notes = fields.Text()
    slot_ids = fields.One2many(
        "fs.book.visit.slot", "wizard_id", compute="_compute_slot_ids", store=True, readonly=False
    )
    slot_count = fields.Integer(compute="_compute_slot_count")

    @api.model
    def _fs_open(self, **defaults):
        """The booking dialog, opened from a lead, a contact or a menu with ``defaults``."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Book a visit"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{name}": value for name, value in defaults.items()},
        }

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.lead_id.partner_id or wizard.partner_id

    @api.depends("partner_id")
    def _compute_site_id(self):
        for wizard in self:
            if wizard.site_id.commercial_partner_id != wizard.partner_id.commercial_partner_id:
                wizard.site_id = wizard.partner_id

    @api.depends("job_type_id", "visit_date", "window_minutes", "site_id", "project_id")
    def _compute_slot_ids(self):
        for wizard in self:
            ready = wizard.job_type_id and wizard.visit_date and wizard.site_id
            offers = wizard._fs_offers() if ready else []
            wizard.slot_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "start": offer.start,
                        "end": offer.end,
                        "technician_id": offer.technician,
                        "other_technician_ids": [fields.Command.set(list(offer.technicians[1:]))],
                        "added_km": offer.added_km,
                    }
                )
                for offer in offers
            ]

    @api.depends("slot_ids")
    def _compute_slot_count(self):
        for wizard in self:
            wizard.slot_count = len(wizard.slot_ids)

    def _fs_zone(self):
        """The zone the visit will have: the site's, else the company's (never the user's)."""
        company = self.project_id.company_id or self.env.company
        zone, _note = windows.resolve_zone(self.site_id.tz, company.partner_id.tz)
        return zone

    def _fs_offers(self):
        self.ensure_one()
        if self.window_minutes <= 0:
            raise UserError(self.env._("The window length must be positive."))
        job = self.job_type_id
        return self.env["project.task"]._fs_offer_windows(
            site=self.site_id,
            company=self.project_id.company_id or self.env.company,
            required=job.required_skill_ids._fs_as_requirements(),
            service_minutes=None,  # each technician's measured duration of the job type
            parts={line.product_id.id: line.quantity for line in job.kit_line_ids},
            days=[self.visit_date + timedelta(days=offset) for offset in range(HORIZON_DAYS)],
            window_minutes=self.window_minutes,
            earliest=fields.Datetime.now(),
            job_type=job,
        )

    def action_book(self):
        """Book the chosen window, checked again against the rule (it may just have gone)."""
        self.ensure_one()
        chosen = self.slot_ids.filtered("chosen")
        if len(chosen) != 1:
            raise UserError(self.env._("Pick one of the windows offered, then book it."))
        offer = next(
            (o for o in self._fs_offers() if (o.start, o.end) == (chosen.start, chosen.end)), None
        )
        if not offer or chosen.technician_id.id not in offer.technicians:
            raise UserError(
                self.env._(
                    "%(window)s is no longer free: it may just have been booked. "
                    "Pick another window.",
                    window=chosen.label,
                )
            )
        lead = self.lead_id
        visit = self.env["project.task"].create(
            {
                "name": f"{self.job_type_id.name} – {self.partner_id.display_name}",
                "project_id": self.project_id.id,
                "partner_id": self.partner_id.id,
                "fs_site_id": self.site_id.id,
                "fs_job_type_id": self.job_type_id.id,
                "fs_window_start": chosen.start,
                "fs_window_end": chosen.end,
                "fs_technician_id": chosen.technician_id.id,
                "fs_lead_id": lead.id,
                "fs_access_notes": self.access_notes,
                "description": lead.description,
            }
        )
        if lead:
            lead.message_post(
                body=self.env._(
                    "Visit booked: %(visit)s, %(window)s, %(technician)s",
                    visit=visit.name,
                    window=visit.fs_window_display,
                    technician=visit.fs_technician_id.name,
                )
            )
        form = self.env.ref("field_service_cx.project_task_view_form_fs_visit")
        return {
            "type": "ir.actions.act_window",
            "res_model": "project.task",
            "res_id": visit.id,
            "view_mode": "form",
            "views": [(form.id, "form")],
            "target": "current",
        }


class FsBookVisitSlot(models.TransientModel):
    _name = "fs.book.visit.slot"
    _description = "Offered window"
    _order = "start, id"

    wizard_id = fields.Many2one("fs.book.visit", required=True, ondelete="cascade")
    chosen = fields.Boolean("Book")
    start = fields.Datetime(required=True)
    end = fields.Datetime(required=True)
    technician_id = fields.Many2one("hr.employee", "Suggested technician", required=True)
    other_technician_ids = fields.Many2many("hr.employee", string="Also free")
    added_km = fields.Float("Extra km", digits=(16, 1), help="Travel this visit adds to the day.")
    label = fields.Char("Window", compute="_compute_label")

    @api.depends("start", "end")
    def _compute_label(self):
        for slot in self:
            slot.label = windows.format_window(
                slot.start, slot.end, slot.wizard_id._fs_zone(), self.env.lang
            )
