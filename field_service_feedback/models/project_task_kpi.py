from odoo import api, fields, models

from ..tools import kpi as kpi_rules


class ProjectTask(models.Model):
    """Each visit stores its KPI measures (tools/kpi.py), so reports sum columns, not joins."""

    _inherit = "project.task"

    fs_kpi_visits = fields.Float("KPI: visits", compute="_compute_fs_kpi", store=True, copy=False)
    fs_kpi_cancelled = fields.Float(
        "KPI: cancelled", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_arrived = fields.Float("KPI: arrived", compute="_compute_fs_kpi", store=True, copy=False)
    fs_kpi_on_time_latest = fields.Float(
        "KPI: on time (latest promise)", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_on_time_original = fields.Float(
        "KPI: on time (original booking)", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_done = fields.Float("KPI: done", compute="_compute_fs_kpi", store=True, copy=False)
    fs_kpi_fix_attempts = fields.Float(
        "KPI: fix attempts (done or unfinished)", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_first_time_fix = fields.Float(
        "KPI: fixed first time", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_repeats = fields.Float(
        "KPI: repeat visits", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_travel_planned_min = fields.Float(
        "KPI: planned travel (min)", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_travel_planned_jobs = fields.Float(
        "KPI: jobs with planned travel", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_travel_actual_min = fields.Float(
        "KPI: actual travel (min)", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_travel_actual_jobs = fields.Float(
        "KPI: jobs with actual travel", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_rating_requests = fields.Float(
        "KPI: rating requests", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_ratings = fields.Float("KPI: ratings", compute="_compute_fs_kpi", store=True, copy=False)
    fs_kpi_rating_sum = fields.Float(
        "KPI: stars (sum)", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_nps_answers = fields.Float(
        "KPI: nps answers", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_promoters = fields.Float(
        "KPI: promoters", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_detractors = fields.Float(
        "KPI: detractors", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_disputed = fields.Float(
        "KPI: disputed", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_resched_customer = fields.Float(
        "KPI: rescheduled by the customer", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_resched_company = fields.Float(
        "KPI: rescheduled by us", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_not_home = fields.Float(
        "KPI: customer not home", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_reached = fields.Float(
        "KPI: reached the door", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_reminded = fields.Float(
        "KPI: reminded", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_confirmed_after_reminder = fields.Float(
        "KPI: confirmed after a reminder", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_delay_alerts = fields.Float(
        "KPI: delay alerts", compute="_compute_fs_kpi", store=True, copy=False
    )
    fs_kpi_delay_notice_min = fields.Float(
        "KPI: delay notice (min)", compute="_compute_fs_kpi", store=True, copy=False
    )

    @api.depends(
        "fs_is_visit",
        "fs_state",
        "fs_arrived_at",
        "fs_en_route_at",
        "fs_planned_travel_minutes",
        "fs_promise_ids.window_start",
        "fs_promise_ids.window_end",
        "fs_promise_ids.promised_at",
        "fs_promise_ids.source",
        "fs_is_repeat",
        "fs_repeat_ids.fs_state",
        "rating_ids.consumed",
        "rating_ids.rating",
        "rating_ids.fs_nps",
        "fs_dispute_ids",
        "fs_message_ids.kind",
        "fs_message_ids.state",
        "fs_customer_confirmed_at",
    )
    def _compute_fs_kpi(self):
        for task in self:
            measures = task._fs_kpi_measures() if task.fs_is_visit else {}
            for name in kpi_rules.COUNT_FIELDS:
                task[f"fs_kpi_{name}"] = measures.get(name, 0)

    def _fs_kpi_measures(self):
        self.ensure_one()
        ratings = self.sudo().rating_ids  # sudo: counting requests and reading scores only
        rated = ratings.filtered("consumed").sorted("id")[-1:]
        return kpi_rules.visit_measures(
            state=self.fs_state,
            arrived_at=self.fs_arrived_at or None,
            en_route_at=self.fs_en_route_at or None,
            planned_travel_min=self.fs_planned_travel_minutes,
            promises=[
                kpi_rules.PromiseFact(
                    promise.id,
                    promise.window_start,
                    promise.window_end,
                    promise.promised_at,
                    promise.source,
                )
                for promise in self.fs_promise_ids
            ],
            is_repeat=self.fs_is_repeat,
            repeated_by_open_visit=any(r.fs_state != "cancelled" for r in self.fs_repeat_ids),
            rating_requests=len(ratings),
            rating=(rated.rating, rated.fs_nps if rated.fs_nps >= 0 else None) if rated else None,
            disputed=bool(self.fs_dispute_ids),
            reminded=any(
                m.kind == "reminder" and m.state in ("queued", "sent") for m in self.fs_message_ids
            ),
            customer_confirmed=bool(self.fs_customer_confirmed_at),
        )
