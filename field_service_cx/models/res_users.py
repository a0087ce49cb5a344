from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._fs_set_technician_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(key.startswith(("groups_id", "in_group_", "sel_groups_")) for key in vals):
            self._fs_set_technician_home_action()
        return result

    @api.model
    def _fs_set_technician_home_action_all(self):
        group = self.env.ref("field_service_cx.group_fs_technician")
        self.with_context(active_test=False).search(
            [("groups_id", "in", group.ids), ("action_id", "=", False), ("share", "=", False)]
        )._fs_set_technician_home_action()

    def _fs_set_technician_home_action(self):
        """Technicians (not dispatchers) without a home action land on "My day"."""
        my_day = self.env.ref("field_service_cx.action_fs_my_day", raise_if_not_found=False)
        if not my_day:
            return
        technicians = self.filtered(
            lambda user: not user.action_id
            and user.has_group("field_service_cx.group_fs_technician")
            and not user.has_group("field_service_cx.group_fs_dispatcher")
        )
        if technicians:
            # sudo: an HR officer adding someone to the technicians may not write home actions
            technicians.sudo().action_id = my_day.id
