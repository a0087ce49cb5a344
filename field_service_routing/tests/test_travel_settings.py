from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTravelSettings(TransactionCase):
    def test_defaults_and_settings_form(self):
        company = self.env.company
        self.assertEqual(
            (company.fs_travel_speed_kmh, company.fs_travel_detour_factor), (40.0, 1.3)
        )
        settings = Form(self.env["res.config.settings"])
        settings.fs_travel_speed_kmh = 32.0
        settings.save().execute()
        self.assertEqual(company.fs_travel_speed_kmh, 32.0)

    def test_nonsense_settings_are_refused(self):
        company = self.env.company
        with self.assertRaisesRegex(ValidationError, "speed must be positive"):
            company.write({"fs_travel_speed_kmh": 0})
        with self.assertRaisesRegex(ValidationError, "detour factor"):
            company.write({"fs_travel_speed_kmh": 40, "fs_travel_detour_factor": 0.5})
        with self.assertRaisesRegex(ValidationError, "overhead cannot be negative"):
            company.write({"fs_travel_detour_factor": 1.3, "fs_travel_stop_overhead_min": -1})
