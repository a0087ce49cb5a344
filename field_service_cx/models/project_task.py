from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.mail import html_to_inner_content, plaintext2html

from ..exceptions import StaleVisitError
from ..tools import booking, geo, windows
from ..tools import skills as skill_rules
from ..tools import visit_states as vs

# What a technician (who is not a dispatcher) may change on a visit: the field work.
TECHNICIAN_FIELDS = {
    "fs_state",
    "fs_en_route_at",
    "fs_arrived_at",
    "fs_done_at",
    "fs_not_home_at",
    "fs_not_home_reason",
    "fs_access_notes",
    "fs_work_summary",
    "fs_work_summary_text",
    "fs_checklist_line_ids",
    "fs_part_ids",
    "fs_photo_ids",
    "fs_signature",
    "fs_signed_by",
    "fs_signed_at",
    "state",
    "date_last_stage_update",
}
# A change of any of these is a new schedule version of the visit.
SCHEDULE_FIELDS = {"fs_window_start", "fs_window_end", "fs_technician_id"}
# What the booking rule is told when no addon says otherwise (feedback: its portal settings).
BOOKING_SETTINGS = {"per_window": 1, "parts_lead_hours": 24.0}
# Timestamps written when a visit enters a state.
STATE_TIMESTAMPS = {
    vs.EN_ROUTE: "fs_en_route_at",
    vs.ON_SITE: "fs_arrived_at",
    vs.DONE: "fs_done_at",
    vs.CANCELLED: "fs_cancelled_at",
    vs.NOT_HOME: "fs_not_home_at",
}


