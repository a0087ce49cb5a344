from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import kpi as kpi_rules

# Digest KPI field → the dashboard's KPI key (tools/kpi.py): the same values, the same function.
FS_DIGEST_KPIS = {
    "kpi_fs_on_time": "on_time_rate",
    "kpi_fs_on_time_original": "on_time_original_rate",
    "kpi_fs_first_time_fix": "first_time_fix_rate",
    "kpi_fs_repeat": "repeat_rate",
    "kpi_fs_travel_planned": "travel_planned_per_job",
    "kpi_fs_travel_actual": "travel_actual_per_job",
    "kpi_fs_rating_rate": "rating_rate",
    "kpi_fs_average_rating": "average_rating",
    "kpi_fs_nps": "nps",
    "kpi_fs_dispute": "dispute_rate",
    "kpi_fs_resched_customer": "resched_customer_rate",
    "kpi_fs_resched_company": "resched_company_rate",
    "kpi_fs_not_home": "not_home_rate",
    "kpi_fs_confirmation": "confirmation_rate",
    "kpi_fs_delay_notice": "delay_notice",
}
FS_UNITS = {key: unit for key, _label, unit in kpi_rules.KPI_LABELS}
FS_MANAGER_GROUP = "field_service_cx.group_fs_manager"


def _value(string):
    # Cached per period, company and user (core's digest reads each field under its own
    # context and invalidates only that field): one compute may then fill them all.
    return fields.Float(string, compute="_compute_kpi_fs_values")


