from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.field_service_cx.tools import windows
from odoo.tests import tagged

from .common import VisitPageCase


@tagged("post_install", "-at_install")
class TestVisitPageStates(VisitPageCase):
    """Each state of the customer's page shows what matters then, in the company's colours."""

    def page(self, visit=None):
        response = self.url_open(self.visit_url(visit))
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_the_technicians_photo_or_a_letter(self):
        self.anna.image_1920 = self.png("teal", (256, 256))
        html = self.page()
        self.assertIn(
            f'src="{self.visit_url(suffix="/technician/avatar")}"', html.replace("&amp;", "&")
        )
        self.assertIn("o_fs_technician_photo", html)
        self.assertNotIn("o_fs_technician_initial", html)
        self.anna.image_1920 = False
        html = self.page()
        self.assertNotIn("o_fs_technician_photo", html)
        self.assertRegex(html, r'o_fs_technician_initial"[^>]*>A<')

    def test_the_page_wears_the_company_colours(self):
        self.company.write({"primary_color": "#FFEB3B", "secondary_color": "#163A66"})
        html = self.page()
        self.assertIn("o_fs_branded", html)
        self.assertIn("--fs-primary: #FFEB3B;", html)
        self.assertIn("--fs-on-primary: #1A1A1A;", html, "dark text on a yellow button")
        self.assertIn("--fs-ink: #1A1A1A;", html, "yellow is too pale for text on white")
        self.assertIn("--fs-on-secondary: #FFFFFF;", html)
        response = self.url_open(self.visit_url(suffix="/reschedule"))
        self.assertIn("--fs-primary: #FFEB3B;", response.text, "the reschedule page too")

    def test_on_the_way_says_the_arrival_time_the_countdown_and_the_stop(self):
        now = fields.Datetime.now().replace(microsecond=0)
        zone = self.visit._fs_portal_zone()
        today = windows.to_local(now, zone).replace(hour=9, minute=0, second=0, tzinfo=None)
        start = windows.to_utc(today, zone)
        earlier = self.create_visit(
            name="Earlier stop",
            fs_technician_id=self.anna.id,
            fs_window_start=start - timedelta(hours=2),
            fs_window_end=start - timedelta(hours=1),
            fs_route_sequence=1,
        )
        self.visit.write(
            {
                "fs_window_start": start,
                "fs_window_end": start + timedelta(hours=2),
                "fs_route_sequence": 2,
            }
        )
        # The earlier stop is left open: going there first makes this visit the next stop
        # (the technician's order and the customer's stop number stay the same).
        self.assertEqual(earlier.fs_state, "scheduled")
        self.visit.action_fs_on_my_way()
        self.visit.fs_eta = now + timedelta(minutes=25)
        live = self.visit._fs_portal_eta_values(now)
        arrival = windows.format_hour(self.visit.fs_eta, zone, "en_US")
        self.assertEqual(live["eta_text"], f"On the way, arriving about {arrival} (in 25 min)")
        self.assertEqual(live["stops_text"], "You are stop 1 of today, next in line.")
        self.assertEqual(self.visit.fs_route_sequence, 1)
        html = self.page()
        self.assertIn(arrival, html)
        self.assertIn("You are stop 1 of today", html)
        self.assertIn("o_fs_preparation", html, "still time to prepare")

    def test_on_site_nothing_to_prepare_and_no_calendar(self):
        self.visit.action_fs_on_my_way()
        self.visit.action_fs_arrive()
        html = self.page()
        self.assertNotIn("o_fs_preparation", html)
        self.assertNotIn("o_fs_ics", html)
        self.assertIn("o_fs_technician_name", html)

    def test_not_home_says_how_long_we_wait_then_when_we_came(self):
        self.visit.action_fs_on_my_way()
        self.visit.action_fs_arrive()
        self.visit._fs_move("not_home", {"fs_not_home_reason": "No answer"})
        zone = self.visit._fs_portal_zone()
        came = self.visit.fs_not_home_at
        until = windows.format_hour(came + timedelta(minutes=15), zone, "en_US")
        html = self.page()
        self.assertIn(
            f"Anna is at your address and could not reach you. We hold your visit until {until}.",
            html,
        )
        with freeze_time(came + timedelta(minutes=30)):
            text = self.visit._fs_portal_not_home_text(fields.Datetime.now())
        at = windows.format_hour(came, zone, "en_US")
        self.assertEqual(text, f"Anna came at {at} and could not reach you.")
