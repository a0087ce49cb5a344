from datetime import datetime, time, timedelta

from odoo.tests import HttpCase, tagged

from ..tools import windows
from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestTours(HttpCase, FieldServiceCase):
    def test_dispatcher_sees_the_visit_list(self):
        self.create_visit(name="Tour boiler service", fs_technician_id=self.anna.id)
        self.start_tour("/odoo", "fs_dispatcher_visits", login="fs_dina_dispatch")


@tagged("post_install", "-at_install")
class TestTechnicianDayOnPhone(HttpCase, FieldServiceCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_technician_works_the_day_at_phone_width(self):
        now = datetime.now().replace(microsecond=0)
        visit = self.create_visit(
            name="Tour boiler service",
            fs_technician_id=self.anna.id,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
            fs_access_notes="Gate code 1234",
        )
        visit.fs_checklist_line_ids.filtered("required").is_done = True
        self.start_tour(
            "/odoo/action-field_service_cx.action_fs_my_day",
            "fs_technician_day_phone",
            login="fs_anna_tech",
        )
        self.assertEqual(visit.fs_state, "done")

    def test_technician_walks_a_two_visit_day_from_login(self):
        """As the demo's technician (Marc) when the demo is installed, else the test world's."""
        user = self.env.ref("field_service_cx.user_marc_demo", False) or self.user_anna
        technician = user.employee_id
        van = technician.fs_van_location_id
        now = datetime.now().replace(microsecond=0)
        # His demo day gives way to the tour's (the demo's own visits are not the subject).
        self.env["project.task"].search([("fs_technician_id", "=", technician.id)]).write(
            {"fs_technician_id": False, "fs_window_start": False, "fs_window_end": False}
        )
        # Whatever the weekday and the hour the test runs at, today is a working day for him
        # (the demo's calendar has no weekend hours): On my way re-times the day as on a weekday.
        technician.resource_calendar_id = self.env["resource.calendar"].create(
            {
                "name": "Every day, all day (tour)",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        },
                    )
                    for day in range(7)
                ],
            }
        )
        job_type = self.env["fs.job.type"].create(
            {
                "name": "Boiler service (tour)",
                "service_minutes": 60,
                "requires_signature": True,
                "kit_line_ids": [(0, 0, {"product_id": self.valve.id, "quantity": 1})],
                "checklist_line_ids": [(0, 0, {"name": "Check flue", "required": True})],
            }
        )
        seal, pump = self.env["product.product"].create(
            [
                {"name": "Seal (tour)", "default_code": "FS-TOUR-SEAL", "is_storable": True},
                {"name": "Pump (tour)", "is_storable": True},
            ]
        )
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.valve, van, 4)
        Quant._update_available_quantity(seal, van, 2)
        user.action_id = False
        user._fs_set_home_action()  # as for a new technician
        earlier = self.create_visit(name="Last year's service", fs_job_type_id=False)
        earlier.write(
            {
                "fs_state": "done",
                "fs_done_at": now - timedelta(days=200),
                "fs_work_summary": "<p>Replaced the ignition electrode</p>",
            }
        )
        if "fs.visit.dispute" in self.env:  # with the customer portal: an open question
            self.env["fs.visit.dispute"].create(
                {
                    "task_id": earlier.id,
                    "line_kind": "time",
                    "line_label": "Arrival time",
                    "reason": "Later than said",
                }
            )
        # Today in the site's zone, whatever the hour the test runs at.
        zone = self.env["project.task"].new({"partner_id": self.customer.id})._fs_zone()[0]
        today = windows.to_local(now, zone).date()
        first, second, third = (
            self.create_visit(
                name=name,
                fs_job_type_id=job_type.id,
                fs_technician_id=technician.id,
                fs_window_start=windows.to_utc(datetime.combine(today, time(hour)), zone),
                fs_window_end=windows.to_utc(datetime.combine(today, time(hour + 2)), zone),
                fs_access_notes="Gate code 1234",
                fs_route_sequence=sequence,
            )
            for sequence, (name, hour) in enumerate(
                (("Tour visit one", 8), ("Tour visit two", 10), ("Tour visit three", 13)), start=1
            )
        )
        third.fs_part_ids = [(0, 0, {"product_id": pump.id, "quantity": 1})]
        self.customer.phone = "04 72 00 00 00"
        self.start_tour("/odoo", "fs_technician_two_visit_day", login=user.login)
        self.assertEqual(first.fs_state, "done")
        used = {line.product_id: line.quantity_used for line in first.fs_part_ids}
        self.assertEqual(used, {self.valve: 1, seal: 1})
        self.assertEqual(first.fs_part_ids.stock_move_id.mapped("state"), ["done", "done"])
        self.assertEqual(Quant._get_available_quantity(self.valve, van), 3)
        self.assertEqual(Quant._get_available_quantity(seal, van), 1)
        self.assertEqual(first.fs_photo_ids.kind, "after")
        self.assertTrue(first.fs_signature)
        self.assertIn("replaced one valve", first.fs_work_summary)
        self.assertEqual(second.fs_state, "not_home")
        self.assertEqual(second.fs_not_home_reason, "Nobody answered the door or the phone")
        self.assertEqual((third.fs_state, third.fs_unfinished_reason), ("unfinished", "parts"))
        follow_up = third.fs_follow_up_ids
        self.assertEqual((len(follow_up), follow_up.fs_state), (1, "to_schedule"))
        self.assertIn("The pump is the old model", follow_up.description)
        self.assertEqual(third.fs_replenishment_ids.move_ids.product_id, pump)
        self.assertEqual(third.fs_replenishment_ids.location_dest_id, van)


