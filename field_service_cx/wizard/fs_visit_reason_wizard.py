from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import reminders
from ..tools import visit_states as vs


class FsVisitReasonWizard(models.TransientModel):
    """Ask why before a visit is cancelled or marked "customer not home"; on a cancel, ask
    whether the customer hears of it (the cancellation message of the ledger)."""

    _name = "fs.visit.reason.wizard"
    _description = "Reason for a cancelled or missed visit"

    task_ids = fields.Many2many("project.task", string="Visits", required=True)
    target_state = fields.Selection(
        [(vs.CANCELLED, "Cancelled"), (vs.NOT_HOME, "Customer not home")], required=True
    )
    reason = fields.Text(required=True)
    notify_customer = fields.Boolean(
        "Tell the customer",
        default=True,
        help="Send the customer the cancellation message (e-mail or SMS, as they prefer).",
    )

    def action_confirm(self):
        self.ensure_one()
        if not self.reason or not self.reason.strip():
            raise UserError(self.env._("Please say why."))
        field = "fs_cancel_reason" if self.target_state == vs.CANCELLED else "fs_not_home_reason"
        self.task_ids._fs_move(self.target_state, {field: self.reason.strip()})
        if self.target_state == vs.CANCELLED and not self.notify_customer:
            # sudo: the ledger is written by the system; only this cancel's message is withdrawn.
            self.env["fs.visit.message"].sudo().search(
                [
                    ("task_id", "in", self.task_ids.ids),
                    ("kind", "=", reminders.CANCELLED),
                    ("state", "in", ("planned", "queued")),
                ]
            )._fs_void(self.env._("the dispatcher chose not to tell the customer"))
        return {"type": "ir.actions.act_window_close"}
