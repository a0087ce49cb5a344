from odoo import api, models

DISPATCHER = "field_service_cx.group_fs_dispatcher"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _fs_role_homes(self):
        """Dispatchers land on the dispatch board. The calendar stays listed after it: users
        homed on it by field_service_cx alone have not chosen it, and move to the board."""
        homes = super()._fs_role_homes()
        at = next((i for i, (group, _home) in enumerate(homes) if group == DISPATCHER), len(homes))
        return [
            *homes[:at],
            (DISPATCHER, "field_service_routing.action_fs_dispatch_board"),
            *homes[at:],
        ]
