from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import feedback as rules

NPS_CATEGORIES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]


class RatingRating(models.Model):
    """Core's rating, with the NPS question and the follow-up it may call for."""

    _inherit = "rating.rating"
    # Core checks 0 <= rating <= 5; a visit's stars are whole (0: not rated yet).
    _sql_constraints = [
        (
            "fs_nps_range",
            "CHECK (fs_nps = -1 OR fs_nps BETWEEN 0 AND 10)",
            "The recommendation score must be between 0 and 10.",
        ),
        (
            "fs_visit_whole_stars",
            "CHECK (res_model IS DISTINCT FROM 'project.task' OR rating = trunc(rating))",
            "A visit is rated with whole stars.",
        ),
    ]

    fs_nps = fields.Integer("Recommend (0–10)", default=-1, aggregator="avg")
    fs_nps_category = fields.Selection(
        NPS_CATEGORIES, string="NPS group", compute="_compute_fs_nps_category", store=True
    )
    fs_submitted_at = fields.Datetime("First sent at", readonly=True)
    # A hash of a random key kept in the rater's browser: the same browser may edit a while.
    fs_rater_key = fields.Char(readonly=True, groups="base.group_system")
    # Where the last submission came from (audit of replays and disputes about a rating).
    fs_rater_ip = fields.Char("Sent from (IP)", readonly=True, groups="base.group_system")
    fs_rater_user_agent = fields.Char("Sent with", readonly=True, groups="base.group_system")
    fs_followup_state = fields.Selection(
        [("none", "Not needed"), ("open", "To call back"), ("done", "Called back")],
        string="Follow-up",
        default="none",
    )
    fs_followup_deadline = fields.Date("Call back by")
    fs_followup_outcome = fields.Text("Follow-up outcome")
    fs_followup_done_at = fields.Datetime("Followed up at", readonly=True)

    @api.depends("fs_nps")
    def _compute_fs_nps_category(self):
        for rating in self:
            rating.fs_nps_category = (
                rules.nps_category(rating.fs_nps) if 0 <= rating.fs_nps <= 10 else False
            )

    def action_fs_followup_done(self):
        """Record how the call went; the manager's activity is closed with it."""
        for rating in self:
            if not (rating.fs_followup_outcome or "").strip():
                raise UserError(self.env._("Write down the outcome of the follow-up first."))
        self.write({"fs_followup_state": "done", "fs_followup_done_at": fields.Datetime.now()})
        followup = self.env.ref("field_service_feedback.mail_activity_type_fs_followup")
        for rating in self.filtered(lambda r: r.res_model == "project.task"):
            visit = self.env["project.task"].browse(rating.res_id)
            activities = visit.activity_ids.filtered(lambda a: a.activity_type_id == followup)
            activities.action_feedback(feedback=rating.fs_followup_outcome)
        return True