class DigestDigest(models.Model):
    """The field-service digest: the dashboard's KPIs, for the field-service managers."""

    _inherit = "digest.digest"

    fs_field_service = fields.Boolean(
        "Field-service digest",
        help="Sent to field-service managers only, without tips or app banners.",
    )
    kpi_fs_on_time = fields.Boolean("On-time arrival (latest promise)")
    kpi_fs_on_time_value = _value("On-time arrival (latest promise) value")
    kpi_fs_on_time_original = fields.Boolean("On-time arrival (original booking)")
    kpi_fs_on_time_original_value = _value("On-time arrival (original booking) value")
    kpi_fs_first_time_fix = fields.Boolean("First-time fix")
    kpi_fs_first_time_fix_value = _value("First-time fix value")
    kpi_fs_repeat = fields.Boolean("Repeat visits")
    kpi_fs_repeat_value = _value("Repeat visits value")
    kpi_fs_travel_planned = fields.Boolean("Travel per job, planned (min)")
    kpi_fs_travel_planned_value = _value("Travel per job, planned value")
    kpi_fs_travel_actual = fields.Boolean("Travel per job, actual (min)")
    kpi_fs_travel_actual_value = _value("Travel per job, actual value")
    kpi_fs_rating_rate = fields.Boolean("Rating rate")
    kpi_fs_rating_rate_value = _value("Rating rate value")
    kpi_fs_average_rating = fields.Boolean("Average rating (stars)")
    kpi_fs_average_rating_value = _value("Average rating value")
    kpi_fs_nps = fields.Boolean("NPS")
    kpi_fs_nps_value = _value("NPS value")
    kpi_fs_dispute = fields.Boolean("Dispute rate")
    kpi_fs_dispute_value = _value("Dispute rate value")
    kpi_fs_resched_customer = fields.Boolean("Rescheduled by the customer")
    kpi_fs_resched_customer_value = _value("Rescheduled by the customer value")
    kpi_fs_resched_company = fields.Boolean("Rescheduled by us")
    kpi_fs_resched_company_value = _value("Rescheduled by us value")
    kpi_fs_not_home = fields.Boolean("Customer not home")
    kpi_fs_not_home_value = _value("Customer not home value")
    kpi_fs_confirmation = fields.Boolean("Reminder confirmation")
    kpi_fs_confirmation_value = _value("Reminder confirmation value")
    kpi_fs_delay_notice = fields.Boolean("Notice given for delays (min)")
    kpi_fs_delay_notice_value = _value("Notice given for delays value")

    @api.depends_context("start_datetime", "end_datetime", "company", "uid")
    def _compute_kpi_fs_values(self):
        if not self.env.user.has_group(FS_MANAGER_GROUP):
            raise AccessError(self.env._("Field-service KPIs are for managers."))
        start, end, companies = self._get_kpi_compute_parameters()
        values = self.env["fs.kpi.dashboard"]._fs_period_kpis(
            *self._fs_digest_days(start, end), companies
        )
        for digest in self:
            for name, key in FS_DIGEST_KPIS.items():
                digest[f"{name}_value"] = values[key] or 0.0

    @staticmethod
    def _fs_digest_days(start, end):
        """The days (first, last, both included) of a digest timeframe [start, end)."""
        # Datetimes (tz-aware from core's timeframes) or strings: their wall-clock day, as
        # core's _get_kpi_compute_parameters reads them.
        first, last = (
            fields.Date.to_date(
                (moment if isinstance(moment, str) else fields.Datetime.to_string(moment))[:10]
            )
            for moment in (start, end)
        )
        return first, last - timedelta(days=1)

    def _get_kpi_fields(self):
        names = super()._get_kpi_fields()
        if self.env.context.get("fs_digest_skip_fs_kpis"):
            return [name for name in names if name not in FS_DIGEST_KPIS]
        return names

    def _compute_kpis(self, company, user):
        """Core's KPIs, then ours: "—" without data, and the previous period's value."""
        kpis = super(DigestDigest, self.with_context(fs_digest_skip_fs_kpis=True))._compute_kpis(
            company, user
        )
        return kpis + self._fs_digest_kpis(company, user)

    def _fs_digest_kpis(self, company, user):
        self.ensure_one()
        names = [name for name in self._get_kpi_fields() if name in FS_DIGEST_KPIS]
        if not names or not user.has_group(FS_MANAGER_GROUP):
            return []
        dashboard = self.env["fs.kpi.dashboard"].with_user(user).with_company(company)
        companies = self.company_id or company
        actions = self._compute_kpis_actions(company, user)
        Fields = self.env["ir.model.fields"]
        rows = {
            name: {
                "kpi_name": name,
                "kpi_fullname": Fields._get(self._name, name).field_description,
                "kpi_action": actions.get(name),
            }
            for name in names
        }
        for column, (label, (current, previous)) in enumerate(
            self._compute_timeframes(company), start=1
        ):
            now = dashboard._fs_period_kpis(*self._fs_digest_days(*current), companies)
            before = dashboard._fs_period_kpis(*self._fs_digest_days(*previous), companies)
            for name in names:
                key, unit = FS_DIGEST_KPIS[name], FS_UNITS[FS_DIGEST_KPIS[name]]
                rows[name][f"kpi_col{column}"] = {
                    "value": dashboard._fs_format_value(now[key], unit),
                    # No margin chip: core colours every rise green, wrong for repeats.
                    "margin": 0.0,
                    "col_subtitle": self.env._(
                        "%(period)s (before: %(value)s)",
                        period=label,
                        value=dashboard._fs_format_value(before[key], unit),
                    ),
                }
        return list(rows.values())

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("field_service_cx.menu_fs_root").id
        for name in FS_DIGEST_KPIS:
            actions[name] = f"field_service_feedback.action_fs_kpi_dashboard_client?menu_id={menu}"
        return actions

    def _compute_tips(self, company, user, tips_count=1, consumed=True):
        if self.fs_field_service:
            return []
        return super()._compute_tips(company, user, tips_count=tips_count, consumed=consumed)

    def _action_send_to_user(self, user, tips_count=1, consume_tips=True):
        if self.fs_field_service and not user.has_group(FS_MANAGER_GROUP):
            return False
        return super()._action_send_to_user(user, tips_count=tips_count, consume_tips=consume_tips)

    def _fs_subscribe_managers(self):
        """Subscribe the field-service managers (called when the digest is installed)."""
        managers = self.env.ref(FS_MANAGER_GROUP).users.filtered(lambda u: not u.share)
        self._action_subscribe_users(managers)
