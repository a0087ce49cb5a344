from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FieldServiceCase

# Wednesday 14 January 2026, 10:00 in Lyon (09:00 UTC): a working morning.
WEDNESDAY_10H = datetime(2026, 1, 14, 9, 0)


class DispatcherCase(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Technicians (test)", "tz": "Europe/Paris"}
        )  # default attendances: Monday to Friday, 8-12 and 13-17
        (cls.anna | cls.bob).write({"resource_calendar_id": cls.calendar.id, "tz": "Europe/Paris"})

    @classmethod
    def at(cls, day, hour, minutes=120):
        """A window on ``day`` (a date) at ``hour`` Paris time (UTC+1 in January)."""
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour - 1)
        return {"fs_window_start": start, "fs_window_end": start + timedelta(minutes=minutes)}


@tagged("post_install", "-at_install")
class TestTechnicianStatus(DispatcherCase):
    def _status(self, employee):
        employee.invalidate_recordset(["fs_status"])
        return employee.fs_status

    @freeze_time(WEDNESDAY_10H)
    def test_dispatcher_without_hr_rights_opens_the_technicians_board(self):
        self.assertFalse(self.user_dispatcher.has_group("hr.group_hr_user"))
        action = self.env.ref("field_service_cx.action_fs_technicians")
        Board = self.env[action.res_model].with_user(self.user_dispatcher)
        views = Board.get_views(
            [(view.view_id.id, view.view_mode) for view in action.view_ids] + [(False, "search")]
        )
        self.assertIn('name="fs_status"', views["views"]["kanban"]["arch"])
        self.assertIn('name="fs_next_visit_id"', views["views"]["list"]["arch"])
        # What the web client loads next: the search panel's counters, then the cards.
        search = etree.fromstring(views["views"]["search"]["arch"])
        for field in search.iterfind("searchpanel/field"):
            Board.search_panel_select_range(field.get("name"))
        self.create_visit(
            fs_technician_id=self.anna.id, fs_job_type_id=False, **self.at(WEDNESDAY_10H.date(), 10)
        ).action_fs_on_my_way()
        board = Board.search_read(safe_eval(action.domain), ["name", "fs_status", "job_title"])
        status = {row["name"]: row["fs_status"] for row in board}
        self.assertEqual((status["Anna Tech"], status["Bob Tech"]), ("en_route", "available"))

    @freeze_time(WEDNESDAY_10H)
    def test_status_follows_hours_time_off_and_the_visit_in_progress(self):
        today = WEDNESDAY_10H.date()
        self.assertEqual(self._status(self.anna), "available")
        visit = self.create_visit(
            fs_technician_id=self.anna.id, fs_job_type_id=False, **self.at(today, 10)
        )
        self.assertEqual(self._status(self.anna), "available", "scheduled is not busy")
        visit.action_fs_on_my_way()
        self.assertEqual(self._status(self.anna), "en_route")
        visit.action_fs_arrive()
        self.assertEqual(self._status(self.anna), "on_site")
        # Dispatchers (no HR rights) read the same status through public profiles.
        public = self.env["hr.employee.public"].with_user(self.user_dispatcher).browse(self.anna.id)
        self.assertEqual(public.fs_status, "on_site")
        visit.action_fs_done()
        self.assertEqual(self._status(self.anna), "available")
        # Bob is off today: a full-day leave on his resource.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Day off",
                "resource_id": self.bob.resource_id.id,
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 1, 13, 23, 0),
                "date_to": datetime(2026, 1, 14, 23, 0),
            }
        )
        self.assertEqual(self._status(self.bob), "off")

    def test_status_is_off_outside_hours_and_forgets_stale_visits(self):
        with freeze_time(datetime(2026, 1, 14, 19, 0)):  # 20:00 in Lyon
            self.assertEqual(self._status(self.anna), "off")
        with freeze_time(datetime(2026, 1, 12, 9, 0)):  # Monday: arrived, never closed
            visit = self.create_visit(
                fs_technician_id=self.anna.id,
                fs_job_type_id=False,
                **self.at(datetime(2026, 1, 12).date(), 10),
            )
            visit.action_fs_on_my_way()
            visit.action_fs_arrive()
            self.assertEqual(self._status(self.anna), "on_site")
        with freeze_time(WEDNESDAY_10H):
            self.assertEqual(self._status(self.anna), "available")


