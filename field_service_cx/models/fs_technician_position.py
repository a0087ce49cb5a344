from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import positions

RETENTION_PARAM = "field_service_cx.position_retention_days"
PURGE_BATCH = 5000


class FsTechnicianPosition(models.Model):
    """Where a technician's phone was while on the way to a visit.

    Rows are written only by ``project.task.fs_share_position`` (checked there: on the way,
    the technician's own visit, inside their working hours); technicians have no access to the
    model itself. Dispatchers and managers read them. Kept a few days (a setting), then purged.
    """

    _name = "fs.technician.position"
    _description = "Technician position"
    _order = "recorded_at desc, id desc"
    _log_access = False  # recorded_at says when; the technician says who

    technician_id = fields.Many2one(
        "hr.employee", "Technician", required=True, index=True, ondelete="cascade"
    )
    visit_id = fields.Many2one(
        "project.task", "Visit", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="visit_id.company_id", store=True)
    latitude = fields.Float(digits=(10, 7), required=True)
    longitude = fields.Float(digits=(10, 7), required=True)
    accuracy = fields.Float("Accuracy (m)", help="The phone's own estimate, in metres.")
    recorded_at = fields.Datetime(
        "Received at",
        required=True,
        index=True,
        default=fields.Datetime.now,
        help="The server's time when the position arrived (not the phone's clock).",
    )

    def init(self):
        # The latest position of a visit is read on every map refresh.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS fs_technician_position_visit_recorded_idx "
                "ON fs_technician_position (visit_id, recorded_at DESC)"
            )
        )

    @api.model
    def _fs_retention_days(self):
        # sudo: a number of the company's settings, read by the purge cron and the settings
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            return max(int(value), 1) if value else positions.DEFAULT_RETENTION_DAYS
        except ValueError:
            return positions.DEFAULT_RETENTION_DAYS

    @api.model
    def _cron_fs_purge_positions(self, batch_size=PURGE_BATCH):
        """Remove the positions older than the retention, one batch per run; the cron runs
        again at once while older rows remain."""
        cutoff = positions.purge_before(fields.Datetime.now(), self._fs_retention_days())
        domain = [("recorded_at", "<", cutoff)]
        old = self.search(domain, limit=batch_size, order="id")
        done = len(old)
        old.unlink()
        remaining = self.search_count(domain) if done == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done
