from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import geo, kits


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
    stock_move_id = fields.Many2one(
        "stock.move",
        string="Taken from the van",
        readonly=True,
        copy=False,
        help="The stock move that took the used quantity out of the technician's van.",
    )
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

    @api.constrains("quantity", "quantity_used")
    def _check_quantities(self):
        for line in self:
            if line.quantity < 0 or line.quantity_used < 0:
                raise ValidationError(
                    self.env._("%(part)s: quantities needed and used cannot be negative.")
                    % {"part": line.product_id.display_name}
                )

    def action_fs_use_one(self):
        return self._fs_change_used(1)

    def action_fs_unuse_one(self):
        return self._fs_change_used(-1)

    def _fs_change_used(self, step):
        for line in self:
            if line.stock_move_id:
                raise UserError(
                    self.env._(
                        "%(part)s was already taken from the van when the visit was done.",
                        part=line.product_id.display_name,
                    )
                )
            line.quantity_used = max(line.quantity_used + step, 0.0)
        return True

    def _fs_consume_from_van(self):
        """Take the used quantities out of the technician's van, once per line (done moves)."""
        lines = self.filtered(
            lambda line: line.quantity_used > 0
            and not line.stock_move_id
            and line.task_id.fs_technician_id.fs_van_location_id
        )
        if not lines:
            return
        shortfall = {
            line: line.quantity_used - line.quantity_in_van
            for line in lines
            if line.quantity_used > line.quantity_in_van
        }
        customers = self.env.ref("stock.stock_location_customers")
        # sudo: technicians have no stock rights; the move records what left their van
        moves = (
            self.env["stock.move"]
            .sudo()
            .create(
                [
                    {
                        "name": line.task_id.display_name,
                        "origin": line.task_id.display_name,
                        "product_id": line.product_id.id,
                        "product_uom": line.product_id.uom_id.id,
                        "product_uom_qty": line.quantity_used,
                        "location_id": line.task_id.fs_technician_id.fs_van_location_id.id,
                        "location_dest_id": customers.id,
                        "partner_id": line.task_id.fs_site_id.id,
                        "company_id": (line.task_id.company_id or self.env.company).id,
                    }
                    for line in lines
                ]
            )
        )
        moves._action_confirm()
        for move, line in zip(moves, lines, strict=True):
            move.quantity = line.quantity_used
            move.picked = True
        moves._action_done()
        for move, line in zip(moves, lines, strict=True):
            # sudo: the link is bookkeeping of the system, not the technician's edit
            line.sudo().stock_move_id = move
        for task in lines.task_id:
            short = [(line, qty) for line, qty in shortfall.items() if line.task_id == task]
            if short:
                task.message_post(
                    body=self.env._(
                        "Used more than the van held, to restock: %(parts)s.",
                        parts=", ".join(
                            f"{line.product_id.display_name} × {qty:g}" for line, qty in short
                        ),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

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

    def _fs_pickup_by_task(self):
        """{task id: (stock.location, text)}: where to pick up the parts missing from the van.

        Candidates are the other internal stocks: warehouses (placed at their address) and the
        other technicians' vans (placed where their technician's day starts). The rule is
        ``tools.kits.best_pickup``: the nearest place holding every missing part, else the one
        holding the most. One quant query for all the visits.
        """
        missing_lines = self.filtered(lambda line: line.quantity_missing > 0)
        if not missing_lines:
            return {}
        missing_by_task = {}
        for line in missing_lines:
            needs = missing_by_task.setdefault(line.task_id, {})
            needs[line.product_id.id] = needs.get(line.product_id.id, 0.0) + line.quantity_missing
        places = self._fs_pickup_places(
            set(missing_lines.product_id.ids), missing_lines.task_id.company_id
        )
        result = {}
        for task, needs in missing_by_task.items():
            own_van = task.fs_technician_id.fs_van_location_id
            stock_by_place = {
                key: place["stock"] for key, place in places.items() if place["location"] != own_van
            }
            start = task.fs_technician_id.fs_start_partner_id
            origin = (start.partner_latitude, start.partner_longitude)
            distance_to = {
                key: geo.haversine_km(origin, places[key]["point"])
                for key in stock_by_place
                if places[key]["point"] and geo.is_real_point(*origin)
            }
            best = kits.best_pickup(needs, stock_by_place, distance_to)
            if best is None:
                continue
            place = places[best]
            lacking = [
                product
                for product, quantity in needs.items()
                if place["stock"].get(product, 0.0) < quantity
            ]
            text = place["name"]
            if best in distance_to:
                text = f"{text}, {distance_to[best]:.1f} km"
            if lacking:
                text = self.env._("%(place)s (not all: %(lacking)s)") % {
                    "place": text,
                    "lacking": ", ".join(
                        self.env["product.product"].browse(lacking).mapped("name")
                    ),
                }
            result[task.id] = (place["location"], text)
        return result

    @api.model
    def _fs_pickup_places(self, product_ids, companies):
        """{place key: {location, name, point, stock {product id: available}}} for products."""
        quants = self.env["stock.quant"]._read_group(
            [
                ("location_id.usage", "=", "internal"),
                ("product_id", "in", list(product_ids)),
                ("company_id", "in", (companies or self.env.companies).ids),
                ("quantity", ">", 0),
            ],
            ["location_id", "product_id"],
            ["quantity:sum", "reserved_quantity:sum"],
        )
        if not quants:
            return {}
        vans = {
            employee.fs_van_location_id: employee
            for employee in self.env["hr.employee.public"].search(
                [("fs_van_location_id", "!=", False)]
            )
        }
        van_by_path = {van.parent_path: van for van in vans}
        places = {}
        for location, product, quantity, reserved in quants:
            van = next(
                (van for path, van in van_by_path.items() if location.parent_path.startswith(path)),
                None,
            )
            if van:
                key, employee = ("van", van.id), vans[van]
                start = employee.fs_start_partner_id
                place = {
                    "location": van,
                    "name": self.env._("%(van)s (%(technician)s)")
                    % {"van": van.name, "technician": employee.name},
                    "point": (start.partner_latitude, start.partner_longitude) if start else None,
                }
            elif location.warehouse_id:
                warehouse = location.warehouse_id
                key, address = ("warehouse", warehouse.id), warehouse.partner_id
                place = {
                    "location": warehouse.lot_stock_id,
                    "name": warehouse.name,
                    "point": (address.partner_latitude, address.partner_longitude)
                    if address
                    else None,
                }
            else:
                key = ("location", location.id)
                place = {"location": location, "name": location.display_name, "point": None}
            if place["point"] and not geo.is_real_point(*place["point"]):
                place["point"] = None
            stock = places.setdefault(key, dict(place, stock={}))["stock"]
            stock[product.id] = stock.get(product.id, 0.0) + max(quantity - reserved, 0.0)
        return places
