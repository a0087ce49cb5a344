import logging
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.mail import html_to_inner_content, plaintext2html

from ..exceptions import StaleVisitError
from ..tools import booking, geo, live, positions, windows
from ..tools import help as help_rules
from ..tools import skills as skill_rules
from ..tools import visit_states as vs
from .fs_job_type import UNMEASURED_SPREAD

_logger = logging.getLogger(__name__)

# What a technician (who is not a dispatcher) may change on a visit: the field work.
TECHNICIAN_FIELDS = {
    "fs_state",
    "fs_en_route_at",
    "fs_arrived_at",
    "fs_done_at",
    "fs_not_home_at",
    "fs_not_home_reason",
    "fs_unfinished_at",
    "fs_unfinished_reason",
    "fs_unfinished_note",
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
# Live flags: the company's minutes (settings), the states each flag watches, the refresh batch.
LATE_TO_START_PARAM = "field_service_cx.late_to_start_minutes"
AT_RISK_MARGIN_PARAM = "field_service_cx.at_risk_margin_minutes"
NOT_LEFT_STATES = (vs.SCHEDULED, vs.CONFIRMED)
NOT_ARRIVED_STATES = (vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE)
LIVE_FLAGS_BATCH = 500
# Set: offer fixed-length windows (the booking's window length) instead of measured ones.
FIXED_WINDOWS_PARAM = "field_service_cx.fixed_windows"
# A change of any of these reaches the live screens (plan form, live status) through the bus.
# The visit's backend address in a help conversation: the dispatcher's visit form.
HELP_VISIT_PATH = "action-field_service_cx.action_fs_visits"
LIVE_FIELDS = {"fs_state", "fs_eta", "fs_technician_id", "fs_window_start", "fs_window_end"}
# Timestamps written when a visit enters a state.
STATE_TIMESTAMPS = {
    vs.EN_ROUTE: "fs_en_route_at",
    vs.ON_SITE: "fs_arrived_at",
    vs.DONE: "fs_done_at",
    vs.CANCELLED: "fs_cancelled_at",
    vs.NOT_HOME: "fs_not_home_at",
    vs.UNFINISHED: "fs_unfinished_at",
}
# Why a technician could not finish a visit (the "Can't finish" dialog).
UNFINISHED_REASONS = [
    ("parts", "Parts missing"),
    ("skill", "Needs another skill or a colleague"),
    ("customer", "The customer asked to stop"),
    ("unsafe", "Unsafe to work"),
    ("other", "Other"),
]


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
    fs_today_first = fields.Integer(
        "Today first",
        compute="_compute_fs_today_first",
        help="Sorts lists as a dispatcher reads them: today's visits, then the coming ones "
        "(soonest first), then those without a day, then the past (latest first).",
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
    fs_unfinished_at = fields.Datetime("Stopped unfinished at", copy=False, readonly=True)
    fs_unfinished_reason = fields.Selection(
        UNFINISHED_REASONS, string="Why not finished", copy=False
    )
    fs_unfinished_note = fields.Text("Not finished: note", copy=False)
    fs_follow_up_of_id = fields.Many2one(
        "project.task",
        string="Follow-up of",
        copy=False,
        index="btree_not_null",
        help="The visit that could not be finished and that this one carries on.",
    )
    fs_follow_up_ids = fields.One2many("project.task", "fs_follow_up_of_id", string="Follow-ups")
    fs_replenishment_ids = fields.Many2many(
        "stock.picking",
        "project_task_fs_replenishment_rel",
        "task_id",
        "picking_id",
        string="Parts ordered for the van",
        copy=False,
        readonly=True,
    )
    # Written by the route planner (field_service_routing); read by messages and the portal.
    fs_route_sequence = fields.Integer("Stop", copy=False, help="Order in the technician's day.")
    fs_site_history = fields.Html(
        "Last visits here",
        sanitize=False,  # built here from escaped values only
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
    fs_eta_live_at = fields.Datetime(
        "ETA from a live position at",
        copy=False,
        readonly=True,
        help="When the ETA was last re-timed from the technician's live position; empty while "
        "it is the planned one.",
    )
    fs_position_sharing = fields.Selection(
        [("off", "Not shared"), ("off_duty", "Outside working hours"), ("on", "Shared")],
        string="Location sharing",
        compute="_compute_fs_position_sharing",
        help="Whether the signed-in technician's phone shares its location for this visit now: "
        "only while on the way to their own visit, only in their working hours.",
    )
    fs_eta_planned = fields.Datetime(
        "Planned ETA",
        copy=False,
        readonly=True,
        help="The planned arrival a live position replaced: the ETA falls back to it when the "
        "position goes stale.",
    )
    fs_planned_travel_km = fields.Float("Planned travel (km)", copy=False)
    fs_earlier_open_visit_id = fields.Many2one(
        "project.task",
        string="Earlier visit still open",
        compute="_compute_fs_earlier_open_visit_id",
        help="An earlier visit of the same technician's day that is not finished yet.",
    )
    fs_planned_departure = fields.Datetime(
        "Planned departure",
        copy=False,
        help="When the technician should leave for this visit, from the applied day plan.",
    )
    # Stored so that filters and the live status are plain domains; time moves them on, so the
    # live-flags cron recomputes them every few minutes.
    fs_is_late_risk = fields.Boolean(
        "Late / at risk",
        compute="_compute_fs_live_flags",
        store=True,
        index="btree_not_null",
        help="Not arrived, and its projected arrival (the re-timed ETA, or now) is later than the "
        "margin before its window ends: flagged before the window is missed.",
    )
    fs_is_late_to_start = fields.Boolean(
        "Late to start",
        compute="_compute_fs_live_flags",
        store=True,
        index="btree_not_null",
        help="Not on the way several minutes (a setting) after the planned departure.",
    )
    # Ask for help: the visit's Discuss group chat, opened by its technician, reused on each ask.
    fs_help_channel_id = fields.Many2one(
        "discuss.channel",
        string="Help conversation",
        copy=False,
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    fs_help_asked_at = fields.Datetime("Help asked at", copy=False, readonly=True)

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
        # only the date, name, work summary, photo count and open questions leave.
        earlier = (
            self.sudo().search(
                [
                    ("fs_site_id", "in", sites.ids),
                    ("fs_state", "in", [vs.DONE, vs.NOT_HOME, vs.UNFINISHED]),
                ],
                order="fs_done_at desc, fs_not_home_at desc, fs_unfinished_at desc, id desc",
            )
            if sites
            else self.browse()
        )
        reasons = dict(self._fields["fs_unfinished_reason"]._description_selection(self.env))
        for task in self:
            visits = earlier.filtered(
                lambda v, task=task: v.fs_site_id == task.fs_site_id and v.id != task._origin.id
            )[:3]
            badges = visits._fs_site_history_badges()
            rows = []
            for visit in visits:
                moment = visit.fs_done_at or visit.fs_not_home_at or visit.fs_unfinished_at
                work = " ".join(html_to_inner_content(visit.fs_work_summary or "").split())
                if visit.fs_state == vs.NOT_HOME:
                    work = self.env._("Customer not home")
                elif visit.fs_state == vs.UNFINISHED:
                    stopped = self.env._(
                        "Could not finish: %(reason)s",
                        reason=reasons.get(visit.fs_unfinished_reason, ""),
                    )
                    work = f"{stopped}. {work}" if work else stopped
                head = [
                    format_date(self.env, moment) if moment else "",
                    visit.fs_technician_id.name or "",
                ]
                if visit.fs_photo_ids:
                    head.append(self.env._("%(count)s photo(s)", count=len(visit.fs_photo_ids)))
                rows.append(
                    Markup(
                        '<li class="o_fs_site_history_visit mb-2"><div class="fw-bold">%s</div>'
                        "<div>%s</div>%s</li>"
                    )
                    % (
                        " · ".join(part for part in head if part),
                        work[:140],
                        Markup("").join(
                            Markup(
                                '<span class="badge text-bg-warning text-wrap text-start '
                                'o_fs_open_dispute">%s</span>'
                            )
                            % badge
                            for badge in badges.get(visit.id, [])
                        ),
                    )
                )
            task.fs_site_history = (
                Markup('<ul class="list-unstyled mb-0">%s</ul>') % Markup("").join(rows)
                if rows
                else False
            )

    def _fs_site_history_badges(self):
        """{visit id: [warnings shown under it in "Last visits here"]}; feedback adds disputes."""
        return {}

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
                # The measured figure (the technician's own where they have one), else the constant.
                task.fs_service_minutes = task.fs_job_type_id._fs_service_minutes(
                    task.fs_technician_id or None
                )
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

    @api.depends("fs_visit_date")
    def _compute_fs_today_first(self):
        today = fields.Date.context_today(self)
        for task in self:
            day = task.fs_visit_date
            task.fs_today_first = 3 if not day else 0 if day == today else 1 if day > today else 4

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """``fs_today_first`` (not stored, as today moves) sorts in SQL like its compute:
        the rank, then the window ascending until today and descending before."""
        if field_name != "fs_today_first":
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        day = self._field_to_sql(alias, "fs_visit_date", query)
        start = self._field_to_sql(alias, "fs_window_start", query)
        today = fields.Date.context_today(self)
        return SQL(
            "CASE WHEN %(day)s IS NULL THEN 3 WHEN %(day)s = %(today)s THEN 0 "
            "WHEN %(day)s > %(today)s THEN 1 ELSE 4 END %(direction)s, "
            "CASE WHEN %(day)s >= %(today)s THEN %(start)s END ASC, %(start)s DESC",
            day=day,
            today=today,
            start=start,
            direction=direction,
        )

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

    @api.depends(
        "fs_state",
        "fs_window_start",
        "fs_window_end",
        "fs_eta",
        "fs_planned_departure",
        "fs_planned_travel_minutes",
    )
    def _compute_fs_live_flags(self):
        now = fields.Datetime.now()
        grace, margin = self._fs_live_minutes()
        for task in self:
            task.fs_is_late_risk = task.fs_state in NOT_ARRIVED_STATES and live.is_at_risk(
                now,
                task.fs_eta,
                task.fs_window_end,
                arrived=False,
                margin_minutes=margin,
            )
            departure = live.planned_departure(
                task.fs_window_start, task.fs_planned_departure, task.fs_planned_travel_minutes
            )
            task.fs_is_late_to_start = task.fs_state in NOT_LEFT_STATES and live.is_late_to_start(
                now, departure, started=False, grace_minutes=grace
            )

    @api.model
    def _fs_live_minutes(self):
        """(late-to-start grace, at-risk margin) in minutes, from the settings."""
        # sudo: two numbers of the company's settings, read for any user's visits.
        params = self.env["ir.config_parameter"].sudo()

        def minutes(key, default):
            try:
                return max(int(params.get_param(key, default)), 0)
            except ValueError:
                return default

        return (
            minutes(LATE_TO_START_PARAM, live.DEFAULT_LATE_TO_START_MINUTES),
            minutes(AT_RISK_MARGIN_PARAM, live.DEFAULT_AT_RISK_MARGIN_MINUTES),
        )

    @api.model
    def _cron_fs_refresh_live_flags(self):
        """Raise the flags that time raised since the last run (the fields' own changes already
        recompute them), batch by batch; a batch that fails is retried visit by visit, and a
        visit that fails is logged and left."""
        try:
            with self.env.cr.savepoint():
                self._cron_fs_stale_positions()
        except Exception:  # a lost signal's fallback must not stop the flags
            _logger.warning("Stale positions not restored to their planned ETA", exc_info=True)
        now = fields.Datetime.now()
        grace, margin = self._fs_live_minutes()
        due = self.search(
            [
                "|",
                "&",
                ("fs_is_late_risk", "=", False),
                "&",
                ("fs_state", "in", NOT_ARRIVED_STATES),
                ("fs_window_end", "<", now + timedelta(minutes=margin)),
                "&",
                ("fs_is_late_to_start", "=", False),
                "&",
                ("fs_state", "in", NOT_LEFT_STATES),
                ("fs_window_start", "<", now + timedelta(days=1)),
            ],
            order="id",
        )
        changed = self.browse()
        for start in range(0, len(due), LIVE_FLAGS_BATCH):
            batch = due[start : start + LIVE_FLAGS_BATCH]
            try:
                with self.env.cr.savepoint():
                    changed |= batch._fs_recompute_live_flags()
            except Exception:  # one bad visit must not stop the batch: retry one by one
                for visit in batch:
                    try:
                        with self.env.cr.savepoint():
                            changed |= visit._fs_recompute_live_flags()
                    except Exception:
                        _logger.warning(
                            "Live flags of visit %s not refreshed", visit.id, exc_info=True
                        )
        changed._fs_notify_live()
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=0)
        return changed

    def _fs_recompute_live_flags(self):
        """Recompute the flags of these visits now; the visits whose flags changed."""
        before = {task.id: (task.fs_is_late_risk, task.fs_is_late_to_start) for task in self}
        self.env.add_to_compute(self._fields["fs_is_late_risk"], self)
        self.env.add_to_compute(self._fields["fs_is_late_to_start"], self)
        self.flush_recordset(["fs_is_late_risk", "fs_is_late_to_start"])
        return self.filtered(
            lambda task: before[task.id] != (task.fs_is_late_risk, task.fs_is_late_to_start)
        )

    def _fs_notify_live(self):
        """Tell the dispatchers' open screens that these visits' day changed (bus)."""
        if not self:
            return
        technicians = self.fs_technician_id.ids
        dispatchers = self.env.ref("field_service_cx.group_fs_dispatcher", raise_if_not_found=False)
        if not dispatchers:
            return
        # sudo: the group's members are who hears it; only visit ids and technician ids are sent.
        dispatchers.sudo().users._bus_send(
            "field_service_cx/live", {"visit_ids": self.ids, "technician_ids": technicians}
        )

    # ---- constraints ----------------------------------------------------------------------

    @api.constrains("fs_window_start", "fs_window_end", "fs_service_minutes")
    def _check_fs_window(self):
        for task in self:
            problem = windows.window_problem(
                task.fs_window_start, task.fs_window_end, task.fs_service_minutes
            )
            if problem:
                raise ValidationError(self.env["fs.visit.message"]._fs_say(problem))

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fs_booked_visit(self):
        """A booked visit is cancelled with a reason, never deleted (the customer was promised
        a window): only administrators remove them, e.g. test data."""
        if self.env.is_system():
            return
        booked = self.filtered(
            lambda t: t.fs_is_visit and (t.fs_promise_ids or t.fs_state != vs.TO_SCHEDULE)
        )
        if booked:
            raise UserError(
                self.env._(
                    "A booked visit is not deleted: cancel it with a reason instead (%(visits)s).",
                    visits=", ".join(booked[:5].mapped("name")),
                )
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
                raise ValidationError(
                    self.env["fs.visit.message"]._fs_say(windows.window_problem(start, end, 0))
                )
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
        if "fs_eta" in vals and "fs_eta_live_at" not in vals:
            # Re-planned: the new plan is the planned timing a stale position falls back to.
            self.filtered("fs_eta_live_at").write(
                {"fs_eta_live_at": False, "fs_eta_planned": False}
            )
        if LIVE_FIELDS & vals.keys():
            self.filtered("fs_is_visit")._fs_notify_live()
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
        job_type=None,
    ):
        """The windows to offer for a job at ``site`` on these local ``days`` (``tools.booking``).

        ``required`` is {hr.skill id: level}, ``parts`` {product id: quantity} (a technician
        whose van lacks them starts after the parts lead time), ``earliest`` the first start
        (naive UTC). ``exclude_visit`` is the visit being moved: its own place is free.
        With ``job_type``, windows are sized with its measured spread for each technician and,
        when ``service_minutes`` is None, each is planned with their measured duration of it.
        Unless the company offers fixed windows, each window is sized from the simulated day
        of its technician (``tools.promises``); ``window_minutes`` then spaces the starts.
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
        rows = self.sudo().search_read(
            domain,
            [
                "fs_technician_id",
                "fs_window_start",
                "fs_window_end",
                "fs_service_minutes",
                "fs_site_latitude",
                "fs_site_longitude",
                "fs_job_type_id",
            ],
            load=None,
        )
        honest = self._fs_honest_windows()
        spreads = {}
        if honest:
            # sudo: job types of other visits are read for their measured spread only.
            job_types = (
                self.env["fs.job.type"].sudo().browse({r["fs_job_type_id"] for r in rows} - {False})
            )
            for row in rows:
                key = (row["fs_job_type_id"], row["fs_technician_id"])
                if row["fs_job_type_id"] and key not in spreads:
                    spreads[key] = job_types.browse(row["fs_job_type_id"])._fs_duration_spread(
                        employees.browse(row["fs_technician_id"]) or None
                    )
        booked = [
            booking.Booked(
                row["fs_window_start"],
                row["fs_window_end"],
                row["fs_technician_id"] or None,
                row["fs_service_minutes"] or 0,
                (row["fs_site_latitude"], row["fs_site_longitude"]),
                spreads.get((row["fs_job_type_id"], row["fs_technician_id"])),
            )
            for row in rows
        ]
        job_type = job_type.sudo() if job_type else None  # sudo: figures read for planning
        if service_minutes is None:
            service_minutes = {tech.id: job_type._fs_service_minutes(tech) for tech in qualified}
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
            honest=booking.Honest(
                spread={
                    tech.id: job_type._fs_duration_spread(tech)
                    if job_type
                    else (service_minutes, service_minutes * UNMEASURED_SPREAD)
                    for tech in qualified
                }
            )
            if honest
            else None,
        )

    @api.model
    def _fs_honest_windows(self):
        """Whether windows are sized from the simulated day (the default) or fixed-length."""
        return not self.env["ir.config_parameter"].sudo().get_param(FIXED_WINDOWS_PARAM)

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
        out_of_order = self.filtered("fs_earlier_open_visit_id")
        self._fs_move(vs.EN_ROUTE)
        out_of_order._fs_make_next_stop()
        return True

    def action_fs_on_my_way_ask(self):
        """On my way while an earlier visit of the day is open: ask first, naming it."""
        self.ensure_one()
        if not self.fs_earlier_open_visit_id:
            return self.action_fs_on_my_way()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Go to this visit first?"),
            "res_model": "fs.visit.order.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_id": self.id},
        }

    def _fs_make_next_stop(self):
        """Out of order: each visit becomes its technician's next stop; the day's other
        waiting visits follow in their order, then the day is re-timed (``_fs_retime_day``).

        Stop numbers are the route's sequence, which the customers' "stop N of today" counts
        too: both follow the new order.
        """
        for task in self.filtered(lambda t: t.fs_technician_id and t.fs_visit_date):
            day = self.search(
                [
                    ("fs_technician_id", "=", task.fs_technician_id.id),
                    ("fs_visit_date", "=", task.fs_visit_date),
                    ("fs_state", "!=", vs.CANCELLED),
                    ("id", "!=", task.id),
                ]
            ).sorted(lambda t: t._fs_day_order())
            waiting = day.filtered(lambda t: t.fs_state in (vs.SCHEDULED, vs.CONFIRMED))
            for sequence, visit in enumerate((day - waiting) + task + waiting, start=1):
                if visit.fs_route_sequence != sequence:
                    # sudo: the stop order is the system's bookkeeping of the technician's choice
                    visit.sudo().fs_route_sequence = sequence
        self._fs_retime_day()

    def _fs_retime_day(self):
        """Hook: the rest of these visits' days changed order; routing re-times their ETAs."""
        return True

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

    def action_fs_cant_finish(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Can't finish"),
            "res_model": "fs.visit.unfinished.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_id": self.id},
        }

    def _fs_customer_unfinished_reason(self):
        """Why the work stopped, in the customer's words (messages and the visit page)."""
        self.ensure_one()
        return {
            "parts": self.env._("a part we need was missing"),
            "skill": self.env._("the job needs a colleague with another skill"),
            "customer": self.env._("you asked us to stop"),
            "unsafe": self.env._("it was not safe to carry on"),
        }.get(self.fs_unfinished_reason) or self.env._("the work needs another visit")

    def _fs_stop_unfinished(self, reason, note, parts, rebook, order_parts):
        """Close the visit as not finished; book its follow-up and/or order the missing parts.

        ``parts`` is [(product.product, quantity)], what was missing. Returns (follow-up visit,
        replenishment picking), either empty. Checked before anything is written.
        """
        self.ensure_one()
        reasons = dict(self._fields["fs_unfinished_reason"]._description_selection(self.env))
        note = (note or "").strip()
        if reason not in reasons:
            raise UserError(self.env._("Please say why the visit cannot be finished."))
        if reason == "other" and not note:
            raise UserError(self.env._("Please describe what stops the work."))
        parts = [(product, quantity) for product, quantity in parts if product and quantity > 0]
        if order_parts and not parts:
            raise UserError(self.env._("List the missing parts to order them for your van."))
        van = self.fs_technician_id.fs_van_location_id
        if order_parts and not van:
            raise UserError(self.env._("No van is assigned to this visit's technician."))
        problem = vs.move_problem(self.fs_state, vs.UNFINISHED)
        if problem:
            raise UserError(problem)
        self._fs_move(vs.UNFINISHED, {"fs_unfinished_reason": reason, "fs_unfinished_note": note})
        picking = self._fs_order_parts(parts, van) if order_parts else self.env["stock.picking"]
        follow_up = self._fs_book_follow_up(parts, picking) if rebook else self.browse()
        summary = [self.env._("Could not finish: %(reason)s", reason=reasons[reason])]
        if note:
            summary.append(note)
        if follow_up:
            summary.append(self.env._("Follow-up to schedule: %(visit)s", visit=follow_up.name))
        if picking:
            summary.append(
                self.env._("Parts ordered for the van: %(picking)s", picking=picking.name)
            )
        self.message_post(body=plaintext2html("\n".join(summary)), subtype_xmlid="mail.mt_note")
        return follow_up, picking

    def _fs_order_parts(self, parts, van):
        """An internal transfer of the missing parts from the warehouse to the van, confirmed."""
        company = self.company_id or self.env.company
        # sudo: technicians have no stock rights; the warehouse prepares what they ordered
        Picking = self.env["stock.picking"].sudo()
        warehouse = (
            self.env["stock.warehouse"].sudo().search([("company_id", "=", company.id)], limit=1)
        )
        if not warehouse:
            raise UserError(self.env._("There is no warehouse to order the parts from."))
        source = warehouse.lot_stock_id
        picking = Picking.create(
            {
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": source.id,
                "location_dest_id": van.id,
                "origin": self.name,
                "company_id": company.id,
                "move_ids": [
                    fields.Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom": product.uom_id.id,
                            "product_uom_qty": quantity,
                            "location_id": source.id,
                            "location_dest_id": van.id,
                            "company_id": company.id,
                        }
                    )
                    for product, quantity in parts
                ],
            }
        )
        picking.action_confirm()
        # sudo: the link is the system's bookkeeping, not a field the technician edits
        self.sudo().fs_replenishment_ids = [fields.Command.link(picking.id)]
        return picking

    def _fs_prepare_follow_up_values(self, parts):
        """The follow-up, written in the office's language (the company's), not the phone's."""
        self.ensure_one()
        company = self.company_id or self.env.company
        office = self.with_context(lang=company.partner_id.lang or self.env.lang).env
        reasons = dict(self._fields["fs_unfinished_reason"]._description_selection(office))
        lines = [
            office._(
                "Follow-up of %(visit)s: %(reason)s",
                visit=self.name,
                reason=reasons[self.fs_unfinished_reason],
            )
        ]
        if self.fs_unfinished_note:
            lines.append(self.fs_unfinished_note)
        if parts:
            lines.append(
                office._(
                    "Missing parts: %(parts)s",
                    parts=", ".join(f"{product.display_name} × {qty:g}" for product, qty in parts),
                )
            )
        return {
            "name": office._("Follow-up: %(visit)s", visit=self.name),
            "project_id": self.project_id.id,
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "fs_site_id": self.fs_site_id.id,
            "fs_job_type_id": self.fs_job_type_id.id,
            "fs_access_notes": self.fs_access_notes,
            "fs_follow_up_of_id": self.id,
            "description": plaintext2html("\n".join(lines)) + (self.description or ""),
            "fs_part_ids": [
                fields.Command.create({"product_id": product.id, "quantity": quantity})
                for product, quantity in parts
            ],
            "user_ids": [],
        }

    def _fs_book_follow_up(self, parts, picking):
        """A visit to schedule (no window, no technician: the office books it)."""
        # sudo: a technician may not create visits; the follow-up is the office's to schedule
        follow_up = (
            self.sudo()
            .with_context(mail_create_nolog=True)
            .create(self._fs_prepare_follow_up_values(parts))
        )
        if picking:
            follow_up.fs_replenishment_ids = [fields.Command.link(picking.id)]
        office = follow_up._fs_office_users().get(follow_up.id)
        if office:
            follow_up.activity_schedule(
                "mail.mail_activity_data_call",
                user_id=office.id,
                summary=self.env._("Call the customer to book the follow-up"),
            )
        return follow_up.with_env(self.env)

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

    def action_fs_add_part_by_code(self, code):
        """A part scanned or typed on site (barcode, else internal reference): added to the
        visit, or one more used when it is already there. Returns the line (False for an
        unknown code) and what the screen says."""
        self.ensure_one()
        code = (code or "").strip()
        if self.fs_state != vs.ON_SITE:
            raise UserError(self.env._("Parts are added on site, after Arrived."))
        if not code:
            raise UserError(self.env._("Scan or type the part's code."))
        Product = self.env["product.product"]
        product = Product.search([("barcode", "=", code)], limit=1) or Product.search(
            [("default_code", "=ilike", code)], limit=1
        )
        if not product:  # a scanner's everyday miss: an answer on the screen, not an error
            return {
                "line_id": False,
                "message": self.env._(
                    "No part has the code %(code)s. Check it, or add the part by its name.",
                    code=code,
                ),
            }
        line = self.fs_part_ids.filtered(lambda part: part.product_id == product)[:1]
        if line:
            line._fs_change_used(1)
        else:
            line = self.env["fs.visit.part"].create(
                {"task_id": self.id, "product_id": product.id, "quantity": 1, "quantity_used": 1}
            )
        used = f"{line.quantity_used:g}"
        return {
            "line_id": line.id,
            "message": self.env._("%(part)s: %(used)s used", part=product.display_name, used=used),
        }

    def action_fs_reopen(self):
        return self._fs_move(vs.TO_SCHEDULE, {"state": "01_in_progress"})

    def action_fs_view_customer(self):
        """The visit's customer in the customer view (visits, messages, leads)."""
        self.ensure_one()
        customer = (self.partner_id or self.fs_site_id).commercial_partner_id
        if not customer:
            raise UserError(self.env._("This visit has no customer yet: set one first."))
        return customer._fs_customer_form_action()

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

    # ---- live position: shared only while on the way --------------------------------------

    def fs_share_position(self, latitude, longitude, accuracy=None):
        """The technician's phone, on the way to this visit, says where it is.

        Refused (``UserError``, nothing stored) before "On my way", after arrival, for another
        technician's visit, outside the technician's working hours and for a point that is not
        one. An accepted position re-times the rest of the leg (``_fs_eta_from_position``)
        and checks the customer's window (``_fs_check_delays``). Returns what the screen shows.
        """
        self.ensure_one()
        now = fields.Datetime.now()
        # sudo: the technician may not read another's visit; the checks below decide and only
        # a refusal (no data of the visit) leaves.
        visit = self.sudo()
        en_route, own = visit._fs_position_en_route_own()
        intervals = visit._fs_position_intervals(now) if en_route and own else {}
        code = positions.refusal(
            en_route=en_route,
            own_visit=own,
            now=now,
            working_intervals=intervals.get(visit.id, []),
            latitude=latitude,
            longitude=longitude,
            accuracy=accuracy,
        )
        if code:
            raise UserError(self._fs_position_refusal(code))
        # sudo: technicians have no rights on positions; this method is their only way in
        position = (
            self.env["fs.technician.position"]
            .sudo()
            .create(
                {
                    "technician_id": visit.fs_technician_id.id,
                    "visit_id": visit.id,
                    "latitude": float(latitude),
                    "longitude": float(longitude),
                    "accuracy": float(accuracy) if accuracy not in (None, False) else 0.0,
                    "recorded_at": now,
                }
            )
        )
        eta = visit._fs_eta_from_position(position)
        if eta:
            values = {"fs_eta": eta, "fs_eta_live_at": now}
            if not visit.fs_eta_live_at:
                values["fs_eta_planned"] = visit.fs_eta
            # sudo: the ETA is the system's re-timing of the technician's leg, not their edit
            visit.write(values)
            visit._fs_check_delays()
        zone, _note = visit._fs_zone()
        return {
            "recorded_at": fields.Datetime.to_string(now),
            # The visit's time zone, as the ETA: the phone's clock may be set to another.
            "sent_at": windows.format_hour(now, zone, self.env.lang),
            "eta": windows.format_hour(eta, zone, self.env.lang) if eta else False,
        }

    def _fs_position_en_route_own(self):
        """(on the way, the signed-in user's own visit) for this visit."""
        self.ensure_one()
        own = bool(self.fs_technician_id) and self.fs_technician_user_id == self.env.user
        return bool(self.fs_is_visit and self.fs_state == vs.EN_ROUTE), own

    def _fs_position_intervals(self, now):
        """{visit id: its technician's working intervals (naive UTC) around ``now``}."""
        aware = now.replace(tzinfo=windows.UTC)
        # sudo: the technician's calendar and time off, read to know when not to share
        technicians = self.sudo().fs_technician_id
        spans = technicians._fs_work_intervals(
            aware - timedelta(hours=12), aware + timedelta(hours=12)
        )
        return {task.id: spans.get(task.fs_technician_id.id, []) for task in self}

    @api.depends("fs_state", "fs_technician_id")
    @api.depends_context("uid")
    def _compute_fs_position_sharing(self):
        now = fields.Datetime.now()
        candidates = self.filtered(lambda task: all(task._fs_position_en_route_own()))
        intervals = candidates._fs_position_intervals(now) if candidates else {}
        for task in self:
            en_route, own = task._fs_position_en_route_own()
            code = positions.sharing_refusal(
                en_route=en_route,
                own_visit=own,
                now=now,
                working_intervals=intervals.get(task.id, []),
            )
            task.fs_position_sharing = (
                "on" if not code else "off_duty" if code == positions.OFF_DUTY else "off"
            )

    def _fs_position_refusal(self, code):
        """The refusal ``code`` of ``tools.positions`` as the technician reads it."""
        if code == positions.NOT_ON_THE_WAY:
            return self.env._(
                "Your location is shared only while you are on the way to a visit: "
                "from “On my way” until “Arrived”."
            )
        if code == positions.NOT_YOURS:
            return self.env._("Only this visit's technician can share a location for it.")
        if code == positions.OFF_DUTY:
            return self.env._(
                "Outside your working hours your location is never shared, and it was not saved."
            )
        if code == positions.BAD_ACCURACY:
            return self.env._("The phone's accuracy is not a number of metres.")
        return self.env._("The phone's location is not a valid point: it was not saved.")

    def _fs_eta_from_position(self, position):
        """Hook: the arrival the rest of the leg gives from ``position`` (naive UTC), or False.

        The embedded estimate: straight line × detour at an average speed; the routing addon
        asks its travel-time provider instead.
        """
        self.ensure_one()
        if not self.fs_site_geolocated:
            return False
        seconds = positions.travel_seconds(
            (position.latitude, position.longitude),
            (self.fs_site_latitude, self.fs_site_longitude),
        )
        return positions.eta_from(position.recorded_at, seconds)

    def _fs_live_positions(self):
        """{visit id: live position} for those of these visits on the way with a position.

        Each is ``{"latitude", "longitude", "recorded_at" (naive UTC), "stale"}``: the latest
        position received for the visit; ``stale`` once none came for three minutes. One query.
        """
        en_route = self.filtered(lambda task: task.fs_is_visit and task.fs_state == vs.EN_ROUTE)
        if not en_route:
            return {}
        now = fields.Datetime.now()
        # sudo: the position leaves only for a visit on the way, to whoever may see the visit
        self.env["fs.technician.position"].sudo().flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (visit_id) visit_id, latitude, longitude, recorded_at "
                "FROM fs_technician_position WHERE visit_id IN %s "
                "ORDER BY visit_id, recorded_at DESC, id DESC",
                tuple(en_route.ids),
            )
        )
        return {
            visit_id: {
                "latitude": latitude,
                "longitude": longitude,
                "recorded_at": recorded_at,
                "stale": positions.is_stale(recorded_at, now),
            }
            for visit_id, latitude, longitude, recorded_at in self.env.cr.fetchall()
        }

    def _fs_live_position(self):
        """This visit's live position (see ``_fs_live_positions``), or False when it is not
        on the way or has none."""
        self.ensure_one()
        return self._fs_live_positions().get(self.id, False)

    @api.model
    def _cron_fs_stale_positions(self):
        """Visits whose live position went stale fall back to their planned ETA (and the delay
        check follows it), so a lost signal never freezes the customer's ETA."""
        cutoff = fields.Datetime.now() - positions.STALE_AFTER
        stale = self.search(
            [
                ("fs_eta_live_at", "!=", False),
                "|",
                ("fs_eta_live_at", "<=", cutoff),
                ("fs_state", "!=", vs.EN_ROUTE),
            ],
            order="id",
            limit=LIVE_FLAGS_BATCH,
        )
        return stale._fs_restore_planned_eta()

    def _fs_restore_planned_eta(self):
        """Back to the planned timing: on the way, the ETA is the planned one again."""
        restored = self.browse()
        for task in self:
            values = {"fs_eta_live_at": False, "fs_eta_planned": False}
            if task.fs_state == vs.EN_ROUTE and task.fs_eta_planned:
                values["fs_eta"] = task.fs_eta_planned
                restored |= task
            task.write(values)
        restored._fs_check_delays()
        return restored

    # ---- ask for help -----------------------------------------------------------------------

    def action_fs_ask_help(self):
        """The technician's "Ask for help": a short, optional note first (a dialog)."""
        self.ensure_one()
        self._fs_check_help_asker()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask for help"),
            "res_model": "fs.visit.help.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_task_id": self.id},
        }

    def _fs_check_help_asker(self):
        """A technician asks for help on his own open visits only (dispatchers on any)."""
        user = self.env.user
        for task in self:
            if not task.fs_is_visit:
                raise UserError(self.env._("Only a field-service visit can ask for help."))
            if task.fs_technician_user_id != user and not user.has_group(
                "field_service_cx.group_fs_dispatcher"
            ):
                raise AccessError(
                    self.env._(
                        "You can ask for help only on your own visits (%(visit)s).",
                        visit=task.name,
                    )
                )
            if task.fs_state not in vs.PLANNED_STATES:
                raise UserError(
                    self.env._(
                        "%(visit)s is closed: call the office if you still need help.",
                        visit=task.name,
                    )
                )

    def _fs_help_on_duty(self, moment):
        """Ids of the dispatchers (real, internal users of the visit's company) whose working
        hours, time off deducted, include ``moment`` (naive UTC)."""
        self.ensure_one()
        group = self.env.ref("field_service_cx.group_fs_dispatcher")
        company = self.company_id or self.env.company
        # sudo: whoever asks, the office's people and their hours decide who is on duty.
        users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", group.id),
                    ("share", "=", False),
                    ("company_ids", "in", company.id),
                ],
                order="id",
            )
            .filtered(lambda user: not user._is_superuser())
        )
        employees = users.employee_ids.filtered(lambda employee: employee.company_id == company)
        aware = moment.replace(tzinfo=windows.UTC)
        intervals = employees._fs_work_intervals(
            aware - timedelta(hours=1), aware + timedelta(hours=1)
        )
        working = {
            employee.user_id.id
            for employee in employees
            if any(start <= moment < end for start, end in intervals[employee.id])
        }
        return [user.id for user in users if user.id in working]

    def _fs_help_helpers(self):
        """(res.users, source code): who this visit's question goes to (``tools.help``)."""
        self.ensure_one()
        experts = self.fs_job_type_id.sudo().help_user_ids.filtered(  # sudo: configuration read
            lambda user: user.active and not user.share
        )
        office = self.sudo()._fs_office_users().get(self.id)  # sudo: the office's user, by rule
        helpers = help_rules.pick_helpers(
            self.env.user.id,
            experts=experts.ids,
            on_duty=self._fs_help_on_duty(fields.Datetime.now()),
            office=office.id if office else None,
        )
        return self.env["res.users"].sudo().browse(helpers.user_ids), helpers.source

    def _fs_help_values(self, note, lang):
        """What the conversation's first message says, in ``lang``: the visit's link and its
        context (customer, address, job type, state, window, checklist), the technician's note."""
        self.ensure_one()
        visit = self.with_context(lang=lang)
        env = visit.env
        progress = help_rules.checklist_progress(
            (line.is_done, line.required) for line in visit.fs_checklist_line_ids
        )
        states = dict(visit._fields["fs_state"]._description_selection(env))
        checklist = ""
        if progress.total:
            checklist = env._(
                "%(done)s of %(total)s done", done=progress.done, total=progress.total
            )
        if progress.required_open:
            checklist = env._(
                "%(done)s of %(total)s done, %(open)s required still open",
                done=progress.done,
                total=progress.total,
                open=progress.required_open,
            )
        return {
            "visit": visit,
            "headline": env._(
                "%(technician)s asks for help on this visit:", technician=env.user.name
            ),
            "url": f"{visit.get_base_url()}/odoo/{HELP_VISIT_PATH}/{visit.id}",
            "customer": visit.partner_id.display_name or "",
            "address": ", ".join(
                line.strip() for line in (visit.fs_site_address or "").splitlines() if line.strip()
            ),
            "job_type": visit.fs_job_type_id.name or "",
            "state": states.get(visit.fs_state, ""),
            "window": visit.fs_window_display or "",
            "checklist": checklist,
            "note": (note or "").strip(),
        }

    def _fs_ask_help(self, note=None):
        """Open (or reuse) the visit's help conversation with its helpers and post the visit's
        context there, as the technician. Returns the discuss.channel."""
        self.ensure_one()
        self._fs_check_help_asker()
        helpers, _source = self._fs_help_helpers()
        if not helpers:
            raise UserError(
                self.env._("Nobody in the office can be reached right now: please call the office.")
            )
        partners = (self.env.user | helpers).partner_id
        company = self.company_id or self.env.company
        lang = helpers[:1].lang or company.partner_id.lang or self.env.lang
        # sudo: the visit's group chat is the system's; its members are chosen by rule above
        # (a colleague who took the visit over is not a member of the chat opened before).
        channel = self.sudo().fs_help_channel_id
        created = not channel
        if channel:
            channel.add_members(partner_ids=partners.ids, post_joined_message=False)
        else:
            channel = (
                self.env["discuss.channel"]
                .sudo()
                .create(
                    {
                        "name": self.with_context(lang=lang).env._(
                            "Help: %(visit)s", visit=self.name
                        ),
                        "channel_type": "group",
                        "channel_member_ids": [
                            fields.Command.create({"partner_id": partner.id})
                            for partner in partners
                        ],
                    }
                )
            )
        body = self.env["ir.qweb"]._render(
            "field_service_cx.fs_help_message", self._fs_help_values(note, lang)
        )
        # The helpers are mentioned: Discuss's notification (inbox or e-mail, their choice)
        # reaches them even before their screen listens to the new conversation.
        channel.with_context(lang=lang).message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=helpers.partner_id.ids,
        )
        if created:
            channel._broadcast(partners.ids)  # pinned in everyone's Discuss at once
        # sudo: bookkeeping of the system (a technician may not write these fields)
        self.sudo().write(
            {"fs_help_channel_id": channel.id, "fs_help_asked_at": fields.Datetime.now()}
        )
        return channel.with_env(self.env)

    def action_fs_open_help(self):
        """The dispatcher's "Help asked" (visit form, board): into the visit's conversation."""
        self.ensure_one()
        return self._fs_help_open_action(self._fs_join_help())

    def _fs_join_help(self):
        """The dispatcher joins the visit's help conversation (a group chat admits only its
        members; the dispatchers on duty are in it already). Returns the discuss.channel."""
        self.ensure_one()
        if not self.env.user.has_group("field_service_cx.group_fs_dispatcher"):
            raise AccessError(self.env._("Only dispatchers can join a visit's help conversation."))
        # sudo: a dispatcher who is not a member may not read the chat before joining it.
        channel = self.sudo().fs_help_channel_id
        if not channel:
            raise UserError(self.env._("Nobody asked for help on this visit."))
        channel.add_members(partner_ids=self.env.user.partner_id.ids, post_joined_message=False)
        return channel.with_env(self.env)

    def _fs_help_open_action(self, channel):
        """Discuss, on the conversation (full screen on the phone)."""
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "name": channel.sudo().name,  # sudo: the name of a chat the user was just added to
            "context": {"active_id": f"discuss.channel_{channel.id}"},
        }
