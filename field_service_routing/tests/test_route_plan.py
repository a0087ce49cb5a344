from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RoutingCase


@tagged("post_install", "-at_install")
class TestRoutePlan(RoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visits = cls.env["project.task"]
        for n, site in enumerate(cls.sites):
            start = 8 + 2 * (n % 4)
            cls.visits |= cls.visit_at(site, start, start + 2)

    def new_plan(self, **values):
        return self.env["fs.route.plan"].create(
            dict(
                {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 5}, **values
            )
        )

    def test_plan_runs_in_background_and_keeps_windows_and_skills(self):
        plan = self.new_plan()
        plan.action_plan()
        self.assertEqual(plan.state, "queued", "planning never solves inside the request")
        self.env["fs.route.plan"]._cron_solve_plans()
        self.assertEqual(plan.state, "solving")
        self.env["fs.route.plan"]._cron_solve_plans()
        self.assertEqual(plan.state, "solved")
        served = plan.stop_ids.filtered("technician_id")
        self.assertEqual(served.task_id, self.visits)
        for stop in served:
            self.assertLessEqual(stop.task_id.fs_window_start, stop.service_start)
            self.assertLessEqual(stop.service_start, stop.task_id.fs_window_end)
            self.assertIn(stop.technician_id, self.anna | self.bob)
        self.assertIn("Embedded estimate", plan.travel_note)
        drawn = [stop["visit_id"] for route in plan.map_data["routes"] for stop in route["stops"]]
        self.assertCountEqual(drawn, self.visits.ids, "the Map tab draws every planned visit")

    def test_apply_writes_technician_order_and_eta(self):
        plan = self.new_plan()
        plan.action_plan()
        self.run_solver_cron()
        plan.action_apply()
        self.assertEqual(plan.state, "applied")
        for stop in plan.stop_ids:
            visit = stop.task_id
            self.assertEqual(
                (visit.fs_technician_id, visit.fs_route_sequence, visit.fs_eta),
                (stop.technician_id, stop.sequence, stop.arrival),
            )
            self.assertEqual(visit.fs_state, "scheduled")
        with self.assertRaisesRegex(UserError, "Only a solved plan"):
            plan.action_apply()

    def test_left_out_visits_carry_a_true_reason(self):
        lost = self.env["res.partner"].create({"name": "No coordinates", "tz": "Europe/Paris"})
        no_geo = self.visit_at(lost, 9, 11)
        electric = self.visit_at(self.sites[0], 14, 16, fs_job_type_id=False)
        electric.fs_required_skill_ids = [
            (
                0,
                0,
                {
                    "skill_type_id": self.skill_type.id,
                    "skill_id": self.electric.id,
                    "skill_level_id": self.junior.id,
                },
            )
        ]
        plan = self.new_plan()
        plan.action_plan()
        self.run_solver_cron()
        reasons = {stop.task_id: stop.reason for stop in plan.stop_ids.filtered("reason")}
        self.assertEqual(reasons, {no_geo: "not_geolocated", electric: "no_qualified_technician"})

    def test_pinned_visit_stays_with_its_technician(self):
        pinned = self.visits[0]
        pinned.write(
            {"fs_technician_id": self.bob.id, "fs_route_pinned": True, "fs_route_sequence": 1}
        )
        plan = self.new_plan()
        plan.action_plan()
        self.run_solver_cron()
        stop = plan.stop_ids.filtered(lambda s: s.task_id == pinned)
        self.assertEqual(stop.technician_id, self.bob)

    def test_time_limit_is_bounded(self):
        with self.assertRaisesRegex(ValidationError, "between 1 and 600"):
            self.new_plan(time_limit_s=0)

    def test_overrun_replans_the_rest_of_the_day_with_later_etas(self):
        plan = self.new_plan()
        plan.action_plan()
        self.run_solver_cron()
        plan.action_apply()
        route = plan.stop_ids.filtered(lambda s: s.technician_id == self.anna).sorted("sequence")
        self.assertGreaterEqual(len(route), 2, "the test needs two visits for Anna")
        first, later = route[0].task_id, route[1:].task_id
        etas_before = {visit: visit.fs_eta for visit in later}
        # Anna arrives at her first visit 90 minutes after its window closed.
        arrived = first.fs_window_end + timedelta(minutes=90)
        first.action_fs_on_my_way()
        with patch("odoo.fields.Datetime.now", return_value=arrived):
            first.action_fs_arrive()
            self.assertTrue(first.fs_replan_pending)
            self.env["project.task"]._cron_fs_replan_days()
        self.assertFalse(first.fs_replan_pending)
        self.assertEqual(first.fs_route_sequence, 1)
        next_visit = later.sorted("fs_route_sequence")[0]
        self.assertGreaterEqual(
            next_visit.fs_eta, arrived + timedelta(minutes=first.fs_service_minutes)
        )
        self.assertTrue(any(visit.fs_eta > etas_before[visit] for visit in later))
