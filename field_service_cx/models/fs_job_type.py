from odoo import api, fields, models
from odoo.exceptions import UserError


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
