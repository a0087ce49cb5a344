from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestTours(HttpCase, FieldServiceCase):
    def test_dispatcher_sees_the_visit_list(self):
        self.create_visit(name="Tour boiler service", fs_technician_id=self.anna.id)
        self.start_tour("/odoo", "fs_dispatcher_visits", login="fs_dina_dispatch")


@tagged("post_install", "-at_install")
class TestTechnicianDayOnPhone(HttpCase, FieldServiceCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_technician_works_the_day_at_phone_width(self):
        now = datetime.now().replace(microsecond=0)
        visit = self.create_visit(
            name="Tour boiler service",
            fs_technician_id=self.anna.id,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
            fs_access_notes="Gate code 1234",
        )
        visit.fs_checklist_line_ids.filtered("required").is_done = True
        self.start_tour(
            "/odoo/action-field_service_cx.action_fs_my_day",
            "fs_technician_day_phone",
            login="fs_anna_tech",
        )
        self.assertEqual(visit.fs_state, "done")
