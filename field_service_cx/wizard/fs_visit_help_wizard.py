from odoo import fields, models


class FsVisitHelpWizard(models.TransientModel):
    """ "Ask for help" on the technician's phone: an optional note, then the conversation."""

    _name = "fs.visit.help.wizard"
    _description = "Ask for help on a visit"

    task_id = fields.Many2one("project.task", string="Visit", required=True, ondelete="cascade")
    note = fields.Char(help="What you need, in a few words (optional).")

    def action_confirm(self):
        self.ensure_one()
        channel = self.task_id._fs_ask_help(self.note)
        return self.task_id._fs_help_open_action(channel)
