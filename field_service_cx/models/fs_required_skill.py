from odoo import api, fields, models


class FsRequiredSkill(models.Model):
    """A skill at a minimum level, required by a job type or by one visit."""

    _name = "fs.required.skill"
    _description = "Required skill"
    _order = "skill_type_id, skill_id"

    job_type_id = fields.Many2one("fs.job.type", ondelete="cascade", index=True)
    task_id = fields.Many2one("project.task", string="Visit", ondelete="cascade", index=True)
    skill_type_id = fields.Many2one("hr.skill.type", required=True)
    skill_id = fields.Many2one(
        "hr.skill", required=True, domain="[('skill_type_id', '=', skill_type_id)]"
    )
    skill_level_id = fields.Many2one(
        "hr.skill.level",
        string="Minimum level",
        required=True,
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    level_progress = fields.Integer(related="skill_level_id.level_progress")

    _sql_constraints = [
        (
            "owner_required",
            "CHECK(job_type_id IS NOT NULL OR task_id IS NOT NULL)",
            "A required skill belongs to a job type or a visit.",
        ),
    ]

    @api.onchange("skill_type_id")
    def _onchange_skill_type_id(self):
        for line in self:
            if line.skill_id.skill_type_id != line.skill_type_id:
                line.skill_id = False
                line.skill_level_id = line.skill_type_id.skill_level_ids.filtered("default_level")[
                    :1
                ]

    def _fs_as_requirements(self):
        """{hr.skill id: minimum level_progress}, the input of ``tools.skills``."""
        requirements = {}
        for line in self:
            level = line.skill_level_id.level_progress
            requirements[line.skill_id.id] = max(level, requirements.get(line.skill_id.id, level))
        return requirements
