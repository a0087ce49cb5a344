from odoo import fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    fs_visit_ids = fields.One2many("project.task", "fs_lead_id", string="Visits")
    fs_visit_count = fields.Integer("Visit count", compute="_compute_fs_visit_count")

    def _compute_fs_visit_count(self):
        counts = dict(
            self.env["project.task"]._read_group(
                [("fs_lead_id", "in", self.ids)], ["fs_lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.fs_visit_count = counts.get(lead, 0)

    def action_fs_book_visit(self):
        self.ensure_one()
        return self.env["fs.book.visit"]._fs_open(lead_id=self.id)

    def action_fs_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        action["domain"] = [("fs_lead_id", "=", self.id)]
        action["context"] = {
            "default_fs_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_fs_view_customer(self):
        """The lead's customer in the customer view (visits, messages, leads)."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("This lead has no customer yet: set one first."))
        return self.partner_id.commercial_partner_id._fs_customer_form_action()
