from odoo.exceptions import UserError


class StaleVisitError(UserError):
    """A change of a visit's window or technician stated on an older schedule version:
    someone else changed the visit after the writer read it, so nothing is written.

    The back office shows it like any UserError; a JSON route answers it with
    ``http_status`` (409 Conflict) and its message. No JSON route writes visits today.
    """

    http_status = 409
