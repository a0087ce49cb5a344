from collections import defaultdict
from datetime import time
from itertools import pairwise

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models.fs_demo import LIVE_FROM
from ..tools import geo, windows

PARIS = windows.resolve_zone("Europe/Paris")[0]


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """The demo week when demo data is installed; otherwise, that none of it leaked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.env.ref(
            "field_service_cx.project_field_service_demo", raise_if_not_found=False
        )
        cls.visits = cls.env["project.task"].with_context(active_test=False)
        if cls.project:
            cls.visits = cls.visits.search(cls._week_domain())

    @classmethod
    def _week_domain(cls):
        """The demo week's visits: from the install day on (the feedback addon adds a history
        of past weeks to the same project), and those still to schedule."""
        made_on = windows.to_local(cls.project.create_date, PARIS).date()
        return [
            ("project_id", "=", cls.project.id),
            "|",
            ("fs_visit_date", "=", False),
            ("fs_visit_date", ">=", made_on),
        ]

    def _ref(self, name):
        return self.env.ref(f"field_service_cx.{name}")

    def test_without_demo_nothing_is_generated(self):
        if self.project:
            self.assertEqual(len(self.visits), 60)
            self.assertFalse(self.env["fs.demo"]._fs_generate_demo(), "built once, not on update")
            self.assertEqual(self.visits.search_count(self._week_domain()), 60)
            return
        demo_ids = self.env["ir.model.data"].search_count(
            [
                ("module", "=", "field_service_cx"),
                ("name", "=like", "%\\_demo"),
                ("model", "!=", "ir.model"),  # the fs.demo model itself is model_fs_demo
            ]
        )
        self.assertEqual(demo_ids, 0)
        self.assertFalse(self.env["fs.demo"]._fs_generate_demo())
        self.assertFalse(self.env.ref("field_service_cx.employee_marc_demo", False))

    def test_demo_people_skills_hours_and_vans(self):
        if not self.project:
            self.assertFalse(self.env.ref("field_service_cx.user_camille_demo", False))
            return
        self.assertEqual(self.project.privacy_visibility, "followers")
        self.assertTrue(self.project.fs_is_field_service)
        self.assertEqual(self.project.company_id, self.env.ref("base.main_company"))
        self.assertFalse(self.visits.filtered("fs_zone_problem"), "every visit has a zone")
        self.assertEqual(set(self.visits.mapped("fs_site_tz")), {"Europe/Paris"})
        technicians = self.env["hr.employee"].search(
            [("fs_is_technician", "=", True), ("user_id.login", "in", list(TECHNICIAN_LOGINS))]
        )
        self.assertEqual(len(technicians), 8)
        for technician in technicians:
            with self.subTest(technician=technician.name):
                self.assertTrue(
                    technician.user_id.has_group("field_service_cx.group_fs_technician")
                )
                self.assertTrue(technician.fs_van_location_id)
                self.assertEqual(technician.fs_van_location_id.usage, "internal")
                start = technician.fs_start_partner_id
                self.assertTrue(geo.is_real_point(start.partner_latitude, start.partner_longitude))
                self.assertTrue(technician.employee_skill_ids)
                self.assertEqual(technician.tz, "Europe/Paris")
        hours = technicians.resource_calendar_id
        self.assertEqual(len(hours), 2, "a 40-hour week and one part-timer")
        weekly = sorted(
            round(sum(a.hour_to - a.hour_from for a in c.attendance_ids if a.day_period != "lunch"))
            for c in hours
        )
        self.assertEqual(weekly, [24, 40])
        levels = self._ref("skill_type_trades_demo").skill_level_ids
        self.assertEqual(
            sorted(levels.mapped("level_progress")), [25, 50, 75, 100], "four trade levels"
        )
        self.assertEqual(len(self._ref("skill_type_trades_demo").skill_ids), 6)
        dispatcher, manager = self._ref("user_camille_demo"), self._ref("user_helene_demo")
        self.assertTrue(dispatcher.has_group("field_service_cx.group_fs_dispatcher"))
        self.assertFalse(dispatcher.has_group("field_service_cx.group_fs_manager"))
        self.assertTrue(manager.has_group("field_service_cx.group_fs_manager"))

    def test_demo_technicians_have_real_photos_and_the_company_its_brand(self):
        if not self.project:
            return  # nothing to check without demo data (see the test above)
        technicians = self.env["hr.employee"].search([("fs_is_technician", "=", True)])
        demo = technicians.filtered(lambda e: e.get_external_id()[e.id].endswith("_demo"))
        self.assertEqual(len(demo), 8)
        for employee in demo:
            with self.subTest(technician=employee.name):
                self.assertTrue(employee._fs_has_photo(), "a photo, not a generated letter")
        company = self.env.ref("base.main_company")
        self.assertTrue(company.logo)
        self.assertEqual((company.primary_color, company.secondary_color), ("#163A66", "#EF7D26"))

    def test_demo_customers_job_types_and_leads(self):
        if not self.project:
            self.assertFalse(self.env.ref("field_service_cx.customer_01_demo", False))
            return
        customers = self.env["res.partner"].browse(
            [self._ref(f"customer_{n:02d}_demo").id for n in range(1, 41)]
        )
        self.assertEqual(set(customers.country_id.mapped("code")), {"FR"})
        self.assertEqual(set(customers.mapped("tz")), {"Europe/Paris"})
        french = customers.filtered(lambda c: c.lang == "fr_FR")
        self.assertGreater(len(french), 30, "Lyon's customers mostly read French")
        self.assertTrue(customers - french, "a few read English")
        company = self._ref("project_field_service_demo").company_id
        self.assertEqual(company.currency_id.name, "EUR")
        self.assertTrue(company.logo and company.phone and company.email and company.street)
        self.assertTrue(all(customers.mapped("email")))
        self.assertTrue(all(customers.mapped("fs_mobile_e164")), "valid French mobiles")
        self.assertFalse(any(customers.mapped("fs_phone_problem")))
        self.assertGreater(len(customers.filtered(lambda c: c.fs_effective_channel == "sms")), 5)
        unlocated = customers.filtered(
            lambda c: not geo.is_real_point(c.partner_latitude, c.partner_longitude)
        )
        self.assertEqual(len(unlocated), 1, "one site waits for the geolocation cron")
        located = customers - unlocated
        depot = self.env.company.partner_id
        for customer in located:  # all in the Lyon metro area, within 25 km of the depot
            self.assertLess(
                geo.haversine_km(
                    (depot.partner_latitude, depot.partner_longitude),
                    (customer.partner_latitude, customer.partner_longitude),
                ),
                25,
            )
        job_types = self.visits.fs_job_type_id
        self.assertEqual(len(job_types), 6)
        for job_type in job_types:
            with self.subTest(job_type=job_type.name):
                self.assertTrue(job_type.kit_line_ids)
                self.assertTrue(all(job_type.kit_line_ids.product_id.mapped("is_storable")))
                self.assertTrue(job_type.checklist_line_ids)
                self.assertTrue(job_type.required_skill_ids)
        leads = self.env["crm.lead"].search([("partner_id", "in", customers.ids)])
        self.assertGreaterEqual(len(leads.filtered("active")), 3)

    def test_demo_week_is_relative_to_the_install_day_and_consistent(self):
        if not self.project:
            self.assertFalse(self.visits)
            return
        visits = self.visits
        made_on = windows.to_local(self.project.create_date, PARIS).date()
        days = self.env["fs.demo"]._fs_demo_days(made_on)
        by_state = defaultdict(lambda: visits.browse())
        for visit in visits:
            by_state[visit.fs_state] |= visit
        self.assertEqual(len(visits), 60)
        self.assertEqual(len(by_state["to_schedule"]), 4)
        self.assertEqual(len(by_state["cancelled"]), 1)
        self.assertTrue(by_state["to_schedule"].filtered(lambda v: not v.fs_site_geolocated))
        planned = visits.filtered("fs_window_start")
        self.assertEqual(set(planned.mapped("fs_visit_date")), set(days))
        booked = defaultdict(list)
        for visit in planned:
            start = windows.to_local(visit.fs_window_start, PARIS)
            end = windows.to_local(visit.fs_window_end, PARIS)
            self.assertTrue(time(8) <= start.time() and end.time() <= time(17), visit.name)
            self.assertIn(visit.fs_technician_id, visit.fs_eligible_technician_ids)
            booked[visit.fs_technician_id].append((visit.fs_window_start, visit.fs_window_end))
        for technician, spans in booked.items():
            spans.sort()
            for (_start, end), (next_start, _end) in pairwise(spans):
                self.assertLessEqual(end, next_start, f"{technician.name} is double-booked")
        # Nobody works while off: the week's time off and the part-timer's free days hold.
        leave = self.env["resource.calendar.leaves"].search(
            [("resource_id", "in", planned.fs_technician_id.resource_id.ids)]
        )
        self.assertEqual(len(leave), 1)
        off = planned.filtered(lambda v: v.fs_technician_id.resource_id == leave.resource_id)
        for visit in off:
            self.assertFalse(
                leave.date_from < visit.fs_window_end and visit.fs_window_start < leave.date_to
            )
        now = fields.Datetime.now()
        made_at = windows.to_local(self.project.create_date, PARIS).time()
        if days[0] == made_on and made_at >= LIVE_FROM:  # installed after this morning's work
            done = by_state["done"]
            self.assertGreaterEqual(len(done), 3)
            self.assertEqual(len(by_state["not_home"]), 1)
            self.assertTrue(by_state["on_site"] | by_state["en_route"])
            # The office's live map and the customer's page have an ETA for those on the way.
            for visit in by_state["en_route"]:
                self.assertTrue(visit.fs_eta and visit.fs_eta >= visit.fs_en_route_at)
            for visit in done:
                self.assertTrue(visit.fs_en_route_at <= visit.fs_arrived_at <= visit.fs_done_at)
                self.assertLessEqual(visit.fs_done_at, now)
                self.assertTrue(all(visit.fs_checklist_line_ids.mapped("is_done")))
                self.assertTrue(visit.fs_work_summary)
                if visit.fs_requires_signature:
                    self.assertTrue(visit.fs_signature)
        open_visits = visits.filtered(lambda v: v.fs_state in ("scheduled", "confirmed"))
        missing = open_visits.filtered(lambda v: not v.fs_parts_ready)
        self.assertTrue(missing, "some vans lack parts")
        self.assertTrue(missing.filtered("fs_parts_pickup"), "and a pickup is suggested")
        self.assertTrue(open_visits - missing, "most vans are ready")

    def test_marc_works_a_day_of_several_visits_on_the_first_demo_day(self):
        """The phone's walk-through (My day, as marc) needs a day of two visits or more."""
        if not self.project:
            return
        marc = self._ref("employee_marc_demo")
        first_day = min(self.visits.filtered("fs_visit_date").mapped("fs_visit_date"))
        day = self.visits.filtered(
            lambda v: v.fs_technician_id == marc and v.fs_visit_date == first_day
        )
        self.assertGreaterEqual(len(day), 2)
        self.assertEqual(self._ref("user_marc_demo").login, "marc")


TECHNICIAN_LOGINS = ("marc", "sophie", "karim", "julie", "thomas", "nadia", "lucas", "emilie")
