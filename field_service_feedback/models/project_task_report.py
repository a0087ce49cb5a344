import base64
import logging

from odoo import fields, models
from odoo.addons.field_service_cx.tools import brand
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import UserError
from odoo.tools.image import image_data_uri, image_process
from odoo.tools.misc import format_amount, format_date, format_datetime

from ..tools import visit_page as rules

_logger = logging.getLogger(__name__)

SERVICE_REPORT = "field_service_feedback.action_report_fs_service"
# Photos and signature are small thumbnails: the report fits on one page, the page stays light.
PHOTO_SIZE = (320, 240)
SIGNATURE_SIZE = (360, 120)
TECHNICIAN_PHOTO_SIZE = (128, 128)
LOGO_SIZE = (400, 120)
# res.config.settings: whether the report shows each part's price and the total (default off).
SHOW_PRICES_PARAM = "field_service_feedback.report_show_prices"
# wkhtmltopdf states in which no PDF can be made (see ir.actions.report).
NO_PDF_STATES = ("install", "broken")
# Written on site by the technician, like the rest of the field work.
TECHNICIAN_REPORT_FIELDS = {"fs_recommendations", "fs_next_service_date"}


def _thumbnail(image, size, crop=False):
    """A small JPEG/PNG data URI of a base64 image field value, or False. ``crop`` cuts it to
    ``size``'s proportions around the centre (photos line up in the grid)."""
    if not image:
        return False
    try:
        small = image_process(
            base64.b64decode(image), size=size, quality=80, crop="center" if crop else None
        )
    except UserError:  # not an image Odoo can read: leave it out rather than break the report
        return False
    return image_data_uri(base64.b64encode(small))


