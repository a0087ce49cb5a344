from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import kpi as kpi_rules
from ..tools import kpi_workbook

DIMENSIONS = {
    "technician_id": "Technician",
    "project_id": "Team",
    "job_type_id": "Job type",
    "visit_date:week": "Week",
}


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
    cards_html = fields.Html(compute="_compute_cards_html", sanitize=False)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for dashboard in self:
            if dashboard.date_to < dashboard.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))

    def _fs_domain(self, date_from=None, date_to=None):
        self.ensure_one()
        domain = [
            ("visit_date", ">=", date_from or self.date_from),
            ("visit_date", "<=", date_to or self.date_to),
        ]
        for name in ("project_id", "technician_id", "job_type_id"):
            if self[name]:
                domain.append((name, "=", self[name].id))
        return domain

    def _fs_previous_period(self):
        length = (self.date_to - self.date_from).days + 1
        return self.date_from - relativedelta(days=length), self.date_from - relativedelta(days=1)

    def _fs_counts(self, domain, groupby=()):
        """KpiCounts for ``domain``, or [(group, KpiCounts)] by ``groupby`` — one query."""
        aggregates = [f"{name}:sum" for name in kpi_rules.COUNT_FIELDS]
        rows = self.env["fs.kpi.visit"]._read_group(domain, list(groupby), aggregates)
        if not groupby:
            return kpi_rules.KpiCounts(*rows[0]) if rows else kpi_rules.KpiCounts()
        return [(row[0], kpi_rules.KpiCounts(*row[1:])) for row in rows]

    def _fs_kpis(self):
        """[(key, label, unit, value, previous value, trend)] for the dashboard and the digest."""
        self.ensure_one()
        current = kpi_rules.kpis(self._fs_counts(self._fs_domain()))
        previous = kpi_rules.kpis(self._fs_counts(self._fs_domain(*self._fs_previous_period())))
        return [
            (
                key,
                label,
                unit,
                current[key],
                previous[key],
                kpi_rules.trend(current[key], previous[key], key),
            )
            for key, label, unit in kpi_rules.KPI_LABELS
        ]

    @api.depends("date_from", "date_to", "project_id", "technician_id", "job_type_id")
    def _compute_cards_html(self):
        for dashboard in self:
            if (
                not (dashboard.date_from and dashboard.date_to)
                or dashboard.date_to < dashboard.date_from
            ):
                dashboard.cards_html = False
                continue
            dashboard.cards_html = self.env["ir.qweb"]._render(
                "field_service_feedback.fs_kpi_dashboard_cards",
                {"rows": dashboard._fs_kpis(), "format_value": self._fs_format_value},
            )

    @staticmethod
    def _fs_format_value(value, unit):
        if value is None:
            return "–"
        if unit == "%":
            return f"{value:.1f} %"
        if unit == "stars":
            return f"{value:.2f} ★"
        if unit == "score":
            return f"{value:+.0f}"
        return f"{value:.0f} min"

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

    def _fs_workbook(self):
        """The KPI workbook of this dashboard's period and filters (bytes)."""
        self.ensure_one()
        domain = self._fs_domain()
        summary = [
            (label, unit, value, previous)
            for _k, label, unit, value, previous, _t in self._fs_kpis()
        ]
        sheets = []
        for groupby, name in DIMENSIONS.items():
            if groupby == "visit_date:week":
                continue
            groups = self._fs_counts(domain, [groupby])
            sheets.append(
                (
                    f"By {name.lower()}",
                    [
                        (group.display_name if group else "(none)", counts)
                        for group, counts in groups
                    ],
                )
            )
        weeks = [
            (fields.Date.to_string(week) if week else "(no date)", counts)
            for week, counts in sorted(
                self._fs_counts(domain, ["visit_date:week"]),
                key=lambda g: g[0] or fields.Date.today(),
            )
        ]
        title = self.env._("Field service KPIs, %(start)s to %(end)s") % {
            "start": self.date_from,
            "end": self.date_to,
        }
        return kpi_workbook.build_workbook(title, summary, sheets, weeks)
