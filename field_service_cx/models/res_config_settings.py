from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import live, reminders
from .fs_message import CADENCE_PARAM
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
            except ValueError as error:
                raise ValidationError(str(error)) from error

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
