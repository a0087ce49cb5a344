from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.sql import create_index

# The customer's changes on the visit page (the ``done`` keys of the portal's POST routes).
ACTIONS = [
    ("rescheduled", "Reschedule"),
    ("cancelled", "Cancel"),
    ("notes", "Access notes"),
    ("rated", "Rating"),
    ("disputed", "Question on the report"),
    ("confirmed", "Confirmation"),
]


class FsVisitPortalPost(models.Model):
    """One change a customer sent from a visit's page: what, when, from where, and whether
    it was taken. It bounds how often one link changes a visit (every worker counts the same
    rows) and is the audit of replayed or disputed submissions. Kept for the report
    retention, like the link itself."""

    _name = "fs.visit.portal.post"
    _description = "Customer change on a visit page"
    _order = "id desc"

    task_id = fields.Many2one(
        "project.task", string="Visit", required=True, ondelete="cascade", index=True
    )
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    accepted = fields.Boolean(readonly=True)
    remote_addr = fields.Char("IP address", readonly=True)
    user_agent = fields.Char("Browser", readonly=True)

    def init(self):
        # The hourly count reads the newest rows of one visit.
        create_index(
            self.env.cr,
            "fs_visit_portal_post_task_date_idx",
            self._table,
            ["task_id", "create_date"],
        )

    @api.autovacuum
    def _gc_old_posts(self):
        days = self.env["project.task"]._fs_portal_setting("report_retention_days")
        limit = fields.Datetime.now() - timedelta(days=days)
        self.search([("create_date", "<", limit)]).unlink()
