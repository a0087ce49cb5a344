from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import phones

CHANNELS = [("email", "E-mail"), ("sms", "SMS"), ("both", "E-mail and SMS")]


class ResPartner(models.Model):
    """Customers and sites: E.164 numbers, a preferred channel, quiet hours, their visits."""

    _inherit = "res.partner"

    fs_preferred_channel = fields.Selection(
        CHANNELS, string="Preferred channel", default="email", required=True
    )
    fs_effective_channel = fields.Selection(
        CHANNELS,
        string="Channel used",
        compute="_compute_fs_phones",
        store=True,
        help="The preferred channel, or e-mail when SMS was asked for without a valid mobile.",
    )
    fs_channel_note = fields.Char("Channel note", compute="_compute_fs_phones", store=True)
    fs_quiet_from = fields.Float(
        "Quiet from", default=21.0, help="No non-urgent message after this local hour."
    )
    fs_quiet_until = fields.Float(
        "Quiet until", default=8.0, help="No non-urgent message before this local hour."
    )
    fs_messages_opt_out = fields.Boolean(
        "No visit messages", help="The customer asked not to receive reminders."
    )
    fs_phone_e164 = fields.Char("Phone (E.164)", compute="_compute_fs_phones", store=True)
    fs_mobile_e164 = fields.Char("Mobile (E.164)", compute="_compute_fs_phones", store=True)
    fs_phone_problem = fields.Char("Phone problem", compute="_compute_fs_phones", store=True)
    fs_visit_ids = fields.One2many("project.task", "fs_site_id", string="Visits at this site")
    fs_visit_count = fields.Integer("Visits", compute="_compute_fs_visit_count")

    @api.depends(
        "phone", "mobile", "country_id", "fs_preferred_channel", "commercial_partner_id.country_id"
    )
    def _compute_fs_phones(self):
        for partner in self:
            country = (partner.country_id or partner.commercial_partner_id.country_id).code
            phone = phones.check_phone(partner.phone, country)
            mobile = phones.check_phone(partner.mobile, country)
            partner.fs_phone_e164 = phone.e164
            partner.fs_mobile_e164 = mobile.e164 if mobile.is_mobile else False
            partner.fs_phone_problem = "; ".join(filter(None, [phone.problem, mobile.problem]))
            if mobile.e164 and not mobile.is_mobile:
                partner.fs_phone_problem = self.env._("%s is not a mobile number") % partner.mobile
            wants_sms = partner.fs_preferred_channel in ("sms", "both")
            if wants_sms and not partner.fs_mobile_e164:
                partner.fs_effective_channel = "email"
                partner.fs_channel_note = self.env._(
                    "SMS preferred but no valid mobile number: e-mail used."
                )
            else:
                partner.fs_effective_channel = partner.fs_preferred_channel
                partner.fs_channel_note = False

    def _compute_fs_visit_count(self):
        counts = dict(
            self.env["project.task"]._read_group(
                [("fs_site_id", "child_of", self.ids)], ["fs_site_id"], ["__count"]
            )
        )
        for partner in self:
            partner.fs_visit_count = sum(
                count for site, count in counts.items() if site.commercial_partner_id == partner
            ) or counts.get(partner, 0)

    @api.constrains("phone", "mobile", "country_id")
    def _check_fs_phone_numbers(self):
        """Customers of field service must have numbers we can call and text."""
        customers = self.filtered(
            lambda p: p.fs_visit_ids or self.env.context.get("fs_check_phones")
        )
        for partner in customers:
            if partner.fs_phone_problem:
                raise ValidationError(
                    self.env._("Invalid phone number for %(name)s: %(reason)s")
                    % {"name": partner.display_name, "reason": partner.fs_phone_problem}
                )

    def action_fs_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        action["domain"] = [("fs_site_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
