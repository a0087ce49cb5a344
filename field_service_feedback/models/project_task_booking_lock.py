from odoo import api, fields, models

# Writing any of these on a visit may take or free a technician's place in a window.
BOOKING_FIELDS = {"fs_window_start", "fs_window_end", "fs_technician_id"}


# Kept apart from project_task.py on purpose: the booking lock is one concern, reviewed alone.
class ProjectTask(models.Model):  # pylint: disable=consider-merging-classes-inherited
    """Back-office changes to a visit's window or technician take the customers' booking lock.

    A customer moving their visit on the portal locks the window's technicians (see
    ``fs.booking.lock``). A dispatcher giving that technician a visit in the same window at the
    same moment takes the same lock here, so one of the two transactions fails with a
    serialization error and is retried on a fresh snapshot, where the place is seen as taken.
    """

    _inherit = "project.task"

    @api.model_create_multi
    def create(self, vals_list):
        technicians = {
            vals["fs_technician_id"]
            for vals in vals_list
            if vals.get("fs_technician_id") and vals.get("fs_window_start")
        }
        self._fs_take_booking_lock(technicians)
        return super().create(vals_list)

    def write(self, vals):
        if BOOKING_FIELDS & vals.keys():
            moved = self.filtered(lambda task: task.fs_is_visit and task._fs_booking_moves(vals))
            technicians = set(moved.fs_technician_id.ids)
            if moved and vals.get("fs_technician_id"):
                technicians.add(vals["fs_technician_id"])
            self._fs_take_booking_lock(technicians)
        return super().write(vals)

    def _fs_booking_moves(self, vals):
        """Whether writing ``vals`` changes this visit's window or technician."""
        self.ensure_one()
        if "fs_technician_id" in vals and (vals["fs_technician_id"] or False) != (
            self.fs_technician_id.id or False
        ):
            return True
        return any(
            fields.Datetime.to_datetime(vals[name]) != self[name]
            for name in ("fs_window_start", "fs_window_end")
            if name in vals
        )

    @api.model
    def _fs_take_booking_lock(self, technician_ids):
        if technician_ids:
            # sudo: a system table every booking path bumps, whoever the user is.
            self.env["fs.booking.lock"].sudo()._fs_lock(technician_ids)
