import io

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestDaySheet(FieldServiceCase):
    def test_day_sheet_in_route_order_with_kit_and_access(self):
        second = self.create_visit(
            name="Second", fs_technician_id=self.anna.id, fs_route_sequence=2
        )
        first = self.create_visit(
            name="First",
            fs_technician_id=self.anna.id,
            fs_route_sequence=1,
            fs_access_notes="Gate 4321",
            fs_window_start=self.day.replace(hour=10),
            fs_window_end=self.day.replace(hour=12),
        )
        content = self.env["project.task"]._fs_day_sheet_workbook(self.anna, first.fs_visit_date)
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Anna Tech"]
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        self.assertEqual([row[0] for row in rows], [1, 2])
        self.assertEqual(rows[0][8], "Gate 4321")
        self.assertEqual(rows[0][7], "Valve (test) × 2")
        self.assertEqual(rows[1][6], second.fs_job_type_id.name)
        self.assertEqual(rows[0][5], "+33612345678")

    def test_a_technician_prints_only_their_own_day(self):
        Task = self.env["project.task"].with_user(self.user_anna)
        self.assertTrue(Task._fs_day_sheet_workbook(self.anna, self.day.date()))
        with self.assertRaises(AccessError):
            Task._fs_day_sheet_workbook(self.bob, self.day.date())

    def test_day_sheet_in_the_technicians_language(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        visit = self.create_visit(name="First", fs_technician_id=self.anna.id)
        Task = self.env["project.task"].with_context(lang="fi_FI")
        book = openpyxl.load_workbook(
            io.BytesIO(Task._fs_day_sheet_workbook(self.anna, visit.fs_visit_date))
        )
        sheet = book["Anna Tech"]
        self.assertTrue(sheet["A1"].value.startswith("Päivälista "))
        self.assertEqual(
            [cell.value for cell in sheet[3]],
            [
                "Pysähdys",
                "Aikaikkuna",
                "Arvioitu saapuminen",
                "Asiakas",
                "Osoite",
                "Puhelin",
                "Työ",
                "Osapakkaus",
                "Kulkuohjeet",
            ],
        )
