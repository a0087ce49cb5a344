from odoo import fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import UserError


class ProjectTask(models.Model):
    """The customer's own "yes, I'll be there" (from the visit page a reminder links to)."""

    _inherit = "project.task"

    fs_customer_confirmed_at = fields.Datetime(
        "Confirmed by the customer", readonly=True, copy=False
    )

    def _fs_customer_confirm(self):
        """Record the customer's confirmation; a scheduled visit becomes confirmed."""
        self.ensure_one()
        if self.fs_state not in (vs.SCHEDULED, vs.CONFIRMED):
            raise UserError(self.env._("This visit cannot be confirmed any more."))
        if not self.fs_customer_confirmed_at:
            self.fs_customer_confirmed_at = fields.Datetime.now()
        if self.fs_state == vs.SCHEDULED:
            self._fs_move(vs.CONFIRMED)
        return True
