from datetime import timedelta

from odoo.tests import Form, tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestBooking(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Boiler makes noise",
                "partner_id": cls.customer.id,
                "description": "<p>Noise since Monday; side door.</p>",
            }
        )
        # A working day for the calendar of both technicians (standard 40 h, Mon–Fri).
        cls.weekday = cls.day
        while cls.weekday.weekday() >= 5:
            cls.weekday += timedelta(days=1)

    def _wizard(self, day):
        action = self.lead.with_user(self.user_dispatcher).action_fs_book_visit()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_dispatcher)
            .with_context(**action["context"])
        )
        form.project_id = self.project
        form.job_type_id = self.job_type
        form.visit_date = day.date()
        return form.save()

    def test_only_windows_with_a_qualified_technician_are_offered(self):
        wizard = self._wizard(self.weekday)
        self.assertTrue(wizard.slot_ids)
        self.assertTrue(all(slot.technician_ids == self.anna for slot in wizard.slot_ids))
        self.job_type.required_skill_ids.skill_id = self.electric
        wizard = self._wizard(self.weekday)
        self.assertFalse(wizard.slot_ids, "nobody holds the electric skill")

    def test_no_window_on_a_day_off(self):
        sunday = self.weekday
        while sunday.weekday() != 6:
            sunday += timedelta(days=1)
        self.assertFalse(self._wizard(sunday).slot_ids)

    def test_booking_creates_the_visit_with_the_leads_notes(self):
        wizard = self._wizard(self.weekday)
        slot = wizard.slot_ids[0]
        action = slot.action_book()
        visit = self.env["project.task"].browse(action["res_id"])
        self.assertEqual(visit.fs_lead_id, self.lead)
        self.assertEqual((visit.fs_window_start, visit.fs_window_end), (slot.start, slot.end))
        self.assertIn("side door", visit.description)
        self.assertEqual(self.lead.fs_visit_count, 1)
        self.assertEqual(visit.fs_promise_ids.source, "booking")
        self.assertFalse(visit.message_ids.filtered(lambda m: m.message_type == "sms"))
