from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from ..exceptions import StaleVisitError
from ..tools import windows
from .common import FieldServiceCase

PARIS = ZoneInfo("Europe/Paris")


@tagged("post_install", "-at_install")
class TestScheduleVersion(FieldServiceCase):
    """Every change of window or technician is a new schedule version; a change stated on an
    older one (a form opened before someone else moved the visit) is refused, nothing written."""

    def setUp(self):
        super().setUp()
        self.visit = self.create_visit(fs_technician_id=self.anna.id)
        self.senior_bob()

    def senior_bob(self):
        self.bob.employee_skill_ids.skill_level_id = self.senior

    def later(self, hours):
        return self.visit.fs_window_start + timedelta(hours=hours)

    def test_version_goes_up_with_window_or_technician_only(self):
        self.assertEqual(self.visit.fs_schedule_version, 1)
        self.visit.fs_access_notes = "Gate code 4321"
        self.visit.fs_route_sequence = 3
        self.assertEqual(self.visit.fs_schedule_version, 1, "not a schedule change")
        self.visit.write({"fs_window_start": self.later(1), "fs_window_end": self.later(3)})
        self.assertEqual(self.visit.fs_schedule_version, 2)
        self.visit.write({"fs_window_start": self.later(0)})  # the same time again
        self.assertEqual(self.visit.fs_schedule_version, 2, "nothing moved")
        self.visit.fs_technician_id = self.bob
        self.assertEqual(self.visit.fs_schedule_version, 3)
        self.assertEqual(self.visit.copy().fs_schedule_version, 1)

    def test_a_stale_version_is_refused_with_409_and_nothing_written(self):
        read = self.visit.fs_schedule_version
        self.visit.fs_technician_id = self.bob  # someone else, meanwhile
        before = (self.visit.fs_window_start, self.visit.fs_technician_id)
        with self.assertRaises(StaleVisitError) as caught:
            self.visit.write(
                {
                    "fs_window_start": self.later(2),
                    "fs_window_end": self.later(4),
                    "fs_technician_id": self.anna.id,
                    "fs_schedule_version_read": read,
                }
            )
        self.assertEqual(caught.exception.http_status, 409)
        self.assertIn("changed meanwhile", caught.exception.args[0])
        self.assertIn("Bob Tech", caught.exception.args[0], "says what it is now")
        self.assertEqual((self.visit.fs_window_start, self.visit.fs_technician_id), before)
        self.visit.write({"fs_technician_id": self.anna.id, "fs_schedule_version_read": read + 1})
        self.assertEqual(self.visit.fs_technician_id, self.anna, "the current version passes")

    def test_form_opened_before_a_move_is_refused_on_save(self):
        """The web client sends only changed fields: the form must still state its version."""
        form = Form(self.visit.with_user(self.user_dispatcher))
        # Meanwhile, the customer moves the visit (another request, the form is not reloaded).
        self.visit.with_context(fs_promise_source="customer").write(
            {"fs_window_start": self.later(24), "fs_window_end": self.later(26)}
        )
        moved_to = self.visit.fs_window_start
        form.fs_technician_id = self.bob
        with self.assertRaisesRegex(StaleVisitError, "changed meanwhile"):
            form.save()
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_technician_id, self.anna)
        self.assertEqual(self.visit.fs_window_start, moved_to)
        # Reloaded, the same change goes through.
        form = Form(self.visit.with_user(self.user_dispatcher))
        form.fs_technician_id = self.bob
        form.save()
        self.assertEqual(self.visit.fs_technician_id, self.bob)

    def test_form_saves_on_the_version_it_read(self):
        start, end = self.later(2), self.later(4)
        form = Form(self.visit.with_user(self.user_dispatcher))
        form.fs_window_start = start
        form.fs_window_end = end
        form.save()
        self.assertEqual((self.visit.fs_window_start, self.visit.fs_window_end), (start, end))
        self.assertEqual(self.visit.fs_schedule_version, 2)
        form.fs_technician_id = self.bob  # the saved form reloaded version 2
        form.save()
        self.assertEqual(
            (self.visit.fs_technician_id, self.visit.fs_schedule_version), (self.bob, 3)
        )
        form.fs_access_notes = "Dog in the garden"  # no schedule change: never refused
        self.visit.write({"fs_window_start": self.later(1)})
        form.save()
        self.assertEqual(self.visit.fs_access_notes, "Dog in the garden")


@tagged("post_install", "-at_install")
class TestScheduleVersionTour(HttpCase, FieldServiceCase):
    def test_the_visit_form_refuses_a_save_over_someone_elses_change(self):
        """In the real web client (which sends only changed fields), not only in Form."""
        self.bob.employee_skill_ids.skill_level_id = self.senior
        visit = self.create_visit(name="Stale form boiler service")
        with mute_logger("odoo.http"):  # the refused save is logged: that is the point
            self.start_tour(
                f"/odoo/action-field_service_cx.action_fs_visits/{visit.id}",
                "fs_visit_form_stale",
                login="fs_dina_dispatch",
            )
        visit.invalidate_recordset()
        self.assertEqual(visit.fs_technician_id, self.anna, "the other change stands")
        self.assertEqual(visit.fs_schedule_version, 2)

    def test_the_dispatch_calendar_refuses_a_drag_over_someone_elses_change(self):
        self.bob.employee_skill_ids.skill_level_id = self.senior
        start = windows.to_utc(datetime.combine(date.today(), time(8, 0)), PARIS)
        visit = self.create_visit(
            name="Calendar stale move",
            fs_technician_id=self.anna.id,
            fs_window_start=start,
            fs_window_end=start + timedelta(hours=2),
        )
        with mute_logger("odoo.http"):  # the refused move is logged: that is the point
            self.start_tour(
                "/odoo/action-field_service_cx.action_fs_dispatch_calendar",
                "fs_dispatch_calendar_stale",
                login="fs_dina_dispatch",
            )
        visit.invalidate_recordset()
        self.assertEqual(visit.fs_technician_id, self.bob, "the other change stands")
        self.assertGreater(visit.fs_window_start, start, "the move on the reloaded version")
        self.assertEqual(visit.fs_schedule_version, 3, "Bob, then that one move: never the stale")
        self.assertEqual(len(visit.fs_promise_ids), 2, "booked, then moved once")
