from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestCantFinish(FieldServiceCase):
    """ "Can't finish" on the phone, as the technician: why, a follow-up, the parts ordered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit = cls.create_visit(name="Anna's boiler", fs_technician_id=cls.anna.id)
        cls.as_anna = cls.visit.with_user(cls.user_anna)
        cls.env["stock.quant"]._update_available_quantity(cls.valve, cls.van_anna, 1)
        cls.as_anna.action_fs_on_my_way()
        cls.as_anna.action_fs_arrive()

    def open_dialog(self):
        action = self.as_anna.action_fs_cant_finish()
        self.assertEqual(action["name"], "Can't finish")
        Wizard = self.env[action["res_model"]].with_user(self.user_anna)
        return Form(Wizard.with_context(**action["context"]))

    def test_a_reason_is_required_and_nothing_is_written_without_it(self):
        dialog = self.open_dialog()
        with self.assertRaisesRegex(AssertionError, "reason is a required field"):
            dialog.save()  # the dialog asks for it
        action = self.as_anna.action_fs_cant_finish()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_anna)
            .with_context(**action["context"])
            .create({})
        )
        with self.assertRaisesRegex(UserError, "say why"):
            wizard.action_confirm()
        wizard.reason = "other"
        with self.assertRaisesRegex(UserError, "describe"):
            wizard.action_confirm()
        self.assertEqual(self.visit.fs_state, "on_site")
        self.assertFalse(self.visit.fs_follow_up_ids)

    def test_parts_missing_books_a_follow_up_and_orders_the_parts_for_the_van(self):
        dialog = self.open_dialog()
        self.assertEqual(len(dialog.part_line_ids), 1, "the kit's valve short in the van")
        with dialog.part_line_ids.edit(0) as line:
            self.assertEqual((line.product_id, line.quantity), (self.valve, 1))
        dialog.reason = "parts"
        dialog.note = "The valve is the old model"
        self.assertTrue(dialog.order_parts)
        dialog.save().action_confirm()

        self.assertEqual(self.visit.fs_state, "unfinished")
        self.assertEqual(self.visit.fs_unfinished_reason, "parts")
        self.assertTrue(self.visit.fs_unfinished_at)
        follow_up = self.visit.fs_follow_up_ids
        self.assertEqual(len(follow_up), 1)
        self.assertEqual(follow_up.fs_state, "to_schedule", "in the office's To schedule queue")
        self.assertEqual(
            (follow_up.partner_id, follow_up.fs_site_id, follow_up.fs_job_type_id),
            (self.visit.partner_id, self.visit.fs_site_id, self.visit.fs_job_type_id),
        )
        self.assertFalse(follow_up.fs_window_start or follow_up.fs_technician_id)
        # In the office's language: the visit, the note and the part are named whatever it is.
        self.assertIn("Anna's boiler", follow_up.description)
        self.assertIn("Valve (test) × 1", follow_up.description)
        self.assertIn("The valve is the old model", follow_up.description)
        self.assertEqual(
            [(p.product_id, p.quantity) for p in follow_up.fs_part_ids], [(self.valve, 1)]
        )
        self.assertTrue(follow_up.activity_ids, "the office is asked to call the customer")

        picking = self.visit.fs_replenishment_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id.code, "internal")
        self.assertEqual(picking.location_dest_id, self.van_anna)
        self.assertEqual(picking.state, "confirmed")
        self.assertEqual(
            [(m.product_id, m.product_uom_qty) for m in picking.move_ids], [(self.valve, 1)]
        )
        self.assertEqual(follow_up.fs_replenishment_ids, picking)

    def test_rebook_only_orders_nothing(self):
        dialog = self.open_dialog()
        dialog.reason = "skill"
        self.assertFalse(dialog.order_parts)
        dialog.save().action_confirm()
        self.assertEqual(self.visit.fs_state, "unfinished")
        self.assertTrue(self.visit.fs_follow_up_ids)
        self.assertFalse(self.visit.fs_replenishment_ids)

    def test_technician_cannot_give_the_follow_up_a_window_or_a_technician(self):
        dialog = self.open_dialog()
        dialog.reason = "unsafe"
        dialog.save().action_confirm()
        follow_up = self.visit.fs_follow_up_ids.with_user(self.user_anna)
        for field, value in (
            ("fs_window_start", self.day.replace(hour=13)),
            ("fs_technician_id", self.anna.id),
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                follow_up.write({field: value})
        self.assertFalse(self.visit.fs_follow_up_ids.fs_technician_id)

    def test_the_customer_hears_a_follow_up_is_needed_not_that_it_is_done(self):
        dialog = self.open_dialog()
        dialog.reason = "customer"
        dialog.save().action_confirm()
        kinds = (
            self.env["fs.visit.message"].search([("task_id", "=", self.visit.id)]).mapped("kind")
        )
        self.assertIn("unfinished", kinds)
        self.assertNotIn("done", kinds)

    def test_a_visit_not_under_way_cannot_end_unfinished(self):
        visit = self.create_visit(name="Later", fs_technician_id=self.anna.id)
        with self.assertRaises(UserError):
            visit._fs_stop_unfinished("parts", "", [], rebook=True, order_parts=False)
        self.assertEqual(visit.fs_state, "scheduled")
        self.assertFalse(visit.fs_follow_up_ids)


@tagged("post_install", "-at_install")
class TestPartByBarcode(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.valve.barcode = "3760000000017"
        cls.seal = cls.env["product.product"].create(
            {"name": "Seal (test)", "default_code": "FS-SEAL", "is_storable": True}
        )
        cls.visit = cls.create_visit(name="Anna's boiler", fs_technician_id=cls.anna.id)
        cls.as_anna = cls.visit.with_user(cls.user_anna)
        cls.as_anna.action_fs_on_my_way()
        cls.as_anna.action_fs_arrive()

    def test_a_known_barcode_on_the_visit_counts_one_more_used(self):
        self.as_anna.action_fs_add_part_by_code("3760000000017")
        answer = self.as_anna.action_fs_add_part_by_code(" 3760000000017 ")
        line = self.visit.fs_part_ids.filtered(lambda p: p.product_id == self.valve)
        self.assertEqual((len(line), line.quantity_used), (1, 2))
        self.assertIn("Valve (test)", answer["message"])

    def test_a_reference_not_on_the_visit_adds_the_part(self):
        self.as_anna.action_fs_add_part_by_code("fs-seal")
        line = self.visit.fs_part_ids.filtered(lambda p: p.product_id == self.seal)
        self.assertEqual((line.quantity, line.quantity_used), (1, 1))

    def test_an_unknown_code_says_so_and_adds_nothing(self):
        before = len(self.visit.fs_part_ids)
        answer = self.as_anna.action_fs_add_part_by_code("NOPE-42")
        self.assertFalse(answer["line_id"])
        self.assertIn("No part has the code NOPE-42", answer["message"])
        self.assertEqual(len(self.visit.fs_part_ids), before)

    def test_parts_are_added_on_site_only(self):
        later = self.create_visit(name="Later", fs_technician_id=self.anna.id)
        with self.assertRaisesRegex(UserError, "on site"):
            later.with_user(self.user_anna).action_fs_add_part_by_code("FS-SEAL")


@tagged("post_install", "-at_install")
class TestOutOfOrder(FieldServiceCase):
    """On my way to a later visit while an earlier one is open: asked, then the day follows."""

    def test_going_to_a_later_visit_asks_naming_the_earlier_then_reorders_the_day(self):
        first, second, third = (
            self.create_visit(
                name=name,
                fs_technician_id=self.anna.id,
                fs_window_start=self.day.replace(hour=hour),
                fs_window_end=self.day.replace(hour=hour + 2),
                fs_route_sequence=sequence,
            )
            for sequence, (name, hour) in enumerate(
                (("First visit", 8), ("Second visit", 10), ("Third visit", 13)), start=1
            )
        )
        as_anna = third.with_user(self.user_anna)
        self.assertEqual(as_anna.fs_earlier_open_visit_id, first)
        action = as_anna.action_fs_on_my_way_ask()
        self.assertEqual(third.fs_state, "scheduled", "nothing moves before the answer")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_anna)
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn("First visit", wizard.question)
        wizard.action_confirm()
        self.assertEqual(third.fs_state, "en_route")
        self.assertEqual(
            [v.fs_day_stop_number for v in (third, first, second)],
            [1, 2, 3],
            "the visit under way is the next stop, the others follow in their order",
        )
