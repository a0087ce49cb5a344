from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._fs_set_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(key.startswith(("groups_id", "in_group_", "sel_groups_")) for key in vals):
            self._fs_set_home_action()
        return result

    @api.model
    def _fs_role_homes(self):
        """[(group, home action)], highest role first: each role lands on its own screen."""
        return [
            (
                "field_service_cx.group_fs_dispatcher",
                "field_service_cx.action_fs_dispatch_calendar",
            ),
            ("field_service_cx.group_fs_technician", "field_service_cx.action_fs_my_day"),
        ]

    @api.model
    def _fs_set_home_action_all(self):
        group = self.env.ref("field_service_cx.group_fs_technician")
        self.with_context(active_test=False).search(
            [("groups_id", "in", group.ids), ("share", "=", False)]
        )._fs_set_home_action()

    def _fs_set_home_action(self):
        """Field-service users land on their role's screen (technicians on My day, dispatchers on
        the board) unless they chose another home; administrators keep Odoo's."""
        homes = [
            (group, self.env.ref(xmlid, raise_if_not_found=False))
            for group, xmlid in self._fs_role_homes()
        ]
        ours = {home.id for _group, home in homes if home}
        for user in self.filtered(
            lambda user: (not user.action_id or user.action_id.id in ours)
            and not user.has_group("base.group_system")
        ):
            action = next((home for group, home in homes if home and user.has_group(group)), None)
            if action:
                # sudo: an HR officer adding someone to the technicians may not write home actions
                user.sudo().action_id = action.id
