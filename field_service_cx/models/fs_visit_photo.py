from odoo import fields, models


class FsVisitPhoto(models.Model):
    """A before or after photo of a visit (stored as an attachment)."""

    _name = "fs.visit.photo"
    _description = "Visit photo"
    _order = "kind, sequence, id"

    task_id = fields.Many2one("project.task", string="Visit", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    kind = fields.Selection([("before", "Before"), ("after", "After")], required=True)
    caption = fields.Char()
    image = fields.Image(required=True, max_width=1920, max_height=1920, attachment=True)
