from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestPartsPickup(FieldServiceCase):
    """Anna's van lacks the kit's 2 valves: where is the nearest stock that has them?"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        # The depot is 30 km from Anna's start; Bob starts 2 km from her.
        cls.warehouse.partner_id.write({"partner_latitude": 45.80, "partner_longitude": 5.20})
        cls.anna_home, cls.bob_home = env["res.partner"].create(
            [
                {"name": "Anna home", "partner_latitude": 45.76, "partner_longitude": 4.83},
                {"name": "Bob home", "partner_latitude": 45.77, "partner_longitude": 4.85},
            ]
        )
        cls.van_bob = env["stock.location"].create(
            {
                "name": "Van Bob",
                "usage": "internal",
                "location_id": cls.warehouse.view_location_id.id,
            }
        )
        cls.anna.fs_start_partner_id = cls.anna_home
        cls.bob.write(
            {"fs_start_partner_id": cls.bob_home.id, "fs_van_location_id": cls.van_bob.id}
        )
        cls.seal = env["product.product"].create({"name": "Seal (test)", "is_storable": True})
        cls.Quant = env["stock.quant"]

    def _fresh(self, visits):
        visits.invalidate_recordset()
        visits.fs_part_ids.invalidate_recordset()
        return visits

    def test_nearest_stock_holding_every_missing_part_is_suggested(self):
        self.Quant._update_available_quantity(self.valve, self.warehouse.lot_stock_id, 10)
        self.Quant._update_available_quantity(self.valve, self.van_bob, 3)
        visit = self._fresh(self.create_visit(fs_technician_id=self.anna.id))
        self.assertFalse(visit.fs_parts_ready)
        self.assertEqual(visit.fs_parts_pickup_location_id, self.van_bob)
        self.assertRegex(visit.fs_parts_pickup, r"^Van Bob \(Bob Tech\), 1\.\d km$")
        # The technician (no stock or HR rights) sees the same suggestion on their day.
        as_anna = self._fresh(visit.with_user(self.user_anna))
        self.assertEqual(as_anna.fs_parts_pickup, self._fresh(visit).fs_parts_pickup)

    def test_full_cover_beats_distance_and_shortfalls_are_named(self):
        self.Quant._update_available_quantity(self.valve, self.warehouse.lot_stock_id, 10)
        self.Quant._update_available_quantity(self.valve, self.van_bob, 1)  # not enough
        visit = self._fresh(self.create_visit(fs_technician_id=self.anna.id))
        self.assertEqual(visit.fs_parts_pickup_location_id, self.warehouse.lot_stock_id)
        self.assertIn(self.warehouse.name, visit.fs_parts_pickup)
        # A second missing part that nobody holds: the best place covers what it can.
        visit.write({"fs_part_ids": [Command.create({"product_id": self.seal.id, "quantity": 1})]})
        self._fresh(visit)
        self.assertEqual(visit.fs_parts_pickup_location_id, self.warehouse.lot_stock_id)
        self.assertIn("not all: Seal (test)", visit.fs_parts_pickup)

    def test_reserved_stock_and_own_van_are_not_offered(self):
        # Anna's own van holds 1 of 2: still missing 1, and her van is never "elsewhere".
        self.Quant._update_available_quantity(self.valve, self.van_anna, 1)
        self.Quant._update_available_quantity(
            self.valve, self.warehouse.lot_stock_id, 5, reserved_quantity=5
        )
        visit = self._fresh(self.create_visit(fs_technician_id=self.anna.id))
        self.assertIn("Valve (test) × 1", visit.fs_parts_missing)
        self.assertFalse(visit.fs_parts_pickup_location_id)
        self.assertFalse(visit.fs_parts_pickup)

    def test_no_suggestion_when_ready_or_closed(self):
        self.Quant._update_available_quantity(self.valve, self.warehouse.lot_stock_id, 10)
        self.Quant._update_available_quantity(self.valve, self.van_anna, 2)
        ready = self._fresh(self.create_visit(fs_technician_id=self.anna.id))
        self.assertTrue(ready.fs_parts_ready)
        self.assertFalse(ready.fs_parts_pickup)
        cancelled = self.create_visit(fs_technician_id=self.bob.id, fs_job_type_id=False)
        cancelled.write({"fs_part_ids": [Command.create({"product_id": self.valve.id})]})
        self.assertFalse(self._fresh(cancelled).fs_parts_ready)
        cancelled._fs_move("cancelled")
        self.assertFalse(self._fresh(cancelled).fs_parts_pickup)
        self.assertTrue(cancelled.fs_parts_ready, "a closed visit needs nothing brought")
        self.assertFalse(cancelled.fs_parts_missing)

    def test_pickup_is_computed_in_batch(self):
        self.Quant._update_available_quantity(self.valve, self.warehouse.lot_stock_id, 10)
        self.Quant._update_available_quantity(self.valve, self.van_bob, 5)
        one = self.create_visit(fs_technician_id=self.anna.id)
        many = one
        for _index in range(4):
            many |= self.create_visit(fs_technician_id=self.anna.id)

        def queries(visits):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            visits.mapped("fs_parts_pickup")
            return self.env.cr.sql_log_count - before

        queries(one)  # warm the caches that invalidation keeps (rules, access)
        self.assertEqual(queries(many), queries(one), "pickup suggestions must not query per visit")
        self.assertEqual(many.fs_parts_pickup_location_id, self.van_bob)

    def test_technician_adds_a_part_outside_the_kit_on_their_visit_only(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        visit.with_user(self.user_anna).write(
            {
                "fs_part_ids": [
                    Command.create({"product_id": self.seal.id, "quantity": 0, "quantity_used": 1})
                ]
            }
        )
        added = visit.fs_part_ids.filtered(lambda line: line.product_id == self.seal)
        self.assertEqual((added.from_kit, added.quantity_used), (False, 1.0))
        # Re-applying the job type keeps what the technician added.
        visit.fs_job_type_id = False
        visit.fs_job_type_id = self.job_type
        self.assertIn(self.seal, visit.fs_part_ids.product_id)
        self.assertEqual(visit.fs_part_ids.filtered("from_kit").product_id, self.valve)
        with self.assertRaises(AccessError):
            self.env["fs.visit.part"].with_user(self.user_bob).create(
                {"task_id": visit.id, "product_id": self.seal.id}
            )

    def test_negative_quantities_are_refused_clearly(self):
        visit = self.create_visit(fs_technician_id=self.anna.id)
        with self.assertRaisesRegex(ValidationError, "Valve \\(test\\): quantities"):
            visit.fs_part_ids.quantity_used = -1

    def test_day_card_and_form_show_the_pickup(self):
        Task = self.env["project.task"]
        day = Task.get_views(
            [(self.env.ref("field_service_cx.project_task_view_kanban_fs_day").id, "kanban")]
        )
        form = Task.get_views([(False, "form")])
        self.assertIn('name="fs_parts_pickup"', day["views"]["kanban"]["arch"])
        self.assertIn('name="fs_parts_pickup"', form["views"]["form"]["arch"])
