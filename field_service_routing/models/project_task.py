import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import positions
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import UserError

from ..solver.isolated import SolveFailed

_logger = logging.getLogger(__name__)

# Moves after which the rest of the technician's day is re-timed.
REPLAN_AFTER = (vs.EN_ROUTE, vs.ON_SITE, vs.DONE, vs.NOT_HOME, vs.UNFINISHED, vs.CANCELLED)


class ProjectTask(models.Model):
    _inherit = "project.task"

    fs_route_pinned = fields.Boolean(
        "Locked in the route",
        help="The planner keeps this visit with its technician and in its place.",
        tracking=True,
    )
    fs_replan_pending = fields.Boolean(copy=False, index="btree_not_null")

    def _fs_move(self, target, extra=None):
        result = super()._fs_move(target, extra)
        if target in REPLAN_AFTER:
            moved = self.filtered(lambda task: task.fs_technician_id and task.fs_visit_date)
            if moved:
                # sudo: a bookkeeping flag and a cron trigger, asked for by the technician's move.
                moved.sudo().fs_replan_pending = True
                self.env.ref("field_service_routing.ir_cron_fs_route_replan").sudo()._trigger()
        return result

    def _fs_retime_day(self):
        """The technician changed the order of their day: re-time it now, so that the next
        customers' ETAs (and delay alerts) follow; on failure the re-plan cron retries."""
        result = super()._fs_retime_day()
        now = fields.Datetime.now()
        for employee, day in {(task.fs_technician_id, task.fs_visit_date) for task in self}:
            try:
                with self.env.cr.savepoint():
                    # sudo: the technician's own day, re-timed by the system for them
                    self.env["fs.route.plan"].sudo()._fs_replan_technician_day(
                        employee, day, now=now
                    )
            except psycopg2.OperationalError:
                raise
            except (SolveFailed, ValueError, UserError) as error:
                _logger.info(
                    "Re-timing %s's day %s waits for the cron: %s", employee.name, day, error
                )
        return result

    def _fs_eta_from_position(self, position):
        """The rest of the leg from the live position with the company's travel-time provider
        (OSRM when configured, else the embedded estimate), counted from the position's receipt."""
        self.ensure_one()
        if not self.fs_site_geolocated:
            return False
        company = self.company_id or self.project_id.company_id or self.env.company
        durations, _distances, _note = self.env["fs.travel.matrix"]._fs_matrices(
            [
                (position.latitude, position.longitude),
                (self.fs_site_latitude, self.fs_site_longitude),
            ],
            company,
        )
        return positions.eta_from(position.recorded_at, durations[0][1])

    def _fs_board_start(self):
        """Where the dispatch board draws the visit: its planned arrival (when it belongs to this
        window's day, not an older one), else its window's start."""
        self.ensure_one()
        eta, start = self.fs_eta, self.fs_window_start
        if eta and start and abs(eta - start) < timedelta(hours=12):
            return eta
        return start

    def _fs_routing_etas_changed(self):
        """Hook: the ETAs of these visits were (re)computed; customer messages react here."""
        if hasattr(self, "_fs_check_delays"):
            self._fs_check_delays()

    @api.model
    def _cron_fs_replan_days(self, limit=20):
        """Re-time the days of technicians who moved on, and of those running late."""
        now = fields.Datetime.now()
        pending = self.search([("fs_replan_pending", "=", True)])
        late = self.search(
            [
                ("fs_state", "in", (vs.SCHEDULED, vs.CONFIRMED)),
                ("fs_eta", "<", now),
                ("fs_technician_id", "!=", False),
                ("fs_visit_date", "!=", False),
            ]
        )
        days = sorted(
            {(task.fs_technician_id, task.fs_visit_date) for task in pending | late},
            key=lambda pair: (pair[1], pair[0].id),
        )
        for employee, day in days[:limit]:
            try:
                with self.env.cr.savepoint():
                    self.env["fs.route.plan"]._fs_replan_technician_day(employee, day, now=now)
            except psycopg2.OperationalError:
                raise  # the database itself failed: the cron retries
            except Exception as error:  # one technician's day must not stop the others
                expected = isinstance(error, SolveFailed | ValueError | UserError)
                _logger.warning(
                    "Re-timing %s's day %s failed, its ETAs stay: %s",
                    employee.name,
                    day,
                    error,
                    exc_info=not expected,
                )
        done = set(days[:limit])
        pending.filtered(lambda t: (t.fs_technician_id, t.fs_visit_date) in done).write(
            {"fs_replan_pending": False}
        )
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=max(len(days) - limit, 0))
