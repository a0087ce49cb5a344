from odoo import fields, models


class FsJobTypeChecklistLine(models.Model):
    """An item of a job type's checklist, copied onto each visit."""

    _name = "fs.job.type.checklist.line"
    _description = "Checklist template line"
    _order = "sequence, id"

    job_type_id = fields.Many2one("fs.job.type", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Item", required=True, translate=True)
    required = fields.Boolean(default=True, help="Done is blocked until this item is ticked.")

    def _fs_prepare_visit_line_values(self):
        return [
            {"sequence": line.sequence, "name": line.name, "required": line.required}
            for line in self
        ]
