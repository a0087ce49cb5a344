from dateutil.relativedelta import relativedelta

from odoo import fields, models

from ..tools import feedback as rules

FEEDBACK_DAYS = 90


class HrEmployeeBase(models.AbstractModel):
    """What customers said about a technician's visits over the last 90 days."""

    _inherit = "hr.employee.base"

    fs_rating_avg = fields.Float(
        "Average rating (90 days)", compute="_compute_fs_feedback", digits=(3, 2)
    )
    fs_nps = fields.Float("NPS (90 days)", compute="_compute_fs_feedback", digits=(5, 1))
    fs_rating_count = fields.Integer("Ratings (90 days)", compute="_compute_fs_feedback")

    def _compute_fs_feedback(self):
        since = fields.Datetime.now() - relativedelta(days=FEEDBACK_DAYS)
        # sudo: averages over colleagues' visits; no rating or customer detail leaves here.
        visits = (
            self.env["project.task"]
            .sudo()
            .search_read(
                [("fs_technician_id", "in", self.ids), ("fs_done_at", ">=", since)],
                ["fs_technician_id"],
            )
        )
        technician_of = {visit["id"]: visit["fs_technician_id"][0] for visit in visits}
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .search_read(
                [
                    ("res_model", "=", "project.task"),
                    ("res_id", "in", list(technician_of)),
                    ("consumed", "=", True),
                ],
                ["res_id", "rating", "fs_nps"],
            )
        )
        stars, scores = {}, {}
        for rating in ratings:
            employee_id = technician_of[rating["res_id"]]
            stars.setdefault(employee_id, []).append(rating["rating"])
            if 0 <= rating["fs_nps"] <= 10:
                scores.setdefault(employee_id, []).append(rating["fs_nps"])
        for employee in self:
            given = stars.get(employee.id, [])
            employee.fs_rating_count = len(given)
            employee.fs_rating_avg = sum(given) / len(given) if given else 0.0
            employee.fs_nps = rules.nps_score(scores.get(employee.id, [])) or 0.0
