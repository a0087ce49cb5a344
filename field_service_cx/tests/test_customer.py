from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestCustomer(FieldServiceCase):
    def test_numbers_are_stored_in_e164_from_the_address_country(self):
        self.assertEqual(self.customer.fs_mobile_e164, "+33612345678")
        self.assertFalse(self.customer.fs_phone_problem)

    def test_invalid_number_of_a_customer_is_refused_with_the_reason(self):
        self.create_visit()
        with self.assertRaisesRegex(ValidationError, "too short"):
            self.customer.mobile = "+33 6 12"

    def test_sms_without_a_mobile_falls_back_to_email_with_a_note(self):
        self.customer.write(
            {"fs_preferred_channel": "sms", "mobile": False, "phone": "01 42 68 53 00"}
        )
        self.assertEqual(self.customer.fs_effective_channel, "email")
        self.assertIn("no valid mobile", self.customer.fs_channel_note)
        self.customer.mobile = "06 12 34 56 78"
        self.assertEqual(self.customer.fs_effective_channel, "sms")
        self.assertFalse(self.customer.fs_channel_note)

    def test_the_office_reads_phone_and_channel_problems_in_its_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        prospect = (
            self.env["res.partner"]
            .with_context(lang="fr_FR")
            .create({"name": "Prospect", "country_id": self.env.ref("base.fr").id})
        )
        prospect.mobile = "+33 6 12"
        self.assertEqual(prospect.fs_phone_problem, "+33 6 12 : le numéro est trop court")
        visit = self.create_visit(partner_id=prospect.id).with_context(lang="fr_FR")
        visit.invalidate_recordset(["fs_contact_problem"])
        self.assertEqual(
            visit.fs_contact_problem,
            "ni adresse e-mail ni numéro de mobile valide ; ajoutez-en un au site, ou appelez le "
            "client",
        )

    def test_contact_shows_every_visit(self):
        first = self.create_visit()
        second = self.create_visit(name="Second visit")
        self.assertEqual(self.customer.fs_visit_count, 2)
        action = self.customer.action_fs_view_visits()
        self.assertEqual(self.env["project.task"].search(action["domain"]), first | second)
