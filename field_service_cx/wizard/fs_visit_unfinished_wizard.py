from odoo import api, fields, models

from ..models.project_task import UNFINISHED_REASONS


class FsVisitUnfinishedWizard(models.TransientModel):
    """ "Can't finish": why, and what happens next (a follow-up visit, the parts ordered)."""

    _name = "fs.visit.unfinished.wizard"
    _description = "Visit that cannot be finished"

    task_id = fields.Many2one("project.task", string="Visit", required=True, ondelete="cascade")
    reason = fields.Selection(UNFINISHED_REASONS, string="Why")
    note = fields.Text(help="What the office and the next technician should know.")
    rebook = fields.Boolean(
        "Rebook a follow-up visit",
        default=True,
        help="A visit for the same customer, site and job to schedule, with the reason and "
        "the missing parts.",
    )
    order_parts = fields.Boolean(
        "Order the missing parts",
        compute="_compute_order_parts",
        store=True,
        readonly=False,
        help="A transfer from the warehouse to your van.",
    )
    part_line_ids = fields.One2many(
        "fs.visit.unfinished.wizard.line",
        "wizard_id",
        string="Missing parts",
        compute="_compute_part_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("task_id")
    def _compute_part_line_ids(self):
        for wizard in self:
            missing = wizard.task_id.fs_part_ids.filtered(lambda line: line.quantity_missing > 0)
            wizard.part_line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {"product_id": line.product_id.id, "quantity": line.quantity_missing}
                )
                for line in missing
            ]

    @api.depends("reason", "part_line_ids")
    def _compute_order_parts(self):
        for wizard in self:
            wizard.order_parts = wizard.reason == "parts" and bool(wizard.part_line_ids)

    def action_confirm(self):
        self.ensure_one()
        self.task_id._fs_stop_unfinished(
            self.reason,
            self.note,
            [(line.product_id, line.quantity) for line in self.part_line_ids],
            rebook=self.rebook,
            order_parts=self.order_parts,
        )
        return {"type": "ir.actions.act_window_close"}


class FsVisitUnfinishedWizardLine(models.TransientModel):
    _name = "fs.visit.unfinished.wizard.line"
    _description = "Missing part of a visit that cannot be finished"

    wizard_id = fields.Many2one("fs.visit.unfinished.wizard", required=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", string="Part", required=True)
    quantity = fields.Float(digits="Product Unit of Measure", default=1.0)
