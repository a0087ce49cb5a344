from psycopg2.errors import CheckViolation

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestVisitWindowCheck(FieldServiceCase):
    """The database itself refuses a window that ends before it starts (SQL, imports)."""

    def update_by_sql(self, visit, start_offset, end_offset):
        with mute_logger("odoo.sql_db"), self.cr.savepoint(flush=False):
            self.cr.execute(
                """UPDATE project_task
                   SET fs_window_start = %s::timestamp + %s * interval '1 minute',
                       fs_window_end = %s::timestamp + %s * interval '1 minute'
                   WHERE id = %s""",
                (self.day, start_offset, self.day, end_offset, visit.id),
            )

    def test_an_inverted_or_empty_window_written_by_sql_is_refused(self):
        visit = self.create_visit()
        for start, end in ((600, 540), (600, 600)):
            with self.subTest(start=start, end=end), self.assertRaises(CheckViolation):
                self.update_by_sql(visit, start, end)
        self.update_by_sql(visit, 540, 660)
        self.cr.execute(
            "SELECT fs_window_end - fs_window_start FROM project_task WHERE id = %s", [visit.id]
        )
        self.assertEqual(self.cr.fetchone()[0].total_seconds(), 2 * 3600)

    def test_the_form_still_gets_the_readable_message(self):
        visit = self.create_visit()
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            visit.write({"fs_window_end": visit.fs_window_start})
