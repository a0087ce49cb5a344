from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools import kpi as kpi_rules

# Every measure is summed (flags are 0/1), so any grouping gives the inputs of tools/kpi.py.
MEASURES = {
    "visits": "Visits",
    "cancelled": "Cancelled",
    "arrived": "Arrived",
    "on_time_latest": "On time (latest promise)",
    "on_time_original": "On time (original booking)",
    "done": "Done",
    "fix_attempts": "Fix attempts (done or unfinished)",
    "first_time_fix": "Fixed first time",
    "repeats": "Repeat visits",
    "travel_planned_min": "Planned travel (min)",
    "travel_planned_jobs": "Jobs with planned travel",
    "travel_actual_min": "Actual travel (min)",
    "travel_actual_jobs": "Jobs with actual travel",
    "rating_requests": "Rating requests",
    "ratings": "Ratings",
    "rating_sum": "Stars (sum)",
    "nps_answers": "NPS answers",
    "promoters": "Promoters",
    "detractors": "Detractors",
    "disputed": "Disputed",
    "resched_customer": "Rescheduled by the customer",
    "resched_company": "Rescheduled by us",
    "not_home": "Customer not home",
    "reached": "Reached the door",
    "reminded": "Reminded",
    "confirmed_after_reminder": "Confirmed after a reminder",
    "delay_alerts": "Delay alerts",
    "delay_notice_min": "Delay notice (min)",
}


