from odoo import fields, models
from odoo.exceptions import AccessError

from ..tools import kpi as kpi_rules


class DigestDigest(models.Model):
    """The weekly digest e-mail carries the field-service KPIs for managers."""

    _inherit = "digest.digest"

    kpi_fs_on_time = fields.Boolean("On-time arrival (%)")
    kpi_fs_on_time_value = fields.Float(compute="_compute_kpi_fs_values")
    kpi_fs_first_time_fix = fields.Boolean("First-time fix (%)")
    kpi_fs_first_time_fix_value = fields.Float(compute="_compute_kpi_fs_values")
    kpi_fs_nps = fields.Boolean("NPS")
    kpi_fs_nps_value = fields.Float(compute="_compute_kpi_fs_values")
    kpi_fs_average_rating = fields.Boolean("Average rating")
    kpi_fs_average_rating_value = fields.Float(compute="_compute_kpi_fs_values")

    def _compute_kpi_fs_values(self):
        if not self.env.user.has_group("field_service_cx.group_fs_manager"):
            raise AccessError(self.env._("Field-service KPIs are for managers."))
        start, end, companies = self._get_kpi_compute_parameters()
        rows = self.env["fs.kpi.visit"]._read_group(
            [
                ("visit_date", ">=", start[:10]),
                ("visit_date", "<", end[:10]),
                ("company_id", "in", [*companies.ids, False]),
            ],
            [],
            [f"{name}:sum" for name in kpi_rules.COUNT_FIELDS],
        )
        values = kpi_rules.kpis(kpi_rules.KpiCounts(*rows[0]))
        for digest in self:
            digest.kpi_fs_on_time_value = values["on_time_rate"] or 0.0
            digest.kpi_fs_first_time_fix_value = values["first_time_fix_rate"] or 0.0
            digest.kpi_fs_nps_value = values["nps"] or 0.0
            digest.kpi_fs_average_rating_value = values["average_rating"] or 0.0

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("field_service_cx.menu_fs_root").id
        for key in (
            "kpi_fs_on_time",
            "kpi_fs_first_time_fix",
            "kpi_fs_nps",
            "kpi_fs_average_rating",
        ):
            actions[key] = f"field_service_feedback.action_fs_kpi_dashboard?menu_id={menu}"
        return actions
