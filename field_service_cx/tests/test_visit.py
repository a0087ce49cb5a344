from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import freeze_time

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestVisit(FieldServiceCase):
    def test_job_type_fills_skills_kit_checklist_and_duration(self):
        visit = self.create_visit()
        self.assertTrue(visit.fs_is_visit)
        self.assertEqual(visit.fs_service_minutes, 60)
        self.assertEqual(visit.fs_required_skill_ids.skill_id, self.gas)
        self.assertEqual(visit.fs_part_ids.product_id, self.valve)
        self.assertEqual(visit.fs_part_ids.quantity, 2)
        self.assertEqual(
            visit.fs_checklist_line_ids.mapped("name"), ["Check flue", "Photo of the boiler plate"]
        )
        self.assertEqual(visit.fs_site_id, self.customer)

    def test_window_is_shown_in_site_time_and_dated_locally(self):
        # 23:30 UTC on the day before is 00:30 (winter) or 01:30 (summer) in Paris.
        start = self.day - timedelta(minutes=30)
        visit = self.create_visit(fs_window_start=start, fs_window_end=start + timedelta(hours=2))
        self.assertEqual(visit.fs_visit_date, self.day.date())
        self.assertEqual(visit.fs_site_tz, "Europe/Paris")

    def test_technician_cards_show_hours_only_for_today(self):
        visit = self.create_visit()  # in two days, 09:00 or 10:00 Paris
        self.assertEqual(visit.fs_window_day_display, visit.fs_window_display)
        self.assertRegex(visit.fs_window_display, r"^\w+ \d{1,2} \w+, \d\d:\d\d–")
        with freeze_time(self.day.replace(hour=6)):
            visit.invalidate_recordset(["fs_window_day_display"])
            self.assertRegex(visit.fs_window_day_display, r"^\d\d:\d\d–\d\d:\d\d$")

    def test_window_end_before_start_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.create_visit(
                fs_window_start=self.day.replace(hour=10), fs_window_end=self.day.replace(hour=9)
            )

    def test_an_arrival_window_shorter_than_the_service_is_kept(self):
        # The window promises the arrival (honest windows: half an hour for an hour's job).
        visit = self.create_visit(fs_window_end=self.day.replace(hour=8, minute=30))
        self.assertEqual(visit.fs_service_minutes, 60)
        self.assertEqual(visit.fs_window_end, self.day.replace(hour=8, minute=30))

    def test_every_window_change_is_a_promise(self):
        visit = self.create_visit()
        self.assertEqual(len(visit.fs_promise_ids), 1)
        self.assertEqual(visit.fs_promise_ids.source, "booking")
        visit.with_context(fs_promise_source="customer").write(
            {
                "fs_window_start": self.day.replace(hour=13),
                "fs_window_end": self.day.replace(hour=15),
            }
        )
        visit.write({"name": "Renamed, same window"})
        latest = visit.fs_promise_ids.sorted("id")[-1]
        self.assertEqual(len(visit.fs_promise_ids), 2)
        self.assertEqual((latest.window_start.hour, latest.source), (13, "customer"))

    def test_technician_without_required_skill_is_blocked_naming_it(self):
        visit = self.create_visit()
        with self.assertRaisesRegex(
            ValidationError, r"Bob Tech cannot do .*Gas \(test\) \(Senior\)"
        ):
            visit.fs_technician_id = self.bob
        visit.fs_technician_id = self.anna
        self.assertEqual(visit.fs_state, "scheduled")
        self.assertEqual(visit.user_ids, self.user_anna)

    def test_eligible_technicians_follow_required_levels(self):
        visit = self.create_visit()
        self.assertEqual(visit.fs_eligible_technician_ids, self.anna)
        visit.fs_required_skill_ids.skill_level_id = self.junior
        self.assertEqual(visit.fs_eligible_technician_ids, self.anna | self.bob)

    def test_parts_ready_follows_the_van_stock(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        self.assertFalse(visit.fs_parts_ready)
        self.assertIn("Valve (test) × 2", visit.fs_parts_missing)
        self.env["stock.quant"]._update_available_quantity(self.valve, self.van_anna, 2)
        visit.invalidate_recordset()
        visit.fs_part_ids.invalidate_recordset()
        self.assertTrue(visit.fs_parts_ready)
        Task = self.env["project.task"]
        self.assertIn(visit, Task.search([("fs_parts_ready", "=", True), ("id", "=", visit.id)]))
        self.assertNotIn(visit, Task.search([("fs_parts_ready", "=", False)]))

    def test_the_day_moves_with_timestamps(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        visit.action_fs_on_my_way()
        visit.action_fs_arrive()
        self.assertTrue(visit.fs_en_route_at and visit.fs_arrived_at)
        with self.assertRaisesRegex(UserError, "Checklist item not done: Check flue"):
            visit.action_fs_done()
        self.assertEqual(visit.fs_state, "on_site")
        visit.fs_checklist_line_ids.filtered("required").is_done = True
        visit.action_fs_done()
        self.assertEqual((visit.fs_state, visit.state), ("done", "1_done"))
        with self.assertRaisesRegex(UserError, "“Done”: it cannot become “Cancelled”"):
            visit._fs_move("cancelled")

    def test_signature_required_by_job_type(self):
        self.job_type.requires_signature = True
        visit = self.create_visit(fs_technician_id=self.anna.id)
        visit.fs_checklist_line_ids.is_done = True
        visit.action_fs_on_my_way()
        visit.action_fs_arrive()
        with self.assertRaisesRegex(UserError, "signature is required"):
            visit.action_fs_done()

    def test_not_home_needs_a_reason(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        visit.action_fs_on_my_way()
        action = visit.action_fs_not_home()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.reason = "Nobody answered the door or the phone"
        wizard.save().action_confirm()
        self.assertEqual(visit.fs_state, "not_home")
        self.assertEqual(visit.fs_not_home_reason, "Nobody answered the door or the phone")
        self.assertTrue(visit.fs_not_home_at)

    def test_site_without_coordinates_is_flagged(self):
        visit = self.create_visit()
        self.assertTrue(visit.fs_site_geolocated)
        self.customer.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        self.assertFalse(visit.fs_site_geolocated)
        self.assertIn(visit, self.env["project.task"].search([("fs_site_geolocated", "=", False)]))

    def test_deleting_a_job_type_or_technician_in_use_is_blocked(self):
        self.create_visit(fs_technician_id=self.anna.id)
        with self.assertRaisesRegex(UserError, "used by visits"):
            self.job_type.unlink()
        with self.assertRaisesRegex(UserError, "open visits"):
            self.anna.unlink()
        self.assertTrue(self.job_type.exists() and self.anna.exists())

    def test_late_risk_when_eta_after_window(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        self.assertFalse(visit.fs_is_late_risk)
        visit.fs_eta = visit.fs_window_end + timedelta(minutes=20)
        self.assertTrue(visit.fs_is_late_risk)
        self.assertIn(visit, self.env["project.task"].search([("fs_is_late_risk", "=", True)]))
