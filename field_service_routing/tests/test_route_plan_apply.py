from datetime import timedelta

from odoo.addons.field_service_cx.tools import reminders
from odoo.tests import tagged

from .common import RoutingCase


@tagged("post_install", "-at_install")
class TestStalePlanApply(RoutingCase):
    """A plan is solved; then the customer or a dispatcher changes some of its visits; the
    plan is applied: the changed visits keep the newer choice and are listed, the rest get
    the plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visits = cls.env["project.task"]
        for n, site in enumerate(cls.sites[:4]):
            cls.visits |= cls.visit_at(site, 8 + 2 * n, 10 + 2 * n)

    def solved_plan(self):
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 2}
        )
        plan.action_plan()
        self.run_solver_cron()
        self.assertEqual(plan.state, "solved")
        self.assertEqual(plan.stop_ids.filtered("technician_id").task_id, self.visits)
        return plan

    def stop_of(self, plan, visit):
        return plan.stop_ids.filtered(lambda stop: stop.task_id == visit)

    def test_a_visit_the_customer_moved_keeps_the_customers_choice(self):
        plan = self.solved_plan()
        moved, kept = self.visits[1], self.visits - self.visits[1]
        # The customer moves the visit to the day before, as the portal does (no stop, no ETA).
        day_before = self.plan_day - timedelta(days=1)
        moved.with_context(fs_promise_source="customer").write(
            {
                "fs_window_start": self.local(9, day=day_before),
                "fs_window_end": self.local(11, day=day_before),
                "fs_eta": False,
                "fs_route_sequence": 0,
            }
        )
        acknowledgement = moved.fs_message_ids.filtered(
            lambda row: row.kind == reminders.RESCHEDULED
        )
        self.assertEqual(acknowledgement.state, "planned")
        version = moved.fs_schedule_version

        plan.action_apply()

        self.assertEqual(plan.state, "applied")
        self.assertEqual(
            (moved.fs_window_start, moved.fs_visit_date),
            (self.local(9, day=day_before), day_before),
        )
        self.assertEqual(
            (moved.fs_technician_id, moved.fs_route_sequence, moved.fs_eta),
            (self.env["hr.employee"], 0, False),
            "no technician, stop or ETA of the plan's day",
        )
        self.assertEqual(moved.fs_schedule_version, version)
        self.assertFalse(
            moved.fs_promise_ids.filtered(lambda promise: promise.source == "delay"),
            "no false delay promise",
        )
        self.assertFalse(moved.fs_message_ids.filtered(lambda row: row.kind == reminders.DELAY))
        self.assertEqual(acknowledgement.state, "planned", "the acknowledgement still goes out")
        stop = self.stop_of(plan, moved)
        self.assertIn("moved to another day", stop.skip_reason)
        self.assertEqual(plan.skipped_count, 1)
        note = plan.message_ids.filtered(lambda m: "changed since the plan was solved" in m.body)
        self.assertEqual(len(note), 1)
        self.assertIn(moved.display_name, note.body)
        self.assertIn("moved to another day", note.body)
        for visit in kept:
            stop = self.stop_of(plan, visit)
            self.assertFalse(stop.skip_reason)
            self.assertEqual(
                (visit.fs_technician_id, visit.fs_route_sequence, visit.fs_eta),
                (stop.technician_id, stop.sequence, stop.arrival),
            )

    def test_window_technician_and_state_changes_are_each_named(self):
        plan = self.solved_plan()
        new_window, new_technician, cancelled, untouched = self.visits
        start = new_window.fs_window_start + timedelta(hours=1)
        new_window.write({"fs_window_start": start, "fs_window_end": start + timedelta(hours=2)})
        planned = self.stop_of(plan, new_technician).technician_id
        other = (self.anna | self.bob) - planned
        new_technician.fs_technician_id = other
        cancelled._fs_move("cancelled", {"fs_cancel_reason": "Sold the house"})

        plan.action_apply()

        reasons = {stop.task_id: stop.skip_reason for stop in plan.stop_ids}
        self.assertIn("its window changed", reasons[new_window])
        self.assertIn(f"its technician changed (now {other.name})", reasons[new_technician])
        self.assertIn("it is now cancelled", reasons[cancelled])
        self.assertFalse(reasons[untouched])
        self.assertEqual(new_technician.fs_technician_id, other)
        self.assertEqual(new_window.fs_window_start, start)
        self.assertFalse(new_window.fs_eta)
        self.assertFalse(cancelled.fs_eta)
        self.assertEqual(untouched.fs_eta, self.stop_of(plan, untouched).arrival)
        self.assertEqual(plan.skipped_count, 3)
