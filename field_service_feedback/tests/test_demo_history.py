from odoo.addons.field_service_cx.tools import windows
from odoo.tests import TransactionCase, tagged

PARIS = windows.resolve_zone("Europe/Paris")[0]


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    """With demo data, the manager's dashboard opens on eight weeks of believable history."""

    def test_the_dashboard_has_figures_on_a_demo_database(self):
        project = self.env.ref(
            "field_service_cx.project_field_service_demo", raise_if_not_found=False
        )
        history = self.env["fs.demo.history"]
        if not project:  # installed without demo data: nothing is generated
            self.assertFalse(history._fs_generate_history())
            self.assertFalse(self.env["fs.visit.dispute"].search_count([]))
            return
        made_on = windows.to_local(project.create_date, PARIS).date()
        past = self.env["project.task"].search(
            [("project_id", "=", project.id), ("fs_visit_date", "<", made_on)]
        )
        self.assertGreater(len(past), 200)
        self.assertFalse(history._fs_generate_history(), "built once, not on update")
        self.assertFalse(
            past.fs_message_ids.filtered(lambda m: m.state == "planned"),
            "nothing will be sent about past visits",
        )
        # Each customer's visits are a month apart, unless one is a repeat of the other.
        repeats = past.filtered("fs_is_repeat")
        self.assertTrue(repeats)
        self.assertLess(len(repeats), len(past) * 0.1)
        dashboard = self.env["fs.kpi.dashboard"].create({})
        kpis = {key: value for key, _label, _unit, value, _prev, _trend in dashboard._fs_kpis()}
        self.assertGreater(kpis["on_time_rate"], 80)
        self.assertGreater(kpis["on_time_rate"], kpis["on_time_original_rate"], "delay alerts")
        self.assertGreater(kpis["first_time_fix_rate"], 85)
        for key in (
            "repeat_rate",
            "travel_planned_per_job",
            "travel_actual_per_job",
            "rating_rate",
            "average_rating",
            "nps",
            "dispute_rate",
            "resched_customer_rate",
            "resched_company_rate",
            "not_home_rate",
            "confirmation_rate",
            "delay_notice",
        ):
            self.assertTrue(kpis[key], key)
