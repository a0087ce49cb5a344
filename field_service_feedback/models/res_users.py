from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _fs_role_homes(self):
        """Managers land on their dashboard."""
        return [
            (
                "field_service_cx.group_fs_manager",
                "field_service_feedback.action_fs_kpi_dashboard_client",
            ),
            *super()._fs_role_homes(),
        ]
