from datetime import timedelta

from odoo import fields
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoDay(TransactionCase):
    """Plan → apply → ETAs → re-plan on the demo week (installed with demo data, as CI does)."""

    def test_plan_apply_and_replan_the_next_demo_day(self):
        project = self.env.ref(
            "field_service_cx.project_field_service_demo", raise_if_not_found=False
        )
        if not project:  # installed without demo data: there is no demo day to plan
            self.assertFalse(self.env["project.task"].search_count([("fs_is_visit", "=", True)]))
            return
        day = fields.Date.context_today(project) + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        Plan = self.env["fs.route.plan"]
        plan = Plan.create({"date": day, "project_id": project.id, "time_limit_s": 10})
        plan.action_plan()
        Plan._cron_solve_plans()
        Plan._cron_solve_plans()
        self.assertEqual(plan.state, "solved")
        visits = plan._fs_visits()
        self.assertEqual(plan.stop_ids.task_id, visits, "every visit is planned or left out")
        served = plan.stop_ids.filtered("technician_id")
        self.assertTrue(served)
        for stop in plan.stop_ids - served:
            self.assertTrue(stop.reason, f"{stop.task_id.name} left out without a reason")
        plan.action_apply()
        for stop in served:
            visit = stop.task_id
            self.assertEqual(
                (visit.fs_technician_id, visit.fs_eta), (stop.technician_id, stop.arrival)
            )
            self.assertIn(visit.fs_technician_id, visit.fs_eligible_technician_ids)
            self.assertLessEqual(visit.fs_window_start, stop.service_start)
            self.assertLessEqual(stop.service_start, visit.fs_window_end)

        # The busiest technician sets off for the first stop 70 minutes after its window
        # closed: the rest of the day is re-timed from there, in stop order.
        technician = max(
            served.technician_id,
            key=lambda t: len(served.filtered(lambda s: s.technician_id == t)),
        )
        route = served.filtered(lambda s: s.technician_id == technician).sorted("sequence")
        first, later = route[0].task_id, route[1:].task_id
        set_off = first.fs_window_end + timedelta(minutes=70)
        first.write({"fs_state": vs.EN_ROUTE, "fs_en_route_at": set_off})
        self.env["fs.route.plan"]._fs_replan_technician_day(technician, day, now=set_off)
        remaining = (first | later).sorted("fs_route_sequence")
        self.assertEqual(remaining[0], first, "the visit under way stays first")
        etas = remaining.mapped("fs_eta")
        self.assertEqual(etas, sorted(etas), "ETAs follow the stop order")
        self.assertGreater(first.fs_eta, first.fs_window_end, "the late arrival is told honestly")
        self.assertTrue(all(eta >= set_off for eta in etas))
