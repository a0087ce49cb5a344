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
