from datetime import datetime, timedelta

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..tools import windows
from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestTechnicianScreen(FieldServiceCase):
    """What a technician does on the phone, as the technician (not as the superuser)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit = cls.create_visit(name="Anna's boiler", fs_technician_id=cls.anna.id)
        cls.as_anna = cls.visit.with_user(cls.user_anna)

    def test_technician_marks_customer_not_home_through_the_dialog(self):
        self.as_anna.action_fs_on_my_way()
        action = self.as_anna.action_fs_not_home()
        self.assertEqual(action["name"], "Customer not home")
        Wizard = self.env[action["res_model"]].with_user(self.user_anna)
        wizard = Form(Wizard.with_context(**action["context"]))
        wizard.reason = "Nobody answered the door or the phone"
        wizard.save().action_confirm()
        self.assertEqual(self.visit.fs_state, "not_home")
        self.assertTrue(self.visit.fs_not_home_at)

    def test_technician_cannot_clear_required_or_rename_checklist_items(self):
        line = self.as_anna.fs_checklist_line_ids.filtered("required")
        with self.assertRaisesRegex(AccessError, "Required"):
            line.required = False
        with self.assertRaises(AccessError):
            line.name = "Skip the flue"
        with self.assertRaises(AccessError):
            self.as_anna.write({"fs_checklist_line_ids": [(1, line.id, {"required": False})]})
        self.assertTrue(self.visit.fs_checklist_line_ids.filtered("required"))
        line.is_done = True  # ticking stays theirs
        self.assertTrue(line.is_done)

    def test_required_open_item_blocks_done_naming_it(self):
        self.as_anna.action_fs_on_my_way()
        self.as_anna.action_fs_arrive()
        with self.assertRaisesRegex(UserError, "Check flue"):
            self.as_anna.action_fs_done()
        self.assertEqual(self.visit.fs_state, "on_site")

    def test_technician_cannot_change_window_job_type_or_technician(self):
        for field, value in (
            ("fs_window_start", self.day.replace(hour=7)),
            ("fs_window_end", self.day.replace(hour=11)),
            ("fs_job_type_id", False),
            ("fs_technician_id", self.bob.id),
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                self.as_anna.write({field: value})
        self.assertEqual(self.visit.fs_technician_id, self.anna)
        self.assertEqual(self.visit.fs_job_type_id, self.job_type)

    def test_technician_form_shows_nothing_they_may_not_change_as_editable(self):
        self.as_anna.action_fs_on_my_way()
        self.as_anna.action_fs_arrive()
        form = Form(self.as_anna, view="field_service_cx.project_task_view_form_fs_technician")
        for name in ("fs_window_start", "fs_job_type_id", "fs_technician_id", "partner_id"):
            if name in form._view["fields"]:
                self.assertTrue(form._get_modifier(name, "readonly"), name)
        line_form = form.fs_checklist_line_ids.edit(0)
        self.assertTrue(line_form._get_modifier("required", "readonly"))
        self.assertTrue(line_form._get_modifier("name", "readonly"))

    def test_used_part_leaves_the_van_once(self):
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.valve, self.van_anna, 5)
        part = self.as_anna.fs_part_ids
        self.as_anna.action_fs_on_my_way()
        self.as_anna.action_fs_arrive()
        part.action_fs_use_one()
        part.action_fs_use_one()
        part.action_fs_use_one()
        part.action_fs_unuse_one()
        self.assertEqual(part.quantity_used, 2)
        self.as_anna.fs_checklist_line_ids.filtered("required").is_done = True
        self.as_anna.action_fs_done()
        self.assertEqual(Quant._get_available_quantity(self.valve, self.van_anna), 3)
        move = part.stock_move_id
        self.assertEqual(move.state, "done")
        self.assertEqual(move.location_dest_id, self.env.ref("stock.stock_location_customers"))
        self.assertEqual(move.quantity, 2)
        # Done again (e.g. a retried request) moves nothing more.
        part.sudo()._fs_consume_from_van()
        self.assertEqual(Quant._get_available_quantity(self.valve, self.van_anna), 3)

    def test_parts_used_beyond_the_van_are_listed_to_restock(self):
        self.env["stock.quant"]._update_available_quantity(self.valve, self.van_anna, 1)
        self.as_anna.action_fs_on_my_way()
        self.as_anna.action_fs_arrive()
        self.as_anna.fs_part_ids.quantity_used = 3
        self.as_anna.fs_checklist_line_ids.filtered("required").is_done = True
        self.as_anna.action_fs_done()
        self.assertEqual(self.visit.fs_part_ids.stock_move_id.quantity, 3)
        notes = self.visit.message_ids.filtered(lambda m: "to restock" in (m.body or ""))
        self.assertIn("Valve (test) × 2", notes.body)

    def test_work_summary_is_typed_as_plain_text(self):
        self.visit.fs_work_summary = "<p>Cleaned the <b>burner</b></p>"
        self.assertEqual(self.as_anna.fs_work_summary_text, "Cleaned the burner")
        self.as_anna.fs_work_summary_text = "Replaced a valve <tested>\nAll good"
        self.assertIn("Replaced a valve &lt;tested&gt;<br>All good", self.visit.fs_work_summary)

    def test_later_visit_knows_an_earlier_one_is_open(self):
        later = self.create_visit(
            name="Later visit",
            fs_technician_id=self.anna.id,
            fs_window_start=self.day.replace(hour=11),
            fs_window_end=self.day.replace(hour=13),
        )
        self.assertEqual(later.with_user(self.user_anna).fs_earlier_open_visit_id, self.visit)
        self.assertFalse(self.as_anna.fs_earlier_open_visit_id)

    def test_stop_numbers_skip_cancelled_visits_as_the_customer_is_told(self):
        common = {"fs_technician_id": self.anna.id}
        self.visit.fs_route_sequence = 1
        cancelled = self.create_visit(name="Cancelled", fs_route_sequence=2, **common)
        cancelled._fs_move("cancelled", {"fs_cancel_reason": "test"})
        later = self.create_visit(name="Later", fs_route_sequence=3, **common)
        unrouted = self.create_visit(name="Unrouted", **common)
        self.assertEqual(
            (self.visit | later | unrouted).with_user(self.user_anna).mapped("fs_day_stop_number"),
            [1, 2, 0],
        )

    def test_my_day_summary_counts_todays_visits_and_the_departure(self):
        now = datetime.now().replace(microsecond=0, second=0)
        self.visit.write(
            {
                "fs_window_start": now,
                "fs_window_end": now + timedelta(hours=2),
                "fs_eta": now + timedelta(minutes=30),
                "fs_planned_travel_minutes": 20,
                "fs_planned_travel_km": 12.5,
                "fs_route_sequence": 1,
            }
        )
        self.create_visit(
            name="Not Anna's", fs_window_start=now, fs_window_end=now + timedelta(hours=2)
        )
        summary = self.env["project.task"].with_user(self.user_anna).fs_my_day_summary()
        self.assertEqual((summary["visits"], summary["open_visits"], summary["km"]), (1, 1, 12.5))
        zone, _note = self.visit._fs_zone()
        departure = windows.to_local(now + timedelta(minutes=10), zone).strftime("%H:%M")
        self.assertEqual(summary["first_departure"], departure)

    def test_last_visits_at_the_site_show_colleagues_work(self):
        earlier = self.create_visit(
            name="Bob's earlier visit", fs_job_type_id=False, fs_technician_id=self.bob.id
        )
        earlier.write({"fs_work_summary": "<p>Replaced the <b>pump</b></p>"})
        earlier._fs_move("en_route")
        earlier._fs_move("on_site")
        earlier.fs_checklist_line_ids.is_done = True
        earlier.action_fs_done()
        history = self.as_anna.fs_site_history
        self.assertIn("Bob Tech", history)
        self.assertIn("<div>Replaced the pump</div>", history)
        self.assertNotIn("<b>", history)

    def test_new_technician_lands_on_my_day_and_a_dispatcher_on_the_board(self):
        my_day = self.env.ref("field_service_cx.action_fs_my_day")
        # The calendar, or the board of field_service_routing when it is installed.
        board = self.env.ref(
            next(
                home
                for group, home in self.env["res.users"]._fs_role_homes()
                if group == "field_service_cx.group_fs_dispatcher"
            )
        )
        tech = mail_new_test_user(
            self.env, login="fs_new_tech", groups="field_service_cx.group_fs_technician"
        )
        self.assertEqual(tech.action_id.id, my_day.id)
        self.assertEqual(self.user_anna.action_id.id, my_day.id)
        self.assertEqual(self.user_dispatcher.action_id.id, board.id)
        admin = mail_new_test_user(
            self.env,
            login="fs_new_admin",
            groups="base.group_system,field_service_cx.group_fs_dispatcher",
        )
        self.assertFalse(admin.action_id, "administrators keep Odoo's own landing")
        clerk = mail_new_test_user(self.env, login="fs_clerk", groups="base.group_user")
        self.assertFalse(clerk.action_id)
        clerk.groups_id = [(4, self.env.ref("field_service_cx.group_fs_technician").id)]
        self.assertEqual(clerk.action_id.id, my_day.id)

    def test_technicians_there_before_the_module_land_on_my_day_keeping_a_chosen_one(self):
        my_day = self.env.ref("field_service_cx.action_fs_my_day")
        chosen = self.env.ref("field_service_cx.action_fs_visits")
        self.user_anna.action_id = False
        self.user_bob.action_id = chosen.id
        self.env["res.users"]._fs_set_home_action_all()
        self.assertEqual(self.user_anna.action_id.id, my_day.id)
        self.assertEqual(self.user_bob.action_id.id, chosen.id)
