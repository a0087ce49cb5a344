from odoo import fields, models

from .project_task_report import SHOW_PRICES_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fs_report_show_prices = fields.Boolean(
        "Prices on the service report",
        config_parameter=SHOW_PRICES_PARAM,
        help="Show each part's list price (company currency) and the total on the customer's "
        "service report.",
    )