@tagged("post_install", "-at_install")
class TestDispatcherFilters(DispatcherCase):
    """Each filter of the visit search view returns exactly the visits it names."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.no_coordinates = cls.env["res.partner"].create(
            {"name": "Farm without coordinates", "city": "Dardilly", "tz": "Europe/Paris"}
        )

    def _filters(self):
        view = self.env.ref("field_service_cx.project_task_view_search_fs")
        arch = self.env["project.task"].get_views([(view.id, "search")])["views"]["search"]["arch"]
        return {
            node.get("name"): node.get("domain") for node in etree.fromstring(arch).iter("filter")
        }

    def _search(self, domain, visits, uid=None):
        context_today = fields.Date.context_today(self.env.user.with_context(tz="Europe/Paris"))
        evaluated = safe_eval(
            domain, {"context_today": lambda: context_today, "uid": uid or self.env.uid}
        )
        return self.env["project.task"].search([("id", "in", visits.ids), *evaluated])

    @freeze_time(WEDNESDAY_10H)
    def test_each_filter_domain_returns_the_right_visits(self):
        today = WEDNESDAY_10H.date()
        tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
        plain = {"fs_job_type_id": False}
        unscheduled = self.create_visit(fs_window_start=False, fs_window_end=False, **plain)
        today_visit = self.create_visit(fs_technician_id=self.bob.id, **plain, **self.at(today, 14))
        late = self.create_visit(fs_technician_id=self.bob.id, **plain, **self.at(yesterday, 9))
        missing = self.create_visit(fs_technician_id=self.anna.id, **self.at(tomorrow, 8))
        remote = self.create_visit(
            partner_id=self.no_coordinates.id,
            fs_technician_id=self.bob.id,
            **plain,
            **self.at(tomorrow, 13),
        )
        done = self.create_visit(fs_technician_id=self.bob.id, **plain, **self.at(today, 8))
        done.write({"fs_state": "done"})
        visits = unscheduled | today_visit | late | missing | remote | done
        filters = self._filters()
        expected = {
            "unscheduled": unscheduled,
            "today": today_visit | done,
            "late": late,
            "parts_missing": missing,
            "not_geolocated": remote,
            "done": done,
            "open": visits - done,
        }
        for name, wanted in expected.items():
            with self.subTest(filter=name):
                self.assertEqual(self._search(filters[name], visits), wanted)
        self.assertEqual(self._search(filters["my_visits"], visits, self.user_anna.id), missing)

    def test_dispatch_calendar_is_by_technician_and_loads(self):
        action = self.env.ref("field_service_cx.action_fs_dispatch_calendar")
        self.assertEqual(action.view_ids[0].view_mode, "calendar")
        Task = self.env["project.task"].with_user(self.user_dispatcher)
        views = Task.get_views([(action.view_ids[0].view_id.id, "calendar")])
        arch = etree.fromstring(views["views"]["calendar"]["arch"])
        self.assertEqual(
            (arch.get("date_start"), arch.get("date_stop"), arch.get("color")),
            ("fs_window_start", "fs_window_end", "fs_technician_id"),
        )
        technician = arch.find("field[@name='fs_technician_id']")
        self.assertEqual(technician.get("filters"), "1")
        fields_used = [node.get("name") for node in arch.iter("field")]
        self.assertTrue(set(fields_used) <= set(views["models"]["project.task"]["fields"]))
        visit = self.create_visit(fs_technician_id=self.anna.id)
        records = Task.search_read(
            [*safe_eval(action.domain), ("fs_technician_id", "in", self.anna.ids)],
            fields_used,
        )
        self.assertEqual([record["id"] for record in records], visit.ids)


@tagged("post_install", "-at_install")
class TestDispatchCalendarTour(HttpCase, FieldServiceCase):
    def test_dispatcher_sees_visits_per_technician_in_the_calendar(self):
        now = datetime.now().replace(minute=0, second=0, microsecond=0)
        self.create_visit(
            name="Calendar boiler service",
            fs_technician_id=self.anna.id,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
        )
        self.start_tour(
            "/odoo/action-field_service_cx.action_fs_dispatch_calendar",
            "fs_dispatch_calendar",
            login="fs_dina_dispatch",
        )
