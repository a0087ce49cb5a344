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

    def test_a_typical_visit_in_french_is_one_page(self):
        """5 checks, 3 parts, 4 photos and a signature, for a French customer: one A4 page."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["field_service_cx", "field_service_feedback"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        parts = self.env["product.product"].create(
            [{"name": f"Pièce type {n} (test)"} for n in range(3)]
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
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True, lang="fr_FR")
                ._render_qweb_pdf(REPORT, visit.ids)
            )
        self.assertEqual(kind, "pdf")
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf), strict=False).pages), 1)

    def test_technicians_write_recommendations_on_site(self):
        visit = self.create_visit(name="On site", fs_technician_id=self.anna.id)
        visit.with_user(self.user_anna).write(
            {"fs_recommendations": "Descale next time", "fs_work_summary": "<p>ok</p>"}
        )
        self.assertEqual(visit.fs_recommendations, "Descale next time")
