from datetime import datetime, time, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..tools import windows
from .common import FieldServiceCase

PARIS = windows.find_zone("Europe/Paris")[0]


@tagged("post_install", "-at_install")
class TestBooking(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Technicians (test)", "tz": "Europe/Paris"}
        )  # default attendances: Monday to Friday, 8-12 and 13-17
        (cls.anna | cls.bob).write({"resource_calendar_id": cls.calendar.id, "tz": "Europe/Paris"})
        cls.env["stock.quant"]._update_available_quantity(cls.valve, cls.van_anna, 10)
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Boiler makes noise",
                "partner_id": cls.customer.id,
                "description": "<p>Noise since Monday; side door.</p>",
            }
        )
        cls.weekday = cls.day
        while cls.weekday.weekday() >= 5:
            cls.weekday += timedelta(days=1)

    @classmethod
    def paris(cls, day, hour):
        """Naive UTC of ``hour`` o'clock in Paris on ``day``."""
        return windows.to_utc(datetime.combine(day.date(), time(hour)), PARIS)

    def _form(self, day, opener=None):
        action = (opener or self.lead).with_user(self.user_dispatcher).action_fs_book_visit()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_dispatcher)
            .with_context(**action["context"], default_project_id=self.project.id)
        )
        form.job_type_id = self.job_type
        form.visit_date = day.date()
        return form

    def _offered(self, form, day):
        """(Paris hour, suggested technician) of the rows offered on ``day``."""
        rows = []
        for index in range(len(form.slot_ids)):
            with form.slot_ids.edit(index) as row:
                local = windows.to_local(row.start, PARIS)
                if local.date() == day.date():
                    rows.append((local.hour, row.technician_id))
        return rows

    def _book(self, form, index=0):
        with form.slot_ids.edit(index) as row:
            row.chosen = True
            chosen = (row.start, row.end, row.technician_id)
        wizard = form.save()
        action = wizard.action_book()
        return self.env["project.task"].browse(action["res_id"]), chosen

    def test_windows_follow_the_technicians_hours_not_a_fixed_grid(self):
        form = self._form(self.weekday)
        self.assertEqual(
            self._offered(form, self.weekday),
            [(8, self.anna), (10, self.anna), (13, self.anna), (15, self.anna)],
        )
        self.job_type.required_skill_ids.skill_id = self.electric
        self.assertFalse(self._form(self.weekday).slot_ids, "nobody holds the electric skill")

    def test_time_off_removes_the_windows_of_that_day(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "resource_id": self.anna.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": self.paris(self.weekday, 7),
                "date_to": self.paris(self.weekday, 12),
            }
        )
        hours = [hour for hour, _tech in self._offered(self._form(self.weekday), self.weekday)]
        self.assertEqual(hours, [13, 15])

    def test_one_screen_books_the_visit_with_technician_and_queues_the_confirmation(self):
        visit, (start, end, technician) = self._book(self._form(self.weekday))
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(visit.fs_site_id, self.customer)
        self.assertEqual((visit.fs_window_start, visit.fs_window_end), (start, end))
        self.assertEqual(visit.fs_technician_id, technician)
        self.assertEqual(visit.fs_technician_id, self.anna)
        self.assertEqual(visit.fs_state, "scheduled")
        self.assertEqual(visit.fs_lead_id, self.lead)
        self.assertIn("side door", visit.description)
        self.assertEqual(self.lead.fs_visit_count, 1)
        self.assertEqual(visit.fs_promise_ids.source, "booking")
        confirmation = self.env["fs.visit.message"].search([("task_id", "=", visit.id)])
        self.assertIn("confirmation", confirmation.mapped("kind"))
        self.assertTrue(
            confirmation.filtered(lambda m: m.kind == "confirmation").state in ("planned", "queued")
        )

    def test_a_booked_window_and_a_full_day_are_not_offered_again(self):
        self._book(self._form(self.weekday))
        self.assertEqual(
            [hour for hour, _t in self._offered(self._form(self.weekday), self.weekday)],
            [10, 13, 15],
        )

        # Visits nobody was given yet take the day's capacity too: Anna works 8 hours, the
        # booked visit and six unassigned ones of an hour each leave room for one more hour.
        def unassigned():
            self.create_visit(
                fs_window_start=self.paris(self.weekday, 8),
                fs_window_end=self.paris(self.weekday, 17),
            )

        for _index in range(6):
            unassigned()
        self.assertTrue(self._offered(self._form(self.weekday), self.weekday))
        unassigned()
        self.assertEqual(self._offered(self._form(self.weekday), self.weekday), [])

    def test_the_suggested_technician_adds_the_least_travel(self):
        self.bob.employee_skill_ids.skill_level_id = self.senior
        van_bob = self.van_anna.copy({"name": "Van Bob"})
        self.env["stock.quant"]._update_available_quantity(self.valve, van_bob, 10)
        self.bob.fs_van_location_id = van_bob
        lyon = self.env["res.partner"].create(
            {"name": "Lyon", "partner_latitude": 45.76, "partner_longitude": 4.83}
        )
        neighbour = self.env["res.partner"].create(
            {"name": "Next door", "partner_latitude": 48.87, "partner_longitude": 2.33}
        )
        self.create_visit(
            partner_id=lyon.id,
            fs_technician_id=self.anna.id,
            fs_window_start=self.paris(self.weekday, 8),
            fs_window_end=self.paris(self.weekday, 10),
        )
        self.create_visit(
            partner_id=neighbour.id,
            fs_technician_id=self.bob.id,
            fs_window_start=self.paris(self.weekday, 8),
            fs_window_end=self.paris(self.weekday, 10),
        )
        offered = dict(self._offered(self._form(self.weekday), self.weekday))
        self.assertEqual(offered[10], self.bob)

    def test_a_window_taken_meanwhile_is_refused(self):
        form = self._form(self.weekday)
        with form.slot_ids.edit(0) as row:
            row.chosen = True
            start, end = row.start, row.end
        wizard = form.save()
        self.create_visit(fs_technician_id=self.anna.id, fs_window_start=start, fs_window_end=end)
        with self.assertRaisesRegex(UserError, "no longer free"):
            wizard.action_book()
        self.assertEqual(self.lead.fs_visit_count, 0)

    def test_book_needs_one_window_picked(self):
        wizard = self._form(self.weekday).save()
        with self.assertRaisesRegex(UserError, "Pick one of the windows"):
            wizard.action_book()

    def test_from_a_contact_and_from_new_visit(self):
        form = self._form(self.weekday, opener=self.customer)
        self.assertEqual(form.partner_id, self.customer)
        self.assertFalse(form.lead_id)
        visit, _chosen = self._book(form)
        self.assertEqual((visit.partner_id, visit.fs_technician_id), (self.customer, self.anna))
        menu = self.env.ref("field_service_cx.menu_fs_new_visit")
        self.assertEqual(menu.action.res_model, "fs.book.visit")

    def test_a_visit_needs_a_customer_and_a_window_to_be_scheduled(self):
        with self.assertRaisesRegex(ValidationError, "needs a customer"):
            self.create_visit(partner_id=False, fs_technician_id=self.anna.id)
        with self.assertRaisesRegex(ValidationError, "needs a window"):
            self.create_visit(
                fs_technician_id=self.anna.id, fs_window_start=False, fs_window_end=False
            )
        unscheduled = self.create_visit(
            partner_id=False, fs_window_start=False, fs_window_end=False
        )
        self.assertEqual(unscheduled.fs_state, "to_schedule")

    def test_new_from_visits_is_a_field_service_visit(self):
        action = self.env.ref("field_service_cx.action_fs_visits")
        Task = self.env["project.task"].with_user(self.user_dispatcher)
        form_view = action.view_ids.filtered(lambda view: view.view_mode == "form").view_id
        new = Form(Task.with_context(fs_visit_views=1), view=form_view)
        self.assertTrue(new.project_id.fs_is_field_service, "not a private task")
        self.assertFalse(new.user_ids, "assigned to its technician, not to the dispatcher")
        new.name = "Leaking tap"
        with self.assertRaisesRegex(AssertionError, "partner_id"):
            new.save()  # the customer is required, as the web client refuses
        new.partner_id = self.customer
        self.assertTrue(new.save().fs_is_visit)
        self.assertEqual(
            form_view, self.env.ref("field_service_cx.project_task_view_form_fs_visit")
        )
        arch = Task.get_views([(form_view.id, "form")])["views"]["form"]["arch"]
        self.assertRegex(arch, r'<field name="partner_id"[^>]*required="1"')
        self.assertLess(arch.index('name="fs_visit"'), arch.index('name="description_page"'))
