import json
import threading
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..models.project_task import AT_RISK_MARGIN_PARAM, LATE_TO_START_PARAM
from .common import FieldServiceCase

LOGGER = "odoo.addons.field_service_cx.models.project_task"


class LiveCase(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(LATE_TO_START_PARAM, 10)
        params.set_param(AT_RISK_MARGIN_PARAM, 10)

    @classmethod
    def visit_around_now(cls, technician, start_in, end_in, **values):
        """A visit of ``technician`` whose window starts and ends minutes from now."""
        now = fields.Datetime.now().replace(second=0, microsecond=0)
        return cls.create_visit(
            name=values.pop("name", f"Visit of {technician.name}"),
            fs_technician_id=technician.id,
            fs_job_type_id=values.pop("fs_job_type_id", False),
            fs_window_start=now + timedelta(minutes=start_in),
            fs_window_end=now + timedelta(minutes=end_in),
            **values,
        )


@tagged("post_install", "-at_install")
class TestLiveFlags(LiveCase):
    def test_at_risk_before_the_window_ends_from_the_projected_arrival(self):
        visit = self.visit_around_now(self.bob, 30, 90)
        self.assertFalse(visit.fs_is_late_risk, "no ETA and the window far off")
        visit.fs_eta = visit.fs_window_end + timedelta(minutes=5)
        self.assertTrue(visit.fs_is_late_risk)
        self.assertGreater(visit.fs_window_end, fields.Datetime.now(), "before the window ends")
        visit.fs_eta = visit.fs_window_end - timedelta(minutes=9)
        self.assertTrue(visit.fs_is_late_risk, "inside the margin")
        visit.fs_eta = visit.fs_window_end - timedelta(minutes=11)
        self.assertFalse(visit.fs_is_late_risk, "the ETA fits")
        visit.fs_eta = visit.fs_window_end + timedelta(minutes=30)
        visit.action_fs_on_my_way()
        self.assertTrue(visit.fs_is_late_risk, "on the way, still late")
        visit.action_fs_arrive()
        self.assertFalse(visit.fs_is_late_risk, "arrived")

    def test_late_to_start_after_the_setting_not_before(self):
        departure = self.day.replace(hour=8)
        visit = self.create_visit(
            fs_technician_id=self.bob.id,
            fs_job_type_id=False,
            fs_window_start=self.day.replace(hour=9),
            fs_window_end=self.day.replace(hour=11),
            fs_planned_departure=departure,
        )
        Task = self.env["project.task"]
        with freeze_time(departure + timedelta(minutes=9)):
            Task._cron_fs_refresh_live_flags()
            self.assertFalse(visit.fs_is_late_to_start)
        with freeze_time(departure + timedelta(minutes=11)):
            changed = Task._cron_fs_refresh_live_flags()
            self.assertTrue(visit.fs_is_late_to_start)
            self.assertIn(visit, changed)
            self.assertIn(visit, Task.search([("fs_is_late_to_start", "=", True)]))
            visit.action_fs_on_my_way()
            self.assertFalse(visit.fs_is_late_to_start, "on the way")

    def test_without_a_plan_the_departure_is_the_window_start_less_the_travel(self):
        visit = self.create_visit(
            fs_technician_id=self.bob.id,
            fs_job_type_id=False,
            fs_window_start=self.day.replace(hour=9),
            fs_window_end=self.day.replace(hour=11),
            fs_planned_travel_minutes=30,
        )
        with freeze_time(self.day.replace(hour=8, minute=39)):
            self.env["project.task"]._cron_fs_refresh_live_flags()
            self.assertFalse(visit.fs_is_late_to_start)
        with freeze_time(self.day.replace(hour=8, minute=41)):
            self.env["project.task"]._cron_fs_refresh_live_flags()
            self.assertTrue(visit.fs_is_late_to_start)

    def test_time_raises_at_risk_through_the_cron(self):
        visit = self.create_visit(
            fs_technician_id=self.bob.id,
            fs_job_type_id=False,
            fs_window_start=self.day.replace(hour=9),
            fs_window_end=self.day.replace(hour=11),
        )
        with freeze_time(self.day.replace(hour=10, minute=49)):
            self.env["project.task"]._cron_fs_refresh_live_flags()
            self.assertFalse(visit.fs_is_late_risk)
        with freeze_time(self.day.replace(hour=10, minute=51)):
            self.env["project.task"]._cron_fs_refresh_live_flags()
            self.assertTrue(visit.fs_is_late_risk, "not arrived, 9 minutes before the end")

    def test_one_bad_visit_never_stops_the_refresh(self):
        good, bad = (
            self.create_visit(
                name=name,
                fs_technician_id=self.bob.id,
                fs_job_type_id=False,
                fs_window_start=self.day.replace(hour=9),
                fs_window_end=self.day.replace(hour=11),
            )
            for name in ("Good", "Bad")
        )
        self.assertFalse(good.fs_is_late_risk or bad.fs_is_late_risk, "computed before")
        Task = type(self.env["project.task"])
        recompute = Task._fs_recompute_live_flags

        def fails_on_bad(records):
            if bad.id in records.ids:
                raise ValueError("broken visit")
            return recompute(records)

        with (
            freeze_time(self.day.replace(hour=10, minute=55)),
            patch.object(Task, "_fs_recompute_live_flags", fails_on_bad),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            self.env["project.task"]._cron_fs_refresh_live_flags()
        self.assertTrue(good.fs_is_late_risk)
        self.assertIn(f"visit {bad.id} not refreshed", logs.output[0])

    def test_a_visit_change_is_sent_to_the_dispatchers(self):
        visit = self.visit_around_now(self.bob, 30, 90)
        last = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0
        visit.action_fs_on_my_way()
        self.env.cr.precommit.run()  # the bus writes its rows at commit time
        sent = [
            (json.loads(row.channel), json.loads(row.message))
            for row in self.env["bus.bus"].sudo().search([("id", ">", last)])
        ]
        live = [(c, m["payload"]) for c, m in sent if m["type"] == "field_service_cx/live"]
        self.assertTrue(live)
        self.assertTrue(all(visit.id in payload["visit_ids"] for _c, payload in live))
        partners = {channel[2] for channel, _p in live if isinstance(channel, list)}
        self.assertIn(self.user_dispatcher.partner_id.id, partners)
        self.assertNotIn(self.user_bob.partner_id.id, partners)


@tagged("post_install", "-at_install")
class TestVisitFilters(LiveCase):
    """The visits' search view as the web client combines it: filters of one group OR-ed,
    groups (separators) AND-ed."""

    def _domain(self, *names):
        view = self.env.ref("field_service_cx.project_task_view_search_fs")
        arch = self.env["project.task"].get_views([(view.id, "search")])["views"]["search"]
        groups, group = [], []
        for node in etree.fromstring(arch["arch"]):
            if node.tag == "separator":
                groups.append(group)
                group = []
            elif node.tag == "filter" and node.get("name") in names:
                context = {"uid": self.env.uid, "context_today": date.today, "datetime": datetime}
                group.append(safe_eval(node.get("domain"), context))
        groups.append(group)
        return expression.AND([expression.OR(group) for group in groups if group])

    def _found(self, *names):
        ours = [("id", "in", (self.parts_missing | self.late_to_start | self.at_risk).ids)]
        return self.env["project.task"].search(expression.AND([ours, self._domain(*names)]))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parts_missing = cls.visit_around_now(
            cls.anna, 600, 720, name="Parts missing", fs_job_type_id=cls.job_type.id
        )
        cls.late_to_start = cls.visit_around_now(cls.bob, -20, 100, name="Late to start")
        cls.at_risk = cls.visit_around_now(cls.bob, 10, 70, name="At risk")
        cls.at_risk.fs_eta = cls.at_risk.fs_window_end + timedelta(minutes=10)

    def test_each_filter_alone(self):
        self.assertEqual(self._found("late"), self.at_risk)
        self.assertEqual(self._found("late_to_start"), self.late_to_start)
        self.assertEqual(self._found("parts_missing"), self.parts_missing)

    def test_each_filter_with_the_default_open(self):
        self.assertEqual(len(self._found("open")), 3)
        self.assertEqual(self._found("open", "late"), self.at_risk)
        self.assertEqual(self._found("open", "late_to_start"), self.late_to_start)
        self.assertEqual(self._found("open", "parts_missing"), self.parts_missing)

    def test_filters_combined_narrow_each_other(self):
        self.assertFalse(self._found("open", "late", "late_to_start"))
        self.late_to_start.fs_eta = self.late_to_start.fs_window_end
        self.assertEqual(self._found("open", "late", "late_to_start"), self.late_to_start)


@tagged("post_install", "-at_install")
class TestLiveStatusBoard(LiveCase):
    def test_a_technician_whose_visit_has_not_started_is_late_not_available(self):
        late = self.visit_around_now(self.anna, -20, 100, name="Anna first")
        later = self.visit_around_now(self.anna, 120, 240, name="Anna second")
        at_risk = self.visit_around_now(self.bob, 10, 70, name="Bob at risk")
        at_risk.fs_eta = at_risk.fs_window_end + timedelta(minutes=10)
        board = self.env["hr.employee.public"].with_user(self.user_dispatcher)
        anna, bob = board.browse(self.anna.id), board.browse(self.bob.id)
        self.assertEqual(anna.fs_status, "late_to_start")
        self.assertTrue(anna.fs_is_late_to_start)
        self.assertEqual(anna.fs_next_visit_id.id, late.id)
        self.assertFalse(anna.fs_current_visit_id)
        self.assertEqual(anna.fs_day_progress, "0 / 2")
        self.assertEqual(bob.fs_at_risk_visit_id.id, at_risk.id)
        self.assertFalse(bob.fs_is_late_to_start)
        late.with_user(self.user_anna).action_fs_on_my_way()
        anna.invalidate_recordset()
        self.assertEqual(anna.fs_status, "en_route")
        self.assertEqual(
            (anna.fs_current_visit_id.id, anna.fs_next_visit_id.id), (late.id, later.id)
        )
        late.with_user(self.user_anna).action_fs_arrive()
        anna.invalidate_recordset()
        self.assertEqual(anna.fs_next_visit_id.id, later.id)

    def test_a_click_opens_the_technicians_day_in_route_order(self):
        second = self.visit_around_now(self.anna, 120, 240, name="Anna second")
        first = self.visit_around_now(self.anna, 10, 100, name="Anna first")
        self.visit_around_now(self.bob, 10, 100, name="Bob's")
        public = self.env["hr.employee.public"].with_user(self.user_dispatcher)
        action = public.browse(self.anna.id).action_fs_open_day()
        self.assertIn("Anna Tech", action["name"])
        day_list = self.env.ref("field_service_cx.project_task_view_list_fs_day")
        self.assertEqual(action["views"][0], (day_list.id, "list"))
        order = etree.fromstring(day_list.get_combined_arch()).get("default_order")
        visits = self.env["project.task"].search(action["domain"], order=order)
        self.assertEqual(visits, first | second)


@tagged("post_install", "-at_install")
class TestLiveStatusTour(WebsocketCase, LiveCase):
    """The dispatcher opens Live status at desktop width: a technician flagged late to start,
    a visit flagged at risk, a row that updates by itself, a click that opens the day."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = cls.demo_dispatcher
        cls.anna_first = cls.visit_around_now(cls.anna, -20, 100, name="Anna first")
        cls.anna_second = cls.visit_around_now(cls.anna, 120, 240, name="Anna second")
        cls.bob_visit = cls.visit_around_now(cls.bob, 10, 70, name="Bob at risk")
        cls.bob_visit.fs_eta = cls.bob_visit.fs_window_end + timedelta(minutes=10)

    def _bob_leaves_once_the_board_shows(self, shown, errors):
        """Bob taps "On my way" once the board is on screen; committed the way a real request
        is, so the bus tells the browser."""
        try:
            if not shown.wait(90):
                errors.append("the board was never read")
                return
            with self.registry.cursor() as cr:  # the test's cursor, under the browser's lock
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["project.task"].browse(self.bob_visit.id).action_fs_on_my_way()
                cr.flush()
                cr.precommit.run()
                cr.postcommit.run()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(repr(error))

    def test_dispatcher_sees_who_is_late_and_opens_their_day(self):
        errors, shown = [], threading.Event()
        Board = type(self.env["hr.employee.public"])
        web_search_read = Board.web_search_read

        @api.model
        def web_search_read_then_signal(model, *args, **kwargs):
            """The board is on the dispatcher's screen: Bob may leave."""
            result = web_search_read(model, *args, **kwargs)
            if any(row.get("name") == "Bob Tech" for row in result["records"]):
                shown.set()
            return result

        self.patch(Board, "web_search_read", web_search_read_then_signal)
        bob_leaves = threading.Thread(
            target=self._bob_leaves_once_the_board_shows, args=(shown, errors)
        )
        bob_leaves.start()
        try:
            self.start_tour("/odoo", "fs_live_status", login=self.dispatcher.login)
        finally:
            bob_leaves.join(120)
        self.assertFalse(errors)
        self.assertEqual(self.bob_visit.fs_state, "en_route")
