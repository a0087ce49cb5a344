from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    fs_origin_visit_id = fields.Many2one(
        "project.task", string="Spotted on visit", index="btree_not_null", readonly=True
    )
