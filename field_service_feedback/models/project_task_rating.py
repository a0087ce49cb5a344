import hashlib

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..tools import feedback as rules

EDIT_MINUTES_PARAM = "field_service_feedback.rating_edit_minutes"
REVIEW_URL_PARAM = "field_service_feedback.review_url"
FOLLOWUP_DAYS = 2


def hash_rater_key(raw_key):
    """The browser's key is never stored as given."""
    return hashlib.sha256((raw_key or "").encode()).hexdigest() if raw_key else False


class ProjectTask(models.Model):
    """Rating and NPS through core's rating flow: one request per visit, first human wins."""

    _inherit = "project.task"

    fs_rating_id = fields.Many2one(
        "rating.rating", string="Customer rating", compute="_compute_fs_rating_id"
    )

    @api.depends("rating_ids.consumed")
    def _compute_fs_rating_id(self):
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .search(  # sudo: one rating per visit, shown
                [
                    ("res_model", "=", "project.task"),
                    ("res_id", "in", self.ids),
                    ("consumed", "=", True),
                ],
                order="id desc",
            )
        )
        by_visit = {}
        for rating in ratings:
            by_visit.setdefault(rating.res_id, rating)
        for task in self:
            task.fs_rating_id = by_visit.get(task.id, False)

    def _fs_rating_request(self):
        """The visit's pending rating (created once): the token its request links to."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id or self.partner_id
        # sudo: creating the request record is system work; access was checked by the caller.
        token = self.sudo()._rating_get_access_token(partner)
        return self.env["rating.rating"].sudo().search([("access_token", "=", token)], limit=1)

    def _fs_rating_open(self, now=None):
        """Whether ratings are still taken: within ``rating_window_days`` after done."""
        self.ensure_one()
        return self.fs_state == vs.DONE and rules.rating_open(
            self.fs_done_at,
            now or fields.Datetime.now(),
            self._fs_portal_setting("rating_window_days"),
        )

    def _fs_rating_closed_message(self):
        return self.env._(
            "Ratings are open for %(days)s days after the visit. Please call us or write to us "
            "to tell us how it went.",
            days=self._fs_portal_setting("rating_window_days"),
        )

    def _fs_feedback_error_message(self, error):
        """What the customer should correct, in their language."""
        _ = self.env._
        params = error.params
        if error.code == "too_long":
            return _(
                "Your comment is too long (%(length)s characters); please keep it under %(limit)s.",
                **params,
            )
        if error.field == "stars":
            if error.code == "missing":
                return _("Please give a star rating.")
            if error.code == "out_of_range":
                return _(
                    "The star rating must be from %(low)s to %(high)s, not %(value)s.", **params
                )
            return _("The star rating must be a whole number from %(low)s to %(high)s.", **params)
        if error.code == "missing":
            return _("Please give a recommendation score.")
        if error.code == "out_of_range":
            return _(
                "The recommendation score must be from %(low)s to %(high)s, not %(value)s.",
                **params,
            )
        return _(
            "The recommendation score must be a whole number from %(low)s to %(high)s.", **params
        )

    def _fs_submit_rating(self, stars, nps, comment, rater_key, client=None):
        """Apply a customer's rating (values as typed); returns the rating.

        Raises UserError with a message for the customer when the visit is not done yet, past
        the rating window, when someone else already rated, or when the values are not valid.
        Nothing is written then. ``client`` ({"remote_addr", "user_agent"}) is stored with it.
        """
        self.ensure_one()
        if self.fs_state != vs.DONE:
            raise UserError(self.env._("You can rate this visit once it is done."))
        if not self._fs_rating_open():
            raise UserError(self._fs_rating_closed_message())
        comment = self._fs_portal_text(comment, rules.MAX_COMMENT_CHARS, self.env._("Your comment"))
        try:
            feedback = rules.parse_feedback(stars, nps, comment)
        except rules.FeedbackError as error:
            raise UserError(self._fs_feedback_error_message(error)) from None
        key = hash_rater_key(rater_key)
        now = fields.Datetime.now()
        rating = self.sudo().fs_rating_id  # sudo: the customer's own rating of this visit
        if rating:
            edit_minutes = int(
                self.env["ir.config_parameter"].sudo().get_param(EDIT_MINUTES_PARAM, 30)
            )
            same_rater = key and rating.fs_rater_key == key
            if not (same_rater and rules.may_edit(rating.fs_submitted_at, now, edit_minutes)):
                raise UserError(self.env._("This visit has already been rated. Thank you!"))
            # sudo: as below; core updates the rating's chatter message in place.
            self.sudo().rating_apply(feedback.stars, rating=rating, feedback=feedback.comment)
            rating.write({"fs_nps": feedback.nps, **self._fs_rater_values(client)})
        else:
            rating = self._fs_rating_request()
            # sudo: the public visitor applies the rating the token gave them access to.
            self.sudo().rating_apply(feedback.stars, rating=rating, feedback=feedback.comment)
            rating.write(
                {
                    "fs_nps": feedback.nps,
                    "fs_submitted_at": now,
                    "fs_rater_key": key,
                    **self._fs_rater_values(client),
                }
            )
        self._fs_follow_up(rating, feedback)
        return rating

    @staticmethod
    def _fs_rater_values(client):
        """Where the (last) submission came from, for the audit."""
        client = client or {}
        return {
            "fs_rater_ip": client.get("remote_addr") or False,
            "fs_rater_user_agent": client.get("user_agent") or False,
        }

    def _fs_follow_up(self, rating, feedback):
        """Detractors get a call back (an activity for the manager, with a deadline)."""
        if not rules.needs_follow_up(feedback.stars, feedback.nps):
            return
        if rating.fs_followup_state != "none":
            return
        deadline = fields.Date.context_today(self) + relativedelta(days=FOLLOWUP_DAYS)
        # sudo: the office's users are read on behalf of a public customer.
        person = self.sudo()._fs_office_users()[self.id] or self.env.ref("base.user_admin")
        # sudo: the activity is created for the office on behalf of a public customer.
        self.sudo().activity_schedule(
            "field_service_feedback.mail_activity_type_fs_followup",
            date_deadline=deadline,
            user_id=person.id,
            summary=self.env._(
                "Call back: %(stars)s★, would recommend %(nps)s/10",
                stars=feedback.stars,
                nps=feedback.nps,
            ),
            # The customer typed text, not HTML; the link opens the visit.
            note=plaintext2html(feedback.comment or "")
            + Markup("<p>%s</p>") % self._get_html_link(),
        )
        rating.write({"fs_followup_state": "open", "fs_followup_deadline": deadline})

    def _fs_review_url(self):
        """The public review link offered to everyone who rates (no gating by score)."""
        return self.env["ir.config_parameter"].sudo().get_param(REVIEW_URL_PARAM) or False
