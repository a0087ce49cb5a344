from odoo import fields, models


class FsVisitPromise(models.Model):
    """One window promised to the customer, kept forever: on-time is measured against the latest."""

    _name = "fs.visit.promise"
    _description = "Promised window"
    _order = "task_id, promised_at desc, id desc"

    task_id = fields.Many2one(
        "project.task", string="Visit", required=True, ondelete="cascade", index=True
    )
    window_start = fields.Datetime(required=True)
    window_end = fields.Datetime(required=True)
    promised_at = fields.Datetime(required=True, default=fields.Datetime.now)
    source = fields.Selection(
        [
            ("booking", "Booking"),
            ("company", "Changed by us"),
            ("customer", "Changed by the customer"),
            ("delay", "Delay alert"),
        ],
        required=True,
        default="company",
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
