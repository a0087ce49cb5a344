import hmac

from odoo import fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs

from ..tools import feedback as feedback_rules
from .project_task_rating import EDIT_MINUTES_PARAM, hash_rater_key

SHOW_TECHNICIAN_RATING_PARAM = "field_service_feedback.show_technician_rating"
# The technician's stars are shown only on enough, good enough ratings.
CARD_MIN_AVERAGE = 4.0
CARD_MIN_COUNT = 3


class ProjectTask(models.Model):
    """What the visit page shows after the visit: report, rating, questions; and the
    customer's "yes, I'll be there" before it. Plain values only, like ``_fs_portal_values``."""

    _inherit = "project.task"

    def _fs_portal_technician(self):
        values = super()._fs_portal_technician()
        if values:
            values["rating_text"] = self._fs_portal_technician_rating()
        return values

    def _fs_portal_technician_rating(self):
        """ "★ 4.7 (23 ratings in 90 days)" when good and frequent enough, and allowed; else ''."""
        self.ensure_one()
        # sudo: a public request reads the setting; only a yes/no leaves.
        shown = self.env["ir.config_parameter"].sudo().get_param(SHOW_TECHNICIAN_RATING_PARAM, "1")
        if (shown or "").strip().lower() in ("0", "false", "no", ""):
            return ""
        # sudo: the customer sees the technician's 90-day average, no rating or other customer.
        technician = self.fs_technician_id.sudo()
        if technician.fs_rating_count < CARD_MIN_COUNT or (
            technician.fs_rating_avg < CARD_MIN_AVERAGE
        ):
            return ""
        return self.env._(
            "★ %(average).1f (%(count)s ratings in 90 days)",
            average=technician.fs_rating_avg,
            count=technician.fs_rating_count,
        )

    def _fs_rating_edit_minutes(self):
        # sudo: a public request reads the setting; only a number leaves.
        minutes = self.env["ir.config_parameter"].sudo().get_param(EDIT_MINUTES_PARAM, "30")
        try:
            return max(0, int(minutes))
        except ValueError:
            return 30

    def _fs_rating_edit_seconds(self):
        """How long the rater's browser keeps its key: the edit window, no longer."""
        return self._fs_rating_edit_minutes() * 60

    def _fs_portal_rating_editable(self, rating, rater_key, now):
        """True when this browser sent the rating and the edit window is still open."""
        key = hash_rater_key(feedback_rules.valid_rater_key(rater_key))
        # sudo: the stored key hash is compared here and never leaves the server.
        stored = rating.sudo().fs_rater_key
        if not (key and stored and rating.fs_submitted_at):
            return False
        return hmac.compare_digest(stored, key) and feedback_rules.may_edit(
            rating.fs_submitted_at, now, self._fs_rating_edit_minutes()
        )

    def _fs_portal_feedback_values(self, rater_key=None, now=None):
        """The page's after-visit part: service report, rating form or thank-you, questions
        on report lines; and the confirm button before the visit.

        ``rater_key`` is the browser's own key (cookie): it decides whether this browser may
        still edit the rating it sent. It is compared hashed and never returned.
        """
        self.ensure_one()
        now = now or fields.Datetime.now()
        done = self.fs_state == vs.DONE
        rating = self.fs_rating_id if done else self.env["rating.rating"]
        editable = bool(rating) and self._fs_portal_rating_editable(rating, rater_key, now)
        deadline = self._fs_dispute_deadline() if done else False
        states = dict(
            self.env["fs.visit.dispute"]._fields["state"]._description_selection(self.env)
        )
        return {
            "report": self._fs_report_values() if done else False,
            "can_confirm": self.fs_state in (vs.SCHEDULED, vs.CONFIRMED)
            and not self.fs_customer_confirmed_at,
            "customer_confirmed": bool(self.fs_customer_confirmed_at)
            and self.fs_state in (vs.SCHEDULED, vs.CONFIRMED),
            "can_rate": done and (not rating or editable) and self._fs_rating_open(now),
            "rating_closed": self._fs_rating_closed_message()
            if done and not rating and not self._fs_rating_open(now)
            else "",
            "rated": bool(rating),
            "rating_editable": editable,
            # The values the form shows again: only to the browser that may still edit them.
            "my_rating": {
                "stars": rating.rating and int(rating.rating),
                "nps": rating.fs_nps if rating.fs_nps >= 0 else None,
                "comment": rating.feedback or "",
            }
            if editable
            else False,
            "followup_promised": bool(rating) and rating.fs_followup_state == "open",
            "review_url": self._fs_review_url() if rating else False,
            "can_dispute": bool(deadline) and now <= deadline,
            "dispute_deadline": self._fs_report_local(deadline, "d MMMM y") if deadline else "",
            "disputes": [
                {
                    "label": dispute.line_label,
                    "reason": dispute.reason,
                    "state": dispute.state,
                    "state_label": states.get(dispute.state, ""),
                    "resolution": dispute.resolution if dispute.state == "resolved" else "",
                }
                for dispute in self.fs_dispute_ids.sorted("create_date")
            ]
            if done
            else [],
        }
