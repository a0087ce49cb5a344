from odoo import fields, models


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
