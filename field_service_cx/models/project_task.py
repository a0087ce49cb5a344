from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..exceptions import StaleVisitError
from ..tools import skills as skill_rules
from ..tools import visit_states as vs
from ..tools import windows

# What a technician (who is not a dispatcher) may change on a visit: the field work.
TECHNICIAN_FIELDS = {
    "fs_state",
    "fs_en_route_at",
    "fs_arrived_at",
    "fs_done_at",
    "fs_not_home_reason",
    "fs_access_notes",
    "fs_work_summary",
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
    fs_eta = fields.Datetime("ETA", copy=False, help="Planned (or re-planned) arrival.")
    fs_planned_travel_minutes = fields.Float("Planned travel (min)", copy=False)
    fs_planned_travel_km = fields.Float("Planned travel (km)", copy=False)
    fs_is_late_risk = fields.Boolean(
        "Late / at risk",
        compute="_compute_fs_is_late_risk",
        search="_search_fs_is_late_risk",
        help="Open and not arrived while its window has ended, or its ETA is after the window.",
    )

    # ---- computes -------------------------------------------------------------------------

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

    # ---- the day's moves ------------------------------------------------------------------

    def _fs_zone_names(self):
        """Where the visit's zone comes from, in order; never the acting user (public: UTC)."""
        self.ensure_one()
        return (
            self.fs_site_id.tz,
            self.company_id.partner_id.tz,
            self.project_id.company_id.partner_id.tz,
        )

    def _fs_zone(self):
        """The visit's zone and a note; UTC when none is known (``fs_zone_problem`` says so)."""
        zone, note = windows.find_zone(*self._fs_zone_names())
        return (zone, note) if zone else (windows.UTC, note or "no time zone")

    def _fs_move(self, target, extra=None):
        """Move visits to ``target`` (checked), stamping the time of the step."""
        now = fields.Datetime.now()
        for task in self:
            problem = vs.move_problem(task.fs_state, target)
            if problem:
                raise UserError(problem)
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
        return self._fs_move(vs.DONE)

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
            "res_model": "fs.visit.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids, "default_target_state": vs.NOT_HOME},
        }

    def action_fs_cancel(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "fs.visit.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_ids": self.ids, "default_target_state": vs.CANCELLED},
        }

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
