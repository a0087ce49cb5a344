import logging
import time as timer

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.addons.field_service_cx.tools import windows
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..solver.isolated import (
    CRASHED,
    MARGIN_SHARE,
    START_ALLOWANCE_S,
    TIMEOUT,
    SolveFailed,
    margin_s,
    solve_isolated,
)
from ..tools.route_svg import MapRoute, routes_svg
from .fs_route_problem import INVALID_WINDOW, NO_TECHNICIAN_LOCATION, NOT_GEOLOCATED

_logger = logging.getLogger(__name__)

REASONS = [
    ("no_qualified_technician", "No qualified technician working"),
    ("window_unreachable", "Window unreachable"),
    ("capacity", "No room in the day"),
    (NOT_GEOLOCATED, "Site not geolocated"),
    (NO_TECHNICIAN_LOCATION, "Technician has no start address"),
    (INVALID_WINDOW, "Window missing or ends before it starts"),
]
# Visits a day plan takes in: not started ones move; started ones are pinned where they are.
PLANNABLE_STATES = (vs.TO_SCHEDULE, vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE, vs.ON_SITE)
# A plan still "solving" this long after its claim, beyond the child's kill time, has no live solve
# (a live one holds its row lock and ends solved or failed by then): its worker died. The grace
# covers building the problem (travel matrix) and storing the stops.
STUCK_GRACE_S = 120
# Claims of a plan whose worker died before it is failed rather than queued again.
MAX_SOLVE_ATTEMPTS = 2


