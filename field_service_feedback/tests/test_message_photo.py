from odoo.tests import tagged

from .common import VisitPageCase


@tagged("post_install", "-at_install")
class TestMessagePhoto(VisitPageCase):
    """The "on the way" e-mail shows the technician's photo through the visit page's link."""

    def on_the_way_body(self):
        if self.visit.fs_state != "en_route":
            self.visit.action_fs_on_my_way()
        template = self.env.ref("field_service_cx.mail_template_fs_on_the_way")
        return template._render_field("body_html", self.visit.ids)[self.visit.id]

    def test_photo_is_a_link_the_customer_can_open(self):
        self.anna.image_1920 = self.png("teal", (256, 256))
        url = self.visit._fs_technician_photo_url()
        self.assertTrue(url.startswith(self.visit.get_base_url()))
        self.assertIn(self.visit_url(suffix="/technician/avatar"), url)
        body = self.on_the_way_body()
        self.assertIn(f'src="{url.replace("&", "&amp;")}"', body)
        self.assertNotIn("data:image", body, "mail clients block inline images")
        self.assertNotIn("o_fs_technician_initial", body, "no letter beside a photo")
        response = self.url_open(self.visit_url(suffix="/technician/avatar"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")

    def test_no_photo_no_image(self):
        self.anna.image_1920 = False
        self.assertFalse(self.visit._fs_technician_photo_url())
        body = self.on_the_way_body()
        self.assertNotIn("<img", body, "no placeholder picture in the e-mail")
        self.assertIn("Anna", body)
        # The letter on a circle in the company's colour, its text colour picked for contrast.
        self.company.primary_color = "#163A66"
        body = self.on_the_way_body()
        self.assertRegex(body, r'o_fs_technician_initial"[^>]*>A</span>')
        self.assertIn("background-color: #163A66; color: #FFFFFF;", body)
