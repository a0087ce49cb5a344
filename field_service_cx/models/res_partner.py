import dataclasses
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from ..tools import geo, phones, reminders
from ..tools import visit_states as vs

_logger = logging.getLogger(__name__)

CHANNELS = [("email", "E-mail"), ("sms", "SMS"), ("both", "E-mail and SMS")]
# Sites geolocated per cron run (Nominatim allows one request per second).
GEO_BATCH_SIZE = 20
# An address that found no match is tried again after this many days, or as soon as it changes.
GEO_RETRY_DAYS = 30
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")


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
    # The customer view (Field Service › Customers): everything of the customer in one screen.
    fs_is_customer = fields.Boolean(
        "Field-service customer",
        compute="_compute_fs_customer_view",
        search="_search_fs_is_customer",
        help="Has visits (at any of its sites) or leads.",
    )
    fs_phone_search = fields.Char(
        "Phone (any format)",
        compute="_compute_fs_customer_view",
        search="_search_fs_phone_search",
        help="Finds a number however it is written: 06 12 34 56 78, +33612345678, 0033 6…",
    )
    fs_upcoming_visit_ids = fields.Many2many(
        "project.task", string="Upcoming visits", compute="_compute_fs_customer_view"
    )
    fs_past_visit_ids = fields.Many2many(
        "project.task", string="Past visits", compute="_compute_fs_customer_view"
    )
    fs_upcoming_visit_count = fields.Integer(
        "Upcoming visit count", compute="_compute_fs_customer_view"
    )
    fs_open_lead_ids = fields.Many2many(
        "crm.lead",
        string="Open leads",
        compute="_compute_fs_open_leads",
        groups="field_service_cx.group_fs_dispatcher",
    )
    fs_open_lead_count = fields.Integer(
        "Open lead count",
        compute="_compute_fs_open_leads",
        groups="field_service_cx.group_fs_dispatcher",
    )
    fs_customer_message_ids = fields.Many2many(
        "fs.visit.message",
        string="Messages sent",
        compute="_compute_fs_customer_messages",
        groups="field_service_cx.group_fs_dispatcher",
    )
    fs_customer_message_count = fields.Integer(
        "Messages sent count",
        compute="_compute_fs_customer_messages",
        groups="field_service_cx.group_fs_dispatcher",
    )
    fs_geo_failed_at = fields.Datetime(
        "Geolocation failed at",
        compute="_compute_fs_geo_failure",
        store=True,
        readonly=False,
        copy=False,
        help="When the geocoder last found no match; cleared when the address changes.",
    )
    fs_geo_failure = fields.Char(
        "Geolocation problem", compute="_compute_fs_geo_failure", store=True, readonly=False
    )

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
            partner.fs_phone_problem = "; ".join(
                self.env._("%(number)s: %(reason)s", number=raw, reason=self.env._(check.reason))
                for raw, check in ((partner.phone, phone), (partner.mobile, mobile))
                if check.reason
            )
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

    # ---- the customer view -----------------------------------------------------------------

    def _fs_customer_visit_domain(self):
        return [("fs_is_visit", "=", True), ("fs_site_id", "child_of", self.ids)]

    def _fs_customer_visits(self):
        """{partner: its visits and its sites' visits}, latest first, in one search."""
        ids = [partner.id for partner in self if partner.id]
        visits = self.env["project.task"]
        if ids:
            visits = visits.search(
                [("fs_is_visit", "=", True), ("fs_site_id", "child_of", ids)],
                order="fs_window_start desc, id desc",
            )
        return {
            partner: visits.filtered(
                lambda v, p=partner: p.id
                and (v.fs_site_id == p or v.fs_site_id.commercial_partner_id == p)
            )
            for partner in self
        }

    def _compute_fs_customer_view(self):
        """Upcoming visits soonest first (unscheduled last), past ones latest first."""
        for partner, visits in self._fs_customer_visits().items():
            upcoming = visits.filtered(lambda v: v.fs_state in vs.OPEN_STATES)
            partner.fs_is_customer = bool(visits)
            partner.fs_phone_search = partner.phone or partner.mobile or False
            partner.fs_upcoming_visit_ids = upcoming.sorted(
                lambda v: (not v.fs_window_start, v.fs_window_start or fields.Datetime.now())
            )
            partner.fs_past_visit_ids = visits - upcoming
            partner.fs_upcoming_visit_count = len(upcoming)

    def _compute_fs_open_leads(self):
        ids = [partner.id for partner in self if partner.id]
        leads = self.env["crm.lead"]
        if ids:
            leads = leads.search(
                [
                    ("partner_id", "child_of", ids),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", False),
                ]
            )
        for partner in self:
            mine = leads.filtered(
                lambda lead, p=partner: p.id
                and (lead.partner_id == p or lead.partner_id.commercial_partner_id == p)
            )
            partner.fs_open_lead_ids = mine
            partner.fs_open_lead_count = len(mine)

    def _compute_fs_customer_messages(self):
        """The ledger rows that went out (or tried to) for the customer's visits."""
        visits = self._fs_customer_visits()
        every = self.env["project.task"].union(*visits.values())
        rows = self.env["fs.visit.message"]
        if every:
            rows = rows.search(
                [("task_id", "in", every.ids), ("state", "in", ("queued", "sent", "failed"))],
                order="sent_at desc, id desc",
            )
        for partner in self:
            mine = rows.filtered(lambda row, m=visits[partner]: row.task_id in m)
            partner.fs_customer_message_ids = mine
            partner.fs_customer_message_count = len(mine)

    def _search_fs_is_customer(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search field-service customers with = or !=."))
        Task = self.env["project.task"]
        sites = Task._read_group([("fs_is_visit", "=", True)], ["fs_site_id"])
        site_ids = {site.id for (site,) in sites if site}
        customers = self.browse(site_ids).commercial_partner_id.ids
        leads = self.env["crm.lead"]._read_group(
            [("type", "=", "opportunity"), ("partner_id", "!=", False)], ["partner_id"]
        )
        ids = site_ids | set(customers) | {partner.id for (partner,) in leads}
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", list(ids))]

    def _search_fs_phone_search(self, operator, value):
        """The number in E.164 (read in the company's country when national), compared with the
        sanitized and E.164 numbers; else core's search by digits (phone_validation)."""
        if not isinstance(value, str) or not value.strip():
            return [("phone_mobile_search", operator, value)]
        country = self.env.company.country_id.code
        number = phones.check_phone(value, country).e164
        if not number:
            return [("phone_mobile_search", operator, value)]
        return [
            "|",
            "|",
            "|",
            ("phone_sanitized", "=", number),
            ("fs_phone_e164", "=", number),
            ("fs_mobile_e164", "=", number),
            ("phone_mobile_search", "ilike", value),
        ]

    def _fs_customer_form_action(self):
        """This customer in the customer view (its Field service page first)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_service_cx.action_fs_customers"
        )
        action.update(
            res_id=self.id,
            view_mode="form",
            views=[(self.env.ref("field_service_cx.res_partner_view_form_fs_customer").id, "form")],
        )
        return action

    def action_fs_view_open_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_action_pipeline")
        action["domain"] = [("id", "in", self.fs_open_lead_ids.ids)]
        action["context"] = {"default_partner_id": self.id}
        action["view_mode"] = "list,kanban,form"
        action.pop("views", None)
        return action

    def action_fs_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_service_cx.action_fs_messages_to_check"
        )
        action["name"] = self.env._("Messages sent")
        action["domain"] = [("id", "in", self.fs_customer_message_ids.ids)]
        action["context"] = {}
        return action

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

    def _fs_channel_choice(self):
        """The channels that reach this contact for visit messages (see ``choose_channels``)."""
        self.ensure_one()
        choice = reminders.choose_channels(
            self.fs_preferred_channel,
            bool(email_normalize(self.email or "")),
            self.fs_mobile_e164,
            self.fs_messages_opt_out,
        )
        # The rule's texts, in the reader's language (the office reads them on the visit).
        return dataclasses.replace(
            choice,
            skip=choice.skip and self.env._(choice.skip),
            note=choice.note and self.env._(choice.note),
        )

    def action_fs_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        action["domain"] = [("fs_site_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_fs_book_visit(self):
        self.ensure_one()
        return self.env["fs.book.visit"]._fs_open(partner_id=self.id)

    # ---- geolocation of visit sites: in the background, never inside a request ----------
    @api.depends(*ADDRESS_FIELDS)
    def _compute_fs_geo_failure(self):
        # A new address deserves a new try.
        self.fs_geo_failed_at = False
        self.fs_geo_failure = False

    @api.model
    def _fs_geo_pending_domain(self, now=None):
        """Sites of open visits without coordinates, with an address, not failed recently."""
        retry_before = (now or fields.Datetime.now()) - timedelta(days=GEO_RETRY_DAYS)
        return [
            ("fs_visit_ids.fs_state", "in", vs.OPEN_STATES),
            "|",
            ("partner_latitude", "=", False),
            ("partner_latitude", "=", 0.0),
            "|",
            ("partner_longitude", "=", False),
            ("partner_longitude", "=", 0.0),
            "|",
            ("fs_geo_failed_at", "=", False),
            ("fs_geo_failed_at", "<", retry_before),
            "|",
            "|",
            ("street", "!=", False),
            ("zip", "!=", False),
            ("city", "!=", False),
        ]

    @api.model
    def _cron_fs_geolocate_sites(self, batch_size=GEO_BATCH_SIZE):
        """Geolocate one batch of visit sites; report progress so the cron runs again soon."""
        if batch_size <= 0:
            raise UserError(self.env._("The geolocation batch size must be positive."))
        domain = self._fs_geo_pending_domain()
        partners = self.search(domain, limit=batch_size, order="id")
        done, stopped = partners._fs_geolocate()
        remaining = 0 if stopped else max(self.search_count(domain), 0)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _fs_geolocate(self):
        """Ask the geocoder once per distinct address; write results in batch.

        Returns (partners handled, stopped) where stopped tells that the geocoder could not be
        reached: the rest waits for the next run instead of being marked as failed.
        """
        geocoder = self.env["base.geocoder"]
        by_query = {}
        for partner in self.with_context(lang="en_US"):
            query = geocoder.geo_query_address(
                street=partner.street,
                zip=partner.zip,
                city=partner.city,
                state=partner.state_id.name,
                country=partner.country_id.name,
            )
            by_query.setdefault(query, self.browse())
            by_query[query] |= partner
        handled = 0
        now = fields.Datetime.now()
        for query, partners in by_query.items():
            country = partners[:1].country_id
            try:
                point = geocoder.geo_find(
                    query, force_country=country.name, fs_country_code=country.code
                )
            except UserError as error:
                _logger.warning("Geolocation stopped, the geocoder failed: %s", error)
                return handled, True
            if point and geo.is_real_point(*point):
                partners.write(
                    {
                        "partner_latitude": point[0],
                        "partner_longitude": point[1],
                        "date_localization": fields.Date.context_today(self),
                        "fs_geo_failed_at": False,
                        "fs_geo_failure": False,
                    }
                )
            else:
                partners.write(
                    {
                        "fs_geo_failed_at": now,
                        "fs_geo_failure": self.env._("No match for this address: %s") % query,
                    }
                )
            handled += len(partners)
        return handled, False