class ProjectTask(models.Model):
    """The service report: what was done, shown to the customer on paper and on the page."""

    _inherit = "project.task"

    fs_recommendations = fields.Text(
        "Recommendations",
        copy=False,
        help="Advice and next steps for the customer, printed on the service report.",
    )
    fs_next_service_date = fields.Date(
        "Next service due", copy=False, help="Printed on the service report."
    )

    def _fs_check_technician_write(self, vals):
        """Technicians also write the report's recommendations and next service date."""
        field_work = {k: v for k, v in vals.items() if k not in TECHNICIAN_REPORT_FIELDS}
        return super()._fs_check_technician_write(field_work)

    def _fs_report_local(self, value, pattern="EEE d MMM y, HH:mm"):
        """A UTC datetime as the site's local time, in the customer's words (or '')."""
        if not value:
            return ""
        return format_datetime(
            self.env,
            value,
            tz=self._fs_portal_zone().key,
            dt_format=pattern,
            lang_code=self._fs_report_lang(),
        )

    def _fs_report_lang(self):
        """The report's language: the rendering's, else the customer's (never a fallback's)."""
        return self.env.lang or self.fs_site_id.lang or self.partner_id.lang or False

    def _fs_report_shows_prices(self):
        # sudo: a setting read by the customer's (public) request; only a yes/no leaves.
        return bool(self.env["ir.config_parameter"].sudo().get_param(SHOW_PRICES_PARAM))

    def _fs_report_parts(self, company):
        """The parts used, with quantities and, when the setting says so, list prices in the
        company's currency: (lines, formatted total or "")."""
        unit = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        show_prices = self._fs_report_shows_prices()
        currency = company.currency_id
        lang = self._fs_report_lang()
        today = fields.Date.context_today(self)
        lines, total = [], 0.0
        for line in self.fs_part_ids.filtered(lambda part: part.quantity_used > 0):
            values = {
                "id": line.id,
                "name": line.product_id.name,
                "quantity": f"× {line.quantity_used:g}"
                if line.uom_id == unit
                else f"{line.quantity_used:g} {line.uom_id.name or ''}".strip(),
                "amount": "",
            }
            if show_prices:
                # sudo: the list price of a part this customer received; nothing else is read.
                product = line.product_id.sudo().with_company(company)
                price = product.currency_id._convert(
                    product.lst_price, currency, company, today, round=False
                )
                amount = currency.round(price * line.quantity_used)
                total += amount
                values["amount"] = format_amount(self.env, amount, currency, lang_code=lang)
            lines.append(values)
        shown_total = format_amount(self.env, total, currency, lang_code=lang)
        return lines, shown_total if show_prices and lines else ""

    def _fs_report_return_visit(self):
        """The next open visit planned after this one for the same need (a repeat), as its
        window text, "" when none is planned."""
        # sudo: the window of the customer's own return visit; nothing else leaves.
        later = self.sudo().fs_repeat_ids.filtered(lambda visit: visit.fs_state in vs.OPEN_STATES)
        later = later.sorted(lambda visit: visit.fs_window_start or fields.Datetime.now())[:1]
        if not later:
            return ""
        return later.fs_window_display or self.env._("Time to be agreed")

    def _fs_report_values(self):
        """The service report's content, whitelisted: the PDF and the visit page both show it.

        Never internal fields (description, costs, the technician's phone or full name); list
        prices only when the setting shows them.
        """
        self.ensure_one()
        company = self._fs_message_company()
        # sudo: the customer sees the technician's first name and photo only.
        technician = self.fs_technician_id.sudo()
        parts, total = self._fs_report_parts(company)
        colours = brand.palette(company.primary_color, company.secondary_color)
        photos = self.fs_photo_ids.sorted(lambda p: (p.kind != "before", p.sequence, p.id))
        kinds = dict(self.env["fs.visit.photo"]._fields["kind"]._description_selection(self.env))
        return {
            "visit_id": self.id,
            "title": self.fs_job_type_id.name or self.env._("Visit"),
            "reference": self.name,
            "customer": self.partner_id.name or "",
            "address": ", ".join(
                filter(
                    None,
                    [
                        self.fs_site_id.street,
                        self.fs_site_id.street2,
                        " ".join(filter(None, [self.fs_site_id.zip, self.fs_site_id.city])),
                    ],
                )
            ),
            "arrived_at": self._fs_report_local(self.fs_arrived_at),
            "done_at": self._fs_report_local(self.fs_done_at),
            "technician": rules.first_name(technician.name),
            "technician_photo": technician
            and technician._fs_has_photo()
            and _thumbnail(technician.image_128, TECHNICIAN_PHOTO_SIZE, crop=True),
            "technician_initial": (technician.name or "")[:1].upper(),
            "work_summary": self.fs_work_summary or "",
            "checklist": [
                {"name": line.name, "done": line.is_done} for line in self.fs_checklist_line_ids
            ],
            "parts": parts,
            "prices_shown": bool(total),
            "total": total,
            "photos": [
                {
                    "kind": kinds.get(photo.kind, ""),
                    "caption": photo.caption or "",
                    "src": _thumbnail(photo.image, PHOTO_SIZE, crop=True),
                }
                for photo in photos
            ],
            "signature": _thumbnail(self.fs_signature, SIGNATURE_SIZE),
            "signed_by": self.fs_signed_by or "",
            "signed_at": self._fs_report_local(self.fs_signed_at),
            "recommendations": self.fs_recommendations or "",
            "next_service": format_date(
                self.env,
                self.fs_next_service_date,
                date_format="d MMMM y",
                lang_code=self._fs_report_lang(),
            )
            if self.fs_next_service_date
            else "",
            "return_visit": self._fs_report_return_visit(),
            "company_name": company.name,
            "company_phone": company.phone or "",
            "company_email": company.email or "",
            "company_address": ", ".join(
                filter(
                    None,
                    [
                        company.street,
                        company.street2,
                        " ".join(filter(None, [company.zip, company.city])),
                    ],
                )
            ),
            "company_website": company.website or "",
            "logo": _thumbnail(company.logo, LOGO_SIZE),
            "brand": colours,
            "brand_style": brand.css_variables(colours),
            "qr": self._fs_portal_qr_data_uri(),
            "url": self._fs_portal_full_url(),
        }

    def _fs_service_report_file(self):
        """The service report as (content, "pdf") or, without wkhtmltopdf, (html, "html").

        Odoo raises a UserError when wkhtmltopdf is missing; the customer still gets the
        report, as a web page they can print (the template then says so).
        """
        self.ensure_one()
        # sudo: the token holder downloads their own visit's report; access was checked.
        reports = self.env["ir.actions.report"].sudo()
        if reports.get_wkhtmltopdf_state() not in NO_PDF_STATES:
            try:
                content, kind = reports._render_qweb_pdf(SERVICE_REPORT, self.ids)
            except UserError as error:
                _logger.warning("Service report of visit %s as HTML: %s", self.id, error)
            else:
                if kind == "pdf":
                    return content, "pdf"
        content, _kind = reports._render_qweb_html(
            SERVICE_REPORT, self.ids, data={"fs_html_version": True}
        )
        return content, "html"
