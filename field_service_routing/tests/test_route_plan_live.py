import json
import threading

from odoo import SUPERUSER_ID, api
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.tests import tagged

from ..models.fs_route_plan import PLAN_STATE_NOTIFICATION
from .common import RoutingCase


def last_bus_id(env):
    return env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0


def plan_notifications(env, after):
    """The plan-state messages queued on the bus since ``after``: [(channel, payload)]."""
    env.cr.precommit.run()  # the bus writes its rows at commit time
    rows = env["bus.bus"].sudo().search([("id", ">", after)], order="id")
    found = []
    for row in rows:
        message = json.loads(row.message)
        if message["type"] == PLAN_STATE_NOTIFICATION:
            found.append((json.loads(row.channel), message["payload"]))
    return found


@tagged("post_install", "-at_install")
class TestRoutePlanBus(RoutingCase):
    def test_each_state_change_is_sent_to_the_dispatchers(self):
        self.visit_at(self.sites[0], 9, 12)
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 1}
        )
        last = last_bus_id(self.env)
        plan.action_plan()
        self.run_solver_cron()
        self.assertEqual(plan.state, "solved")
        sent = plan_notifications(self.env, last)
        states = [payload["state"] for _channel, payload in sent if payload["id"] == plan.id]
        dispatcher_partner = self.user_dispatcher.partner_id.id
        self.assertEqual(
            sorted(set(states), key=states.index), ["queued", "solving", "solved"], states
        )
        self.assertTrue(
            any(dispatcher_partner in channel for channel, _payload in sent),
            "the dispatchers' own channel hears it",
        )
        technician_partner = self.user_anna.partner_id.id
        self.assertFalse(any(technician_partner in channel for channel, _payload in sent))

    def test_no_message_when_the_state_stays(self):
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 1}
        )
        last = last_bus_id(self.env)
        plan.time_limit_s = 5
        self.assertFalse(plan_notifications(self.env, last))


@tagged("post_install", "-at_install")
class TestRoutePlanLiveTour(WebsocketCase, RoutingCase):
    """The dispatcher plans a day and sees it solved without reloading: the background solve
    runs in another thread while the browser waits on the form, and its news reaches the
    browser through the real websocket (WebsocketCase lets it open in tests)."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = cls.demo_dispatcher
        for n, (start, end) in enumerate(((9, 12), (10, 13), (14, 17))):
            cls.visit_at(cls.sites[n], start, end)

    def _solve_when_queued(self, plan_id, queued, errors):
        """The cron's two steps once the dispatcher's form shows the plan queued, then what a
        real commit does: the bus rows and the NOTIFY the browser's websocket waits for."""
        try:
            if not queued.wait(90):
                errors.append("the plan was never queued")
                return
            # The test's cursor, shared with the browser's requests under its lock: this waits
            # for the form's request to end.
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["fs.route.plan"]._cron_solve_plans()
                env["fs.route.plan"]._cron_solve_plans()
                if env["fs.route.plan"].browse(plan_id).state != "solved":
                    errors.append("the background solve did not solve the plan")
                cr.flush()
                cr.precommit.run()
                cr.postcommit.run()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(repr(error))

    def test_dispatcher_plans_a_day_and_sees_it_solved_without_reloading(self):
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 2}
        )
        errors, queued = [], threading.Event()
        Plan = type(self.env["fs.route.plan"])
        web_read = Plan.web_read

        def web_read_then_signal(records, *args, **kwargs):
            """The form has read its plan queued (after the click): the cron may run."""
            result = web_read(records, *args, **kwargs)
            if any(row.get("state") == "queued" for row in result):
                queued.set()
            return result

        self.patch(Plan, "web_read", web_read_then_signal)
        solver = threading.Thread(target=self._solve_when_queued, args=(plan.id, queued, errors))
        solver.start()
        try:
            self.start_tour("/odoo", "fs_route_plan_solved_live", login=self.dispatcher.login)
        finally:
            solver.join(120)
        self.assertFalse(errors)
        self.assertEqual(plan.state, "solved")
        self.assertEqual(plan.served_count, 3)
