from odoo import fields, models


class FsJobTypeKitLine(models.Model):
    """A part the technician should carry for a job type."""

    _name = "fs.job.type.kit.line"
    _description = "Parts kit line"
    _order = "job_type_id, id"

    job_type_id = fields.Many2one("fs.job.type", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", required=True, domain=[("type", "=", "consu")])
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id")

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A kit quantity must be positive."),
    ]
