from datetime import timedelta

from odoo.addons.mail.tests.common import MockEmail
from odoo.tests import tagged

from .common import VisitPageCase


@tagged("post_install", "-at_install")
class TestOfficeTours(VisitPageCase, MockEmail):
    """At desktop width, as the demo's dispatcher (else the test world's)."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = cls.demo_dispatcher
        cls.project.user_id = cls.dispatcher  # the visits' dispatcher
        cls.visit.name = "Tour cancelled visit"
        cls.to_cancel = cls.create_visit(
            name="Tour visit to cancel",
            fs_technician_id=cls.anna.id,
            fs_window_start=cls.day.replace(hour=13),
            fs_window_end=cls.day.replace(hour=15),
        )
        finished = cls.create_visit(
            name="Tour finished visit",
            fs_technician_id=cls.anna.id,
            fs_window_start=cls.day.replace(hour=15) - timedelta(days=3),
            fs_window_end=cls.day.replace(hour=17) - timedelta(days=3),
        )
        cls.finish(finished)
        finished._fs_submit_rating("5", "9", "Lovely work", "browser-a")

    def test_the_dispatcher_hears_the_customer_and_cancels_with_a_reason(self):
        with self.mock_mail_gateway():
            self.env["fs.visit.message"]._cron_send_due(batch_size=200)  # confirmations out
        response = self.post(self.visit, "/cancel", {"reason": "We are moving house"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.visit.activity_ids.user_id, self.dispatcher)
        self.start_tour("/odoo", "fs_office_hears_the_customer", login=self.dispatcher.login)
        self.assertEqual(self.to_cancel.fs_state, "cancelled")
        self.assertEqual(
            self.to_cancel.fs_cancel_reason, "Customer called: the boiler was replaced"
        )
        cancellation = self.to_cancel.fs_message_ids.filtered(lambda r: r.kind == "cancelled")
        self.assertEqual(cancellation.state, "planned", "the customer will be told")