class FsRoutePlan(models.Model):
    """A day plan for one team (a field-service project): solved in the background, then applied."""

    _name = "fs.route.plan"
    _description = "Day plan"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    project_id = fields.Many2one(
        "project.project",
        string="Team",
        required=True,
        domain=[("fs_is_field_service", "=", True)],
        help="The field-service project whose visits are planned together.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("solving", "Solving"),
            ("solved", "Solved"),
            ("applied", "Applied"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    time_limit_s = fields.Integer("Time limit (s)", default=10, required=True)
    deterministic = fields.Boolean(
        default=True, help="Same visits and technicians give the same plan every time."
    )
    stop_ids = fields.One2many("fs.route.stop", "plan_id", string="Stops")
    served_count = fields.Integer("Visits planned", compute="_compute_totals", store=True)
    unassigned_count = fields.Integer("Left out", compute="_compute_totals", store=True)
    travel_minutes = fields.Float("Travel (min)", compute="_compute_totals", store=True)
    travel_km = fields.Float("Travel (km)", compute="_compute_totals", store=True)
    technician_count = fields.Integer("Technicians", compute="_compute_totals", store=True)
    queued_at = fields.Datetime(readonly=True)
    solving_since = fields.Datetime(readonly=True)
    solve_attempts = fields.Integer(
        readonly=True, help="Times the background solve took this plan since it was queued."
    )
    solved_at = fields.Datetime(readonly=True)
    applied_at = fields.Datetime(readonly=True)
    solve_seconds = fields.Float("Solve time (s)", readonly=True, digits=(16, 2))
    travel_note = fields.Char("Travel times", readonly=True)
    error = fields.Text(readonly=True)
    map_svg = fields.Html("Map", compute="_compute_map_svg", sanitize=False)
    skipped_count = fields.Integer("Not applied", compute="_compute_skipped_count")

    @api.depends("date", "project_id")
    def _compute_name(self):
        for plan in self:
            plan.name = f"{plan.project_id.name or ''} {plan.date or ''}".strip()

    @api.depends("stop_ids.technician_id", "stop_ids.travel_minutes", "stop_ids.travel_km")
    def _compute_totals(self):
        for plan in self:
            served = plan.stop_ids.filtered("technician_id")
            plan.served_count = len(served)
            plan.unassigned_count = len(plan.stop_ids) - len(served)
            plan.travel_minutes = sum(served.mapped("travel_minutes"))
            plan.travel_km = sum(served.mapped("travel_km"))
            plan.technician_count = len(served.technician_id)

    @api.depends("stop_ids.skip_reason")
    def _compute_skipped_count(self):
        for plan in self:
            plan.skipped_count = len(plan.stop_ids.filtered("skip_reason"))

    @api.depends("stop_ids.sequence", "stop_ids.technician_id")
    def _compute_map_svg(self):
        for plan in self:
            routes = []
            served = plan.stop_ids.filtered("technician_id").sorted(
                lambda stop: (stop.technician_id.id, stop.sequence)
            )
            for employee in served.technician_id:
                start = employee.fs_start_partner_id or plan.company_id.partner_id
                stops = served.filtered(lambda stop, e=employee: stop.technician_id == e)
                routes.append(
                    MapRoute(
                        employee.name,
                        (start.partner_latitude, start.partner_longitude),
                        [
                            (stop.task_id.fs_site_latitude, stop.task_id.fs_site_longitude)
                            for stop in stops
                        ],
                    )
                )
            # The SVG is built from numbers and escaped names only (tools/route_svg.py).
            plan.map_svg = (
                routes_svg(
                    routes,
                    label=self.env._("Routes of the day"),
                    start_title=self.env._("%(name)s: start"),
                    stop_title=self.env._("%(name)s: stop %(number)s"),
                )
                or False
            )

    @api.constrains("time_limit_s")
    def _check_time_limit_s(self):
        for plan in self:
            if not 1 <= plan.time_limit_s <= 600:
                raise ValidationError(self.env._("The time limit must be between 1 and 600 s."))

    # ---- dispatcher's actions ------------------------------------------------------------

    def action_plan(self):
        """Queue the solve: it runs in the background, never in this request."""
        for plan in self:
            if plan.state in ("queued", "solving"):
                raise UserError(self.env._("%s is already being planned.") % plan.name)
        self.write(
            {
                "state": "queued",
                "queued_at": fields.Datetime.now(),
                "error": False,
                "solving_since": False,
                "solve_attempts": 0,
            }
        )
        self.env.ref("field_service_routing.ir_cron_fs_route_solve")._trigger()
        if self.search_count([("state", "in", ("queued", "solving"))]) > 1:
            self.env.ref("field_service_routing.ir_cron_fs_route_solve_2")._trigger()
        return True

    def action_apply(self):
        """Write technician, stop number, ETA and travel on every planned visit, in one go.

        A visit whose window, day, technician or state changed since the solve keeps what it
        has (the customer's or a dispatcher's newer choice): its stop says why, the plan's
        chatter lists them, and no ETA of the plan reaches it.
        """
        for plan in self:
            if plan.state != "solved":
                raise UserError(self.env._("Only a solved plan can be applied."))
        stops = self.env["fs.route.stop"]
        for stop in self.stop_ids.filtered("technician_id"):
            reason = stop._fs_change_since_solve()
            if reason:
                stop.skip_reason = reason
            else:
                stop.task_id.write(stop._fs_prepare_visit_values())
                stops |= stop
        self.write({"state": "applied", "applied_at": fields.Datetime.now()})
        self._fs_post_skipped_stops()
        stops.task_id._fs_routing_etas_changed()
        return True

    def _fs_post_skipped_stops(self):
        for plan in self:
            skipped = plan.stop_ids.filtered("skip_reason")
            if not skipped:
                continue
            items = Markup().join(
                Markup("<li>%s: %s</li>") % (stop.task_id.display_name, stop.skip_reason)
                for stop in skipped
            )
            plan.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._(
                        "Not applied to %(count)s visit(s) that changed since the plan was "
                        "solved: they keep their own time and technician. Plan the day again "
                        "to include them.",
                        count=len(skipped),
                    ),
                    items,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_day_sheets(self):
        """Every technician's day sheet of this plan, as one Excel workbook."""
        self.ensure_one()
        technicians = self.stop_ids.technician_id
        if not technicians:
            raise UserError(self.env._("Plan the day first: no technician has a route yet."))
        ids = ",".join(str(technician.id) for technician in technicians)
        return {
            "type": "ir.actions.act_url",
            "url": f"/field_service/day_sheet.xlsx?date={self.date}&technician_ids={ids}",
            "target": "self",
        }

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        action["domain"] = [("id", "in", self.stop_ids.task_id.ids)]
        action["context"] = {"search_default_group_technician": 1}
        return action

    # ---- background solve -----------------------------------------------------------------

    @api.model
    def _cron_solve_plans(self):
        """One step per call: the oldest queued plan is marked solving (committed by the cron
        runner, so the dispatcher sees it), then solved on the next call. Plans are claimed with
        SKIP LOCKED, so several cron workers solve different teams in parallel; a solve runs in a
        child process killed at its budget, any failure marks its plan failed, and a plan whose
        worker died is reclaimed: no plan holds up the others."""
        self._fs_reclaim_stuck()
        plan = self._fs_claim("solving", "solving_since") or self._fs_claim("queued", "queued_at")
        if plan and plan.state == "queued":
            plan.write(
                {
                    "state": "solving",
                    "solving_since": fields.Datetime.now(),
                    "solve_attempts": plan.solve_attempts + 1,
                }
            )
        elif plan:
            plan._fs_solve()
        remaining = self.search_count([("state", "in", ("queued", "solving"))])
        self.env["ir.cron"]._notify_progress(done=1 if plan else 0, remaining=remaining)

    def _fs_claim(self, state, oldest_first_by):
        self.flush_model(["state", oldest_first_by])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM fs_route_plan WHERE state = %s
                   ORDER BY %s, id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                state,
                SQL.identifier(oldest_first_by),
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    @api.model
    def _fs_reclaim_stuck(self):
        """Plans left "solving" past their kill time plus a grace by a worker that died go back to
        the queue (behind the others) once; after that they fail with the reason."""
        self.flush_model(["state", "solving_since", "time_limit_s"])
        self.env.cr.execute(
            """SELECT id FROM fs_route_plan
               WHERE state = 'solving' AND (solving_since IS NULL OR solving_since
                     < %s - make_interval(secs => time_limit_s * %s + %s))
               FOR UPDATE SKIP LOCKED""",
            (fields.Datetime.now(), 1 + MARGIN_SHARE, START_ALLOWANCE_S + STUCK_GRACE_S),
        )
        stuck = self.browse(row[0] for row in self.env.cr.fetchall())
        again = stuck.filtered(lambda plan: plan.solve_attempts < MAX_SOLVE_ATTEMPTS)
        again.write({"state": "queued", "queued_at": fields.Datetime.now(), "solving_since": False})
        for plan in stuck - again:
            _logger.warning("Day plan %s: its solve was interrupted, marked failed", plan.name)
            plan.write(
                {
                    "state": "failed",
                    "solving_since": False,
                    "error": self.env._(
                        "The solve was interrupted %(count)s times without an answer (the server "
                        "stopped or ran out of memory). Plan again, perhaps with a shorter time "
                        "limit or fewer visits.",
                        count=plan.solve_attempts,
                    ),
                }
            )

    def _fs_solve(self):
        """Build, solve in a child process within the time limit, and store the stops; any
        failure marks the plan failed with its reason and keeps the older stops."""
        self.ensure_one()
        began = timer.monotonic()
        try:
            with self.env.cr.savepoint():
                built = self.env["fs.route.problem"]._fs_build(
                    self.date, self.company_id, self._fs_visits(), self._fs_technicians()
                )
                answer = solve_isolated(
                    built.problem,
                    time_limit_s=self.time_limit_s,
                    deterministic=self.deterministic,
                    # Tests only: make the child hang, crash or die, to prove the failure paths.
                    drill=(self.env.context.get("fs_route_solve_drills") or {}).get(self.id),
                )
                self.stop_ids.unlink()
                self.env["fs.route.stop"].create(self._fs_prepare_stop_values(built, answer))
                self.write(
                    {
                        "state": "solved",
                        "solving_since": False,
                        "solved_at": fields.Datetime.now(),
                        "solve_seconds": timer.monotonic() - began,
                        "travel_note": built.travel_note,
                    }
                )
        except psycopg2.OperationalError:
            raise  # the database itself failed: the cron retries, the plan is reclaimed
        except Exception as error:  # one failed plan must not stop the others
            self._fs_fail(error)

    def _fs_fail(self, error):
        if isinstance(error, SolveFailed) and error.kind == TIMEOUT:
            reason = self.env._(
                "The solver did not finish within %(seconds)s s and was stopped. Plan again, "
                "perhaps with fewer visits or a longer time limit.",
                seconds=round(self.time_limit_s + margin_s(self.time_limit_s)),
            )
        elif isinstance(error, SolveFailed) and error.kind == CRASHED:
            reason = self.env._("The solver stopped with an error: %(error)s", error=error.detail)
        elif isinstance(error, SolveFailed | ValueError | UserError):
            detail = error.detail if isinstance(error, SolveFailed) else str(error)
            reason = self.env._("This day cannot be planned: %(error)s", error=detail)
        else:
            _logger.exception("Day plan %s: unexpected error while planning", self.name)
            detail = f"{type(error).__name__}: {error}"  # apart: the .pot exporter reads the call
            reason = self.env._("Planning failed unexpectedly: %(error)s", error=detail)
        _logger.warning("Day plan %s could not be solved: %s", self.name, reason)
        self.write({"state": "failed", "error": reason, "solving_since": False})

    def _fs_visits(self):
        self.ensure_one()
        return self.env["project.task"].search(
            [
                ("project_id", "=", self.project_id.id),
                ("fs_visit_date", "=", self.date),
                ("fs_state", "in", PLANNABLE_STATES),
                ("fs_window_start", "!=", False),
            ]
        )

    def _fs_technicians(self):
        self.ensure_one()
        return self.env["hr.employee"].search(
            [("fs_is_technician", "=", True), ("company_id", "in", [self.company_id.id, False])]
        )

    def _fs_prepare_stop_values(self, built, answer):
        values = []
        for route in answer.routes:
            employee_id = built.employee_ids[route.technician_id]
            for sequence, stop in enumerate(route.stops, start=1):
                values.append(
                    {
                        "plan_id": self.id,
                        "task_id": built.task_ids[stop.visit_id],
                        "technician_id": employee_id,
                        "sequence": sequence,
                        "arrival": built.moment(stop.arrival),
                        "service_start": built.moment(stop.start),
                        "waiting_minutes": stop.waiting_s / 60,
                        "travel_minutes": stop.travel_s / 60,
                        "travel_km": stop.distance_m / 1000,
                    }
                )
        for left in answer.unassigned:
            values.append(
                {
                    "plan_id": self.id,
                    "task_id": built.task_ids[left.visit_id],
                    "reason": left.reason,
                    "reason_detail": left.detail,
                }
            )
        for record, reason, detail in built.unassigned:
            if record._name == "project.task":
                values.append(
                    {
                        "plan_id": self.id,
                        "task_id": record.id,
                        "reason": reason,
                        "reason_detail": detail,
                    }
                )
        return self._fs_with_solved_schedule(values)

    def _fs_with_solved_schedule(self, values):
        """Add to each stop's values what its visit was when the solve read it."""
        visits = self.env["project.task"].browse({vals["task_id"] for vals in values})
        solved = {
            visit.id: {
                "solved_version": visit.fs_schedule_version,
                "solved_window_start": visit.fs_window_start,
                "solved_window_end": visit.fs_window_end,
                "solved_technician_id": visit.fs_technician_id.id,
                "solved_visit_date": visit.fs_visit_date,
            }
            for visit in visits
        }
        for vals in values:
            vals.update(solved[vals["task_id"]])
        return values

    # ---- re-planning one technician's remaining day ------------------------------------------

    @api.model
    def _fs_replan_technician_day(self, employee, day, now=None):
        """Re-plan what is left of ``employee``'s day from now and store the new ETAs.

        The remaining visits are re-ordered by the solver for this one technician (windows
        kept where possible); every remaining visit then gets an honest projected arrival
        along that order, late ones included, so that delay alerts can be sent.
        """
        now = now or fields.Datetime.now()
        visits = self.env["project.task"].search(
            [
                ("fs_technician_id", "=", employee.id),
                ("fs_visit_date", "=", day),
                ("fs_state", "in", (vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE, vs.ON_SITE)),
            ],
            order="fs_route_sequence, fs_window_start",
        )
        if not visits:
            return visits
        return self.env["fs.route.replan"]._fs_replan(employee, day, visits, now)

    @api.model
    def _fs_local_day(self, moment, company):
        zone, _note = windows.resolve_zone(company.partner_id.tz, self.env.user.tz)
        return windows.to_local(moment, zone).date()
