from odoo import fields
from odoo.addons.field_service_cx.exceptions import StaleVisitError
from odoo.addons.field_service_cx.tools import windows
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import PARIS, RoutingCase

# Queries for a day's board (lanes, blocks, travel, queue), whatever the number of visits.
QUERY_CEILING = 65


@tagged("post_install", "-at_install")
class TestDispatchBoard(RoutingCase):
    """The board's data in one call, and a drop checked like a booking (nothing written when
    refused). Anna holds Gas at Senior, Bob only at Junior; both work 08:00–12:00, 13:00–17:00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob.employee_skill_ids.skill_level_id = cls.junior
        cls.Board = cls.env["fs.dispatch.board"].with_user(cls.user_dispatcher)
        cls.first = cls.visit_at(cls.sites[0], 8, 10, fs_technician_id=cls.anna.id)
        cls.second = cls.visit_at(cls.sites[1], 10, 12, fs_technician_id=cls.anna.id)
        cls.waiting = cls.create_visit(
            name="Waiting boiler", fs_window_start=False, fs_window_end=False
        )
        cls.day_iso = cls.plan_day.isoformat()

    def board(self):
        return self.Board.fs_board_data(self.day_iso, 1)

    def move(self, visit, technician, minute, version=None):
        return self.Board._fs_board_move(
            visit.id,
            technician.id,
            self.day_iso,
            minute,
            visit.fs_schedule_version if version is None else version,
        )

    # ---- the board's data ------------------------------------------------------------------

    def test_lanes_show_each_technician_with_skills_and_hours(self):
        lanes = {lane["id"]: lane for lane in self.board()["lanes"]}
        anna, bob = lanes[self.anna.id], lanes[self.bob.id]
        self.assertEqual(anna["name"], "Anna Tech")
        self.assertIn("Gas (test) (Senior)", anna["skills"])
        self.assertIn("Gas (test) (Junior)", bob["skills"])
        self.assertEqual(anna["hours"], ["08:00–17:00"])
        self.assertEqual(anna["work"], [[0, [[480, 720], [780, 1020]]]])

    def test_blocks_sit_at_their_planned_time_inside_their_window(self):
        self.second.fs_eta = self.local(10, 30)
        blocks = {block["id"]: block for block in self.board()["blocks"]}
        first, second = blocks[self.first.id], blocks[self.second.id]
        self.assertEqual((first["lane_id"], first["start"], first["end"]), (self.anna.id, 480, 540))
        self.assertEqual(
            (second["start"], second["window_start"], second["window_end"]), (630, 600, 720)
        )
        self.assertEqual(second["version"], self.second.fs_schedule_version)
        self.assertTrue(second["movable"])

    def test_travel_between_consecutive_visits_from_the_provider_or_the_plan(self):
        board = self.board()
        (leg,) = [leg for leg in board["travel"] if leg["lane_id"] == self.anna.id]
        durations, _distances, _note = self.env["fs.travel.matrix"]._fs_matrices(
            [
                (self.sites[0].partner_latitude, self.sites[0].partner_longitude),
                (self.sites[1].partner_latitude, self.sites[1].partner_longitude),
            ],
            self.company,
        )
        self.assertEqual((leg["from"], leg["to"]), (540, 600))
        self.assertEqual(leg["minutes"], round(durations[0][1] / 60))
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "state": "solved"}
        )
        self.env["fs.route.stop"].create(
            [
                {
                    "plan_id": plan.id,
                    "task_id": self.first.id,
                    "technician_id": self.anna.id,
                    "sequence": 1,
                },
                {
                    "plan_id": plan.id,
                    "task_id": self.second.id,
                    "technician_id": self.anna.id,
                    "sequence": 2,
                    "travel_minutes": 42,
                },
            ]
        )
        (leg,) = [leg for leg in self.board()["travel"] if leg["lane_id"] == self.anna.id]
        self.assertEqual(leg["minutes"], 42)

    def test_the_queue_lists_visits_nobody_has(self):
        queue = {visit["id"]: visit for visit in self.board()["queue"]}
        self.assertIn(self.waiting.id, queue)
        self.assertNotIn(self.first.id, queue)
        waiting = queue[self.waiting.id]
        self.assertEqual(waiting["customer"], "Claire Martin")
        self.assertEqual(waiting["job_type"], "Boiler service (test)")
        self.assertIn("Gas (test) (Senior)", waiting["skills"])
        self.assertEqual(waiting["window"], "No window yet")

    def count_board_queries(self):
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        self.board()
        return self.cr.sql_log_count - start

    def test_reading_the_board_takes_a_few_queries_whatever_its_visits(self):
        self.board()  # the registry's caches warm
        few = self.count_board_queries()
        for n in range(2, 6):
            self.visit_at(self.sites[n], 13, 15, fs_technician_id=self.anna.id)
        many = self.count_board_queries()
        self.assertLessEqual(few, QUERY_CEILING)
        self.assertLessEqual(many, few + 2)  # no query per visit

    def test_dispatchers_land_on_the_board_a_chosen_home_kept(self):
        board = self.env.ref("field_service_routing.action_fs_dispatch_board")
        calendar = self.env.ref("field_service_cx.action_fs_dispatch_calendar")
        visits = self.env.ref("field_service_cx.action_fs_visits")
        self.assertEqual(self.user_dispatcher.action_id.id, board.id)
        self.user_dispatcher.action_id = calendar.id  # homed by field_service_cx alone
        chooser = self.user_dispatcher.copy({"login": "fs_board_chooser"})
        chooser.action_id = visits.id
        self.env["res.users"]._fs_set_home_action_all()
        self.assertEqual(self.user_dispatcher.action_id.id, board.id)
        self.assertEqual(chooser.action_id.id, visits.id)
        my_day = self.env.ref("field_service_cx.action_fs_my_day")
        self.assertEqual(self.user_anna.action_id.id, my_day.id)

    # ---- moving a visit --------------------------------------------------------------------

    def test_a_move_to_a_qualified_technician_inside_the_window(self):
        self.second.write({"fs_technician_id": False})
        version = self.second.fs_schedule_version
        self.move(self.second, self.anna, 11 * 60)
        self.assertEqual(self.second.fs_technician_id, self.anna)
        self.assertEqual(self.second.fs_eta, self.local(11))
        self.assertEqual(self.second.fs_schedule_version, version + 1)
        self.assertEqual(self.first.fs_route_sequence, 1)
        self.assertEqual(self.second.fs_route_sequence, 2)

    def test_a_queue_visit_dropped_gets_its_window_there(self):
        self.move(self.waiting, self.anna, 14 * 60)
        self.assertEqual(self.waiting.fs_technician_id, self.anna)
        self.assertEqual(self.waiting.fs_window_start, self.local(14))
        self.assertEqual(self.waiting.fs_window_end, self.local(16))
        self.assertEqual(self.waiting.fs_state, "scheduled")

    def assertRefused(self, visit, technician, minute, message, version=None):
        before = (
            visit.fs_technician_id,
            visit.fs_eta,
            visit.fs_window_start,
            visit.fs_schedule_version,
        )
        with self.assertRaises(UserError) as caught:
            self.move(visit, technician, minute, version)
        self.assertIn(message, str(caught.exception))
        visit.invalidate_recordset()
        after = (
            visit.fs_technician_id,
            visit.fs_eta,
            visit.fs_window_start,
            visit.fs_schedule_version,
        )
        self.assertEqual(after, before)  # nothing written

    def test_refused_for_a_missing_skill(self):
        self.assertRefused(
            self.second, self.bob, 10 * 60, "Bob Tech lacks the skill Gas (test) (Senior)."
        )

    def test_refused_outside_the_working_hours(self):
        self.assertRefused(
            self.waiting,
            self.anna,
            16 * 60 + 30,
            "16:30 is outside Anna Tech's working hours 08:00–12:00, 13:00–17:00",
        )
        self.assertRefused(
            self.waiting, self.anna, 11 * 60 + 30, "outside Anna Tech's working hours"
        )

    def test_refused_during_time_off(self):
        start, end = self.local(0), self.local(23, 59)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "resource_id": self.anna.resource_id.id,
                "calendar_id": self.anna.resource_calendar_id.id,
                "date_from": start,
                "date_to": end,
                "time_type": "leave",
            }
        )
        self.second.write({"fs_technician_id": False})
        self.assertRefused(self.second, self.anna, 10 * 60, "Anna Tech is off at 10:00 (time off).")

    def test_refused_outside_the_customers_window(self):
        self.assertRefused(
            self.second, self.anna, 14 * 60, "14:00 is outside the customer's window 10:00–12:00."
        )

    def test_refused_over_another_visit_of_the_technician(self):
        self.assertRefused(
            self.waiting,
            self.anna,
            8 * 60 + 30,
            "Anna Tech already has Visit Site 0 8h at 08:00–09:00.",
        )

    def test_refused_on_a_stale_version(self):
        version = self.second.fs_schedule_version
        self.second.fs_window_end = self.local(12, 30)  # someone else moved it meanwhile
        with self.assertRaises(StaleVisitError) as caught:
            self.move(self.second, self.anna, 10 * 60, version)
        self.assertIn("changed meanwhile", str(caught.exception))
        self.assertFalse(self.second.fs_eta)

    def test_the_board_gets_the_refusal_as_its_answer(self):
        answer = self.Board.fs_board_move(
            self.second.id, self.bob.id, self.day_iso, 600, self.second.fs_schedule_version
        )
        self.assertEqual(
            answer, {"moved": False, "message": "Bob Tech lacks the skill Gas (test) (Senior)."}
        )
        answer = self.Board.fs_board_move(
            self.second.id, self.anna.id, self.day_iso, 660, self.second.fs_schedule_version
        )
        self.assertEqual(answer, {"moved": True, "version": self.second.fs_schedule_version})
        self.assertEqual(self.second.fs_eta, self.local(11))

    def test_the_plan_opens_the_board_on_its_day_and_its_stops_by_technician(self):
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "state": "solved"}
        )
        stop = self.env["fs.route.stop"].create(
            {
                "plan_id": plan.id,
                "task_id": self.second.id,
                "technician_id": self.anna.id,
                "sequence": 1,
                "arrival": self.local(11, 15),
            }
        )
        board = plan.action_open_board()
        self.assertEqual(
            (board["tag"], board["context"]["fs_board_day"]), ("fs_dispatch_board", self.day_iso)
        )
        stops = plan.action_view_stops()
        self.assertEqual(stops["context"]["group_by"], ["technician_id"])
        self.assertEqual(self.env["fs.route.stop"].search(stops["domain"]), stop)
        self.assertEqual(stop.slack_minutes, 45)  # arriving 11:15 in a window ending 12:00

    def test_technicians_cannot_use_the_board(self):
        board = self.env["fs.dispatch.board"].with_user(self.user_anna)
        with self.assertRaises(AccessError):
            board.fs_board_data(self.day_iso, 1)
        with self.assertRaises(AccessError):
            board.fs_board_move(self.second.id, self.anna.id, self.day_iso, 660, 1)
        self.assertFalse(self.second.fs_eta)

    def test_a_visit_under_way_stays_put(self):
        self.first.fs_state = "en_route"
        self.assertRefused(self.first, self.anna, 9 * 60, "it can no longer be moved")


@tagged("post_install", "-at_install")
class TestDispatchBoardTour(HttpCase, RoutingCase):
    """The demo dispatcher moves visits on the board at desktop width, from the menu."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # Every day a working day, so the board's "today" has hours whenever the test runs.
        calendar = env["resource.calendar"].create(
            {
                "name": "Every day (test)",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {hours}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        },
                    )
                    for day in range(7)
                    for hours, start, end, period in (
                        ("am", 8, 12, "morning"),
                        ("pm", 13, 17, "afternoon"),
                    )
                ],
            }
        )
        cls.carla = env["hr.employee"].create(
            {
                "name": "Carla Tech",
                "fs_is_technician": True,
                "employee_skill_ids": [
                    (
                        0,
                        0,
                        {
                            "skill_type_id": cls.skill_type.id,
                            "skill_id": cls.gas.id,
                            "skill_level_id": cls.senior.id,
                        },
                    )
                ],
            }
        )
        (cls.anna | cls.bob | cls.carla).resource_calendar_id = calendar
        cls.bob.employee_skill_ids.skill_level_id = cls.junior
        cls.dispatcher = cls.demo_dispatcher
        today = windows.to_local(fields.Datetime.now(), PARIS).date()
        cls.visit = cls.create_visit(
            name="Board tour boiler",
            partner_id=cls.sites[0].id,
            fs_window_start=cls.local(13, day=today),
            fs_window_end=cls.local(15, day=today),
            fs_technician_id=cls.anna.id,
        )
        cls.waiting = cls.create_visit(
            name="Board tour waiting", fs_window_start=False, fs_window_end=False
        )

    def test_move_refuse_and_schedule_from_the_queue(self):
        self.start_tour("/odoo", "fs_dispatch_board_moves", login=self.dispatcher.login)
        self.assertEqual(self.visit.fs_technician_id, self.carla)
        self.assertEqual(self.visit.fs_eta, self.visit.fs_window_start)
        self.assertEqual(self.waiting.fs_technician_id, self.anna)
        self.assertEqual(windows.to_local(self.waiting.fs_window_start, PARIS).hour, 15)
