from odoo import api, fields, models


class FsVisitPart(models.Model):
    """A part for one visit: needed (from the kit or added) and used on site."""

    _name = "fs.visit.part"
    _description = "Visit part"
    _order = "task_id, id"

    task_id = fields.Many2one(
        "project.task", string="Visit", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    quantity = fields.Float("Needed", digits="Product Unit of Measure", default=1.0)
    quantity_used = fields.Float("Used", digits="Product Unit of Measure")
    from_kit = fields.Boolean(help="Copied from the job type's parts kit.")
    quantity_in_van = fields.Float(
        "In the van", digits="Product Unit of Measure", compute="_compute_quantity_in_van"
    )
    quantity_missing = fields.Float(
        "Missing", digits="Product Unit of Measure", compute="_compute_quantity_in_van"
    )

    _sql_constraints = [
        (
            "quantities_not_negative",
            "CHECK(quantity >= 0 AND quantity_used >= 0)",
            "Part quantities cannot be negative.",
        ),
    ]

    @api.depends("product_id", "quantity", "task_id.fs_technician_id.fs_van_location_id")
    def _compute_quantity_in_van(self):
        on_hand = self._fs_van_stock()
        for line in self:
            van = line.task_id.fs_technician_id.fs_van_location_id
            line.quantity_in_van = on_hand.get((van.id, line.product_id.id), 0.0)
            line.quantity_missing = max(line.quantity - line.quantity_in_van, 0.0)

    def _fs_van_stock(self):
        """{(van location id, product id): quantity on hand} for these lines, in one query."""
        vans = self.task_id.fs_technician_id.fs_van_location_id
        if not vans or not self.product_id:
            return {}
        # sudo: technicians read their van's stock without stock rights; only quantities leave.
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [("location_id", "in", vans.ids), ("product_id", "in", self.product_id.ids)],
                ["location_id", "product_id"],
                ["quantity:sum"],
            )
        )
        return {(location.id, product.id): qty for location, product, qty in groups}
