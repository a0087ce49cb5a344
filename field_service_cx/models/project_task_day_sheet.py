from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date

from ..tools import day_sheet, windows
from ..tools import visit_states as vs


class ProjectTask(models.Model):
    _inherit = "project.task"

    def _fs_day_sheet_workbook(self, technicians, day):
        """The day sheets (xlsx bytes) of ``technicians`` on ``day``: route order, windows,
        addresses, parts kit and access notes. Technicians may only print their own day."""
        user = self.env.user
        is_dispatcher = user.has_group("field_service_cx.group_fs_dispatcher")
        if not is_dispatcher and technicians.user_id != user:
            raise AccessError(self.env._("You can only print your own day sheet."))
        visits = self.search(
            [
                ("fs_technician_id", "in", technicians.ids),
                ("fs_visit_date", "=", day),
                ("fs_state", "not in", (vs.CANCELLED,)),
            ],
            order="fs_technician_id, fs_route_sequence, fs_window_start",
        )
        days = []
        for technician in technicians:
            stops = []
            for number, visit in enumerate(
                visits.filtered(lambda v, t=technician: v.fs_technician_id == t), start=1
            ):
                zone, _note = visit._fs_zone()
                stops.append(
                    day_sheet.SheetStop(
                        sequence=visit.fs_route_sequence or number,
                        window=visit.fs_window_display or "",
                        eta=windows.to_local(visit.fs_eta, zone).strftime("%H:%M")
                        if visit.fs_eta
                        else "",
                        customer=visit.partner_id.display_name or "",
                        address=visit.fs_site_id.contact_address.strip()
                        if visit.fs_site_id
                        else "",
                        phone=visit.fs_site_id.fs_mobile_e164
                        or visit.fs_site_id.fs_phone_e164
                        or "",
                        job=visit.fs_job_type_id.name or "",
                        parts=", ".join(
                            f"{line.product_id.display_name} × {line.quantity:g}"
                            for line in visit.fs_part_ids
                        ),
                        access=visit.fs_access_notes or "",
                    )
                )
            days.append((technician.name, stops))
        return day_sheet.build_day_sheets(
            self.env._("Day sheet %(day)s", day=format_date(self.env, day)), days, self.env._
        )

    @api.model
    def fs_my_day_summary(self):
        """My day's header for the signed-in technician: visits, first departure, planned km."""
        visits = self.search(
            [
                ("fs_technician_user_id", "=", self.env.uid),
                ("fs_visit_date", "=", fields.Date.context_today(self)),
                ("fs_state", "!=", vs.CANCELLED),
            ],
            order="fs_route_sequence, fs_window_start, id",
        )
        summary = day_sheet.summarize_day(
            [
                day_sheet.DayStop(
                    window_start=visit.fs_window_start,
                    eta=visit.fs_eta,
                    travel_minutes=visit.fs_planned_travel_minutes,
                    travel_km=visit.fs_planned_travel_km,
                    is_open=visit.fs_state in vs.OPEN_STATES,
                )
                for visit in visits
            ]
        )
        departure = ""
        if summary.first_departure:
            zone, _note = visits[0]._fs_zone()
            departure = windows.to_local(summary.first_departure, zone).strftime("%H:%M")
        return {
            "visits": summary.visits,
            "open_visits": summary.open_visits,
            "first_departure": departure,
            "km": summary.km,
        }
