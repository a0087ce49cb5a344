import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, HttpCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from ..models import fs_travel_matrix
from ..solver.isolated import margin_s, solve_isolated
from ..solver.model import MAX_VALUE
from .common import RoutingCase

PLAN_LOGGER = "odoo.addons.field_service_routing.models.fs_route_plan"
REPLAN_LOGGER = "odoo.addons.field_service_routing.models.project_task"


class _OsrmPastInt64(BaseHTTPRequestHandler):
    """A local stand-in for OSRM whose table holds a duration past int64 (a broken server), or
    only when ``broken_point`` ("lon,lat") is asked for."""

    broken_point = None

    def do_GET(self):
        count = self.path.split("/driving/")[1].split("?")[0].count(";") + 1
        table = [[0.0 if i == j else 600.0 for j in range(count)] for i in range(count)]
        if self.broken_point is None or self.broken_point in self.path:
            table[0][-1] = 1e20
        body = json.dumps({"code": "Ok", "durations": table, "distances": table}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Silent: the stub's requests are not worth a line in the test log."""


@tagged("post_install", "-at_install")
class TestRoutePlanSolve(RoutingCase):
    """The solve runs in a child process: a crash, a hang or a dead worker fails one plan only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visits = cls.env["project.task"]
        for n, site in enumerate(cls.sites[:4]):
            start = 8 + 2 * n
            cls.visits |= cls.visit_at(site, start, start + 2)
        cls.other_team = cls.env["project.project"].create(
            {"name": "Second team (test)", "fs_is_field_service": True}
        )
        cls.other_visit = cls.create_visit(
            name="Second team visit",
            project_id=cls.other_team.id,
            partner_id=cls.sites[4].id,
            fs_window_start=cls.local(9),
            fs_window_end=cls.local(12),
        )

    def new_plan(self, project=None, **values):
        return self.env["fs.route.plan"].create(
            {
                "date": self.plan_day,
                "project_id": (project or self.project).id,
                "time_limit_s": 2,
                **values,
            }
        )

    def solve_with_drills(self, drills):
        Plan = self.env["fs.route.plan"].with_context(fs_route_solve_drills=drills)
        Plan._cron_solve_plans()
        Plan._cron_solve_plans()

    def run_cron_job(self, drills=None):
        """One real run of the solve cron, as the cron runner does it (commits between calls)."""
        cron = self.env.ref("field_service_routing.ir_cron_fs_route_solve")
        if drills:
            cron.code = f"model.with_context(fs_route_solve_drills={drills!r})._cron_solve_plans()"
        self.env.flush_all()
        self.registry.enter_test_mode(self.cr)
        try:
            self.registry["ir.cron"]._process_job(
                self.registry.db_name,
                self.registry.cursor(),
                {**cron.read(load=None)[0], "done": 0, "remaining": 0, "timed_out_counter": 0},
            )
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()

    def test_a_crashing_solve_fails_the_plan_with_its_reason_and_keeps_the_stops(self):
        plan = self.new_plan()
        plan.action_plan()
        self.run_solver_cron()
        self.assertEqual(plan.state, "solved")
        before = plan.stop_ids
        for drill, reason in (
            ("crash", "The solver stopped with an error: RuntimeError: drill: the solver crashed"),
            ("die", "The solver stopped with an error: the solver process was killed by SIGKILL"),
        ):
            with self.subTest(drill=drill):
                plan.action_plan()
                with mute_logger(PLAN_LOGGER):
                    self.solve_with_drills({plan.id: drill})
                self.assertEqual(plan.state, "failed")
                self.assertEqual(plan.error, reason)
                self.assertEqual(plan.stop_ids, before, "the previous stops stay")
                self.assertFalse(plan.solving_since)

    def test_an_overrunning_solve_is_killed_at_its_budget_plus_margin(self):
        plan = self.new_plan(time_limit_s=1)
        plan.action_plan()
        began = time.monotonic()
        with mute_logger(PLAN_LOGGER):
            self.solve_with_drills({plan.id: "hang"})
        elapsed = time.monotonic() - began
        kill_after = 1 + margin_s(1)
        self.assertGreaterEqual(elapsed, kill_after)
        self.assertLess(elapsed, kill_after + 3, "killed at the limit, not waited for")
        self.assertEqual(plan.state, "failed")
        self.assertIn("did not finish within 4 s and was stopped", plan.error)
        self.assertFalse(plan.stop_ids)

    def test_a_failing_team_does_not_stop_the_next_one_in_the_same_cron_run(self):
        failing = self.new_plan()
        failing.action_plan()
        later = self.new_plan(self.other_team)
        later.action_plan()
        later.queued_at = failing.queued_at + timedelta(seconds=1)
        with mute_logger(PLAN_LOGGER):
            self.run_cron_job(drills={failing.id: "crash"})
        self.assertEqual(failing.state, "failed")
        self.assertIn("RuntimeError", failing.error)
        self.assertEqual(later.state, "solved")
        self.assertEqual(later.stop_ids.filtered("technician_id").task_id, self.other_visit)

    def broken_osrm(self, handler=_OsrmPastInt64):
        """Point the company at a local OSRM stub for the rest of the test."""
        fs_travel_matrix._cache.clear()
        server = HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.addCleanup(fs_travel_matrix._cache.clear)
        self.company.fs_osrm_url = f"http://127.0.0.1:{server.server_port}"

    def test_travel_times_past_int64_fail_the_plan_with_the_reason(self):
        self.broken_osrm()
        plan = self.new_plan()
        plan.action_plan()
        with mute_logger(PLAN_LOGGER):
            self.run_solver_cron()
        self.assertEqual(plan.state, "failed")
        self.assertRegex(
            plan.error,
            rf"This day cannot be planned: duration_matrix\[0\]\[\d+\] must be <= {MAX_VALUE}",
        )

    def test_one_technician_day_failing_to_re_time_does_not_stop_the_others(self):
        broken_site = self.env["res.partner"].create(
            {
                "name": "Site with a broken road",
                "tz": "Europe/Paris",
                "partner_latitude": 48.9,
                "partner_longitude": 2.4,
            }
        )

        class OsrmBrokenForOneSite(_OsrmPastInt64):
            broken_point = "2.400000,48.900000"

        self.broken_osrm(OsrmBrokenForOneSite)
        annas = self.visit_at(broken_site, 9, 11) | self.visit_at(self.sites[0], 13, 15)
        bobs = self.visit_at(self.sites[1], 9, 11) | self.visit_at(self.sites[2], 13, 15)
        annas.fs_technician_id = self.anna
        bobs.fs_technician_id = self.bob
        (annas | bobs).write({"fs_replan_pending": True, "fs_eta": False})
        with mute_logger(REPLAN_LOGGER):
            self.env["project.task"]._cron_fs_replan_days()
        self.assertTrue(all(bobs.mapped("fs_eta")), "Bob's day is re-timed")
        self.assertFalse(any(annas.mapped("fs_eta")), "Anna's day keeps what it had")
        self.assertFalse(any((annas | bobs).mapped("fs_replan_pending")))

    def test_the_same_visits_in_another_order_give_the_same_plan(self):
        # Sites around the depot at equal distances, same windows: a plan full of ties.
        offsets = [(0.02, 0), (-0.02, 0), (0, 0.03), (0, -0.03), (0.014, 0.021), (-0.014, -0.021)]
        sites = self.env["res.partner"].create(
            [
                {
                    "name": f"Around the depot {n}",
                    "tz": "Europe/Paris",
                    "partner_latitude": 48.8566 + d_lat,
                    "partner_longitude": 2.3522 + d_lon,
                }
                for n, (d_lat, d_lon) in enumerate(offsets)
            ]
        )
        visits = self.env["project.task"]
        for site in sites:
            visits |= self.visit_at(site, 8, 17)
        technicians = self.anna | self.bob
        plans = set()
        for visit_order, technician_order in (
            (visits, technicians),
            (visits.sorted("id", reverse=True), technicians.sorted("id", reverse=True)),
            (visits.sorted(lambda v: v.fs_site_id.partner_longitude), technicians),
        ):
            built = self.env["fs.route.problem"]._fs_build(
                self.plan_day, self.company, visit_order, technician_order
            )
            answer = solve_isolated(built.problem, time_limit_s=5, deterministic=True)
            plans.add(
                frozenset(
                    (
                        built.employee_ids[route.technician_id],
                        tuple((built.task_ids[s.visit_id], s.start) for s in route.stops),
                    )
                    for route in answer.routes
                )
            )
        self.assertEqual(len(plans), 1, "each order gave its own plan")

    def test_plans_are_claimed_oldest_queued_first(self):
        older = self.new_plan(self.other_team)
        newer = self.new_plan()
        (newer | older).action_plan()
        older.queued_at = newer.queued_at - timedelta(minutes=5)
        self.env["fs.route.plan"]._cron_solve_plans()
        self.assertEqual((older.state, newer.state), ("solving", "queued"))
        self.assertEqual(older.solve_attempts, 1)

    def test_a_plan_stuck_solving_is_queued_again_once_then_failed(self):
        stuck = self.new_plan()
        stuck.action_plan()
        other = self.new_plan(self.other_team)
        other.action_plan()
        long_ago = fields.Datetime.now() - timedelta(hours=1)
        # Its worker died mid-solve: the claim was committed, the solve never ended.
        stuck.write({"state": "solving", "solving_since": long_ago, "solve_attempts": 1})
        self.run_cron_job()
        self.assertEqual(other.state, "solved", "the other team is not held up")
        self.assertEqual(stuck.state, "solved", "queued again, claimed and solved")
        self.assertEqual(stuck.solve_attempts, 2)

        stuck.write({"state": "solving", "solving_since": long_ago, "solve_attempts": 2})
        with mute_logger(PLAN_LOGGER):
            self.run_cron_job()
        self.assertEqual(stuck.state, "failed")
        self.assertIn("interrupted 2 times", stuck.error)

    def test_a_fresh_solving_plan_is_not_reclaimed(self):
        plan = self.new_plan()
        plan.action_plan()
        plan.write(
            {"state": "solving", "solving_since": fields.Datetime.now(), "solve_attempts": 1}
        )
        self.env["fs.route.plan"]._fs_reclaim_stuck()
        self.assertEqual((plan.state, plan.solve_attempts), ("solving", 1))

    def test_a_visit_whose_window_got_inverted_is_left_out_and_the_rest_planned(self):
        broken, missing_end = self.visits[:2]
        # As if written before the database check existed (or around it).
        self.cr.execute(
            "ALTER TABLE project_task DROP CONSTRAINT IF EXISTS project_task_fs_window_order"
        )
        self.cr.execute(
            """UPDATE project_task SET fs_window_end = fs_window_start - interval '1 hour'
               WHERE id = %s""",
            [broken.id],
        )
        self.cr.execute(
            "UPDATE project_task SET fs_window_end = NULL WHERE id = %s", [missing_end.id]
        )
        self.env.invalidate_all()
        plan = self.new_plan()
        plan.action_plan()
        self.run_solver_cron()
        self.assertEqual(plan.state, "solved")
        left_out = plan.stop_ids.filtered("reason")
        self.assertEqual(left_out.task_id, broken | missing_end)
        self.assertEqual(set(left_out.mapped("reason")), {"invalid_window"})
        self.assertEqual(plan.stop_ids.filtered("technician_id").task_id, self.visits[2:])


@tagged("post_install", "-at_install")
class TestRoutePlanFailedTour(HttpCase, RoutingCase):
    def test_dispatcher_reads_the_failure_and_plans_again(self):
        self.visit_at(self.sites[0], 9, 12)
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 2}
        )
        plan.action_plan()
        Plan = self.env["fs.route.plan"].with_context(fs_route_solve_drills={plan.id: "crash"})
        with mute_logger(PLAN_LOGGER):
            Plan._cron_solve_plans()
            Plan._cron_solve_plans()
        self.assertEqual(plan.state, "failed")
        self.start_tour(
            "/odoo/action-field_service_routing.action_fs_route_plans",
            "fs_route_plan_failed_replan",
            login="fs_dina_dispatch",
        )
        self.assertEqual(plan.state, "queued")
        self.assertFalse(plan.error)


@tagged("post_install", "-at_install")
class TestRoutePlanClaimRace(BaseCase):
    """Two cron workers on two real connections: a plan another worker is solving (its row
    locked) is never reclaimed, however old its claim looks, and the other team goes on."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            teams = env["project.project"].create(
                [{"name": f"Race team {n} (test)", "fs_is_field_service": True} for n in (1, 2)]
            )
            day = fields.Date.today() + timedelta(days=30)
            busy, queued = env["fs.route.plan"].create(
                [{"date": day, "project_id": team.id, "time_limit_s": 1} for team in teams]
            )
            busy.write(
                {
                    "state": "solving",
                    "solving_since": fields.Datetime.now() - timedelta(hours=2),
                    "solve_attempts": 1,
                }
            )
            queued.write({"state": "queued", "queued_at": fields.Datetime.now()})
            self.ids = {"teams": teams.ids, "busy": busy.id, "queued": queued.id}
        self.addCleanup(self._drop_world)

    def _drop_world(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["fs.route.plan"].browse([self.ids["busy"], self.ids["queued"]]).unlink()
            env["project.project"].browse(self.ids["teams"]).unlink()

    def _cursor(self):
        cr = self.registry.cursor()
        # The test runner holds the registry lock: give the cursor its transaction directly.
        cr.transaction = api.Transaction(self.registry)
        return cr

    def test_a_plan_being_solved_elsewhere_is_skipped_not_reclaimed(self):
        with self._cursor() as solving_worker, self._cursor() as other_worker:
            # The first worker is inside its solve: it holds the plan's row lock.
            solving_worker.execute(
                "SELECT id FROM fs_route_plan WHERE id = %s FOR UPDATE", [self.ids["busy"]]
            )
            # Waiting for the busy plan's lock would be the bug: fail fast instead of hanging.
            other_worker.execute("SET LOCAL lock_timeout = '3s'")
            Plan = api.Environment(other_worker, SUPERUSER_ID, {})["fs.route.plan"]
            Plan._cron_solve_plans()
            Plan._cron_solve_plans()
            other_worker.commit()
            solving_worker.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            busy = env["fs.route.plan"].browse(self.ids["busy"])
            queued = env["fs.route.plan"].browse(self.ids["queued"])
            self.assertEqual((busy.state, busy.solve_attempts), ("solving", 1))
            self.assertEqual(queued.state, "solved")
