from psycopg2.errors import CheckViolation

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import FinishedVisitCase


@tagged("post_install", "-at_install")
class TestRatingValueChecks(FinishedVisitCase):
    """Scores outside their scale are refused by the database, whoever writes them."""

    def setUp(self):
        super().setUp()
        self.finish()
        self.rating = self.visit._fs_submit_rating("4", "9", "", "browser-a")
        self.env.flush_all()

    def update_by_sql(self, column, value):
        with mute_logger("odoo.sql_db"), self.cr.savepoint(flush=False):
            self.cr.execute(
                SQL(
                    "UPDATE rating_rating SET %s = %s WHERE id = %s",
                    SQL.identifier(column),
                    value,
                    self.rating.id,
                )
            )

    def test_nps_outside_0_to_10_is_refused(self):
        for value in (11, -2, 100):
            with self.subTest(value=value), self.assertRaises(CheckViolation):
                self.update_by_sql("fs_nps", value)
        for value in (-1, 0, 10):  # -1: not answered
            self.update_by_sql("fs_nps", value)

    def test_visit_stars_are_whole_and_within_five(self):
        for value in (2.5, 6, -1):
            with self.subTest(value=value), self.assertRaises(CheckViolation):
                self.update_by_sql("rating", value)
        for value in (0, 1, 5):  # 0: not rated yet
            self.update_by_sql("rating", value)
