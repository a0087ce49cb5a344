import base64
from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.mimetypes import guess_mimetype

from ..tools import kits as kit_rules
from ..tools import visit_states as vs
from ..tools import windows


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def _fs_has_photo(self):
        """Whether the technician has a real photo, not the letter Odoo draws (an SVG) for an
        employee created without one."""
        self.ensure_one()
        image = self.image_128
        return bool(image) and guess_mimetype(base64.b64decode(image)) != "image/svg+xml"

    def _fs_held_skills(self):
        """{employee id: {hr.skill id: level_progress}} for these employees, in one query."""
        held = {employee.id: {} for employee in self}
        # sudo: skill levels decide eligibility; only the levels leave this method.
        for line in (
            self.env["hr.employee.skill"]
            .sudo()
            .search_read(
                [("employee_id", "in", self.ids)], ["employee_id", "skill_id", "level_progress"]
            )
        ):
            held[line["employee_id"][0]][line["skill_id"][0]] = line["level_progress"]
        return held

    def _fs_short_of_parts(self, parts):
        """Ids of these technicians whose van lacks some of ``parts`` ({product id: qty})."""
        if not parts:
            return set()
        vans = self.fs_van_location_id
        on_hand = {}
        # sudo: the van's stock decides when the job can start; only quantities leave.
        for location, product, quantity in (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [("location_id", "in", vans.ids), ("product_id", "in", list(parts))],
                ["location_id", "product_id"],
                ["quantity:sum"],
            )
        ):
            on_hand.setdefault(location.id, {})[product.id] = quantity
        return {
            employee.id
            for employee in self
            if not employee.fs_van_location_id
            or kit_rules.missing_parts(parts, on_hand.get(employee.fs_van_location_id.id, {}))
        }

    def _fs_working_at(self, moment):
        """Ids of the technicians whose working hours (time off deducted) include ``moment``."""
        working = set()
        by_calendar = {}
        for employee in self.filtered("fs_is_technician"):
            by_calendar.setdefault(employee.resource_calendar_id, self.browse())
            by_calendar[employee.resource_calendar_id] |= employee
        aware = windows.to_local(moment, windows.UTC)
        for calendar, employees in by_calendar.items():
            if not calendar:
                continue
            intervals = calendar._work_intervals_batch(
                aware - timedelta(hours=1),
                aware + timedelta(hours=1),
                resources=employees.resource_id,
            )
            for employee in employees:
                if any(
                    start <= aware < end for start, end, _m in intervals[employee.resource_id.id]
                ):
                    working.add(employee.id)
        return working

    @api.ondelete(at_uninstall=False)
    def _unlink_except_technician_with_visits(self):
        open_visits = (
            self.env["project.task"]
            .sudo()
            ._read_group(  # sudo: count across rights
                [("fs_technician_id", "in", self.ids), ("fs_state", "in", vs.OPEN_STATES)],
                ["fs_technician_id"],
                ["__count"],
            )
        )
        if open_visits:
            names = ", ".join(
                self.env._("%(name)s (%(count)s open visits)", name=tech.name, count=count)
                for tech, count in open_visits
            )
            raise UserError(
                self.env._("These technicians have open visits; reassign them first: %s.") % names
            )

    def _fs_work_intervals(self, start, end, time_off=True):
        """{employee id: [(start, end) naive UTC]}: working hours between two aware datetimes,
        time off removed (resource.calendar's own rule) unless ``time_off`` is False."""
        result = {employee.id: [] for employee in self}
        by_calendar = {}
        for employee in self:
            by_calendar.setdefault(employee.resource_calendar_id, self.browse())
            by_calendar[employee.resource_calendar_id] |= employee
        for calendar, employees in by_calendar.items():
            if not calendar:
                continue
            if time_off:
                intervals = calendar._work_intervals_batch(start, end, employees.resource_id)
            else:
                intervals = calendar._attendance_intervals_batch(start, end, employees.resource_id)
            for employee in employees:
                result[employee.id] = [
                    (
                        span_start.astimezone(windows.UTC).replace(tzinfo=None),
                        span_end.astimezone(windows.UTC).replace(tzinfo=None),
                    )
                    for span_start, span_end, _meta in intervals[employee.resource_id.id]
                ]
        return result

    def _fs_attendance_intervals(self, start, end):
        """Like ``_fs_work_intervals``, time off included: the hours they usually work."""
        return self._fs_work_intervals(start, end, time_off=False)
