from odoo import api, fields, models
from odoo.tools import SQL


class FsBookingLock(models.Model):
    """One row per technician, updated by every booking (the office's or a customer's) that
    may give them a visit, before it writes (see ``project.task._fs_take_booking_lock``).

    Odoo runs requests in REPEATABLE READ: a plain row lock would let a second booking wait,
    then count visits on its old snapshot and double-book. Updating the row makes the second
    booking fail with a serialization error instead; Odoo's request layer retries it on a fresh
    snapshot, where the first booking is visible and the slot is refused as just taken.
    """

    _name = "fs.booking.lock"
    _description = "Booking lock (one per technician)"

    technician_id = fields.Many2one("hr.employee", required=True, ondelete="cascade")
    version = fields.Integer(default=0)

    _sql_constraints = [
        ("technician_unique", "UNIQUE(technician_id)", "One booking lock per technician."),
    ]

    @api.model
    def _fs_lock(self, technician_ids):
        """Lock (and bump) the rows of these technicians, in id order to avoid deadlocks."""
        ids = sorted(set(technician_ids))
        if not ids:
            return
        statements = (
            "INSERT INTO fs_booking_lock (technician_id, version) "
            "SELECT unnest(%s::int[]), 0 ON CONFLICT (technician_id) DO NOTHING",
            "SELECT id FROM fs_booking_lock WHERE technician_id = ANY(%s) "
            "ORDER BY technician_id FOR NO KEY UPDATE",
            "UPDATE fs_booking_lock SET version = version + 1 WHERE technician_id = ANY(%s)",
        )
        for statement in statements:
            # A concurrent booking fails here on purpose (then retries): not an error to log.
            self.env.cr.execute(SQL(statement, ids), log_exceptions=False)