@tagged("post_install", "-at_install")
class TestBookingTours(HttpCase, FieldServiceCase):
    """The dispatcher books from the screens, at desktop width, as the demo's dispatcher when
    the demo is installed (else the test world's)."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = cls.demo_dispatcher
        # Only the test world's field-service project: New lands in it, whatever the demo has.
        cls.env["project.project"].search(
            [("fs_is_field_service", "=", True), ("id", "!=", cls.project.id)]
        ).write({"fs_is_field_service": False})

    def test_book_a_visit_from_a_lead_in_one_screen(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour boiler noise",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.dispatcher.id,
                "description": "<p>Noise since Monday; side door.</p>",
            }
        )
        self.start_tour("/odoo", "fs_book_visit_from_lead", login=self.dispatcher.login)
        visit = lead.fs_visit_ids
        self.assertEqual(len(visit), 1)
        self.assertEqual((visit.partner_id, visit.fs_technician_id), (self.customer, self.anna))
        self.assertTrue(visit.fs_window_start)
        self.assertIn("side door", visit.description)
        confirmation = self.env["fs.visit.message"].search(
            [("task_id", "=", visit.id), ("kind", "=", "confirmation")]
        )
        self.assertIn(confirmation.state, ("planned", "queued"))

    def test_new_visit_needs_a_customer(self):
        self.start_tour("/odoo", "fs_new_visit_needs_a_customer", login=self.dispatcher.login)
        visit = self.env["project.task"].search([("name", "=", "Tour new visit")])
        self.assertEqual(visit.project_id, self.project)
        self.assertEqual(visit.partner_id, self.customer)


class TranslatedCase(HttpCase, FieldServiceCase):
    """Users who read the product in their own language (set on the user in the test)."""

    @classmethod
    def fs_speak(cls, user, lang):
        cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["field_service_cx"], [lang], overwrite=True)
        user.lang = lang


@tagged("post_install", "-at_install")
class TestDispatcherInFrench(TranslatedCase):
    browser_size = "1440x900"

    def test_french_dispatcher_reads_menus_and_visit_form_in_french(self):
        self.fs_speak(self.user_dispatcher, "fr_FR")
        now = datetime.now().replace(microsecond=0, minute=0) + timedelta(days=1)
        self.create_visit(
            name="Tour visite chaudière",
            fs_technician_id=self.anna.id,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
        )
        self.start_tour("/odoo", "fs_dispatcher_in_french", login=self.user_dispatcher.login)


@tagged("post_install", "-at_install")
class TestTechnicianInFinnish(TranslatedCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_finnish_technician_reads_my_day_in_finnish(self):
        self.fs_speak(self.user_anna, "fi_FI")
        self.user_anna.action_id = False
        self.user_anna._fs_set_home_action()  # a technician lands on My day
        now = datetime.now().replace(microsecond=0)
        self.create_visit(
            name="Tour kattilahuolto",
            fs_technician_id=self.anna.id,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
            fs_access_notes="Ovikoodi 1234",
        )
        self.start_tour("/odoo", "fs_technician_in_finnish", login=self.user_anna.login)
