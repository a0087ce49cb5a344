from odoo import fields, models

from ..tools import durations


class FsJobTypeDuration(models.Model):
    """One technician's measured on-site time for a job type (the nightly cron writes it)."""

    _name = "fs.job.type.duration"
    _description = "Measured duration per technician"
    _order = "job_type_id, sample_count desc, id"

    job_type_id = fields.Many2one("fs.job.type", required=True, ondelete="cascade", index=True)
    employee_id = fields.Many2one("hr.employee", "Technician", required=True, ondelete="cascade")
    sample_count = fields.Integer("Visits", readonly=True)
    p50_minutes = fields.Float("P50 (min)", digits=(16, 0), readonly=True)
    p80_minutes = fields.Float("P80 (min)", digits=(16, 0), readonly=True)
    used = fields.Boolean(
        "Planned with",
        compute="_compute_used",
        help="Enough visits for the planner to use this technician's own figure.",
    )

    _sql_constraints = [
        (
            "job_type_employee_unique",
            "UNIQUE(job_type_id, employee_id)",
            "One measured duration per technician and job type.",
        ),
    ]

    def _compute_used(self):
        for line in self:
            line.used = line.sample_count >= durations.MIN_TECHNICIAN_SAMPLES

    def _fs_stats(self):
        """The line as pure statistics (None for an empty line)."""
        self.ensure_one()
        if self.sample_count < 1 or self.p50_minutes <= 0:
            return None
        return durations.DurationStats(
            self.sample_count, self.p50_minutes, max(self.p80_minutes, self.p50_minutes)
        )
