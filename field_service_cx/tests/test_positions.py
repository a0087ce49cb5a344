from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..models.project_task import ProjectTask as CxProjectTask
from ..tools import positions
from .common import FieldServiceCase

# Monday 2 March 2026, 10:00 in Paris (09:00 UTC): a working morning.
MONDAY_10H = datetime(2026, 3, 2, 9, 0)
# The same Monday, 20:00 in Paris: the working day is over.
MONDAY_20H = datetime(2026, 3, 2, 19, 0)
# About 10 km south of the customer (Paris, rue de la Paix).
ON_THE_ROAD = (48.7787, 2.3316)


@tagged("post_install", "-at_install")
class TestPositions(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Technicians (test)", "tz": "Europe/Paris"}
        )  # default attendances: Monday to Friday, 8-12 and 13-17
        (cls.anna | cls.bob).write({"resource_calendar_id": cls.calendar.id, "tz": "Europe/Paris"})
        cls.Position = cls.env["fs.technician.position"]

    def on_the_way(self, when=MONDAY_10H):
        """Anna's visit of that Monday, 10:00-12:00 Paris, planned at 10:30, Anna on the way."""
        visit = self.create_visit(
            fs_technician_id=self.anna.id,
            fs_window_start=when + timedelta(hours=1),
            fs_window_end=when + timedelta(hours=3),
            fs_eta=when + timedelta(hours=1, minutes=30),
        )
        with freeze_time(when):
            visit.with_user(self.user_anna).action_fs_on_my_way()
        return visit

    def share(self, visit, user=None, point=ON_THE_ROAD, accuracy=15.0):
        return visit.with_user(user or self.user_anna).fs_share_position(*point, accuracy)

    def positions_of(self, visit):
        return self.Position.search([("visit_id", "=", visit.id)])

    # ---- refused, nothing stored ----------------------------------------------------------

    @freeze_time(MONDAY_10H)
    def test_refused_before_on_my_way(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        with self.assertRaisesRegex(UserError, "only while you are on the way"):
            self.share(visit)
        self.assertFalse(self.positions_of(visit))
        self.assertFalse(visit._fs_live_position())

    @freeze_time(MONDAY_10H)
    def test_refused_after_arrival(self):
        visit = self.on_the_way()
        self.share(visit)
        visit.with_user(self.user_anna).action_fs_arrive()
        with self.assertRaisesRegex(UserError, "only while you are on the way"):
            self.share(visit)
        self.assertEqual(len(self.positions_of(visit)), 1)
        self.assertFalse(visit._fs_live_position(), "no position once arrived")

    def test_refused_outside_working_hours(self):
        visit = self.on_the_way(MONDAY_10H)
        with freeze_time(MONDAY_20H), self.assertRaisesRegex(UserError, "working hours"):
            self.share(visit)
        # Lunch (12:00-13:00 Paris) is not working time either.
        lunch = MONDAY_10H + timedelta(hours=2, minutes=30)
        with freeze_time(lunch), self.assertRaisesRegex(UserError, "working hours"):
            self.share(visit)
        self.assertFalse(self.positions_of(visit))

    @freeze_time(MONDAY_10H)
    def test_refused_on_a_day_off(self):
        visit = self.on_the_way()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Day off (test)",
                "calendar_id": self.calendar.id,
                "resource_id": self.anna.resource_id.id,
                "date_from": MONDAY_10H - timedelta(hours=9),
                "date_to": MONDAY_10H + timedelta(hours=12),
                "time_type": "leave",
            }
        )
        with self.assertRaisesRegex(UserError, "working hours"):
            self.share(visit)
        self.assertFalse(self.positions_of(visit))

    @freeze_time(MONDAY_10H)
    def test_refused_for_another_technician_and_for_the_office(self):
        visit = self.on_the_way()
        for user in (self.user_bob, self.user_dispatcher):
            with self.assertRaisesRegex(UserError, "Only this visit's technician"):
                self.share(visit, user=user)
        self.assertFalse(self.positions_of(visit))

    @freeze_time(MONDAY_10H)
    def test_refused_for_a_point_that_is_not_one(self):
        visit = self.on_the_way()
        for point in ((0.0, 0.0), (95.0, 2.0)):
            with self.assertRaisesRegex(UserError, "not a valid point"):
                self.share(visit, point=point)
        with self.assertRaisesRegex(UserError, "accuracy"):
            self.share(visit, accuracy=-5)
        self.assertFalse(self.positions_of(visit))

    # ---- rights ---------------------------------------------------------------------------

    @freeze_time(MONDAY_10H)
    def test_technicians_reach_positions_only_through_the_method(self):
        visit = self.on_the_way()
        self.share(visit)
        as_anna = self.Position.with_user(self.user_anna)
        with self.assertRaises(AccessError):
            as_anna.search([])
        with self.assertRaises(AccessError):
            as_anna.create(
                {
                    "technician_id": self.anna.id,
                    "visit_id": visit.id,
                    "latitude": 48.0,
                    "longitude": 2.0,
                }
            )
        as_dispatcher = self.Position.with_user(self.user_dispatcher)
        self.assertEqual(
            as_dispatcher.search([("visit_id", "=", visit.id)]).technician_id, self.anna
        )
        with self.assertRaises(AccessError):
            as_dispatcher.search([]).write({"latitude": 1.0})

    # ---- accepted: stored, ETA re-timed, delay check --------------------------------------

    @freeze_time(MONDAY_10H)
    def test_a_position_moves_the_eta_and_keeps_the_planned_one(self):
        visit = self.on_the_way()
        planned = visit.fs_eta
        result = self.share(visit)
        position = self.positions_of(visit)
        self.assertEqual(len(position), 1)
        self.assertEqual(
            (position.technician_id, position.recorded_at, position.accuracy),
            (self.anna, MONDAY_10H, 15.0),
        )
        expected = visit._fs_eta_from_position(position)
        self.assertEqual(visit.fs_eta, expected)
        self.assertNotEqual(visit.fs_eta, planned)
        self.assertEqual((visit.fs_eta_planned, visit.fs_eta_live_at), (planned, MONDAY_10H))
        self.assertTrue(result["eta"])
        # The time it was sent, in the visit's zone (Paris), not the server's UTC 9:00.
        self.assertIn("10:00", result["sent_at"])
        live = visit._fs_live_position()
        self.assertEqual(
            live,
            {
                "latitude": ON_THE_ROAD[0],
                "longitude": ON_THE_ROAD[1],
                "recorded_at": MONDAY_10H,
                "stale": False,
            },
        )

    @freeze_time(MONDAY_10H)
    def test_cx_fallback_is_the_straight_line_at_the_embedded_speed(self):
        visit = self.on_the_way()
        self.share(visit)
        position = self.positions_of(visit)
        eta = CxProjectTask._fs_eta_from_position(visit, position)
        seconds = positions.travel_seconds(ON_THE_ROAD, (48.8687, 2.3316))
        self.assertEqual(eta, MONDAY_10H + timedelta(seconds=seconds))
        # 10 km × 1.3 at 40 km/h: about 19.5 minutes.
        self.assertAlmostEqual(seconds / 60, 19.5, delta=0.5)
        self.customer.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        self.assertFalse(CxProjectTask._fs_eta_from_position(visit, position))

    @freeze_time(MONDAY_10H)
    def test_a_far_position_promises_a_later_window(self):
        visit = self.on_the_way()
        promises = visit.fs_promise_ids
        # About 100 km away (Orléans): over two hours, after the window ends at 12:00.
        self.share(visit, point=(47.9030, 1.9093))
        self.assertGreater(visit.fs_eta, visit.fs_window_end)
        delay = visit.fs_promise_ids - promises
        self.assertEqual(delay.source, "delay")
        self.assertLessEqual(delay.window_start, visit.fs_eta)
        self.assertGreaterEqual(delay.window_end, visit.fs_eta)

    # ---- stale: back to the planned timing ------------------------------------------------

    def test_a_stale_position_falls_back_to_the_planned_eta(self):
        visit = self.on_the_way()
        planned = visit.fs_eta
        with freeze_time(MONDAY_10H):
            self.share(visit)
        live_eta = visit.fs_eta
        with freeze_time(MONDAY_10H + timedelta(minutes=2)):
            self.assertFalse(visit._fs_live_position()["stale"])
            self.assertFalse(self.env["project.task"]._cron_fs_stale_positions())
            self.assertEqual(visit.fs_eta, live_eta)
        with freeze_time(MONDAY_10H + timedelta(minutes=3)):
            self.assertTrue(visit._fs_live_position()["stale"])
            self.env["project.task"]._cron_fs_refresh_live_flags()
        self.assertEqual(visit.fs_eta, planned)
        self.assertFalse(visit.fs_eta_live_at)
        # A new position re-times the leg again, from the planned ETA kept anew.
        with freeze_time(MONDAY_10H + timedelta(minutes=4)):
            self.share(visit)
            self.assertFalse(visit._fs_live_position()["stale"])
        self.assertEqual(visit.fs_eta_planned, planned)
        self.assertNotEqual(visit.fs_eta, planned)

    @freeze_time(MONDAY_10H)
    def test_a_new_plan_is_the_planned_timing_to_fall_back_to(self):
        visit = self.on_the_way()
        self.share(visit)
        replanned = MONDAY_10H + timedelta(minutes=50)
        visit.write({"fs_eta": replanned})  # e.g. the route planner re-timing the day
        self.assertFalse(visit.fs_eta_live_at)
        self.assertFalse(visit.fs_eta_planned)

    # ---- what the phone is told -----------------------------------------------------------

    def test_the_phone_shares_only_on_the_way_in_working_hours(self):
        visit = self.create_visit(
            fs_technician_id=self.anna.id,
            fs_window_start=MONDAY_10H + timedelta(hours=1),
            fs_window_end=MONDAY_10H + timedelta(hours=3),
        )

        def sharing(user):
            return visit.with_user(user).fs_position_sharing

        with freeze_time(MONDAY_10H):
            self.assertEqual(sharing(self.user_anna), "off")
            visit.with_user(self.user_anna).action_fs_on_my_way()
            visit.invalidate_recordset(["fs_position_sharing"])
            self.assertEqual(sharing(self.user_anna), "on")
            self.assertEqual(sharing(self.user_dispatcher), "off")
        with freeze_time(MONDAY_20H):
            visit.invalidate_recordset(["fs_position_sharing"])
            self.assertEqual(sharing(self.user_anna), "off_duty")

    # ---- retention ------------------------------------------------------------------------

    @freeze_time(MONDAY_10H)
    def test_purge_removes_only_positions_past_the_retention_batch_by_batch(self):
        visit = self.on_the_way()
        self.env["ir.config_parameter"].set_param("field_service_cx.position_retention_days", 3)
        values = {"technician_id": self.anna.id, "visit_id": visit.id, "longitude": 2.3}
        old = self.Position.create(
            [
                dict(values, latitude=48.1, recorded_at=MONDAY_10H - timedelta(days=5)),
                dict(values, latitude=48.2, recorded_at=MONDAY_10H - timedelta(days=3, hours=1)),
            ]
        )
        kept = self.Position.create(
            [
                dict(values, latitude=48.3, recorded_at=MONDAY_10H - timedelta(days=2)),
                dict(values, latitude=48.4, recorded_at=MONDAY_10H),
            ]
        )
        self.assertEqual(self.Position._cron_fs_purge_positions(batch_size=1), 1)
        self.assertEqual(len(old.exists()), 1)
        self.assertEqual(self.Position._cron_fs_purge_positions(batch_size=1), 1)
        self.assertEqual(self.Position._cron_fs_purge_positions(batch_size=1), 0)
        self.assertFalse(old.exists())
        self.assertEqual(kept.exists(), kept)

    @freeze_time(MONDAY_10H)
    def test_retention_setting_defaults_to_a_week_and_refuses_zero(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.fs_position_retention_days, 7)
        with self.assertRaisesRegex(ValidationError, "between 1 and 365"):
            self.env["res.config.settings"].create({"fs_position_retention_days": 0})

    @freeze_time(MONDAY_10H)
    def test_live_positions_of_many_visits_in_one_query(self):
        visits = self.on_the_way() | self.on_the_way()
        for visit in visits:
            self.share(visit)
        visits.invalidate_recordset()
        with self.assertQueryCount(3):
            live = visits._fs_live_positions()
        self.assertEqual(set(live), set(visits.ids))


