from odoo import http
from odoo.http import request


class FsKpiExport(http.Controller):
    @http.route("/field_service/kpi/<int:dashboard_id>/workbook.xlsx", type="http", auth="user")
    def kpi_workbook(self, dashboard_id):
        """The KPI workbook of a manager's dashboard (record rules and ACLs apply)."""
        dashboard = request.env["fs.kpi.dashboard"].browse(dashboard_id).exists()
        if not dashboard or not request.env.user.has_group("field_service_cx.group_fs_manager"):
            raise request.not_found()
        content = dashboard._fs_workbook()
        filename = dashboard._fs_workbook_filename()
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", http.content_disposition(filename)),
                ("Content-Length", len(content)),
            ],
        )
