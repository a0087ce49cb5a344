import base64
import re

from odoo.addons.field_service_cx.tests.common import FieldServiceCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestVisitSheet(FieldServiceCase):
    def test_the_sheet_carries_a_qr_code_of_the_visit_page(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "field_service_feedback.action_report_fs_visit_sheet", visit.ids
        )
        html = html.decode()
        url = visit._fs_portal_full_url()
        self.assertIn(f"/my/visits/{visit.id}?access_token={visit.access_token}", url)
        self.assertIn(f'href="{url}"', html)
        img = re.search(r'<img[^>]*class="o_fs_visit_qr"[^>]*>', html)
        self.assertTrue(img, "the sheet shows the QR code")
        match = re.search(r'src="data:image/png;base64,([^"]+)"', img.group(0))
        self.assertTrue(match, "the sheet shows the QR code as an embedded PNG")
        self.assertTrue(base64.b64decode(match.group(1)).startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertIn(visit.fs_window_display, html)