class ProjectTask(models.Model):
    """A field-service visit is a task of a field-service project."""

    _inherit = "project.task"
    # Also for rows written around the ORM (SQL, imports); _check_fs_window explains it in the UI.
    _sql_constraints = [
        (
            "fs_window_order",
            "CHECK (fs_window_start IS NULL OR fs_window_end IS NULL"
            " OR fs_window_end > fs_window_start)",
            "A visit window must end after it starts.",
        ),
    ]

    fs_is_visit = fields.Boolean(
        "Is a visit", related="project_id.fs_is_field_service", store=True, index=True
    )
    fs_state = fields.Selection(
        vs.STATES,
        string="Visit state",
        compute="_compute_fs_state",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        group_expand="_group_expand_fs_state",
    )
    fs_job_type_id = fields.Many2one("fs.job.type", string="Job type", tracking=True, index=True)
    fs_service_minutes = fields.Integer(
        "Service (min)",
        compute="_compute_fs_service_minutes",
        store=True,
        readonly=False,
        help="Time on site.",
    )
    fs_window_start = fields.Datetime("Window start", tracking=True, index=True)
    fs_window_end = fields.Datetime("Window end", tracking=True)
    fs_visit_date = fields.Date(
        "Visit day",
        compute="_compute_fs_visit_date",
        store=True,
        index=True,
        help="The window's day in the site's time zone.",
    )
    fs_window_display = fields.Char("Window", compute="_compute_fs_window_display")
    fs_window_day_display = fields.Char(
        "Window (hours only today)", compute="_compute_fs_window_display"
    )
    fs_promise_ids = fields.One2many("fs.visit.promise", "task_id", string="Promises")
    fs_technician_id = fields.Many2one(
        "hr.employee",
        string="Technician",
        tracking=True,
        index=True,
        domain="[('fs_is_technician', '=', True), ('id', 'in', fs_eligible_technician_ids)]",
    )
    fs_schedule_version = fields.Integer(
        "Schedule version",
        default=1,
        copy=False,
        readonly=True,
        help="Goes up with every change of window or technician. A change stated on an older "
        "version (a form opened before someone else moved the visit) is refused.",
    )
    fs_schedule_version_read = fields.Integer(
        "Schedule version read",
        compute="_compute_fs_schedule_version_read",
        readonly=False,
        help="The schedule version a change is made on: the visit form states it when its "
        "window or technician is edited, and saving refuses it once stale.",
    )
    fs_technician_user_id = fields.Many2one(
        related="fs_technician_id.user_id", string="Technician user", store=True, index=True
    )
    fs_eligible_technician_ids = fields.Many2many(
        "hr.employee", compute="_compute_fs_eligible_technician_ids"
    )
    fs_required_skill_ids = fields.One2many(
        "fs.required.skill", "task_id", string="Required skills", copy=True
    )
    fs_part_ids = fields.One2many("fs.visit.part", "task_id", string="Parts", copy=True)
    fs_parts_ready = fields.Boolean(
        "Parts ready", compute="_compute_fs_parts_ready", search="_search_fs_parts_ready"
    )
    fs_parts_missing = fields.Char("Missing parts", compute="_compute_fs_parts_ready")
    fs_parts_pickup_location_id = fields.Many2one(
        "stock.location",
        string="Pick up parts at",
        compute="_compute_fs_parts_pickup",
        help="The nearest other stock (warehouse or van) holding the missing parts.",
    )
    fs_parts_pickup = fields.Char("Parts pickup", compute="_compute_fs_parts_pickup")
    fs_checklist_line_ids = fields.One2many(
        "fs.visit.checklist.line", "task_id", string="Checklist", copy=True
    )
    fs_photo_ids = fields.One2many("fs.visit.photo", "task_id", string="Photos")
    fs_signature = fields.Image("Customer signature", max_width=1024, max_height=1024, copy=False)
    fs_signed_by = fields.Char("Signed by", copy=False)
    fs_signed_at = fields.Datetime("Signed at", copy=False)
    fs_requires_signature = fields.Boolean(related="fs_job_type_id.requires_signature")
    fs_access_notes = fields.Text(
        "Access notes", help="Gate code, pets, parking: what the technician needs to get in."
    )
    fs_work_summary = fields.Html("Work done", copy=False)
    fs_work_summary_text = fields.Text(
        "Work done (text)",
        compute="_compute_fs_work_summary_text",
        inverse="_inverse_fs_work_summary_text",
        help="The work summary as plain text, as the technician types it on the phone.",
    )
    fs_site_id = fields.Many2one(
        "res.partner",
        string="Site",
        compute="_compute_fs_site_id",
        store=True,
        readonly=False,
        index=True,
        help="Where the visit takes place (the customer's address unless another is chosen).",
    )
    fs_site_address = fields.Char(related="fs_site_id.contact_address", string="Address")
    fs_site_phone = fields.Char(related="fs_site_id.phone", string="Site phone")
    fs_site_navigation_url = fields.Char("Navigate", compute="_compute_fs_site_navigation_url")
    fs_site_latitude = fields.Float(related="fs_site_id.partner_latitude", string="Latitude")
    fs_site_longitude = fields.Float(related="fs_site_id.partner_longitude", string="Longitude")
    fs_site_geolocated = fields.Boolean(
        "Geolocated",
        compute="_compute_fs_site_geolocated",
        store=True,
        help="False when the site has no coordinates: such a visit is never routed.",
    )
    fs_site_tz = fields.Char(
        "Site time zone",
        compute="_compute_fs_site_tz",
        help="The site's zone, else the visit's company's, else its project's company's.",
    )
    fs_zone_problem = fields.Char("Time zone problem", compute="_compute_fs_site_tz")
    fs_lead_id = fields.Many2one("crm.lead", string="Lead", index="btree_not_null", copy=False)
    fs_en_route_at = fields.Datetime("On the way at", copy=False, readonly=True)
    fs_arrived_at = fields.Datetime("Arrived at", copy=False, readonly=True)
    fs_done_at = fields.Datetime("Done at", copy=False, readonly=True)
    fs_cancelled_at = fields.Datetime("Cancelled at", copy=False, readonly=True)
    fs_not_home_at = fields.Datetime("Not home at", copy=False, readonly=True)
    fs_not_home_reason = fields.Text("Not home reason", copy=False)
    fs_cancel_reason = fields.Text("Cancel reason", copy=False)
    # Written by the route planner (field_service_routing); read by messages and the portal.
    fs_route_sequence = fields.Integer("Stop", copy=False, help="Order in the technician's day.")
    fs_site_history = fields.Text(
        "Last visits here",
        compute="_compute_fs_site_history",
        help="The last visits closed at this site: date, technician, work done, photos.",
    )
    fs_day_stop_number = fields.Integer(
        "Stop number",
        compute="_compute_fs_day_stop_number",
        help="The visit's place in its technician's planned day, counted as its customer is "
        'told ("stop 3 of today"): the routed visits before it that are not cancelled, plus one.',
    )
    fs_eta = fields.Datetime("ETA", copy=False, help="Planned (or re-planned) arrival.")
    fs_planned_travel_minutes = fields.Float("Planned travel (min)", copy=False)
    fs_planned_travel_km = fields.Float("Planned travel (km)", copy=False)
    fs_earlier_open_visit_id = fields.Many2one(
        "project.task",
        string="Earlier visit still open",
        compute="_compute_fs_earlier_open_visit_id",
        help="An earlier visit of the same technician's day that is not finished yet.",
    )
    fs_is_late_risk = fields.Boolean(
        "Late / at risk",
        compute="_compute_fs_is_late_risk",
        search="_search_fs_is_late_risk",
        help="Open and not arrived while its window has ended, or its ETA is after the window.",
    )

    # ---- computes -------------------------------------------------------------------------

    @api.depends("fs_site_latitude", "fs_site_longitude", "fs_site_address")
    def _compute_fs_site_navigation_url(self):
        for task in self:
            task.fs_site_navigation_url = (
                geo.navigation_url(
                    task.fs_site_latitude, task.fs_site_longitude, task.fs_site_address
                )
                or False
            )

    @api.depends("fs_technician_id", "fs_visit_date", "fs_route_sequence", "fs_window_start")
    def _compute_fs_earlier_open_visit_id(self):
        days = self.filtered(lambda t: t.fs_technician_id and t.fs_visit_date)
        same_days = self.search(
            [
                ("fs_technician_id", "in", days.fs_technician_id.ids),
                ("fs_visit_date", "in", list(set(days.mapped("fs_visit_date")))),
                ("fs_state", "in", [vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE, vs.ON_SITE]),
            ]
            if days
            else [("id", "=", 0)]
        )
        for task in self:
            earlier = same_days.filtered(
                lambda other, task=task: other.id != task.id
                and other.fs_technician_id == task.fs_technician_id
                and other.fs_visit_date == task.fs_visit_date
                and other._fs_day_order() < task._fs_day_order()
            )
            task.fs_earlier_open_visit_id = earlier.sorted(lambda t: t._fs_day_order())[:1]

    @api.depends("fs_technician_id", "fs_visit_date", "fs_route_sequence", "fs_state")
    def _compute_fs_day_stop_number(self):
        routed = self.filtered(
            lambda t: t.fs_technician_id and t.fs_visit_date and t.fs_route_sequence > 0
        )
        same_days = self.search(
            [
                ("fs_technician_id", "in", routed.fs_technician_id.ids),
                ("fs_visit_date", "in", list(set(routed.mapped("fs_visit_date")))),
                ("fs_route_sequence", ">", 0),
                ("fs_state", "!=", vs.CANCELLED),
            ]
            if routed
            else [("id", "=", 0)]
        )
        for task in self:
            task.fs_day_stop_number = (
                1
                + len(
                    same_days.filtered(
                        lambda other, task=task: other.id != task.id
                        and other.fs_technician_id == task.fs_technician_id
                        and other.fs_visit_date == task.fs_visit_date
                        and other.fs_route_sequence < task.fs_route_sequence
                    )
                )
                if task in routed
                else 0
            )

    @api.depends("fs_work_summary")
    def _compute_fs_work_summary_text(self):
        for task in self:
            task.fs_work_summary_text = (
                html_to_inner_content(task.fs_work_summary).strip()
                if task.fs_work_summary
                else False
            )

    def _inverse_fs_work_summary_text(self):
        for task in self:
            text = (task.fs_work_summary_text or "").strip()
            task.fs_work_summary = plaintext2html(text) if text else False

    @api.depends("fs_site_id")
    def _compute_fs_site_history(self):
        sites = self.fs_site_id
        # sudo: a technician reads what colleagues did at the site before ringing the bell;
        # only the date, name, work summary and photo count leave.
        earlier = (
            self.sudo().search(
                [
                    ("fs_site_id", "in", sites.ids),
                    ("fs_state", "in", [vs.DONE, vs.NOT_HOME]),
                ],
                order="fs_done_at desc, fs_not_home_at desc, id desc",
            )
            if sites
            else self.browse()
        )
        for task in self:
            lines = []
            for visit in earlier.filtered(
                lambda v, task=task: v.fs_site_id == task.fs_site_id and v.id != task._origin.id
            )[:3]:
                moment = visit.fs_done_at or visit.fs_not_home_at
                work = " ".join(html_to_inner_content(visit.fs_work_summary or "").split())
                if visit.fs_state == vs.NOT_HOME:
                    work = self.env._("Customer not home")
                parts = [
                    format_date(self.env, moment) if moment else "",
                    visit.fs_technician_id.name or "",
                    work[:140],
                ]
                if visit.fs_photo_ids:
                    parts.append(self.env._("%(count)s photo(s)", count=len(visit.fs_photo_ids)))
                lines.append(" · ".join(part for part in parts if part))
            task.fs_site_history = "\n".join(lines) or False

    def _fs_day_order(self):
        """Where the visit sits in its technician's day: the route's stop, else its window."""
        return (self.fs_route_sequence or 0, self.fs_window_start or fields.Datetime.now(), self.id)

    @api.depends("fs_window_start", "fs_window_end", "fs_technician_id")
    def _compute_fs_state(self):
        for task in self:
            if task.fs_state in (vs.TO_SCHEDULE, vs.SCHEDULED, False):
                planned = task.fs_window_start and task.fs_window_end and task.fs_technician_id
                task.fs_state = vs.SCHEDULED if planned else vs.TO_SCHEDULE

    def _group_expand_fs_state(self, states, domain):
        return [key for key, _label in vs.STATES]

    def _compute_fs_schedule_version_read(self):
        self.fs_schedule_version_read = 0  # only a form's onchange states one

    @api.depends("fs_job_type_id")
    def _compute_fs_service_minutes(self):
        for task in self:
            if task.fs_job_type_id:
                task.fs_service_minutes = task.fs_job_type_id.service_minutes
            elif not task.fs_service_minutes:
                task.fs_service_minutes = 60

    @api.depends("partner_id")
    def _compute_fs_site_id(self):
        for task in self:
            if not task.fs_site_id or task.fs_site_id.commercial_partner_id != (
                task.partner_id.commercial_partner_id
            ):
                task.fs_site_id = task.partner_id

    @api.depends("fs_site_id.partner_latitude", "fs_site_id.partner_longitude")
    def _compute_fs_site_geolocated(self):
        for task in self:
            site = task.fs_site_id
            task.fs_site_geolocated = bool(site) and (
                site.partner_latitude != 0.0 or site.partner_longitude != 0.0
            )

    @api.depends(
        "fs_is_visit",
        "fs_site_id.tz",
        "company_id.partner_id.tz",
        "project_id.company_id.partner_id.tz",
    )
    def _compute_fs_site_tz(self):
        for task in self:
            zone, _note = windows.find_zone(*task._fs_zone_names())
            task.fs_site_tz = zone.key if zone else False
            task.fs_zone_problem = (
                self.env._(
                    "no time zone on the site, its company or the project's company; "
                    "set one on the site or the company"
                )
                if task.fs_is_visit and not zone
                else False
            )

    @api.depends("fs_window_start", "fs_site_id.tz", "company_id.partner_id.tz")
    def _compute_fs_visit_date(self):
        for task in self:
            if task.fs_window_start:
                zone, _note = task._fs_zone()
                task.fs_visit_date = windows.to_local(task.fs_window_start, zone).date()
            else:
                task.fs_visit_date = False

    @api.depends("fs_window_start", "fs_window_end", "fs_site_id.tz", "company_id.partner_id.tz")
    @api.depends_context("lang")
    def _compute_fs_window_display(self):
        now = fields.Datetime.now()
        lang = self.env.lang
        for task in self:
            if task.fs_window_start and task.fs_window_end:
                zone, _note = task._fs_zone()
                task.fs_window_display = windows.format_window(
                    task.fs_window_start, task.fs_window_end, zone, lang
                )
                task.fs_window_day_display = windows.format_window(
                    task.fs_window_start, task.fs_window_end, zone, lang, now=now
                )
            else:
                task.fs_window_display = task.fs_window_day_display = False

    @api.depends("fs_required_skill_ids.skill_level_id", "company_id")
    def _compute_fs_eligible_technician_ids(self):
        companies = self.company_id | self.env.companies
        technicians = self.env["hr.employee"].search(
            [("fs_is_technician", "=", True), ("company_id", "in", [*companies.ids, False])]
        )
        held = technicians._fs_held_skills()
        company_of = {tech.id: tech.company_id for tech in technicians}
        for task in self:
            required = task.fs_required_skill_ids._fs_as_requirements()
            task.fs_eligible_technician_ids = [
                tech_id
                for tech_id in skill_rules.eligible_technicians(required, held)
                if not task.company_id
                or not company_of[tech_id]
                or company_of[tech_id] == task.company_id
            ]

    @api.depends("fs_state", "fs_part_ids.quantity_missing", "fs_technician_id.fs_van_location_id")
    def _compute_fs_parts_ready(self):
        for task in self:
            if task.fs_state not in vs.OPEN_STATES:  # closed: nothing left to bring
                task.fs_parts_ready, task.fs_parts_missing = True, False
                continue
            missing = task.fs_part_ids.filtered(lambda line: line.quantity_missing > 0)
            has_van = bool(task.fs_technician_id.fs_van_location_id)
            task.fs_parts_ready = has_van and not missing if task.fs_part_ids else True
            task.fs_parts_missing = (
                ", ".join(
                    f"{line.product_id.display_name} × {line.quantity_missing:g}"
                    for line in missing
                )
                or (not has_van and task.fs_part_ids and self.env._("no van assigned"))
                or False
            )

    @api.depends(
        "fs_state",
        "fs_part_ids.quantity_missing",
        "fs_technician_id.fs_van_location_id",
        "fs_technician_id.fs_start_partner_id",
    )
    def _compute_fs_parts_pickup(self):
        open_tasks = self.filtered(lambda task: task.fs_state in vs.OPEN_STATES)
        pickups = open_tasks.fs_part_ids._fs_pickup_by_task()
        for task in self:
            location, text = pickups.get(task.id, (False, False))
            task.fs_parts_pickup_location_id = location
            task.fs_parts_pickup = text

    def _search_fs_parts_ready(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Search parts readiness with = or !=."))
        candidates = self.search([("fs_state", "in", vs.OPEN_STATES), ("fs_part_ids", "!=", False)])
        not_ready = candidates.filtered(lambda task: not task.fs_parts_ready)
        wants_ready = (operator == "=") == bool(value)
        return [("id", "not in" if wants_ready else "in", not_ready.ids)]

    @api.depends("fs_state", "fs_window_end", "fs_eta")
    def _compute_fs_is_late_risk(self):
        now = fields.Datetime.now()
        for task in self:
            task.fs_is_late_risk = task._fs_late_risk(now)

    def _fs_late_risk(self, now):
        """Open, not arrived, and either past its window or planned to arrive after it."""
        if self.fs_state not in (vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE) or not self.fs_window_end:
            return False
        return self.fs_window_end < now or bool(self.fs_eta and self.fs_eta > self.fs_window_end)

    def _search_fs_is_late_risk(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Search lateness with = or !=."))
        now = fields.Datetime.now()
        candidates = self.search(
            [
                ("fs_state", "in", [vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE]),
                ("fs_window_end", "!=", False),
                "|",
                ("fs_window_end", "<", now),
                ("fs_eta", "!=", False),
            ]
        )
        late = candidates.filtered(lambda task: task._fs_late_risk(now))
        wants_late = (operator == "=") == bool(value)
        return [("id", "in" if wants_late else "not in", late.ids)]

    # ---- constraints ----------------------------------------------------------------------

    @api.constrains("fs_window_start", "fs_window_end", "fs_service_minutes")
    def _check_fs_window(self):
        for task in self:
            problem = windows.window_problem(
                task.fs_window_start, task.fs_window_end, task.fs_service_minutes
            )
            if problem:
                raise ValidationError(problem)

    @api.constrains("fs_technician_id", "fs_required_skill_ids")
    def _check_fs_technician_skills(self):
        for task in self.filtered("fs_technician_id"):
            required = task.fs_required_skill_ids._fs_as_requirements()
            held = task.fs_technician_id._fs_held_skills()[task.fs_technician_id.id]
            missing = set(skill_rules.missing_skills(required, held))
            if missing:
                lines = task.fs_required_skill_ids.filtered(
                    lambda line, missing=missing: line.skill_id.id in missing
                )
                names = ", ".join(
                    f"{line.skill_id.name} ({line.skill_level_id.name})" for line in lines
                )
                raise ValidationError(
                    self.env._("%(technician)s cannot do %(visit)s: missing skill %(skills)s.")
                    % {
                        "technician": task.fs_technician_id.name,
                        "visit": task.name,
                        "skills": names,
                    }
                )

    # ---- create / write -------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # The database refuses an inverted window at the INSERT, before _check_fs_window runs:
        # give its readable message first.
        for vals in vals_list:
            start = fields.Datetime.to_datetime(vals.get("fs_window_start"))
            end = fields.Datetime.to_datetime(vals.get("fs_window_end"))
            if start and end and end <= start:
                raise ValidationError(windows.window_problem(start, end, 0))
        self._fs_take_booking_lock(
            {
                vals["fs_technician_id"]
                for vals in vals_list
                if vals.get("fs_technician_id") and vals.get("fs_window_start")
            }
        )
        tasks = super().create(vals_list)
        tasks.filtered(lambda t: t.fs_job_type_id)._fs_apply_job_type(only_empty=True)
        tasks._fs_sync_assignees()
        if any(task.fs_is_visit and not task.fs_site_geolocated for task in tasks):
            cron = self.env.ref("field_service_cx.ir_cron_fs_geolocate_sites", False)
            if cron:
                cron._trigger()
        tasks.filtered(lambda t: t.fs_window_start)._fs_record_promises(
            self.env.context.get("fs_promise_source", "booking")
        )
        return tasks

    def write(self, vals):
        self._fs_check_technician_write(vals)
        schedule_written = bool(SCHEDULE_FIELDS & vals.keys())
        if schedule_written:
            # The booking lock first, then the visits' rows (_fs_lock_schedule): always that order.
            moved = self.filtered(lambda task: task.fs_is_visit and task._fs_booking_moves(vals))
            technicians = set(moved.fs_technician_id.ids)
            if moved and vals.get("fs_technician_id"):
                technicians.add(vals["fs_technician_id"])
            self._fs_take_booking_lock(technicians)
        if schedule_written and vals.get("fs_schedule_version_read"):
            self._fs_check_schedule_version(vals["fs_schedule_version_read"])
        schedule_before = {task.id: task._fs_schedule_key() for task in self if schedule_written}
        window_before = {task.id: (task.fs_window_start, task.fs_window_end) for task in self}
        result = super().write(vals)
        if schedule_written:
            self.filtered(
                lambda t: t._fs_schedule_key() != schedule_before[t.id]
            )._fs_bump_schedule_version()
        if "fs_job_type_id" in vals:
            self._fs_apply_job_type(only_empty=False)
        if "fs_technician_id" in vals:
            self._fs_sync_assignees()
        if "fs_window_start" in vals or "fs_window_end" in vals:
            moved = self.filtered(
                lambda t: t.fs_window_start
                and (t.fs_window_start, t.fs_window_end) != window_before[t.id]
            )
            moved._fs_record_promises(self.env.context.get("fs_promise_source", "company"))
        return result

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
        """Office and customer bookings giving these technicians a window meet here (see
        ``fs.booking.lock``): one of two concurrent ones fails and is retried."""
        if technician_ids:
            # sudo: a system table every booking path bumps, whoever the user is.
            self.env["fs.booking.lock"].sudo()._fs_lock(technician_ids)

    def _fs_schedule_key(self):
        return (self.fs_window_start, self.fs_window_end, self.fs_technician_id.id)

    def _fs_bump_schedule_version(self):
        if not self:
            return
        # One statement, not a second ORM write: the write chain (tracking, promises,
        # messages) must not run again for a bookkeeping counter.
        self.env.cr.execute(
            SQL(
                "UPDATE project_task SET fs_schedule_version = fs_schedule_version + 1 "
                "WHERE id IN %s",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["fs_schedule_version"])

    def _fs_lock_schedule(self):
        """Lock the visits' rows before trusting the schedule version read in this snapshot.

        A change committed after the snapshot makes the lock fail with a serialization error:
        Odoo retries the request on a fresh snapshot, which sees the newer version. Callers
        take the booking lock (``fs.booking.lock``) before this one, always in that order.
        """
        self.env.cr.execute(
            SQL("SELECT id FROM project_task WHERE id IN %s FOR NO KEY UPDATE", tuple(self.ids)),
            log_exceptions=False,  # a concurrent change fails here on purpose, then retries
        )

    def _fs_check_schedule_version(self, version_read):
        """Refuse a change of window or technician stated on an older schedule version."""
        self._fs_lock_schedule()
        stale = self.filtered(lambda task: task.fs_schedule_version != version_read)
        if stale:
            task = stale[0]
            raise StaleVisitError(
                self.env._(
                    "%(visit)s changed meanwhile: someone else changed its time or technician "
                    "since you opened it (it is now %(window)s, %(technician)s). Please reload "
                    "the visit and make your change again.",
                    visit=task.display_name,
                    window=task.fs_window_display or self.env._("no window"),
                    technician=task.fs_technician_id.name or self.env._("no technician"),
                )
            )

    def _fs_check_technician_write(self, vals):
        user = self.env.user
        if self.env.su or not user.has_group("field_service_cx.group_fs_technician"):
            return
        if user.has_group("field_service_cx.group_fs_dispatcher"):
            return
        if not self.filtered("fs_is_visit"):
            return
        forbidden = set(vals) - TECHNICIAN_FIELDS
        if forbidden:
            labels = ", ".join(sorted(self._fields[name].string for name in forbidden))
            raise AccessError(
                self.env._("Technicians can only change the field work of a visit, not: %s.")
                % labels
            )

    def _fs_apply_job_type(self, only_empty):
        """Copy the job type's skills, kit and checklist onto the visits (editable afterwards)."""
        for task in self:
            job_type = task.fs_job_type_id
            commands = {}
            if not (only_empty and task.fs_required_skill_ids):
                commands["fs_required_skill_ids"] = [fields.Command.clear()] + [
                    fields.Command.create(
                        {
                            "skill_type_id": line.skill_type_id.id,
                            "skill_id": line.skill_id.id,
                            "skill_level_id": line.skill_level_id.id,
                        }
                    )
                    for line in job_type.required_skill_ids
                ]
            if not (only_empty and task.fs_part_ids):
                commands["fs_part_ids"] = [
                    fields.Command.unlink(line.id) for line in task.fs_part_ids if line.from_kit
                ] + [
                    fields.Command.create(
                        {
                            "product_id": line.product_id.id,
                            "quantity": line.quantity,
                            "from_kit": True,
                        }
                    )
                    for line in job_type.kit_line_ids
                ]
            if not (only_empty and task.fs_checklist_line_ids):
                commands["fs_checklist_line_ids"] = [fields.Command.clear()] + [
                    fields.Command.create(values)
                    for values in job_type.checklist_line_ids._fs_prepare_visit_line_values()
                ]
            if commands:
                task.write(commands)

    def _fs_sync_assignees(self):
        """The technician's user is the task's assignee, so core rules and activities follow."""
        for task in self.filtered(lambda t: t.fs_technician_id.user_id):
            if task.user_ids != task.fs_technician_id.user_id:
                task.write({"user_ids": [fields.Command.set(task.fs_technician_id.user_id.ids)]})

    def _fs_record_promises(self, source):
        self.env["fs.visit.promise"].sudo().create(  # sudo: the history is written by the system
            [
                {
                    "task_id": task.id,
                    "window_start": task.fs_window_start,
                    "window_end": task.fs_window_end,
                    "source": source,
                }
                for task in self
                if task.fs_window_start and task.fs_window_end
            ]
        )

    @api.onchange("fs_window_start", "fs_window_end", "fs_technician_id")
    def _onchange_fs_schedule_version_read(self):
        """State the version the form was opened on when its window or technician is edited.

        The web client saves only changed fields, so the version the form read is sent only
        once something sets it: these fields' context carries the loaded version, the first
        edit stores it here, and ``write`` refuses it if someone else moved the visit since.
        """
        version = self.env.context.get("fs_schedule_version_read")
        for task in self:
            if version and task._origin.id and not task.fs_schedule_version_read:
                task.fs_schedule_version_read = version

    @api.onchange("fs_job_type_id")
    def _onchange_fs_job_type_id(self):
        """Preview the job type's lines in the form; create/write apply the same rule."""
        for task in self.filtered("fs_job_type_id"):
            job_type = task.fs_job_type_id
            task.fs_required_skill_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "skill_type_id": line.skill_type_id.id,
                        "skill_id": line.skill_id.id,
                        "skill_level_id": line.skill_level_id.id,
                    }
                )
                for line in job_type.required_skill_ids
            ]

    # ---- booking: the dispatcher's New visit --------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        """Field Service › Visits › New makes a visit of the field-service project, not a
        private task."""
        defaults = super().default_get(fields_list)
        if (
            self.env.context.get("fs_visit_views")
            and "project_id" in fields_list
            and not defaults.get("project_id")
        ):
            company_ids = [self.env.company.id, False]
            project = self.env["project.project"].search(
                [("fs_is_field_service", "=", True), ("company_id", "in", company_ids)], limit=1
            )
            defaults["project_id"] = project.id or False
            if project and "company_id" in fields_list:
                # Else core's company onchange empties a project of another company (none).
                defaults["company_id"] = project.company_id.id
            if "user_ids" in fields_list:
                defaults["user_ids"] = []  # a visit's assignee is its technician, not the office
        return defaults

    @api.constrains("partner_id", "fs_window_start", "fs_technician_id", "project_id")
    def _check_fs_booking(self):
        for task in self.filtered("fs_is_visit"):
            if (task.fs_window_start or task.fs_technician_id) and not task.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(visit)s needs a customer before it gets a window or a technician.",
                        visit=task.name,
                    )
                )
            if task.fs_technician_id and not task.fs_window_start:
                raise ValidationError(
                    self.env._(
                        "%(visit)s needs a window before it is given to a technician.",
                        visit=task.name,
                    )
                )

    # ---- booking: which windows we can offer -----------------------------------------------

    @api.model
    def _fs_booking_settings(self):
        """The booking rule's settings; the customer portal overrides them with its own."""
        return dict(BOOKING_SETTINGS)

    @api.model
    def _fs_offer_windows(
        self,
        *,
        site,
        company,
        required,
        service_minutes,
        parts,
        days,
        window_minutes,
        earliest,
        exclude_visit=None,
        exclude=None,
        preferred=None,
    ):
        """The windows to offer for a job at ``site`` on these local ``days`` (``tools.booking``).

        ``required`` is {hr.skill id: level}, ``parts`` {product id: quantity} (a technician
        whose van lacks them starts after the parts lead time), ``earliest`` the first start
        (naive UTC). ``exclude_visit`` is the visit being moved: its own place is free.
        """
        if not days:
            return []
        settings = self._fs_booking_settings()
        zone, _note = windows.resolve_zone(site.tz, company.partner_id.tz)
        # sudo: customers and dispatchers alike may not read employees; only windows leave.
        employees = self.env["hr.employee"].sudo()
        technicians = employees.search(
            [("fs_is_technician", "=", True), ("company_id", "in", [company.id, False])]
        )
        qualified = employees.browse(
            skill_rules.eligible_technicians(required, technicians._fs_held_skills())
        )
        if not qualified:
            return []
        days = sorted(days)
        range_start = datetime.combine(days[0], time.min).replace(tzinfo=zone)
        range_end = datetime.combine(days[-1] + timedelta(days=1), time.min).replace(tzinfo=zone)
        wanted = set(days)
        working = {
            tech: [span for span in spans if windows.to_local(span[0], zone).date() in wanted]
            for tech, spans in qualified._fs_work_intervals(range_start, range_end).items()
        }
        domain = [
            ("fs_is_visit", "=", True),
            ("fs_state", "in", vs.OPEN_STATES),
            ("fs_window_start", "<", range_end.astimezone(windows.UTC).replace(tzinfo=None)),
            ("fs_window_end", ">", range_start.astimezone(windows.UTC).replace(tzinfo=None)),
            "|",
            ("fs_technician_id", "in", qualified.ids),
            ("fs_technician_id", "=", False),
        ]
        if exclude_visit:
            domain.append(("id", "!=", exclude_visit.id))
        # sudo: every booked visit takes capacity, whoever may read it; only windows are read.
        booked = [
            booking.Booked(
                row["fs_window_start"],
                row["fs_window_end"],
                row["fs_technician_id"] or None,
                row["fs_service_minutes"] or 0,
                (row["fs_site_latitude"], row["fs_site_longitude"]),
            )
            for row in self.sudo().search_read(
                domain,
                [
                    "fs_technician_id",
                    "fs_window_start",
                    "fs_window_end",
                    "fs_service_minutes",
                    "fs_site_latitude",
                    "fs_site_longitude",
                ],
                load=None,
            )
        ]
        after_parts = fields.Datetime.now() + timedelta(hours=settings["parts_lead_hours"])
        short = qualified._fs_short_of_parts(parts)
        return booking.offer_windows(
            working=working,
            booked=booked,
            service_minutes=service_minutes,
            window_minutes=window_minutes,
            earliest={
                tech.id: max(earliest, after_parts) if tech.id in short else earliest
                for tech in qualified
            },
            day_of=lambda moment: windows.to_local(moment, zone).date(),
            point=(site.partner_latitude, site.partner_longitude),
            per_window=settings["per_window"],
            exclude=exclude,
            preferred=preferred,
            homes={
                tech.id: (
                    tech.fs_start_partner_id.partner_latitude,
                    tech.fs_start_partner_id.partner_longitude,
                )
                for tech in qualified
                if tech.fs_start_partner_id
            },
        )

    # ---- the day's moves ------------------------------------------------------------------

    def _fs_zone_names(self):
        """Where the visit's zone comes from, in order; never the acting user (public: UTC)."""
        self.ensure_one()
        return (
            self.fs_site_id.tz,
            self.company_id.partner_id.tz,
            # sudo: a technician follows the visit, not always its project; only the zone is read
            self.project_id.sudo().company_id.partner_id.tz,
        )

    def _fs_zone(self):
        """The visit's zone and a note; UTC when none is known (``fs_zone_problem`` says so)."""
        zone, note = windows.find_zone(*self._fs_zone_names())
        return (zone, note) if zone else (windows.UTC, note or self.env._("no time zone"))

    def _fs_move(self, target, extra=None):
        """Move visits to ``target`` (checked), stamping the time of the step."""
        now = fields.Datetime.now()
        for task in self:
            if vs.move_problem(task.fs_state, target):
                labels = dict(task._fields["fs_state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "This visit is “%(current)s”: it cannot become “%(target)s”.",
                        current=labels[task.fs_state],
                        target=labels[target],
                    )
                )
        values = dict(extra or {}, fs_state=target)
        if target in STATE_TIMESTAMPS:
            values[STATE_TIMESTAMPS[target]] = now
        if target == vs.DONE:
            values["state"] = "1_done"
        elif target == vs.CANCELLED:
            values["state"] = "1_canceled"
        self.write(values)
        return True

    def action_fs_confirm(self):
        return self._fs_move(vs.CONFIRMED)

    def action_fs_on_my_way(self):
        return self._fs_move(vs.EN_ROUTE)

    def action_fs_arrive(self):
        return self._fs_move(vs.ON_SITE)

    def action_fs_done(self):
        for task in self:
            problems = task._fs_done_problems()
            if problems:
                raise UserError(
                    self.env._("%(visit)s cannot be done yet:\n%(problems)s")
                    % {"visit": task.name, "problems": "\n".join(f"• {p}" for p in problems)}
                )
        self._fs_move(vs.DONE)
        self.fs_part_ids._fs_consume_from_van()
        return True

    def _fs_done_problems(self):
        self.ensure_one()
        problems = [
            self.env._("Checklist item not done: %s") % line.name
            for line in self.fs_checklist_line_ids
            if line.required and not line.is_done
        ]
        if self.fs_requires_signature and not self.fs_signature:
            problems.append(self.env._("The customer's signature is required."))
        return problems

    def action_fs_not_home(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer not home"),
            "res_model": "fs.visit.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids, "default_target_state": vs.NOT_HOME},
        }

    def action_fs_cancel(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel visit"),
            "res_model": "fs.visit.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids, "default_target_state": vs.CANCELLED},
        }

    def action_fs_add_photo(self, kind, image):
        """Add a photo taken on site (the visit screen's camera button)."""
        self.ensure_one()
        kinds = dict(self.env["fs.visit.photo"]._fields["kind"].selection)
        if kind not in kinds:
            raise UserError(self.env._("A photo is taken before or after the work."))
        if not image:
            raise UserError(self.env._("The photo is empty: please take it again."))
        self.env["fs.visit.photo"].create({"task_id": self.id, "kind": kind, "image": image})
        return True

    def action_fs_reopen(self):
        return self._fs_move(vs.TO_SCHEDULE, {"state": "01_in_progress"})

    def action_fs_open_map(self):
        self.ensure_one()
        if not self.fs_site_geolocated:
            raise UserError(self.env._("This site has no coordinates yet."))
        return {
            "type": "ir.actions.act_url",
            "url": "https://www.openstreetmap.org/?mlat=%(lat)s&mlon=%(lon)s#map=17/%(lat)s/%(lon)s"
            % {"lat": self.fs_site_latitude, "lon": self.fs_site_longitude},
            "target": "new",
        }
