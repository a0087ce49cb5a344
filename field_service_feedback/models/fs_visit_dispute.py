from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import UserError

from ..tools.feedback import MAX_COMMENT_CHARS

DISPUTE_DAYS_PARAM = "field_service_feedback.dispute_days"
LABEL_MAX = 120
LINE_KINDS = [
    ("part", "A part"),
    ("time", "A time"),
    ("charge", "A charge"),
    ("other", "Something else"),
]


class FsVisitDispute(models.Model):
    """A line of a service report the customer disagrees with, until the office answers."""

    _name = "fs.visit.dispute"
    _description = "Disputed report line"
    _inherit = ["mail.thread"]
    _order = "state, create_date desc"

    task_id = fields.Many2one(
        "project.task", string="Visit", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="task_id.partner_id", store=True)
    company_id = fields.Many2one(related="task_id.company_id", store=True)
    technician_id = fields.Many2one(related="task_id.fs_technician_id", store=True)
    line_kind = fields.Selection(LINE_KINDS, string="What", required=True)
    part_id = fields.Many2one("fs.visit.part", string="Part", ondelete="set null")
    line_label = fields.Char("Line", required=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, tracking=True
    )
    resolution = fields.Text(help="Shown to the customer on the visit page.", tracking=True)
    resolved_by_id = fields.Many2one("res.users", readonly=True)
    resolved_at = fields.Datetime(readonly=True)

    def action_resolve(self):
        for dispute in self:
            if not (dispute.resolution or "").strip():
                raise UserError(self.env._("Write the answer the customer will read first."))
        self.write(
            {
                "state": "resolved",
                "resolved_by_id": self.env.uid,
                "resolved_at": fields.Datetime.now(),
            }
        )
        return True


class ProjectTask(models.Model):
    _inherit = "project.task"

    fs_dispute_ids = fields.One2many("fs.visit.dispute", "task_id", string="Disputes")
    fs_open_dispute_count = fields.Integer(compute="_compute_fs_open_dispute_count")

    @api.depends("fs_dispute_ids.state")
    def _compute_fs_open_dispute_count(self):
        for task in self:
            task.fs_open_dispute_count = len(
                task.fs_dispute_ids.filtered(lambda d: d.state == "open")
            )

    def _fs_dispute_deadline(self):
        self.ensure_one()
        days = int(self.env["ir.config_parameter"].sudo().get_param(DISPUTE_DAYS_PARAM, 14))
        return self.fs_done_at and self.fs_done_at + relativedelta(days=days)

    def _fs_open_dispute(self, line_kind, line_ref, reason):
        """Flag a report line (``line_ref``: a part line id for parts, else a short label)."""
        self.ensure_one()
        if self.fs_state != vs.DONE:
            raise UserError(self.env._("A report line can be questioned once the visit is done."))
        if fields.Datetime.now() > self._fs_dispute_deadline():
            raise UserError(
                self.env._(
                    "Report lines can be questioned for %s days after the visit; please call us."
                )
                % self.env["ir.config_parameter"].sudo().get_param(DISPUTE_DAYS_PARAM, 14)
            )
        if line_kind not in dict(LINE_KINDS):
            raise UserError(self.env._("Please choose what you question."))
        reason = self._fs_portal_text(reason, MAX_COMMENT_CHARS, self.env._("Your question"))
        if not reason:
            raise UserError(self.env._("Please tell us what is wrong."))
        values = {"task_id": self.id, "line_kind": line_kind, "reason": reason}
        if line_kind == "part":
            part = self.fs_part_ids.filtered(lambda line: str(line.id) == str(line_ref))
            if not part:
                raise UserError(self.env._("That part is not on this visit's report."))
            values.update(part_id=part.id, line_label=part.product_id.display_name)
        else:
            label = self._fs_portal_text(
                str(line_ref or ""), LABEL_MAX, self.env._("The line you question")
            )
            values["line_label"] = label or dict(LINE_KINDS)[line_kind]
        # sudo: the customer (token holder) files the dispute; the office is told in the chatter.
        dispute = self.env["fs.visit.dispute"].sudo().create(values)
        self.sudo().message_post(
            body=self.env._("The customer questions %(line)s: %(reason)s")
            % {"line": dispute.line_label, "reason": reason},
            subtype_xmlid="mail.mt_note",
        )
        self._fs_tell_office(
            lambda env: env._(
                "The customer questions the report: %(line)s", line=dispute.line_label
            ),
            lambda env: [
                env._(
                    "%(customer)s questions %(line)s on the service report.",
                    customer=self.partner_id.display_name or "-",
                    line=dispute.line_label,
                ),
                env._("Reason: %(reason)s", reason=reason),
            ],
        )
        return dispute
