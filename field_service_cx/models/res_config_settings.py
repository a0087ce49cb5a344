from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import reminders
from .fs_message import CADENCE_PARAM
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
