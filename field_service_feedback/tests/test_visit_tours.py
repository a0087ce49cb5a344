from odoo.tests import tagged

from .common import VisitPageCase


@tagged("post_install", "-at_install")
class TestVisitPageOnPhone(VisitPageCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_customer_reschedules_then_cancels_on_a_phone(self):
        slot = self.first_free_slot()
        self.start_tour(self.visit_url(), "fs_visit_page_phone", login=None)
        self.visit.invalidate_recordset()
        self.assertEqual(
            (self.visit.fs_window_start, self.visit.fs_window_end), (slot.start, slot.end)
        )
        self.assertEqual(self.visit.fs_promise_ids[0].source, "customer")
        self.assertEqual(self.visit.fs_state, "cancelled")
        self.assertEqual(self.visit.fs_cancel_reason, "Moving house")


@tagged("post_install", "-at_install")
class TestVisitRatingOnPhone(VisitPageCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_customer_reads_the_report_and_rates_on_a_phone(self):
        self.company.primary_color = "#163A66"
        self.anna.image_1920 = self.png("teal", (256, 256))
        self.finish(self.visit)
        self.env["ir.config_parameter"].set_param(
            "field_service_feedback.review_url", "https://reviews.example.com/us"
        )
        self.start_tour(self.visit_url(), "fs_visit_rate_phone", login=None)
        self.visit.invalidate_recordset()
        rating = self.visit.fs_rating_id
        self.assertEqual(
            (rating.rating, rating.fs_nps, rating.feedback), (5, 9, "Quick, clean and friendly")
        )
