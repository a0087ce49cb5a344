from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import VisitPageCase

EXPIRED = "This link has expired"
# What an expired link must never show again.
PERSONAL = ["12 rue de la Paix", "Claire", "Anna", "Gate code", "Boiler service (test)"]


@tagged("post_install", "-at_install")
class TestVisitLinkLifetime(VisitPageCase):
    """A link lives as long as the customer needs it: a day after a cancellation, the report
    retention after the visit; ratings within their window, each submission audited."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.visit.company_id or cls.env.company
        cls.company.phone = "+33 4 00 11 22 33"

    def ago(self, **delta):
        return fields.Datetime.now() - timedelta(**delta)

    def assert_expired(self, visit, suffixes=("", "/eta", "/visit.ics", "/report.pdf")):
        for suffix in suffixes:
            response = self.url_open(self.visit_url(visit, suffix))
            self.assertEqual(response.status_code, 410, suffix)
            self.assertEqual(response.headers.get("X-Robots-Tag"), "noindex, nofollow")
            self.assertEqual(response.headers.get("Cache-Control"), "no-store")
            self.assertIn(EXPIRED, response.text, suffix)
            self.assertIn("+33 4 00 11 22 33", response.text, "the page says how to reach us")
            for word in PERSONAL:
                self.assertNotIn(word, response.text, (suffix, word))
            if visit.fs_window_display:
                self.assertNotIn(visit.fs_window_display, response.text)

    def test_settings_have_their_defaults(self):
        setting = self.visit._fs_portal_setting
        self.assertEqual(setting("cancelled_link_days"), 1)
        self.assertEqual(setting("report_retention_days"), 90)
        self.assertEqual(setting("rating_window_days"), 14)

    def test_a_cancelled_visit_link_expires_after_a_day(self):
        self.assertEqual(self.post(self.visit, "/cancel", {"reason": "Moved"}).status_code, 303)
        self.visit.fs_cancelled_at = self.ago(hours=23)
        page = self.url_open(self.visit_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("Moved", page.text)  # the reason given, still shown the first day
        self.visit.fs_cancelled_at = self.ago(hours=25)
        self.assert_expired(self.visit, ("", "/eta", "/visit.ics", "/reschedule"))
        response = self.url_open(
            f"/my/visits/{self.visit.id}/notes",
            data={"access_token": self.token, "access_notes": "x", "csrf_token": self.csrf_of()},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 410)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_access_notes, "Gate code 1234")

    def csrf_of(self):
        """A CSRF token of this browser's session, taken from any live visit page."""
        live = self.create_visit(name="Live visit")
        live._portal_ensure_token()
        return self.csrf(live)

    def test_a_done_visit_link_and_report_live_for_the_retention(self):
        self.finish(self.visit)
        self.visit.fs_done_at = self.ago(days=89)
        self.assertEqual(self.url_open(self.visit_url()).status_code, 200)
        self.assertEqual(self.url_open(self.visit_url(suffix="/report.pdf")).status_code, 200)
        self.visit.fs_done_at = self.ago(days=91)
        self.assert_expired(self.visit)
        self.env["ir.config_parameter"].set_param(
            "field_service_feedback.report_retention_days", "120"
        )
        self.assertEqual(self.url_open(self.visit_url(suffix="/report.pdf")).status_code, 200)

    def test_ratings_within_the_window_only(self):
        self.finish(self.visit)
        self.visit.fs_done_at = self.ago(days=15)
        page = self.url_open(self.visit_url()).text
        self.assertNotIn("o_fs_rating_form", page)
        self.assertIn("Ratings are open for 14 days after the visit", page)
        # The page has no form left: a replayed or forged POST.
        response = self.post(self.visit, "/rate", {"stars": "1", "nps": "0", "comment": "Late"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Ratings are open for 14 days after the visit", response.text)
        self.visit.invalidate_recordset()
        self.assertFalse(self.visit.fs_rating_id)
        self.assertFalse(self.visit.activity_ids, "no call-back weeks later")

        self.visit.fs_done_at = self.ago(days=13)
        self.assertIn("o_fs_rating_form", self.url_open(self.visit_url()).text)
        response = self.post(self.visit, "/rate", {"stars": "5", "nps": "10"})
        self.assertEqual(response.status_code, 303)

    def test_rating_submissions_are_audited(self):
        self.finish(self.visit)
        headers = {"User-Agent": "FsTestBrowser/1.0"}
        self.opener.headers.update(headers)
        self.assertEqual(
            self.post(self.visit, "/rate", {"stars": "5", "nps": "9"}).status_code, 303
        )
        self.visit.invalidate_recordset()
        rating = self.visit.fs_rating_id
        self.assertEqual(rating.fs_rater_ip, "127.0.0.1")
        self.assertEqual(rating.fs_rater_user_agent, "FsTestBrowser/1.0")
        self.assertTrue(rating.fs_submitted_at)

        self.opener.cookies.clear()  # a replay from elsewhere: refused, and written down
        self.opener.headers.update({"User-Agent": "Replayer/2.0"})
        response = self.post(self.visit, "/rate", {"stars": "1", "nps": "0"})
        self.assertIn("already been rated", response.text)
        posts = self.env["fs.visit.portal.post"].search(
            [("task_id", "=", self.visit.id), ("action", "=", "rated")], order="id"
        )
        self.assertEqual(
            [(p.accepted, p.remote_addr, p.user_agent) for p in posts],
            [(True, "127.0.0.1", "FsTestBrowser/1.0"), (False, "127.0.0.1", "Replayer/2.0")],
        )
        self.assertTrue(all(post.create_date for post in posts))

    def test_the_audit_is_kept_for_the_report_retention(self):
        Post = self.env["fs.visit.portal.post"]
        old, recent = (
            self.visit._fs_portal_log_post("notes", True, "127.0.0.1", "Browser")
            for _index in range(2)
        )
        self.env.cr.execute(
            "UPDATE fs_visit_portal_post SET create_date = create_date - interval '91 days'"
            " WHERE id = %s",
            [old.id],
        )
        Post._gc_old_posts()
        self.assertEqual(Post.search([("task_id", "=", self.visit.id)]), recent)
