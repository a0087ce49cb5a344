from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import visit_states as vs


class FsVisitReasonWizard(models.TransientModel):
    """Ask why before a visit is cancelled or marked "customer not home"."""

    _name = "fs.visit.reason.wizard"
    _description = "Reason for a cancelled or missed visit"

    task_ids = fields.Many2many("project.task", string="Visits", required=True)
    target_state = fields.Selection(
        [(vs.CANCELLED, "Cancelled"), (vs.NOT_HOME, "Customer not home")], required=True
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.reason or not self.reason.strip():
            raise UserError(self.env._("Please say why."))
        field = "fs_cancel_reason" if self.target_state == vs.CANCELLED else "fs_not_home_reason"
        self.task_ids._fs_move(self.target_state, {field: self.reason.strip()})
        return {"type": "ir.actions.act_window_close"}
