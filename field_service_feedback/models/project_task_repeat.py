from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs

REPEAT_DAYS_PARAM = "field_service_feedback.repeat_days"


class ProjectTask(models.Model):
    """A visit at a site that had a finished visit shortly before is a repeat of it."""

    _inherit = "project.task"

    fs_repeat_of_id = fields.Many2one(
        "project.task",
        string="Repeat of",
        compute="_compute_fs_repeat_of_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="The earlier visit at this site, finished within the repeat period before this one.",
    )
    fs_repeat_ids = fields.One2many("project.task", "fs_repeat_of_id", string="Repeated by")
    fs_is_repeat = fields.Boolean("Repeat visit", compute="_compute_fs_repeat_of_id", store=True)
    fs_repeat_job_type_id = fields.Many2one(
        related="fs_repeat_of_id.fs_job_type_id", string="Repeat of job type", store=True
    )
    fs_repeat_technician_id = fields.Many2one(
        related="fs_repeat_of_id.fs_technician_id", string="Repeat of technician", store=True
    )

    @api.depends("fs_site_id", "fs_window_start")
    def _compute_fs_repeat_of_id(self):
        days = int(self.env["ir.config_parameter"].sudo().get_param(REPEAT_DAYS_PARAM, 30))
        visits = self.filtered(lambda t: t.fs_is_visit and t.fs_site_id)
        earliest = min(
            (t.fs_window_start or t.create_date or fields.Datetime.now() for t in visits),
            default=fields.Datetime.now(),
        )
        done = self.search(
            [
                ("fs_site_id", "in", visits.fs_site_id.ids),
                ("fs_state", "=", vs.DONE),
                ("fs_done_at", ">=", earliest - relativedelta(days=days)),
            ],
            order="fs_done_at desc",
        )
        for task in self:
            moment = task.fs_window_start or task.create_date or fields.Datetime.now()
            earlier = done.filtered(
                lambda d, t=task, m=moment: d.fs_site_id == t.fs_site_id
                and d.id != t.id
                and d.fs_done_at <= m
                and d.fs_done_at >= m - relativedelta(days=days)
            )[:1]
            task.fs_repeat_of_id = earlier
            task.fs_is_repeat = bool(earlier)

    def action_fs_record_need(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New need spotted on site"),
            "res_model": "fs.visit.need",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_id": self.id},
        }
