import base64
import io
import re
from unittest.mock import patch

from PIL import Image

from odoo import Command
from odoo.addons.base.models.ir_actions_report import IrActionsReport
from odoo.addons.field_service_cx.tools import windows
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_amount
from odoo.tools.pdf import PdfFileReader

from .common import VisitPageCase

REPORT = "field_service_feedback.action_report_fs_service"


@tagged("post_install", "-at_install")
class TestServiceReport(VisitPageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gasket = cls.env["product.product"].create({"name": "Gasket (unused, test)"})
        cls.visit.fs_part_ids = [Command.create({"product_id": cls.gasket.id, "quantity": 1})]
        cls.finish(cls.visit)

    def render(self, visit=None):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, (visit or self.visit).ids
        )
        return html.decode()

    def local_hour(self, value):
        return windows.to_local(value, self.visit._fs_portal_zone()).strftime("%H:%M")

    def test_the_report_tells_what_was_done_and_nothing_internal(self):
        html = self.render()
        visit = self.visit
        # Times in the site's zone (Paris), not UTC.
        self.assertIn(visit._fs_report_local(visit.fs_arrived_at), html)
        self.assertIn(visit._fs_report_local(visit.fs_done_at), html)
        self.assertIn(self.local_hour(visit.fs_done_at), html)
        self.assertIn('o_fs_report_technician">Anna<', html)
        self.assertIn("Cleaned the burner and replaced one valve.", html)
        # Checklist: the ticked item and the optional one left unticked.
        self.assertRegex(html, r'o_fs_check_done">\s*<span aria-hidden="true">☑</span>')
        self.assertIn("Check flue", html)
        self.assertRegex(html, r"o_fs_check_todo[^>]*>\s*<span[^>]*>☐</span>")
        self.assertIn("Photo of the boiler plate", html)
        # Parts: only what was used, with the quantity used (not the quantity planned).
        parts = re.findall(r'<tr class="o_fs_report_part">(.*?)</tr>', html, re.S)
        self.assertEqual(len(parts), 1)
        self.assertIn("Valve (test)", parts[0])
        self.assertIn(">× 1<", parts[0])
        self.assertNotIn("Gasket", html)
        # Photos with captions, signature, recommendations, next service, whom to call.
        self.assertIn("Sooty burner", html)
        self.assertIn("Clean burner", html)
        self.assertEqual(len(re.findall(r'<figure[^>]*o_fs_photo"', html)), 2)
        self.assertRegex(html, r'class="o_fs_signature" src="data:image/[a-z]+;base64,[^"]+"')
        self.assertIn("Signed by Claire Martin", html)
        self.assertIn("Bleed the radiators before winter.", html)
        self.assertIn(visit._fs_report_values()["next_service"], html)
        self.assertIn("Next service due", html)
        company = visit.company_id or self.env.company
        self.assertIn(f"Questions about this visit? Call {company.name}", html)
        # The QR code of the visit page (embedded PNG) and its link.
        img = re.search(r'<img[^>]*class="o_fs_visit_qr"[^>]*>', html)
        self.assertTrue(img)
        uri = re.search(r'src="data:image/png;base64,([^"]+)"', img.group(0))
        self.assertTrue(base64.b64decode(uri.group(1)).startswith(b"\x89PNG"))
        self.assertIn(f'href="{visit._fs_portal_full_url()}"', html)
        # Nothing internal, no dispute forms, no "web version" note in the normal report.
        for word in ("INTERNAL-SECRET", "480 EUR", "99 88 77 66", "anna.private", "Anna Tech"):
            self.assertNotIn(word, html)
        self.assertNotIn("Question this", html)
        self.assertNotIn("o_fs_html_version", html)

    def test_photos_are_small_thumbnails(self):
        self.visit.fs_photo_ids[0].image = self.png("blue", (1600, 1200))
        src = self.visit._fs_report_values()["photos"][0]["src"]
        header, data = src.split(",", 1)
        self.assertTrue(header.startswith("data:image/"))
        with Image.open(io.BytesIO(base64.b64decode(data))) as thumbnail:
            self.assertLessEqual(thumbnail.size, (320, 240))

    def test_without_a_pdf_engine_the_web_version_is_served(self):
        with patch.object(IrActionsReport, "get_wkhtmltopdf_state", return_value="install"):
            content, kind = self.visit._fs_service_report_file()
        self.assertEqual(kind, "html")
        self.assertIn(b"o_fs_html_version", content)
        self.assertIn(b"Cleaned the burner", content)

    def test_a_failing_pdf_engine_falls_back_to_the_web_version(self):
        error = UserError("Unable to find Wkhtmltopdf on this system.")
        with (
            patch.object(IrActionsReport, "get_wkhtmltopdf_state", return_value="ok"),
            patch.object(IrActionsReport, "_render_qweb_pdf", side_effect=error),
            self.assertLogs("odoo.addons.field_service_feedback", "WARNING"),
        ):
            _content, kind = self.visit._fs_service_report_file()
        self.assertEqual(kind, "html")

    def test_with_a_pdf_engine_the_pdf_is_served(self):
        with (
            patch.object(IrActionsReport, "get_wkhtmltopdf_state", return_value="ok"),
            patch.object(IrActionsReport, "_render_qweb_pdf", return_value=(b"%PDF-1.4", "pdf")),
        ):
            self.assertEqual(self.visit._fs_service_report_file(), (b"%PDF-1.4", "pdf"))

    def test_the_real_pdf_is_one_page_with_its_pictures(self):
        """With a real PDF engine (./dev test installs wkhtmltopdf, Odoo's image has it), the
        full report (checklist, parts, two photos, signature, QR code) fits on one page."""
        reports = self.env["ir.actions.report"]
        self.assertEqual(
            reports.get_wkhtmltopdf_state(), "ok", "wkhtmltopdf is missing: apt-get install it"
        )
        # wkhtmltopdf fetches the report's styles from this test server.
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        # Debian's build (unpatched Qt) warns that it ignores the header and footer options.
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
                REPORT, self.visit.ids
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        pages = PdfFileReader(io.BytesIO(pdf), strict=False).pages
        self.assertEqual(len(pages), 1, "the service report is one page")
        images = [
            name
            for name, xobject in pages[0]["/Resources"]["/XObject"].items()
            if xobject.get_object()["/Subtype"] == "/Image"
        ]
        self.assertGreaterEqual(len(images), 4, "two photos, the signature and the QR code")

    # ---- the typical visit: one page, in the customer's language, with or without prices -----

    def typical_visit(self):
        """5 checks, 3 parts, 4 photos and a signature."""
        parts = self.env["product.product"].create(
            [{"name": f"Pièce type {n} (test)", "list_price": 10.0 * (n + 1)} for n in range(3)]
        )
        visit = self.create_visit(
            fs_technician_id=self.anna.id,
            fs_part_ids=[Command.create({"product_id": p.id, "quantity": 1}) for p in parts],
        )
        visit.fs_checklist_line_ids = [
            Command.create({"name": f"Contrôle {n}", "required": False}) for n in range(3)
        ]
        self.finish(visit)
        visit.fs_part_ids.quantity_used = 1
        visit.fs_photo_ids = [
            Command.create({"kind": "after", "caption": f"Photo {n}", "image": self.png("blue")})
            for n in range(2)
        ]
        self.assertEqual(
            (len(visit.fs_checklist_line_ids), len(visit.fs_part_ids), len(visit.fs_photo_ids)),
            (5, 3, 4),
        )
        return visit

    def test_a_typical_visit_is_one_page_in_french_and_finnish_with_or_without_prices(self):
        from .test_customer_languages import customer_msgids, english_phrases

        langs = ("fr_FR", "fi_FI")
        for code in langs:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["field_service_cx", "field_service_feedback"], list(langs), overwrite=True
        )
        phrases = english_phrases(m for ids in customer_msgids().values() for m in ids)
        self.anna.image_1920 = self.png("teal", (256, 256))
        self.company.write({"logo": self.png("navy", (500, 100)), "phone": "+33 4 72 00 00 00"})
        visit = self.typical_visit()
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        reports = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for code in langs:
            self.customer.lang = code
            for prices in (False, True):
                self.env["res.config.settings"].create({"fs_report_show_prices": prices}).execute()
                with self.subTest(lang=code, prices=prices):
                    html, _kind = reports.with_context(lang=code)._render_qweb_html(
                        REPORT, visit.ids
                    )
                    html = html.decode()
                    left = sorted(phrase for phrase in phrases if phrase in html)
                    self.assertFalse(left, f"English in the {code} report: {left}")
                    self.assertEqual("o_fs_report_total" in html, prices)
                    with mute_logger("odoo.addons.base.models.ir_actions_report"):
                        pdf, kind = reports.with_context(lang=code)._render_qweb_pdf(
                            REPORT, visit.ids
                        )
                    self.assertEqual(kind, "pdf")
                    pages = PdfFileReader(io.BytesIO(pdf), strict=False).pages
                    self.assertEqual(len(pages), 1, "the typical visit's report is one A4 page")

    # ---- brand, photo, prices ----------------------------------------------------------------

    def test_the_header_is_in_the_body_with_logo_company_and_colours(self):
        self.company.write(
            {
                "logo": self.png("navy", (500, 100)),
                "primary_color": "#163A66",
                "secondary_color": "#EF7D26",
                "street": "27 Rue Pré-Gaudry",
                "zip": "69007",
                "city": "Lyon",
                "phone": "+33 4 72 00 00 00",
                "email": "bonjour@lyon-confort.example.com",
            }
        )
        html = self.render()
        header = re.search(r'<table class="o_fs_report_header">(.*?)</table>', html, re.S)
        self.assertTrue(header, "the company's header is in the body (no wkhtmltopdf header)")
        logo = re.search(r'o_fs_report_logo">\s*(<img[^>]*>)', header.group(1))
        self.assertTrue(logo and 'src="data:image/' in logo.group(1), "the company's logo")
        for text in ("27 Rue Pré-Gaudry, 69007 Lyon", "+33 4 72 00 00 00", "bonjour@lyon-confort"):
            self.assertIn(text, header.group(1))
        self.assertIn("--fs-primary: #163A66;", html)
        self.assertIn("--fs-on-primary: #FFFFFF;", html, "white text on the dark blue band")
        self.assertIn("--fs-on-secondary: #1A1A1A;", html, "dark text on the orange")
        self.assertNotIn('class="header', html, "no external layout header")
        paperformat = self.env.ref(REPORT).paperformat_id
        self.assertEqual((paperformat.format, paperformat.header_spacing), ("A4", 0))
        self.assertGreaterEqual(paperformat.margin_left, 10, "a left margin")

    def test_colours_default_when_the_company_has_none(self):
        self.company.write({"primary_color": False, "secondary_color": "not a colour"})
        html = self.render()
        self.assertIn("--fs-primary: #1F4E79;", html)
        self.assertIn("--fs-secondary: #E07B00;", html)

    def test_the_technician_shows_with_a_photo_or_a_letter(self):
        self.anna.image_1920 = self.png("teal", (256, 256))
        html = self.render()
        photo = re.search(r'<img[^>]*class="o_fs_report_technician_photo"[^>]*>', html)
        self.assertTrue(photo and 'src="data:image/' in photo.group(0), "the technician's photo")
        self.assertNotIn("o_fs_report_technician_initial", html)
        self.anna.image_1920 = False
        html = self.render()
        self.assertNotIn("o_fs_report_technician_photo", html)
        self.assertRegex(html, r'o_fs_report_technician_initial">A<')

    def test_odoos_generated_letter_is_not_a_photo(self):
        self.anna.image_1920 = self.anna._avatar_generate_svg()
        self.assertFalse(self.anna._fs_has_photo())
        html = self.render()
        self.assertNotIn("o_fs_report_technician_photo", html)
        self.assertIn("o_fs_report_technician_initial", html)
        self.assertFalse(self.visit._fs_technician_photo_url(), "no e-mail picture either")

    def test_prices_are_off_by_default_and_shown_by_the_setting(self):
        self.valve.list_price = 12.5
        self.visit.fs_part_ids.filtered(lambda p: p.product_id == self.valve).quantity_used = 2
        self.assertFalse(self.env["res.config.settings"].create({}).fs_report_show_prices)
        html = self.render()
        self.assertNotIn("o_fs_report_amount", html)
        self.assertNotIn("o_fs_report_total", html)
        self.assertNotIn("25.00", html)
        self.env["res.config.settings"].create({"fs_report_show_prices": True}).execute()
        values = self.visit._fs_report_values()
        currency = self.company.currency_id
        # In the report's language (the customer's here), as money of the company's currency.
        lang = self.visit._fs_report_lang()
        expected = format_amount(self.env, 25.0, currency, lang_code=lang)
        self.assertEqual([part["amount"] for part in values["parts"]], [expected])
        self.assertEqual(values["total"], expected)
        html = self.render()
        self.assertIn(f'o_fs_report_amount">{expected}<', html)
        self.assertRegex(html, rf"(?s)o_fs_report_total.*{re.escape(expected)}")
        self.assertIn(currency.symbol, expected, "formatted with the currency")
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.visit.with_context(lang="fr_FR")._fs_report_values()["total"]
        self.assertIn("25,00", french, "a French customer reads a decimal comma")

    def test_photos_sit_three_a_row_with_their_before_after_tag_and_caption(self):
        html = self.render()
        figures = re.findall(r"<figure[^>]*o_fs_photo\"[^>]*>(.*?)</figure>", html, re.S)
        self.assertEqual(len(figures), 2)
        self.assertIn("<strong>Before</strong>: Sooty burner", figures[0])
        self.assertIn("<strong>After</strong>: Clean burner", figures[1])
        src = self.visit._fs_report_values()["photos"][0]["src"]
        with Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))) as thumbnail:
            self.assertEqual(thumbnail.size[0] * 3, thumbnail.size[1] * 4, "cut to 4:3")

    def test_next_steps_say_what_comes_and_whom_to_call(self):
        self.company.write({"phone": "+33 4 72 00 00 00", "email": "bonjour@example.com"})
        html = self.render()
        self.assertIn("Next steps", html)
        self.assertIn("Bleed the radiators before winter.", html)
        self.assertIn("+33 4 72 00 00 00", html)
        self.assertIn("bonjour@example.com", html)
        self.assertNotIn("o_fs_report_return_visit", html)
        self.visit.fs_recommendations = False
        self.visit.fs_next_service_date = False
        self.assertIn("o_fs_report_nothing_next", self.render())

    def test_technicians_write_recommendations_on_site(self):
        visit = self.create_visit(name="On site", fs_technician_id=self.anna.id)
        visit.with_user(self.user_anna).write(
            {"fs_recommendations": "Descale next time", "fs_work_summary": "<p>ok</p>"}
        )
        self.assertEqual(visit.fs_recommendations, "Descale next time")
