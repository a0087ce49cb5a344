import re
from datetime import timedelta

from odoo.addons.field_service_cx.tools import reminders
from odoo.addons.mail.tests.common import MockEmail
from odoo.tests import tagged

from .common import VisitPageCase

VERSION = re.compile(r'name="version" value="(\d+)"')


@tagged("post_install", "-at_install")
class TestVisitRescheduleVersion(VisitPageCase, MockEmail):
    """The reschedule form states the schedule version it offered its times on; a stale one
    is refused with the current times, and a move gives the visit a new link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"fs_quiet_from": 0.0, "fs_quiet_until": 0.0})  # no quiet hours

    def form_version(self):
        form = self.url_open(self.visit_url(suffix="/reschedule"))
        self.assertEqual(form.status_code, 200)
        return VERSION.search(form.text).group(1)

    def test_a_form_opened_before_the_dispatcher_moved_the_visit_is_refused(self):
        version = self.form_version()
        slot = self.first_free_slot()
        # Meanwhile a dispatcher moves the visit in the back office.
        moved = slot.start + timedelta(days=1)
        self.visit.with_user(self.user_dispatcher).write(
            {"fs_window_start": moved, "fs_window_end": moved + timedelta(hours=2)}
        )
        promises = len(self.visit.fs_promise_ids)
        response = self.post(
            self.visit, "/reschedule", {"slot": self.utc_text(slot.start), "version": version}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("This visit changed meanwhile: it is now", response.text)
        self.visit.invalidate_recordset()
        self.assertIn(self.visit.fs_window_display, response.text, "the current time is shown")
        self.assertIn("o_fs_slot", response.text, "with the times still free")
        self.assertEqual(
            VERSION.search(response.text).group(1), str(self.visit.fs_schedule_version)
        )
        self.assertEqual(self.visit.fs_window_start, moved, "the dispatcher's change stands")
        self.assertEqual(len(self.visit.fs_promise_ids), promises)
        self.assertEqual(self.visit.access_token, self.token)
        self.assertFalse(
            self.visit.message_ids.filtered(lambda m: "The customer moved the visit" in m.body)
        )
        # The refreshed form states the new version: that one goes through.
        response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(slot.start)})
        self.assertEqual(response.status_code, 303)

    def test_a_post_without_the_forms_version_changes_nothing(self):
        slot = self.first_free_slot()
        for version in ("", "abc", "0"):
            response = self.post(
                self.visit, "/reschedule", {"slot": self.utc_text(slot.start), "version": version}
            )
            self.assertIn("This visit changed meanwhile", response.text)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_window_start, self.day.replace(hour=8))

    def test_a_move_rotates_the_link_and_the_acknowledgement_carries_the_new_one(self):
        old_token, old_url = self.token, self.visit_url()
        slot = self.first_free_slot()
        response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(slot.start)})
        self.assertEqual(response.status_code, 303)
        self.visit.invalidate_recordset()
        new_token = self.visit.access_token
        self.assertTrue(new_token)
        self.assertNotEqual(new_token, old_token)
        self.assertIn(f"access_token={new_token}", response.headers["Location"])
        page = self.url_open(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Done: your visit is now", page.text)
        for suffix in ("", "/eta", "/reschedule"):
            self.assertEqual(
                self.url_open(self.visit_url(suffix=suffix, token=old_token)).status_code, 404
            )
        self.assertEqual(self.url_open(old_url).status_code, 404)

        with self.mock_mail_gateway():
            self.env["fs.visit.message"]._cron_send_due()
        row = self.visit.fs_message_ids.filtered(lambda r: r.kind == reminders.RESCHEDULED)
        self.assertEqual(row.state, "queued")
        body = row.mail_id.body_html
        self.assertIn(f"access_token={new_token}", body)
        self.assertNotIn(old_token, body)


@tagged("post_install", "-at_install")
class TestVisitRescheduleOnPhone(VisitPageCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_a_double_click_moves_the_visit_once_and_lands_on_the_page(self):
        slot = self.first_free_slot()
        self.start_tour(
            self.visit_url(suffix="/reschedule"), "fs_visit_reschedule_double_click", login=None
        )
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_window_start, slot.start)
        self.assertNotEqual(self.visit.access_token, self.token)
        moves = self.visit.message_ids.filtered(lambda m: "The customer moved the visit" in m.body)
        self.assertEqual(len(moves), 1)
