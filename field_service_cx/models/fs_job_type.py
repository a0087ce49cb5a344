import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import durations
from ..tools import visit_states as vs

_logger = logging.getLogger(__name__)

# Settings (Settings › Field Service › Durations from history).
DURATION_PERIOD_PARAM = "field_service_cx.duration_period_days"
DURATION_QUANTILE_PARAM = "field_service_cx.duration_quantile"
# The nightly cron recomputes this many job types per savepoint-protected batch.
DURATION_BATCH = 50
# An unmeasured job's spread for the window simulation: its P80 is its constant times this.
UNMEASURED_SPREAD = 1.25
# Visits whose planned duration follows the measured figures (not started, not closed).
PLANNED_STATES = (vs.TO_SCHEDULE, vs.SCHEDULED, vs.CONFIRMED)


class FsJobType(models.Model):
    """A kind of visit: how long it takes, who may do it, what to bring and what to check."""

    _name = "fs.job.type"
    _description = "Field service job type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    color = fields.Integer()
    service_minutes = fields.Integer(
        "Service duration (min)", default=60, help="Time on site, used for windows and routes."
    )
    required_skill_ids = fields.One2many("fs.required.skill", "job_type_id", copy=True)
    kit_line_ids = fields.One2many("fs.job.type.kit.line", "job_type_id", copy=True)
    checklist_line_ids = fields.One2many("fs.job.type.checklist.line", "job_type_id", copy=True)
    requires_signature = fields.Boolean(help="Done needs the customer's signature.")
    customer_preparation = fields.Text(
        "What the customer should prepare",
        translate=True,
        help="Shown to the customer in the confirmation and on the visit page.",
    )
    help_user_ids = fields.Many2many(
        "res.users",
        "fs_job_type_help_user_rel",
        "job_type_id",
        "user_id",
        string="Help from",
        domain=[("share", "=", False)],
        help='The experts a technician\'s "Ask for help" reaches on visits of this job type; '
        "empty: the dispatchers on duty.",
    )
    visit_count = fields.Integer(compute="_compute_visit_count")
    # ---- durations from history (the nightly cron writes them) ----
    duration_count = fields.Integer(
        "Measured visits",
        readonly=True,
        help="Done visits of the period with an arrival and a done time.",
    )
    duration_p50 = fields.Float("Measured P50 (min)", digits=(16, 0), readonly=True)
    duration_p80 = fields.Float("Measured P80 (min)", digits=(16, 0), readonly=True)
    duration_computed_at = fields.Datetime("Measured on", readonly=True)
    duration_technician_ids = fields.One2many(
        "fs.job.type.duration", "job_type_id", string="Per technician", readonly=True
    )
    duration_summary = fields.Char("Measured on site", compute="_compute_duration_summary")
    planned_minutes = fields.Integer(
        "Planned duration (min)",
        compute="_compute_duration_summary",
        help="What the planner and the booking use: the measured P50 or P80 (Settings) once "
        "enough visits were measured, else the service duration.",
    )

    _sql_constraints = [
        (
            "service_minutes_positive",
            "CHECK(service_minutes > 0)",
            "A job type's service duration must be positive.",
        ),
    ]

    def _compute_visit_count(self):
        counts = dict(
            self.env["project.task"]._read_group(
                [("fs_job_type_id", "in", self.ids)], ["fs_job_type_id"], ["__count"]
            )
        )
        for job_type in self:
            job_type.visit_count = counts.get(job_type, 0)

    @api.depends("duration_count", "duration_p50", "duration_p80", "service_minutes")
    def _compute_duration_summary(self):
        for job_type in self:
            job_type.planned_minutes = job_type._fs_service_minutes()
            if not job_type.duration_count:
                job_type.duration_summary = self.env._("Not measured yet")
                continue
            summary = self.env._(
                "P50 / P80: %(p50)s / %(p80)s min from %(count)s visits",
                p50=round(job_type.duration_p50),
                p80=round(job_type.duration_p80),
                count=job_type.duration_count,
            )
            if job_type.duration_count < durations.MIN_JOB_SAMPLES:
                summary = self.env._(
                    "%(summary)s (too few: planned with the service duration)", summary=summary
                )
            job_type.duration_summary = summary

    # ---- the planned duration: the one rule for booking, routing and the board ---------------

    @api.model
    def _fs_duration_quantile(self):
        which = self.env["ir.config_parameter"].sudo().get_param(DURATION_QUANTILE_PARAM)
        return which if which in durations.QUANTILES else durations.DEFAULT_QUANTILE

    def _fs_duration_sources(self, technician=None):
        """(job type stats, technician stats) as pure statistics (either may be None)."""
        self.ensure_one()
        job = None
        if self.duration_count and self.duration_p50 > 0:
            job = durations.DurationStats(
                self.duration_count, self.duration_p50, max(self.duration_p80, self.duration_p50)
            )
        own = None
        if technician:
            line = self.duration_technician_ids.filtered(lambda row: row.employee_id == technician)[
                :1
            ]
            own = line._fs_stats() if line else None
        return job, own

    def _fs_service_minutes(self, technician=None):
        """The minutes to plan this job with (``technician``'s own figure where they did it
        enough times, else the job type's measured one, else its constant): booking windows,
        routes, the dispatch board and the visit's own duration all take it from here."""
        self.ensure_one()
        job, own = self._fs_duration_sources(technician)
        return durations.planned_minutes(
            self.service_minutes, job, own, self._fs_duration_quantile()
        )

    def _fs_duration_spread(self, technician=None):
        """(P50, P80) minutes of the job's duration for the window simulation: measured where
        the planner uses a measured figure, else around the constant."""
        self.ensure_one()
        job, own = self._fs_duration_sources(technician)
        for stats, minimum in (
            (own, durations.MIN_TECHNICIAN_SAMPLES),
            (job, durations.MIN_JOB_SAMPLES),
        ):
            if stats and stats.count >= minimum:
                return stats.p50, stats.p80
        return float(self.service_minutes), self.service_minutes * UNMEASURED_SPREAD

    # ---- the nightly cron ------------------------------------------------------------------

    @api.model
    def _fs_duration_period_days(self):
        raw = self.env["ir.config_parameter"].sudo().get_param(DURATION_PERIOD_PARAM)
        try:
            days = int(raw)
        except (TypeError, ValueError):
            return durations.DEFAULT_PERIOD_DAYS
        return days if days > 0 else durations.DEFAULT_PERIOD_DAYS

    @api.model
    def _cron_fs_recompute_durations(self):
        """Measure every active job type over the rolling period, batch by batch: one query
        per batch, each job type in its own savepoint (one that fails is logged and left)."""
        job_types = self.with_context(active_test=True).search([], order="id")
        done = 0
        for index in range(0, len(job_types), DURATION_BATCH):
            batch = job_types[index : index + DURATION_BATCH]
            measured = batch._fs_measure_durations()
            for job_type in batch:
                try:
                    with self.env.cr.savepoint():
                        job_type._fs_store_durations(*measured.get(job_type.id, (None, {})))
                        done += 1
                except Exception:
                    _logger.warning(
                        "Durations of job type %s not recomputed", job_type.id, exc_info=True
                    )
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    def _fs_measure_durations(self, now=None):
        """{job type id: (stats, {employee id: stats})} over the period, in one read."""
        now = now or fields.Datetime.now()
        since = now - timedelta(days=self._fs_duration_period_days())
        rows = (
            self.env["project.task"]
            .with_context(active_test=False)
            .search_read(
                [
                    ("fs_is_visit", "=", True),
                    ("fs_state", "=", vs.DONE),
                    ("fs_job_type_id", "in", self.ids),
                    ("fs_done_at", ">=", since),
                    ("fs_done_at", "<=", now),
                    ("fs_arrived_at", "!=", False),
                ],
                ["fs_job_type_id", "fs_technician_id", "fs_arrived_at", "fs_done_at"],
                load=None,
            )
        )
        by_job, by_technician = durations.group_samples(
            (
                row["fs_job_type_id"],
                row["fs_technician_id"],
                row["fs_arrived_at"],
                row["fs_done_at"],
            )
            for row in rows
        )
        measured = {job_id: (stats, {}) for job_id, stats in by_job.items()}
        for (job_id, employee_id), stats in by_technician.items():
            measured[job_id][1][employee_id] = stats
        return measured

    def _fs_store_durations(self, stats, per_technician):
        """Store one job type's figures and move the planned visits that still hold the old
        figure to the new one (a duration set by hand on a visit is kept)."""
        self.ensure_one()
        visits = self.env["project.task"].search(
            [
                ("fs_job_type_id", "=", self.id),
                ("fs_state", "in", PLANNED_STATES),
                "|",
                ("fs_window_start", "=", False),
                ("fs_window_start", ">=", fields.Datetime.now()),
            ]
        )
        before = {tech: self._fs_service_minutes(tech) for tech in visits.fs_technician_id}
        before_none = self._fs_service_minutes()
        self.duration_technician_ids.unlink()
        self.write(
            {
                "duration_count": stats.count if stats else 0,
                "duration_p50": stats.p50 if stats else 0.0,
                "duration_p80": stats.p80 if stats else 0.0,
                "duration_computed_at": fields.Datetime.now(),
                "duration_technician_ids": [
                    fields.Command.create(
                        {
                            "employee_id": employee_id,
                            "sample_count": tech_stats.count,
                            "p50_minutes": tech_stats.p50,
                            "p80_minutes": tech_stats.p80,
                        }
                    )
                    for employee_id, tech_stats in sorted(per_technician.items())
                ],
            }
        )
        moves = {}  # new minutes -> visits
        for visit in visits:
            tech = visit.fs_technician_id
            old = before.get(tech, before_none) if tech else before_none
            new = self._fs_service_minutes(tech or None)
            if visit.fs_service_minutes == old and new != old:
                moves.setdefault(new, self.env["project.task"])
                moves[new] |= visit
        for minutes, moved in moves.items():
            moved.write({"fs_service_minutes": minutes})

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["project.task"]
            .with_context(active_test=False)
            ._read_group([("fs_job_type_id", "in", self.ids)], ["fs_job_type_id"], ["__count"])
        )
        if used:
            names = ", ".join(f"{job_type.name} ({count} visits)" for job_type, count in used)
            raise UserError(
                self.env._(
                    "These job types are used by visits and cannot be deleted: %s. Archive them."
                )
                % names
            )
