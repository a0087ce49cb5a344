from datetime import timedelta

from odoo import fields
from odoo.addons.field_service_cx.tests.common import FieldServiceCase
from odoo.addons.field_service_cx.tools import windows
from odoo.tests import Form, tagged

from .common import every_day_calendar


@tagged("post_install", "-at_install")
class TestOneBookingRule(FieldServiceCase):
    """The office's booking wizard and the customer's reschedule offer the same windows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = every_day_calendar(cls.env, "Every day 07-19 (test)")
        (cls.anna | cls.bob).write({"resource_calendar_id": calendar.id})
        cls.env["stock.quant"]._update_available_quantity(cls.valve, cls.van_anna, 10)
        cls.visit = cls.create_visit(fs_technician_id=cls.anna.id)
        cls.zone = windows.find_zone("Europe/Paris")[0]
        cls.other_day = cls.day + timedelta(days=1)
        # Visits of that day take room whether or not someone has them yet.
        cls.create_visit(
            fs_window_start=cls.other_day.replace(hour=9),
            fs_window_end=cls.other_day.replace(hour=11),
        )
        cls.create_visit(
            fs_technician_id=cls.anna.id,
            fs_window_start=cls.other_day.replace(hour=11),
            fs_window_end=cls.other_day.replace(hour=13),
        )

    def wizard_windows(self, day):
        form = Form(
            self.env["fs.book.visit"]
            .with_user(self.user_dispatcher)
            .with_context(default_partner_id=self.customer.id, default_project_id=self.project.id)
        )
        form.job_type_id = self.job_type
        form.visit_date = day
        form.window_minutes = 120
        rows = []
        for index in range(len(form.slot_ids)):
            with form.slot_ids.edit(index) as row:
                if windows.to_local(row.start, self.zone).date() == day:
                    rows.append((row.start, row.end, row.technician_id.id))
        return rows

    def portal_windows(self, day):
        return [
            (slot.start, slot.end, slot.technicians[0])
            for slot in self.visit._fs_portal_slots(day=day)
        ]

    def test_the_wizard_and_the_portal_offer_the_same_windows(self):
        day = windows.to_local(self.other_day, self.zone).date()
        offered = self.wizard_windows(day)
        self.assertTrue(offered)
        self.assertEqual(offered, self.portal_windows(day))
        taken = {start for start, _end, _tech in offered}
        self.assertNotIn(self.other_day.replace(hour=11), taken, "Anna's visit holds 11:00")

    def test_a_window_the_office_books_is_gone_from_the_portal(self):
        day = windows.to_local(self.other_day, self.zone).date()
        start, end, technician = self.portal_windows(day)[0]
        self.create_visit(
            fs_technician_id=technician,
            fs_window_start=fields.Datetime.to_string(start),
            fs_window_end=fields.Datetime.to_string(end),
        )
        self.assertNotIn(start, [slot[0] for slot in self.portal_windows(day)])
        self.assertEqual(self.wizard_windows(day), self.portal_windows(day))
