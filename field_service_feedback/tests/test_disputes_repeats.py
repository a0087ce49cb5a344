from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import FinishedVisitCase


@tagged("post_install", "-at_install")
class TestDisputesAndRepeats(FinishedVisitCase):
    def test_dispute_a_part_and_resolve_it(self):
        self.finish()
        part = self.visit.fs_part_ids
        dispute = self.visit._fs_open_dispute("part", part.id, "Only one valve was changed")
        self.assertEqual((dispute.state, dispute.line_label), ("open", "Valve (test)"))
        self.assertEqual(self.visit.fs_open_dispute_count, 1)
        with self.assertRaisesRegex(UserError, "answer"):
            dispute.action_resolve()
        dispute.resolution = "Right: the second valve is refunded."
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(self.visit.fs_open_dispute_count, 0)

    def test_dispute_refusals(self):
        with self.assertRaisesRegex(UserError, "once the visit is done"):
            self.visit._fs_open_dispute("time", "Arrival", "wrong")
        self.finish()
        with self.assertRaisesRegex(UserError, "not on this visit"):
            self.visit._fs_open_dispute("part", 999999, "?")
        with self.assertRaisesRegex(UserError, "what is wrong"):
            self.visit._fs_open_dispute("time", "Arrival", "   ")
        with self.assertRaisesRegex(UserError, "choose what"):
            self.visit._fs_open_dispute("bogus", "x", "why")
        late = fields.Datetime.now() + timedelta(days=15)
        with (
            patch("odoo.fields.Datetime.now", return_value=late),
            self.assertRaisesRegex(UserError, "14 days"),
        ):
            self.visit._fs_open_dispute("charge", "Call-out fee", "too high")
        self.assertFalse(self.visit.fs_dispute_ids)

    def test_a_new_visit_at_the_same_site_within_30_days_is_a_repeat(self):
        self.finish()
        again = self.create_visit(
            name="Boiler again",
            fs_window_start=self.visit.fs_done_at + timedelta(days=10),
            fs_window_end=self.visit.fs_done_at + timedelta(days=10, hours=2),
        )
        self.assertTrue(again.fs_is_repeat)
        self.assertEqual(again.fs_repeat_of_id, self.visit)
        self.assertEqual(
            (again.fs_repeat_job_type_id, again.fs_repeat_technician_id), (self.job_type, self.anna)
        )
        much_later = self.create_visit(
            name="Annual service",
            fs_window_start=self.visit.fs_done_at + timedelta(days=45),
            fs_window_end=self.visit.fs_done_at + timedelta(days=45, hours=2),
        )
        self.assertFalse(much_later.fs_is_repeat)
        elsewhere = self.env["res.partner"].create({"name": "Another site"})
        other_site = self.create_visit(
            name="Other site",
            partner_id=elsewhere.id,
            fs_window_start=self.visit.fs_done_at + timedelta(days=3),
            fs_window_end=self.visit.fs_done_at + timedelta(days=3, hours=2),
        )
        self.assertFalse(other_site.fs_is_repeat)

    def test_technician_records_a_new_need_as_an_opportunity(self):
        self.visit.with_user(self.user_anna).action_fs_on_my_way()
        self.visit.with_user(self.user_anna).action_fs_arrive()
        action = self.visit.with_user(self.user_anna).action_fs_record_need()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_anna)
            .with_context(**action["context"])
        )
        form.name = "Water softener"
        form.description = "Hard water scaling the boiler"
        form.save().action_create_opportunity()
        lead = self.env["crm.lead"].search([("fs_origin_visit_id", "=", self.visit.id)])
        self.assertEqual(
            (lead.name, lead.type, lead.partner_id),
            ("Water softener", "opportunity", self.customer),
        )
