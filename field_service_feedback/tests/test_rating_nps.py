from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FinishedVisitCase


@tagged("post_install", "-at_install")
class TestRatingNps(FinishedVisitCase):
    def test_rating_before_done_is_refused_and_writes_nothing(self):
        with self.assertRaisesRegex(UserError, "once it is done"):
            self.visit._fs_submit_rating("5", "10", "", "browser-a")
        self.assertFalse(
            self.env["rating.rating"].search(
                [("res_id", "=", self.visit.id), ("consumed", "=", True)]
            )
        )

    def test_promoter_rating_goes_through_core_rating(self):
        self.finish()
        rating = self.visit._fs_submit_rating("5", "9", "  Spotless work  ", "browser-a")
        self.assertEqual((rating.rating, rating.fs_nps, rating.feedback), (5, 9, "Spotless work"))
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating_text, "top")
        self.assertEqual(rating.fs_nps_category, "promoter")
        self.assertEqual(rating.fs_followup_state, "none")
        self.assertEqual(self.visit.fs_rating_id, rating)
        self.assertNotEqual(rating.fs_rater_key, "browser-a", "the browser key is stored hashed")

    def test_call_back_goes_to_a_real_person_not_odoobot(self):
        """The demo's project is managed by OdooBot: the call-back goes to a dispatcher."""
        self.visit.project_id.user_id = self.env.ref("base.user_root")
        self.finish()
        self.visit._fs_submit_rating("1", "2", "Came late", "browser-a")
        activity = self.visit.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("field_service_feedback.mail_activity_type_fs_followup")
        )
        person = activity.user_id
        self.assertTrue(person)
        self.assertFalse(person._is_superuser(), "not OdooBot")
        self.assertTrue(person.active and not person.share, "an active internal user")
        self.assertTrue(person.has_group("field_service_cx.group_fs_dispatcher"))

    def test_detractor_creates_a_call_back_for_the_manager(self):
        self.finish()
        rating = self.visit._fs_submit_rating("4", "3", "Came late", "browser-a")
        activity = self.visit.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("field_service_feedback.mail_activity_type_fs_followup")
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(rating.fs_followup_state, "open")
        self.assertEqual(
            activity.date_deadline, fields.Date.context_today(self.visit) + timedelta(days=2)
        )
        with self.assertRaisesRegex(UserError, "outcome"):
            rating.action_fs_followup_done()
        rating.fs_followup_outcome = "Called, apologised, discount on next service"
        rating.action_fs_followup_done()
        self.assertEqual(rating.fs_followup_state, "done")
        self.assertFalse(
            self.visit.activity_ids.filtered(
                lambda a: a.activity_type_id == activity.activity_type_id
            )
        )

    def test_two_stars_is_a_detractor_whatever_the_score(self):
        self.finish()
        self.assertEqual(self.visit._fs_submit_rating("2", "10", "", "k").fs_followup_state, "open")

    def test_bad_values_are_refused_and_nothing_half_written(self):
        self.finish()
        for stars, nps, comment, words in [
            ("7", "5", "", "from 1 to 5"),
            ("3", "12", "", "from 0 to 10"),
            ("", "5", "", "star rating"),
            ("abc", "5", "", "whole number"),
            ("3", "5", "x" * 5_000_000, "too long"),
        ]:
            with self.assertRaisesRegex(UserError, words):
                self.visit._fs_submit_rating(stars, nps, comment, "browser-a")
        self.assertFalse(self.visit.fs_rating_id)

    def test_bad_values_are_explained_in_the_customers_language(self):
        self.finish()
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.visit.with_context(lang="fr_FR")
        for stars, nps, words in [
            ("7", "5", "La note en étoiles doit être comprise entre 1 et 5, et non 7."),
            ("3", "", "Merci d'indiquer une note de recommandation."),
            ("abc", "5", "La note en étoiles doit être un nombre entier de 1 à 5."),
        ]:
            with self.assertRaises(UserError) as caught:
                french._fs_submit_rating(stars, nps, "", "browser-a")
            self.assertEqual(caught.exception.args[0], words)
        self.assertFalse(self.visit.fs_rating_id)

    def test_first_rater_wins_and_may_edit_for_a_while(self):
        self.finish()
        rating = self.visit._fs_submit_rating("3", "7", "ok", "browser-a")
        with self.assertRaisesRegex(UserError, "already been rated"):
            self.visit._fs_submit_rating("1", "0", "another browser", "browser-b")
        same = self.visit._fs_submit_rating("4", "8", "better on reflection", "browser-a")
        self.assertEqual(same, rating)
        self.assertEqual((rating.rating, rating.fs_nps), (4, 8))
        message = rating.message_id
        self.assertIn("better on reflection", message.body, "the chatter shows the edit")
        self.assertNotIn(">ok", message.body)
        self.assertEqual(
            self.visit.message_ids.filtered(lambda m: m.rating_id == rating), message, "one message"
        )
        later = fields.Datetime.now() + timedelta(minutes=45)
        with (
            patch("odoo.fields.Datetime.now", return_value=later),
            self.assertRaisesRegex(UserError, "already been rated"),
        ):
            self.visit._fs_submit_rating("5", "10", "", "browser-a")
        self.assertEqual(rating.rating, 4)

    def test_markup_in_comments_stays_text(self):
        self.finish()
        rating = self.visit._fs_submit_rating("5", "10", "<script>alert(1)</script>{{ 7*7 }}", "k")
        self.assertEqual(rating.feedback, "<script>alert(1)</script>{{ 7*7 }}")

    def test_one_request_per_visit(self):
        first = self.visit._fs_rating_request()
        self.assertEqual(self.visit._fs_rating_request(), first)

    def test_technician_averages_over_90_days(self):
        self.finish()
        self.visit._fs_submit_rating("4", "10", "", "a")
        other = self.create_visit(name="Second", fs_technician_id=self.anna.id)
        other.fs_checklist_line_ids.is_done = True
        self.finish(other)
        other._fs_submit_rating("2", "5", "", "b")
        self.anna.invalidate_recordset()
        self.assertEqual(self.anna.fs_rating_count, 2)
        self.assertAlmostEqual(self.anna.fs_rating_avg, 3.0)
        self.assertAlmostEqual(self.anna.fs_nps, 0.0)  # one promoter, one detractor
        self.assertEqual(self.bob.fs_rating_count, 0)
