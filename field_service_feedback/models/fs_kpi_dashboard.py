from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import LazyTranslate
from odoo.tools.misc import format_date

from ..tools import kpi as kpi_rules
from ..tools import kpi_workbook

_lt = LazyTranslate(__name__)
# The workbook's sheets by dimension: (groupby, sheet name, first column).
WORKBOOK_SHEETS = (
    ("technician_id", _lt("By technician"), _lt("Technician")),
    ("project_id", _lt("By team"), _lt("Team")),
    ("job_type_id", _lt("By job type"), _lt("Job type")),
)


class FsKpiDashboard(models.TransientModel):
    """The manager's dashboard: the KPIs of a period, against the period just before."""

    _name = "fs.kpi.dashboard"
    _description = "Field service dashboard"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - relativedelta(days=27)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    project_id = fields.Many2one(
        "project.project", string="Team", domain=[("fs_is_field_service", "=", True)]
    )
    technician_id = fields.Many2one("hr.employee", domain=[("fs_is_technician", "=", True)])
    job_type_id = fields.Many2one("fs.job.type")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for dashboard in self:
            if dashboard.date_to < dashboard.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))

    @api.model
    def _fs_visit_domain(self, date_from, date_to, companies=None, filters=None):
        """The fs.kpi.visit rows of a period (both days included), companies and filters."""
        companies = companies if companies is not None else self.env.companies
        domain = [
            ("visit_date", ">=", date_from),
            ("visit_date", "<=", date_to),
            ("company_id", "in", [*companies.ids, False]),
        ]
        for name, value in (filters or {}).items():
            if value:
                domain.append((name, "=", value))
        return domain

    def _fs_filters(self):
        self.ensure_one()
        return {name: self[name].id for name in ("project_id", "technician_id", "job_type_id")}

    def _fs_domain(self, date_from=None, date_to=None):
        self.ensure_one()
        return self._fs_visit_domain(
            date_from or self.date_from, date_to or self.date_to, filters=self._fs_filters()
        )

    def _fs_previous_period(self):
        return kpi_rules.previous_period(self.date_from, self.date_to)

    @api.model
    def _fs_counts(self, domain, groupby=()):
        """KpiCounts for ``domain``, or [(group, KpiCounts)] by ``groupby`` — one query."""
        aggregates = [f"{name}:sum" for name in kpi_rules.COUNT_FIELDS]
        rows = self.env["fs.kpi.visit"]._read_group(domain, list(groupby), aggregates)
        if not groupby:
            return kpi_rules.KpiCounts(*rows[0]) if rows else kpi_rules.KpiCounts()
        return [(row[0], kpi_rules.KpiCounts(*row[1:])) for row in rows]

    @api.model
    def _fs_period_kpis(self, date_from, date_to, companies=None, filters=None):
        """The KPI values of a period: what the dashboard, the digest and the workbook show."""
        domain = self._fs_visit_domain(date_from, date_to, companies, filters)
        return kpi_rules.kpis(self._fs_counts(domain))

    def _fs_kpis(self):
        """[(key, label, unit, value, previous value, trend)] for the dashboard and the digest."""
        self.ensure_one()
        current = self._fs_period_kpis(self.date_from, self.date_to, filters=self._fs_filters())
        previous = self._fs_period_kpis(*self._fs_previous_period(), filters=self._fs_filters())
        return [
            (
                key,
                self.env._(label),
                unit,
                current[key],
                previous[key],
                kpi_rules.trend(
                    kpi_rules.shown(current[key], unit), kpi_rules.shown(previous[key], unit), key
                ),
            )
            for key, label, unit in kpi_rules.KPI_LABELS
        ]

    @staticmethod
    def _fs_format_value(value, unit):
        if value is None:
            return "—"
        if unit == "%":
            return f"{value:.1f} %"
        if unit == "stars":
            return f"{value:.2f} ★"
        if unit == "score":
            return f"{value:+.0f}"
        return f"{value:.0f} min"

    # ------------------------------------------------------------
    # The dashboard client action (static/src/kpi_dashboard)
    # ------------------------------------------------------------

    @api.model
    def _fs_first_weekday(self):
        """0 = Monday … 6 = Sunday, from the user's language."""
        lang = self.env["res.lang"]._lang_get(self.env.user.lang or "en_US")
        return int(lang.week_start or 1) - 1

    @api.model
    def _fs_from_params(self, params):
        """An unsaved dashboard for the client's period preset and filters."""
        params = params or {}
        try:
            date_from, date_to = kpi_rules.preset_period(
                params.get("preset") or "last_4_weeks",
                fields.Date.context_today(self),
                self._fs_first_weekday(),
                fields.Date.to_date(params.get("date_from") or None),
                fields.Date.to_date(params.get("date_to") or None),
            )
        except ValueError as error:
            raise UserError(
                self.env._("Choose a period that starts and ends by today, in that order.")
            ) from error
        values = {"date_from": date_from, "date_to": date_to}
        for name in ("project_id", "technician_id", "job_type_id"):
            values[name] = int(params.get(name) or 0) or False
        return self.new(values)

    @api.model
    def fs_dashboard_data(self, params):
        """Everything the dashboard shows, JSON-able: cards, weekly trends, filter choices."""
        self._fs_check_manager()
        dashboard = self._fs_from_params(params)
        filters = dashboard._fs_filters()
        counts = self._fs_counts(dashboard._fs_domain())
        cards = [
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": value,
                "display": self._fs_format_value(value, unit),
                "previous_display": self._fs_format_value(previous, unit),
                "trend": trend,
                "count": int(getattr(counts, kpi_rules.DENOMINATORS[key])),
            }
            for key, label, unit, value, previous, trend in dashboard._fs_kpis()
        ]
        return {
            "date_from": fields.Date.to_string(dashboard.date_from),
            "date_to": fields.Date.to_string(dashboard.date_to),
            "previous": [fields.Date.to_string(day) for day in dashboard._fs_previous_period()],
            "period_label": self._fs_period_label(dashboard.date_from, dashboard.date_to),
            "previous_label": self._fs_period_label(*dashboard._fs_previous_period()),
            "filters": filters,
            "cards": cards,
            "trends": dashboard._fs_trends(),
            "options": {
                name: [(r.id, r.display_name) for r in self.env[model].search(domain)]
                for name, model, domain in (
                    ("project_id", "project.project", [("fs_is_field_service", "=", True)]),
                    ("technician_id", "hr.employee", [("fs_is_technician", "=", True)]),
                    ("job_type_id", "fs.job.type", []),
                )
            },
        }

    @api.model
    def _fs_period_label(self, date_from, date_to):
        return f"{format_date(self.env, date_from)} – {format_date(self.env, date_to)}"

    def _fs_trends(self, min_weeks=8):
        """Weekly values of the trend KPIs, for the weeks up to the period's end (one query)."""
        self.ensure_one()
        first_weekday = self._fs_first_weekday()
        last_week = kpi_rules.week_start(self.date_to, first_weekday)
        first_week = min(
            kpi_rules.week_start(self.date_from, first_weekday),
            last_week - relativedelta(weeks=min_weeks - 1),
        )
        domain = self._fs_domain(first_week, self.date_to)
        weeks = kpi_rules.weekly(
            self._fs_counts(domain, ["visit_date:day"]), first_weekday, first_week, last_week
        )
        values = [(week, kpi_rules.kpis(counts)) for week, counts in weeks]
        labels = {key: (label, unit) for key, label, unit in kpi_rules.KPI_LABELS}
        return [
            {
                "key": key,
                "label": self.env._(labels[key][0]),
                "unit": labels[key][1],
                "weeks": [format_date(self.env, week) for week, _v in values],
                "values": [kpi_rules.shown(kpis[key], labels[key][1]) for _w, kpis in values],
            }
            for key in kpi_rules.TREND_KPIS
        ]

    @api.model
    def fs_open_visits(self, params, key):
        """The visits behind a card: those its denominator counts (e.g. arrivals for on-time)."""
        self._fs_check_manager()
        if key not in kpi_rules.DENOMINATORS:
            raise UserError(self.env._("Unknown KPI %(key)s.", key=key))
        dashboard = self._fs_from_params(params)
        domain = [
            *dashboard._fs_task_domain(),
            (f"fs_kpi_{kpi_rules.DENOMINATORS[key]}", ">", 0),
        ]
        label = {k: lbl for k, lbl, _u in kpi_rules.KPI_LABELS}[key]
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        name = self.env._("%(kpi)s: the visits behind it", kpi=self.env._(label))
        action.update(
            name=name,
            display_name=name,
            domain=domain,
            context={"fs_visit_views": 1, "create": False},
        )
        return action

    def _fs_task_domain(self, prefix=""):
        """project.task domain of this period and filters (``prefix``: through a relation)."""
        self.ensure_one()
        domain = [
            (f"{prefix}fs_is_visit", "=", True),
            (f"{prefix}fs_visit_date", ">=", self.date_from),
            (f"{prefix}fs_visit_date", "<=", self.date_to),
            (f"{prefix}company_id", "in", self.env.companies.ids),
        ]
        for name, task_field in (
            ("project_id", "project_id"),
            ("technician_id", "fs_technician_id"),
            ("job_type_id", "fs_job_type_id"),
        ):
            if self[name]:
                domain.append((f"{prefix}{task_field}", "=", self[name].id))
        return domain

    @api.model
    def fs_coaching(self, params):
        """Per job type and technician: first-time fix, repeats and what they came back for."""
        self._fs_check_manager()
        dashboard = self._fs_from_params(params)
        Task = self.env["project.task"]
        done = Task._read_group(
            [*dashboard._fs_task_domain(), ("fs_kpi_done", ">", 0)],
            ["fs_job_type_id", "fs_technician_id"],
            ["fs_kpi_done:sum", "fs_kpi_first_time_fix:sum"],
        )
        repeats = Task._read_group(
            [*dashboard._fs_task_domain("fs_repeat_of_id."), ("fs_state", "!=", "cancelled")],
            ["fs_repeat_job_type_id", "fs_repeat_technician_id", "fs_job_type_id"],
            ["__count"],
        )
        rows = kpi_rules.coaching_rows(
            [((job_type, technician), d, f) for job_type, technician, d, f in done],
            [((job_type, technician), reason, n) for job_type, technician, reason, n in repeats],
        )
        none = self.env._("(none)")
        return [
            {
                "job_type_id": row["key"][0].id,
                "job_type": row["key"][0].display_name or none,
                "technician": row["key"][1].display_name or none,
                "done": int(row["done"]),
                "first_time_fix": self._fs_format_value(row["first_time_fix_rate"], "%"),
                "repeats": row["repeats"],
                "reasons": [(reason.display_name or none, n) for reason, n in row["reasons"]],
            }
            for row in rows
        ]

    @api.model
    def fs_open_job_type(self, job_type_id):
        """The job type's checklist and kit: where repeats are fixed."""
        self._fs_check_manager()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fs.job.type",
            "res_id": self.env["fs.job.type"].browse(int(job_type_id)).exists().id,
            "views": [[False, "form"]],
        }

    @api.model
    def fs_friday_reviews(self, params):
        """Ten of this week's done visits to read: disputed, lowest rated, repeats, random."""
        self._fs_check_manager()
        today = fields.Date.context_today(self)
        week = kpi_rules.week_start(today, self._fs_first_weekday())
        dashboard = self._fs_from_params(params)
        dashboard.update({"date_from": week, "date_to": today})
        visits = self.env["project.task"].search_read(
            [*dashboard._fs_task_domain(), ("fs_kpi_done", ">", 0)],
            ["fs_kpi_ratings", "fs_kpi_rating_sum", "fs_kpi_disputed", "fs_kpi_first_time_fix"],
        )
        picked = kpi_rules.friday_reviews(
            [
                kpi_rules.ReviewCandidate(
                    visit["id"],
                    visit["fs_kpi_rating_sum"] if visit["fs_kpi_ratings"] else None,
                    bool(visit["fs_kpi_disputed"]),
                    not visit["fs_kpi_first_time_fix"],
                )
                for visit in visits
            ],
            week,
        )
        action = self.env["ir.actions.act_window"]._for_xml_id("field_service_cx.action_fs_visits")
        name = self.env._("Reports to review this week")
        action.update(
            name=name,
            display_name=name,
            domain=[("id", "in", picked)],
            context={"fs_visit_views": 1, "create": False},
        )
        return action

    @api.model
    def fs_open_analysis(self, params):
        self._fs_check_manager()
        return self._fs_from_params(params).action_open_analysis()

    @api.model
    def fs_day_sheet(self, params):
        self._fs_check_manager()
        return self._fs_from_params(params).action_day_sheet()

    @api.model
    def fs_export_xlsx(self, params):
        self._fs_check_manager()
        dashboard = self._fs_from_params(params)
        values = {"date_from": dashboard.date_from, "date_to": dashboard.date_to}
        return self.create(values | dashboard._fs_filters()).action_export_xlsx()

    @api.model
    def _fs_check_manager(self):
        if not self.env.user.has_group("field_service_cx.group_fs_manager"):
            raise AccessError(self.env._("The field-service dashboard is for managers."))

    def action_open_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "field_service_feedback.action_fs_kpi_visit"
        )
        action["domain"] = self._fs_domain()
        return action

    def action_day_sheet(self):
        """The selected technician's day sheet for the last day of the period."""
        self.ensure_one()
        if not self.technician_id:
            raise ValidationError(self.env._("Choose a technician first."))
        query = f"date={self.date_to}&technician_ids={self.technician_id.id}"
        return {
            "type": "ir.actions.act_url",
            "url": f"/field_service/day_sheet.xlsx?{query}",
            "target": "self",
        }

    def action_export_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/field_service/kpi/{self.id}/workbook.xlsx",
            "target": "self",
        }

    def _fs_workbook_filename(self):
        self.ensure_one()
        filters = [
            self[name].display_name
            for name in ("project_id", "technician_id", "job_type_id")
            if self[name]
        ]
        return kpi_workbook.workbook_filename(self.date_from, self.date_to, filters)

    def _fs_workbook(self):
        """The KPI workbook of this dashboard's period and filters (bytes)."""
        self.ensure_one()
        domain = self._fs_domain()
        summary = [
            (label, unit, value, previous)
            for _k, label, unit, value, previous, _t in self._fs_kpis()
        ]
        none = self.env._("(none)")
        sheets = [
            (
                self.env._(name),
                self.env._(column),
                [
                    (group.display_name if group else none, counts)
                    for group, counts in self._fs_counts(domain, [groupby])
                ],
            )
            for groupby, name, column in WORKBOOK_SHEETS
        ]
        weeks = [
            (format_date(self.env, week) if week else self.env._("(no date)"), counts)
            for week, counts in sorted(
                self._fs_counts(domain, ["visit_date:week"]),
                key=lambda g: g[0] or fields.Date.today(),
            )
        ]
        title = self.env._(
            "Field service KPIs, %(start)s to %(end)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
        )
        return kpi_workbook.build_workbook(title, summary, sheets, weeks, self.env._)
