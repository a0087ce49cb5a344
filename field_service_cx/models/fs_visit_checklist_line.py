from odoo import fields, models
from odoo.exceptions import AccessError

# What a technician (who is not a dispatcher) may change on a checklist item: ticking and a note.
# The list itself and what is required come from the job type.
TECHNICIAN_FIELDS = {"is_done", "note"}


class FsVisitChecklistLine(models.Model):
    """A checklist item of one visit, ticked on site."""

    _name = "fs.visit.checklist.line"
    _description = "Visit checklist line"
    _order = "sequence, id"

    task_id = fields.Many2one("project.task", string="Visit", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char("Item", required=True)
    required = fields.Boolean(default=True)
    is_done = fields.Boolean("Done")
    note = fields.Char()

    def write(self, vals):
        self._fs_check_technician_write(vals)
        return super().write(vals)

    def _fs_check_technician_write(self, vals):
        user = self.env.user
        if self.env.su or user.has_group("field_service_cx.group_fs_dispatcher"):
            return
        forbidden = set(vals) - TECHNICIAN_FIELDS
        if forbidden and user.has_group("field_service_cx.group_fs_technician"):
            raise AccessError(
                self.env._(
                    "Technicians can only tick checklist items and add a note, not change: "
                    "%(fields)s.",
                    fields=", ".join(sorted(self._fields[name].string for name in forbidden)),
                )
            )
