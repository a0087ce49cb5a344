from odoo import models


class ProjectTask(models.Model):
    _inherit = "project.task"

    def _compute_access_url(self):  # pylint: disable=missing-return
        """Visits have their own customer page; other tasks keep core's."""
        super()._compute_access_url()
        for task in self.filtered("fs_is_visit"):
            task.access_url = f"/my/visits/{task.id}"
