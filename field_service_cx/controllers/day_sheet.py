from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.http import request


class FsDaySheet(http.Controller):
    @http.route("/field_service/day_sheet.xlsx", type="http", auth="user", methods=["GET"])
    def day_sheet(self, date=None, technician_ids=""):
        """Technicians' day sheets for a date (GET only reads)."""
        try:
            day = fields.Date.to_date(date)
            ids = [int(part) for part in technician_ids.split(",") if part.strip()]
        except ValueError:
            return request.make_response(request.env._("Bad date or technician list."), status=400)
        if not day or not ids:
            return request.make_response(
                request.env._("A date and at least one technician are needed."), status=400
            )
        technicians = request.env["hr.employee"].browse(ids).exists()
        try:
            content = request.env["project.task"]._fs_day_sheet_workbook(technicians, day)
        except AccessError:
            raise request.not_found() from None
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", http.content_disposition(f"day-sheet-{day}.xlsx")),
            ],
        )
