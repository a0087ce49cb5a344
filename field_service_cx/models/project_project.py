from odoo import fields, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    fs_is_field_service = fields.Boolean(
        "Field service",
        help="Tasks of this project are visits: windows, technicians, parts and customer messages.",
    )
