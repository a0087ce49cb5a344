from odoo import fields, models

OFFICE = "field_service_cx.group_fs_dispatcher"


class ResPartner(models.Model):
    """The customer view's after-visit part: ratings and NPS, disputes, repeats."""

    _inherit = "res.partner"

    fs_rating_ids = fields.Many2many(
        "rating.rating",
        string="Visit ratings",
        compute="_compute_fs_customer_feedback",
        groups=OFFICE,
    )
    fs_rating_count = fields.Integer(
        "Visit rating count", compute="_compute_fs_customer_feedback", groups=OFFICE
    )
    fs_rating_avg_stars = fields.Float(
        "Average stars", compute="_compute_fs_customer_feedback", digits=(2, 1), groups=OFFICE
    )
    fs_last_nps = fields.Integer(
        "Latest NPS",
        compute="_compute_fs_customer_feedback",
        groups=OFFICE,
        help="The latest 'would you recommend us' score (0–10); -1 when never given.",
    )
    fs_dispute_ids = fields.Many2many(
        "fs.visit.dispute",
        string="Disputes",
        compute="_compute_fs_customer_feedback",
        groups=OFFICE,
    )
    fs_open_dispute_count = fields.Integer(
        "Open disputes", compute="_compute_fs_customer_feedback", groups=OFFICE
    )
    fs_repeat_count = fields.Integer(
        "Repeat visits",
        compute="_compute_fs_customer_feedback",
        groups=OFFICE,
        help="Visits that repeated a finished one within the repeat period.",
    )

    def _compute_fs_customer_feedback(self):
        visits = self._fs_customer_visits()
        every = self.env["project.task"].union(*visits.values())
        ratings = self.env["rating.rating"]
        disputes = self.env["fs.visit.dispute"]
        if every:
            ratings = ratings.search(
                [
                    ("res_model", "=", "project.task"),
                    ("res_id", "in", every.ids),
                    ("consumed", "=", True),
                ],
                order="id desc",
            )
            disputes = disputes.search([("task_id", "in", every.ids)])
        for partner in self:
            mine = visits[partner]
            rated = ratings.filtered(lambda r, m=mine: r.res_id in m.ids)
            partner.fs_rating_ids = rated
            partner.fs_rating_count = len(rated)
            partner.fs_rating_avg_stars = sum(rated.mapped("rating")) / len(rated) if rated else 0.0
            with_nps = rated.filtered(lambda r: r.fs_nps >= 0)
            partner.fs_last_nps = with_nps[:1].fs_nps if with_nps else -1
            partner.fs_dispute_ids = disputes.filtered(lambda d, m=mine: d.task_id in m)
            partner.fs_open_dispute_count = len(
                partner.fs_dispute_ids.filtered(lambda d: d.state == "open")
            )
            partner.fs_repeat_count = len(mine.filtered("fs_is_repeat"))

    def action_fs_view_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_service_feedback.action_fs_ratings"
        )
        action["domain"] = [("id", "in", self.fs_rating_ids.ids)]
        return action

    def action_fs_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_service_feedback.action_fs_disputes"
        )
        action["domain"] = [("id", "in", self.fs_dispute_ids.ids)]
        action["context"] = {}
        return action