class FsKpiVisit(models.Model):
    """One row per visit: the measures each visit stores (project_task_kpi.py), as a view."""

    _name = "fs.kpi.visit"
    _description = "Field service KPI (per visit)"
    _auto = False
    _order = "visit_date desc"
    _rec_name = "task_id"

    task_id = fields.Many2one("project.task", string="Visit", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    project_id = fields.Many2one("project.project", string="Team", readonly=True)
    technician_id = fields.Many2one("hr.employee", string="Technician", readonly=True)
    job_type_id = fields.Many2one("fs.job.type", string="Job type", readonly=True)
    visit_date = fields.Date("Day", readonly=True)
    fs_state = fields.Selection(related="task_id.fs_state", string="State")
    # Measures (0/1 flags and minutes), summed by any grouping; see MEASURES.
    visits = fields.Float(readonly=True, aggregator="sum")
    cancelled = fields.Float(readonly=True, aggregator="sum")
    arrived = fields.Float(readonly=True, aggregator="sum")
    on_time_latest = fields.Float("On time (latest promise)", readonly=True, aggregator="sum")
    on_time_original = fields.Float("On time (original booking)", readonly=True, aggregator="sum")
    done = fields.Float(readonly=True, aggregator="sum")
    fix_attempts = fields.Float(
        "Fix attempts (done or unfinished)", readonly=True, aggregator="sum"
    )
    first_time_fix = fields.Float("Fixed first time", readonly=True, aggregator="sum")
    repeats = fields.Float("Repeat visits", readonly=True, aggregator="sum")
    travel_planned_min = fields.Float("Planned travel (min)", readonly=True, aggregator="sum")
    travel_planned_jobs = fields.Float("Jobs with planned travel", readonly=True, aggregator="sum")
    travel_actual_min = fields.Float("Actual travel (min)", readonly=True, aggregator="sum")
    travel_actual_jobs = fields.Float("Jobs with actual travel", readonly=True, aggregator="sum")
    rating_requests = fields.Float("Rating requests", readonly=True, aggregator="sum")
    ratings = fields.Float(readonly=True, aggregator="sum")
    rating_sum = fields.Float("Stars (sum)", readonly=True, aggregator="sum")
    nps_answers = fields.Float("NPS answers", readonly=True, aggregator="sum")
    promoters = fields.Float(readonly=True, aggregator="sum")
    detractors = fields.Float(readonly=True, aggregator="sum")
    disputed = fields.Float(readonly=True, aggregator="sum")
    resched_customer = fields.Float("Rescheduled by the customer", readonly=True, aggregator="sum")
    resched_company = fields.Float("Rescheduled by us", readonly=True, aggregator="sum")
    not_home = fields.Float("Customer not home", readonly=True, aggregator="sum")
    reached = fields.Float("Reached the door", readonly=True, aggregator="sum")
    reminded = fields.Float(readonly=True, aggregator="sum")
    confirmed_after_reminder = fields.Float(
        "Confirmed after a reminder", readonly=True, aggregator="sum"
    )
    delay_alerts = fields.Float("Delay alerts", readonly=True, aggregator="sum")
    delay_notice_min = fields.Float("Delay notice (min)", readonly=True, aggregator="sum")
    # Rates (tools/kpi.py RATES): per visit in the list; per group, the ratio of the group's
    # sums (see _read_group_select), so a pivot cell reads like the dashboard's card.
    on_time_rate = fields.Float("On-time arrival (%)", readonly=True, aggregator="avg")
    on_time_original_rate = fields.Float(
        "On-time arrival, original booking (%)", readonly=True, aggregator="avg"
    )
    first_time_fix_rate = fields.Float("First-time fix (%)", readonly=True, aggregator="avg")
    repeat_rate = fields.Float("Repeat visits (%)", readonly=True, aggregator="avg")
    travel_planned_per_job = fields.Float(
        "Travel per job, planned (min)", readonly=True, aggregator="avg"
    )
    travel_actual_per_job = fields.Float(
        "Travel per job, actual (min)", readonly=True, aggregator="avg"
    )
    rating_rate = fields.Float("Rating rate (%)", readonly=True, aggregator="avg")
    average_rating = fields.Float("Average rating (stars)", readonly=True, aggregator="avg")
    nps = fields.Float("NPS", readonly=True, aggregator="avg")
    dispute_rate = fields.Float("Dispute rate (%)", readonly=True, aggregator="avg")
    resched_customer_rate = fields.Float(
        "Rescheduled by the customer (%)", readonly=True, aggregator="avg"
    )
    resched_company_rate = fields.Float("Rescheduled by us (%)", readonly=True, aggregator="avg")
    not_home_rate = fields.Float("Customer not home (%)", readonly=True, aggregator="avg")
    confirmation_rate = fields.Float("Reminder confirmation (%)", readonly=True, aggregator="avg")
    delay_notice = fields.Float("Notice given for delays (min)", readonly=True, aggregator="avg")

    def _read_group_select(self, aggregate_spec, query):
        """A rate aggregates as the ratio of its parts' sums, whatever the aggregator asked."""
        fname = aggregate_spec.split(":")[0]
        if fname not in kpi_rules.RATES:
            return super()._read_group_select(aggregate_spec, query)
        added, subtracted, denominator, scale = kpi_rules.RATES[fname]

        def total(names):
            return SQL(" + ").join(
                SQL("COALESCE(SUM(%s), 0)", self._field_to_sql(self._table, name, query))
                for name in names
            )

        numerator = (
            total(added) if not subtracted else SQL("%s - (%s)", total(added), total(subtracted))
        )
        return SQL(
            "%s * (%s) / NULLIF(%s, 0)",
            scale,
            numerator,
            SQL("SUM(%s)", self._field_to_sql(self._table, denominator, query)),
        )

    @staticmethod
    def _fs_rate_columns():
        """Each visit's own rates (NULL where it is not in the denominator)."""
        columns = []
        for key, (added, subtracted, denominator, scale) in kpi_rules.RATES.items():
            numerator = " + ".join(f"t.fs_kpi_{name}" for name in added)
            numerator += "".join(f" - t.fs_kpi_{name}" for name in subtracted)
            columns.append(
                f"CASE WHEN t.fs_kpi_{denominator} > 0 THEN {scale} * ({numerator})"
                f" / t.fs_kpi_{denominator} END AS {key}"
            )
        return ",\n                   ".join(columns)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
            SELECT t.id AS id,
                   t.id AS task_id,
                   t.company_id,
                   t.project_id,
                   t.fs_technician_id AS technician_id,
                   t.fs_job_type_id AS job_type_id,
                   t.fs_visit_date AS visit_date,
                   t.fs_kpi_visits AS visits,
                   t.fs_kpi_cancelled AS cancelled,
                   t.fs_kpi_arrived AS arrived,
                   t.fs_kpi_on_time_latest AS on_time_latest,
                   t.fs_kpi_on_time_original AS on_time_original,
                   t.fs_kpi_done AS done,
                   t.fs_kpi_fix_attempts AS fix_attempts,
                   t.fs_kpi_first_time_fix AS first_time_fix,
                   t.fs_kpi_repeats AS repeats,
                   t.fs_kpi_travel_planned_min AS travel_planned_min,
                   t.fs_kpi_travel_planned_jobs AS travel_planned_jobs,
                   t.fs_kpi_travel_actual_min AS travel_actual_min,
                   t.fs_kpi_travel_actual_jobs AS travel_actual_jobs,
                   t.fs_kpi_rating_requests AS rating_requests,
                   t.fs_kpi_ratings AS ratings,
                   t.fs_kpi_rating_sum AS rating_sum,
                   t.fs_kpi_nps_answers AS nps_answers,
                   t.fs_kpi_promoters AS promoters,
                   t.fs_kpi_detractors AS detractors,
                   t.fs_kpi_disputed AS disputed,
                   t.fs_kpi_resched_customer AS resched_customer,
                   t.fs_kpi_resched_company AS resched_company,
                   t.fs_kpi_not_home AS not_home,
                   t.fs_kpi_reached AS reached,
                   t.fs_kpi_reminded AS reminded,
                   t.fs_kpi_confirmed_after_reminder AS confirmed_after_reminder,
                   t.fs_kpi_delay_alerts AS delay_alerts,
                   t.fs_kpi_delay_notice_min AS delay_notice_min,
                   {self._fs_rate_columns()}
              FROM project_task t
             WHERE t.fs_is_visit IS TRUE AND t.active IS TRUE
            )
            """
        )
