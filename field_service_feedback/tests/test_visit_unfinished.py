from odoo.tests import tagged

from .common import VisitPageCase


@tagged("post_install", "-at_install")
class TestUnfinishedVisit(VisitPageCase):
    """A visit the technician could not finish: what the customer, the KPIs and the next
    technician see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["field_service_cx", "field_service_feedback"], ["fr_FR"], overwrite=True
        )
        cls.visit.action_fs_on_my_way()
        cls.visit.action_fs_arrive()
        cls.visit._fs_stop_unfinished(
            "parts", "INTERNAL-NOTE old valve model", [(cls.valve, 1)], True, False
        )

    def test_the_page_says_it_could_not_be_finished_why_and_what_next_in_french(self):
        self.customer.lang = "fr_FR"
        page = self.url_open(self.visit_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_fs_unfinished", page.text)
        self.assertIn("Les travaux n'ont pas pu être terminés", page.text)
        self.assertIn("il manquait une pièce nécessaire", page.text)
        self.assertIn("Nous vous appellerons pour la fixer", page.text)
        self.assertNotIn("INTERNAL-NOTE", page.text, "the technician's note stays inside")
        self.assertNotIn("o_fs_rating_form", page.text, "nothing to rate")
        self.assertNotIn("o_fs_report_card", page.text)
        self.assertEqual(page.text.count("appellerons"), 1, "said once, in its section")

    def test_the_customer_message_is_in_their_language(self):
        self.customer.lang = "fr_FR"
        mail = self.env.ref("field_service_cx.mail_template_fs_unfinished")
        rendered = mail._generate_template(self.visit.ids, ["subject", "body_html"])[self.visit.id]
        self.assertIn("nouvelle visite", rendered["subject"])
        self.assertIn("il manquait une pièce nécessaire", rendered["body_html"])
        sms = self.env.ref("field_service_cx.sms_template_fs_unfinished")
        body = self.visit._fs_sms_bodies(sms)[self.visit.id]
        self.assertIn("nous vous appelons", body)

    def test_an_unfinished_visit_is_not_fixed_first_time(self):
        self.env.flush_all()
        self.assertEqual(
            (
                self.visit.fs_kpi_done,
                self.visit.fs_kpi_fix_attempts,
                self.visit.fs_kpi_first_time_fix,
            ),
            (0, 1, 0),
        )
        done = self.finish(self.create_visit(fs_technician_id=self.anna.id))
        self.env.flush_all()
        row = self.env["fs.kpi.visit"]._read_group(
            [("task_id", "in", (self.visit | done).ids)], [], ["first_time_fix_rate:avg"]
        )[0]
        self.assertAlmostEqual(row[0], 50.0)

    def test_the_next_technician_sees_open_disputes_of_past_visits(self):
        done = self.finish(self.create_visit(fs_technician_id=self.anna.id))
        self.env["fs.visit.dispute"].create(
            {
                "task_id": done.id,
                "line_kind": "time",
                "line_label": "Arrival time",
                "reason": "later than said",
            }
        )
        later = self.create_visit(fs_technician_id=self.anna.id)
        history = later.with_user(self.user_anna).fs_site_history
        self.assertIn("o_fs_open_dispute", history)
        self.assertIn("Open dispute: Arrival time", history)
        self.assertIn("Could not finish: Parts missing", history)
