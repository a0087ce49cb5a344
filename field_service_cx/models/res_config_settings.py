from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import live, positions, reminders
from .fs_message import CADENCE_PARAM
from .fs_technician_position import RETENTION_PARAM
from .project_task import AT_RISK_MARGIN_PARAM, LATE_TO_START_PARAM
from .project_task_messages import DEFAULT_HOLD_MINUTES, HOLD_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fs_reminder_cadence = fields.Char(
        "Reminder cadence",
        config_parameter=CADENCE_PARAM,
        default=reminders.DEFAULT_CADENCE,
        help="Before each visit, e.g. '7d>2d, 1d@18:00>2h, 1h': 7 days before (expires 2 days "
        "before), the day before at 18:00 in the site's time (expires 2 hours before), 1 hour "
        "before.",
    )
    fs_not_home_hold_minutes = fields.Integer(
        "Not-home hold (min)",
        config_parameter=HOLD_PARAM,
        default=DEFAULT_HOLD_MINUTES,
        help="How long the technician waits once the customer is told they are at the door.",
    )
    fs_late_to_start_minutes = fields.Integer(
        "Late to start after (min)",
        config_parameter=LATE_TO_START_PARAM,
        default=live.DEFAULT_LATE_TO_START_MINUTES,
        help="A technician not on the way this long after the planned departure is flagged.",
    )
    fs_at_risk_margin_minutes = fields.Integer(
        "At-risk margin (min)",
        config_parameter=AT_RISK_MARGIN_PARAM,
        default=live.DEFAULT_AT_RISK_MARGIN_MINUTES,
        help="A visit is at risk when its projected arrival is later than this before its "
        "window ends.",
    )
    fs_position_retention_days = fields.Integer(
        "Keep positions for (days)",
        config_parameter=RETENTION_PARAM,
        default=positions.DEFAULT_RETENTION_DAYS,
        help="Technicians' positions, shared only while on the way, are deleted after this "
        "many days.",
    )
    default_fs_quiet_from = fields.Float(
        "Quiet hours from", default_model="res.partner", help="Default for new contacts."
    )
    default_fs_quiet_until = fields.Float(
        "Quiet hours until", default_model="res.partner", help="Default for new contacts."
    )

    @api.constrains("fs_reminder_cadence")
    def _check_fs_reminder_cadence(self):
        for settings in self:
            try:
                reminders.parse_cadence(settings.fs_reminder_cadence)
            except reminders.CadenceError as error:
                raise ValidationError(settings._fs_cadence_error_message(error)) from error

    def _fs_cadence_error_message(self, error):
        """The cadence error in the reader's language."""
        step = error.step
        if error.code == "time_needs_days":
            return self.env._(
                "Reminder step %(step)s: a time of day (@HH:MM) needs days (d).", step=step
            )
        if error.code == "not_a_time":
            return self.env._("Reminder step %(step)s: the time of day is not valid.", step=step)
        if error.code == "lead_not_positive":
            return self.env._("Reminder step %(step)s: the lead time must be positive.", step=step)
        if error.code == "twice":
            return self.env._("Reminder step %(step)s appears twice.", step=step)
        return self.env._(
            "Reminder step %(step)s is not understood: write e.g. 7d, 1d@18:00, 1h or 30m, "
            "optionally followed by an expiry such as >2d.",
            step=step,
        )

    @api.constrains("fs_not_home_hold_minutes")
    def _check_fs_not_home_hold_minutes(self):
        for settings in self:
            if not 0 <= settings.fs_not_home_hold_minutes <= 240:
                raise ValidationError(
                    self.env._("The not-home hold must be between 0 and 240 minutes.")
                )

    @api.constrains("fs_late_to_start_minutes", "fs_at_risk_margin_minutes")
    def _check_fs_live_minutes(self):
        for settings in self:
            if not (
                0 <= settings.fs_late_to_start_minutes <= 240
                and 0 <= settings.fs_at_risk_margin_minutes <= 240
            ):
                raise ValidationError(
                    self.env._("Live-operations minutes must be between 0 and 240.")
                )

    @api.constrains("fs_position_retention_days")
    def _check_fs_position_retention_days(self):
        for settings in self:
            if not 1 <= settings.fs_position_retention_days <= 365:
                raise ValidationError(self.env._("Positions are kept between 1 and 365 days."))
