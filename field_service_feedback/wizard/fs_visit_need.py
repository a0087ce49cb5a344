from odoo import fields, models
from odoo.exceptions import UserError


class FsVisitNeed(models.TransientModel):
    """Something else the technician noticed on site: an opportunity for the office."""

    _name = "fs.visit.need"
    _description = "New need spotted on a visit"

    task_id = fields.Many2one("project.task", string="Visit", required=True)
    name = fields.Char("What is needed", required=True)
    description = fields.Text("Details")

    def action_create_opportunity(self):
        self.ensure_one()
        if not (self.name or "").strip():
            raise UserError(self.env._("Say what the customer needs."))
        visit = self.task_id
        # sudo: technicians have no CRM rights; the opportunity is for the office to follow up.
        lead = (
            self.env["crm.lead"]
            .sudo()
            .create(
                {
                    "name": self.name.strip(),
                    "type": "opportunity",
                    "partner_id": visit.partner_id.id,
                    "description": self.description,
                    "fs_origin_visit_id": visit.id,
                    "company_id": visit.company_id.id,
                }
            )
        )
        visit.message_post(
            body=self.env._("New need spotted on site: %s (opportunity created for the office).")
            % lead.name,
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
