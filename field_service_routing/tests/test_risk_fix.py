from collections import Counter
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.addons.field_service_cx.tools import reminders, windows
from odoo.addons.mail.tests.common import MockEmail
from odoo.tests import HttpCase, tagged

from .common import PARIS, RoutingCase


class RiskFixCase(RoutingCase, MockEmail):
    """Anna's day runs late: her 13:00–15:00 visit is forecast at 15:30. Bob holds the skill at
    Senior (as Anna), Carla only at Junior; all three start from the depot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.customer.write({"fs_quiet_from": 0.0, "fs_quiet_until": 0.0})
        cls.carla = env["hr.employee"].create(
            {
                "name": "Carla Tech",
                "fs_is_technician": True,
                "resource_calendar_id": cls.anna.resource_calendar_id.id,
                "fs_start_partner_id": cls.anna.fs_start_partner_id.id,
                "employee_skill_ids": [
                    (
                        0,
                        0,
                        {
                            "skill_type_id": cls.skill_type.id,
                            "skill_id": cls.gas.id,
                            "skill_level_id": cls.junior.id,
                        },
                    )
                ],
            }
        )
        cls.Board = env["fs.dispatch.board"].with_user(cls.user_dispatcher)
        cls.day_iso = cls.plan_day.isoformat()

    @classmethod
    def late_visit(cls, day=None, window=(13, 15), eta=(15, 30), name="Late boiler"):
        """A visit of Anna's at the customer's, forecast after its window."""
        visit = cls.create_visit(
            name=name,
            fs_window_start=cls.local(window[0], day=day),
            fs_window_end=cls.local(window[1], day=day),
            fs_technician_id=cls.anna.id,
        )
        visit.fs_eta = cls.local(*eta, day=day)
        return visit

    def fix_row(self, visit):
        rows = self.Board.fs_board_data(self.day_iso, 1)["fixes"]
        return next((row for row in rows if row["visit_id"] == visit.id), None)

    def travel_minutes(self, origin, target):
        durations, _distances, _note = self.env["fs.travel.matrix"]._fs_matrices(
            [
                (origin.partner_latitude, origin.partner_longitude),
                (target.partner_latitude, target.partner_longitude),
            ],
            self.env.company,
        )
        return durations[0][1] / 60


@tagged("post_install", "-at_install")
class TestSuggestedFix(RiskFixCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.morning = cls.visit_at(cls.sites[1], 8, 12, fs_technician_id=cls.anna.id)
        cls.late = cls.late_visit()

    def test_the_fix_keeps_the_window_with_the_least_painful_qualified_technician(self):
        self.assertTrue(self.late.fs_is_late_risk, "forecast after its window: at risk")
        row = self.fix_row(self.late)
        fix = row["fix"]
        self.assertEqual((fix["lane_id"], fix["technician"]), (self.bob.id, "Bob Tech"))
        start = windows.to_utc(
            datetime.combine(self.plan_day, time()) + timedelta(minutes=fix["minute"]), PARIS
        )
        _grace, margin = self.env["project.task"]._fs_live_minutes()
        self.assertGreaterEqual(start, self.late.fs_window_start)
        self.assertLessEqual(start, self.late.fs_window_end - timedelta(minutes=margin))
        self.assertEqual(fix["time"], windows.format_hour(start, PARIS, "en_US"))
        depot = self.anna.fs_start_partner_id
        # Bob drives from the depot (his day is empty); Anna's route loses the leg from her
        # morning visit.
        self.assertEqual(fix["added_minutes"], round(self.travel_minutes(depot, self.customer)))
        self.assertEqual(
            fix["freed_minutes"], round(self.travel_minutes(self.sites[1], self.customer))
        )
        self.assertEqual(
            row["message"],
            f"Give it to Bob Tech at {fix['time']}: +{fix['added_minutes']} min on Bob Tech's "
            f"route, −{fix['freed_minutes']} min on Anna Tech's.",
        )
        block = next(
            b
            for b in self.Board.fs_board_data(self.day_iso, 1)["blocks"]
            if b["id"] == self.late.id
        )
        self.assertIn("Suggested fix", [badge["label"] for badge in block["badges"]])

    def test_no_fix_from_an_unqualified_technician(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Training",
                "resource_id": self.bob.resource_id.id,
                "calendar_id": self.bob.resource_calendar_id.id,
                "date_from": self.local(0),
                "date_to": self.local(23, 59),
                "time_type": "leave",
            }
        )
        row = self.fix_row(self.late)
        self.assertFalse(row["fix"], "Bob is off and Carla (free) lacks the level")
        self.assertEqual(row["message"], "No other qualified technician can keep the window.")

    def test_no_fix_when_nobody_can_keep_the_window(self):
        busy = self.visit_at(self.sites[2], 12, 17, fs_technician_id=self.bob.id)
        busy.write({"fs_eta": self.local(13), "fs_service_minutes": 150})  # 13:00–15:30
        self.assertFalse(self.fix_row(self.late)["fix"])
        busy.fs_service_minutes = 30  # free again from 13:30: he keeps the window
        fix = self.fix_row(self.late)["fix"]
        self.assertEqual(fix["lane_id"], self.bob.id)
        self.assertGreaterEqual(fix["minute"], 13 * 60 + 30)

    def test_a_window_already_gone_says_so(self):
        gone = self.late_visit(day=self.plan_day - timedelta(days=7), name="Gone")
        gone.fs_eta = gone.fs_window_end + timedelta(minutes=30)
        rows = self.Board.fs_board_data(str(self.plan_day - timedelta(days=7)), 1)["fixes"]
        row = next(row for row in rows if row["visit_id"] == gone.id)
        self.assertFalse(row["fix"])
        self.assertEqual(
            row["message"], "Too late to keep the window: agree a new one with the customer."
        )

    def test_no_suggestion_for_a_visit_on_time_or_under_way(self):
        on_time = self.late_visit(window=(9, 11), eta=(9, 30), name="On time")
        self.assertIsNone(self.fix_row(on_time))
        self.late.fs_state = "en_route"  # under way: it stays with Anna, the board won't move it
        self.assertIsNone(self.fix_row(self.late))

    def test_the_fixes_take_the_same_queries_whatever_the_visits_at_risk(self):
        def queries():
            seen, data = self.queries_of(lambda: self.Board.fs_board_data(self.day_iso, 1))
            return seen, data["fixes"]

        queries()  # warm the caches the board does not own (ACLs, rules, views)
        few, fixes = queries()
        self.assertIn(self.late.id, [row["visit_id"] for row in fixes])
        ours = self.late
        for n in (2, 3):
            late = self.create_visit(
                name=f"Late {n}",
                partner_id=self.sites[n].id,
                fs_window_start=self.local(14),
                fs_window_end=self.local(16),
                fs_technician_id=self.anna.id,
            )
            late.fs_eta = self.local(16, 30)
            ours |= late
        queries()  # once for what creating them left pending (recomputes, caches)
        many, fixes = queries()
        rows = {row["visit_id"]: row for row in fixes}
        self.assertTrue(all(rows[visit.id]["fix"] for visit in ours), "each at risk, each a fix")
        extra = Counter(many) - Counter(few)
        self.assertEqual(len(many), len(few), "\n".join(extra))

    def test_applied_in_one_click_through_the_versioned_move(self):
        row = self.fix_row(self.late)
        fix = row["fix"]
        version = row["version"]
        answer = self.Board.fs_board_move(
            self.late.id, fix["lane_id"], self.day_iso, fix["minute"], version
        )
        self.assertTrue(answer["moved"])
        self.assertEqual(self.late.fs_technician_id, self.bob)
        self.assertEqual(self.late.fs_schedule_version, version + 1)
        self.assertEqual(
            windows.to_local(self.late.fs_eta, PARIS).hour * 60
            + windows.to_local(self.late.fs_eta, PARIS).minute,
            fix["minute"],
        )
        self.assertFalse(self.late.fs_is_late_risk, "the window is kept now")
        self.assertIsNone(self.fix_row(self.late))
        # A move back to Anna (who could take it) on the version the board read before the
        # fix: refused as stale, nothing changes.
        again = self.Board.fs_board_move(self.late.id, self.anna.id, self.day_iso, 840, version)
        self.assertFalse(again["moved"])
        self.assertIn("changed meanwhile", again["message"])
        self.assertEqual(self.late.fs_technician_id, self.bob)

    def test_the_customer_is_told_only_when_the_technician_changes(self):
        with self.mock_mail_gateway():
            self.env["fs.visit.message"]._cron_send_due(batch_size=200)
        told = self.late.fs_message_ids.filtered(lambda r: r.kind in reminders.NAMING_KINDS)
        self.assertIn(self.anna, told.technician_id, "the confirmation named Anna")

        def technician_rows():
            self.late.invalidate_recordset(["fs_message_ids"])
            return self.late.fs_message_ids.filtered(lambda r: r.kind == reminders.TECHNICIAN)

        # A move that keeps Anna (another time in the window): nothing to tell.
        moved = self.Board.fs_board_move(
            self.late.id, self.anna.id, self.day_iso, 14 * 60, self.late.fs_schedule_version
        )
        self.assertTrue(moved["moved"])
        self.assertFalse(technician_rows())
        self.late.fs_eta = self.local(15, 30)  # late again
        row = self.fix_row(self.late)
        self.Board.fs_board_move(
            self.late.id, row["fix"]["lane_id"], self.day_iso, row["fix"]["minute"], row["version"]
        )
        rows = technician_rows()
        self.assertEqual(len(rows), 1, "one message: the person changed")
        self.assertEqual(rows.state, "planned")


@tagged("post_install", "-at_install")
class TestSuggestedFixTour(HttpCase, RiskFixCase):
    """The demo dispatcher sees the suggested fix of a visit at risk on the board (tomorrow,
    whatever the hour the test runs) and applies it in one click."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        calendar = env["resource.calendar"].create(
            {
                "name": "Every day (fix tour)",
                "tz": "Europe/Paris",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        },
                    )
                    for day in range(7)
                    for start, end, period in ((8, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )
        (cls.anna | cls.bob | cls.carla).resource_calendar_id = calendar
        tomorrow = windows.to_local(fields.Datetime.now(), PARIS).date() + timedelta(days=1)
        cls.late = cls.late_visit(day=tomorrow, window=(10, 12), eta=(12, 30), name="Fix tour")

    def test_the_dispatcher_applies_the_suggested_fix(self):
        self.assertTrue(self.late.fs_is_late_risk)
        self.start_tour("/odoo", "fs_dispatch_board_fix", login=self.demo_dispatcher.login)
        self.assertEqual(self.late.fs_technician_id, self.bob)
        self.assertEqual(windows.to_local(self.late.fs_eta, PARIS).hour, 10)
        self.assertFalse(self.late.fs_is_late_risk)
