from odoo import api, fields, models


class FsVisitOrderWizard(models.TransientModel):
    """ "On my way" to a later visit while an earlier one is open: asked first, by name."""

    _name = "fs.visit.order.wizard"
    _description = "Go to a later visit first"

    task_id = fields.Many2one("project.task", string="Visit", required=True, ondelete="cascade")
    question = fields.Text(compute="_compute_question")

    @api.depends("task_id")
    def _compute_question(self):
        for wizard in self:
            task = wizard.task_id
            earlier = task.fs_earlier_open_visit_id
            wizard.question = self.env._(
                "%(earlier)s (%(window)s, %(customer)s) is still open. Go to %(visit)s first? "
                "Your stops are put in the new order and re-timed; the customers are told.",
                earlier=earlier.name or "",
                window=earlier.fs_window_day_display or "",
                customer=earlier.partner_id.name or "",
                visit=task.name or "",
            )

    def action_confirm(self):
        self.ensure_one()
        self.task_id.action_fs_on_my_way()
        return {"type": "ir.actions.act_window_close"}