@tagged("post_install", "-at_install")
class TestPositionTours(HttpCase, FieldServiceCase):
    """As the demo's technician (Marc) when the demo is installed, else the test world's, on a
    phone: the browser's geolocation is faked in the tour (the device boundary)."""

    browser_size = "390x844"
    touch_enabled = True

    def setUp(self):
        super().setUp()
        self.user = self.env.ref("field_service_cx.user_marc_demo", False) or self.user_anna
        technician = self.user.employee_id
        # His demo day gives way to the tour's visit.
        self.env["project.task"].search([("fs_technician_id", "=", technician.id)]).write(
            {"fs_technician_id": False, "fs_window_start": False, "fs_window_end": False}
        )
        # Whatever the weekday and hour the test runs at, now is inside his working hours.
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
        self.user.action_id = False
        self.user._fs_set_home_action()
        now = datetime.now().replace(microsecond=0)
        self.visit = self.create_visit(
            name="Tour position visit",
            fs_technician_id=technician.id,
            fs_job_type_id=False,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
            fs_eta=now + timedelta(hours=1),
        )

    def test_technician_shares_position_only_while_on_the_way(self):
        planned = self.visit.fs_eta
        self.start_tour("/odoo", "fs_technician_shares_position", login=self.user.login)
        self.assertEqual(self.visit.fs_state, "on_site")
        sent = self.env["fs.technician.position"].search([("visit_id", "=", self.visit.id)])
        self.assertTrue(sent)
        self.assertEqual(set(sent.mapped("latitude")), {48.7787})
        self.assertNotEqual(self.visit.fs_eta, planned, "the position re-timed the arrival")

    def test_browser_refusal_is_said_and_nothing_is_sent(self):
        self.start_tour("/odoo", "fs_technician_refuses_position", login=self.user.login)
        self.assertEqual(self.visit.fs_state, "en_route")
        self.assertFalse(
            self.env["fs.technician.position"].search([("visit_id", "=", self.visit.id)])
        )
