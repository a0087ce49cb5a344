import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import VisitPageCase
from .test_visit_page import CSRF_IN_PAGE, INTERNAL

REVIEW_URL = "https://reviews.example.com/our-company"


@tagged("post_install", "-at_install")
class TestVisitFeedbackPage(VisitPageCase):
    """The visit page after the visit (report, rating, questions) and the customer's confirm."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finish(cls.visit)
        cls.env["ir.config_parameter"].set_param("field_service_feedback.review_url", REVIEW_URL)

    def assert_token_headers(self, response):
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")

    def rating(self):
        self.visit.invalidate_recordset()
        return self.visit.fs_rating_id

    def rate(self, stars="5", nps="9", comment="Very clean work"):
        return self.post(self.visit, "/rate", {"stars": stars, "nps": nps, "comment": comment})

    def new_browser(self):
        """Another browser: no session, no rater cookie."""
        self.opener.cookies.clear()

    # ---- the page and the report -------------------------------------------------------------

    def test_done_page_shows_the_report_and_the_rating_form(self):
        response = self.url_open(self.visit_url())
        self.assertEqual(response.status_code, 200)
        self.assert_token_headers(response)
        page = response.text
        self.assertIn("Service report", page)
        self.assertIn(self.visit._fs_report_local(self.visit.fs_arrived_at), page)
        self.assertIn("Cleaned the burner and replaced one valve.", page)
        self.assertIn("Valve (test)", page)
        self.assertIn("Sooty burner", page)
        self.assertIn("Signed by Claire Martin", page)
        self.assertIn("Bleed the radiators before winter.", page)
        self.assertIn(self.visit_url(suffix="/report.pdf").replace("&", "&amp;"), page)
        self.assertIn('class="o_fs_rating_form"', page)
        self.assertEqual(len(re.findall(r'name="stars"', page)), 5)
        self.assertEqual(len(re.findall(r'name="nps"', page)), 11)
        self.assertIn("Up to 2,000 characters.", page)
        self.assertIn("Question this", page)
        self.assertNotIn("Yes, I'll be there", page)
        self.assertNotIn("Would you share your experience publicly?", page)
        for word in INTERNAL:
            self.assertNotIn(word, page)

    def test_report_download_serves_the_report_to_the_token_holder(self):
        response = self.url_open(self.visit_url(suffix="/report.pdf"))
        self.assertEqual(response.status_code, 200)
        self.assert_token_headers(response)
        # No PDF engine in tests: the printable web version, saying so.
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))
        self.assertIn("web version of your service report", response.text)
        self.assertIn("Cleaned the burner", response.text)
        for word in INTERNAL:
            self.assertNotIn(word, response.text)

    def test_report_of_an_open_visit_is_not_found(self):
        other = self.create_visit(name="Tomorrow's visit", fs_technician_id=self.anna.id)
        other._portal_ensure_token()
        self.assertEqual(self.url_open(self.visit_url(other, "/report.pdf")).status_code, 404)
        self.assertNotIn("Service report", self.url_open(self.visit_url(other)).text)

    def test_wrong_tokens_get_the_same_404_on_the_new_routes(self):
        csrf = self.csrf()
        mutated = self.token[:-1] + ("0" if self.token[-1] != "0" else "1")
        missing_id = self.visit.id + 1000
        routes = (
            ("/report.pdf", None),
            ("/rate", {"stars": "1", "nps": "0"}),
            ("/dispute", {"line_kind": "other", "line_ref": "x", "reason": "y"}),
            ("/confirm", {}),
        )

        def call(visit_id, suffix, data, token):
            if data is None:
                return self.url_open(f"/my/visits/{visit_id}{suffix}?access_token={token}")
            return self.url_open(
                f"/my/visits/{visit_id}{suffix}",
                data=dict(data, csrf_token=csrf, access_token=token),
                allow_redirects=False,
            )

        for suffix, data in routes:
            missing = call(missing_id, suffix, data, self.token)
            self.assertEqual(missing.status_code, 404, suffix)
            for token in (mutated, "", self.token.upper()):
                response = call(self.visit.id, suffix, data, token)
                self.assertEqual(response.status_code, 404, suffix)
                self.assertEqual(
                    CSRF_IN_PAGE.sub("", response.text), CSRF_IN_PAGE.sub("", missing.text), suffix
                )
                self.assertNotIn("Boiler", response.text)
        self.assertFalse(self.rating())
        self.assertFalse(self.visit.fs_dispute_ids)

    # ---- rating -----------------------------------------------------------------------------

    def test_scanners_following_links_never_rate(self):
        for url in (
            self.visit_url() + "&rate=5",
            self.visit_url() + "&stars=5&nps=10&comment=scanner",
            self.visit_url(suffix="/rate") + "&stars=5&nps=10",
            self.visit_url(suffix="/report.pdf") + "&stars=1&nps=0",
        ):
            response = self.url_open(url)
            self.assertIn(response.status_code, (200, 404, 405), url)
        self.assertFalse(self.rating())
        self.assertFalse(self.visit._fs_rating_request().consumed)
        self.assertIn('class="o_fs_rating_form"', self.url_open(self.visit_url()).text)

    def test_rate_then_thank_you_review_invitation_and_edit(self):
        response = self.rate()
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("done=rated", response.headers["Location"])
        self.assert_token_headers(response)
        cookie = response.headers["Set-Cookie"]
        self.assertRegex(cookie, r"^fs_rater=[A-Za-z0-9_-]{43};")
        for attribute in ("HttpOnly", "Path=/my/visits", "SameSite=Lax", "Max-Age=1800"):
            self.assertIn(attribute, cookie)
        key = cookie.split(";")[0].split("=", 1)[1]
        rating = self.rating()
        self.assertEqual((rating.rating, rating.fs_nps, rating.feedback), (5, 9, "Very clean work"))
        self.assertEqual(rating.fs_followup_state, "none")

        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Your rating is saved.", page)
        self.assertIn("Thank you for your feedback", page)
        self.assertIn("Would you share your experience publicly?", page)
        self.assertIn(f'href="{REVIEW_URL}"', page)
        self.assertNotIn("call you within", page)
        self.assertNotIn(key, page, "the browser key never appears in the page")
        # The same browser may still change it: the form shows its values again.
        self.assertIn("Change your rating", page)
        self.assertRegex(page, r'id="fs_stars_5" value="5" checked="checked"')
        self.assertRegex(page, r'id="fs_nps_9" value="9" checked="checked"')

        self.assertEqual(self.rate("4", "8", "On reflection").status_code, 303)
        rating.invalidate_recordset()
        self.assertEqual((rating.rating, rating.fs_nps, rating.feedback), (4, 8, "On reflection"))
        self.assertEqual(self.rating(), rating, "an edit changes the rating, never adds one")

    def test_another_browser_cannot_rate_again(self):
        self.assertEqual(self.rate("5", "10", "First").status_code, 303)
        self.new_browser()
        page = self.url_open(self.visit_url()).text
        self.assertIn("Thank you for your feedback", page)
        self.assertNotIn('class="o_fs_rating_form"', page)
        self.assertNotIn("First", page, "another browser does not see the comment")
        response = self.rate("1", "0", "Replayed")
        self.assertEqual(response.status_code, 200)
        self.assertIn("This visit has already been rated. Thank you!", response.text)
        rating = self.rating()
        self.assertEqual((rating.rating, rating.fs_nps, rating.feedback), (5, 10, "First"))

    def test_a_forged_rater_cookie_does_not_open_the_edit(self):
        self.assertEqual(self.rate().status_code, 303)
        self.new_browser()
        self.opener.cookies.set("fs_rater", "x" * 43, path="/my/visits")
        self.assertIn("already been rated", self.rate("1", "0", "").text)
        self.assertEqual(self.rating().rating, 5)

    def test_invalid_values_are_refused_readably_and_nothing_is_written(self):
        for stars, nps, comment, message in [
            ("0", "9", "", "must be from 1 to 5, not 0"),
            ("6", "9", "", "must be from 1 to 5, not 6"),
            ("5", "11", "", "must be from 0 to 10, not 11"),
            ("5", "-1", "", "must be from 0 to 10, not -1"),
            ("", "9", "", "Please give a star rating."),
            ("5", "", "", "Please give a recommendation score."),
            ("five", "9", "", "must be a whole number from 1 to 5"),
            ("5", "9.5", "", "must be a whole number from 0 to 10"),
        ]:
            response = self.rate(stars, nps, comment)
            self.assertEqual(response.status_code, 200, (stars, nps))
            self.assertIn(message, response.text)
            self.assertIn('class="o_fs_rating_form"', response.text)
        data = {"nps": "9", "csrf_token": self.csrf(), "access_token": self.token}
        missing = self.url_open(f"/my/visits/{self.visit.id}/rate", data=data)
        self.assertIn("Please give a star rating.", missing.text)
        self.assertFalse(self.rating())

    def test_a_5_mb_comment_is_refused_readably(self):
        # Odoo parses forms up to 10 MB (httprequest.max_form_memory_size), so the comment
        # reaches the model, which refuses anything over 2,000 characters.
        response = self.rate("5", "9", "x" * 5_000_000)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your comment is too long (5000000 characters)", response.text)
        self.assertLess(len(response.text), 200_000, "the refusal does not echo 5 MB back")
        self.assertFalse(self.rating())

    def test_markup_in_the_comment_stays_text_everywhere(self):
        comment = "<b>bold</b><script>alert(1)</script>{{ 7*7 }} <t t-out='1'/> ${7*7}"
        self.assertEqual(self.rate("2", "3", comment).status_code, 303)
        rating = self.rating()
        self.assertEqual(rating.feedback, comment)
        page = self.url_open(self.visit_url()).text  # the same browser: the edit form
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}", page)
        self.assertNotIn("<script>alert(1)", page)
        self.assertNotIn("<b>bold", page)
        # Backend: the chatter message and the manager's call-back activity show it as text.
        body = rating.message_id.body
        self.assertIn("&lt;script&gt;", body)
        self.assertNotIn("<b>", body)
        followup = self.env.ref("field_service_feedback.mail_activity_type_fs_followup")
        activity = self.visit.activity_ids.filtered(lambda a: a.activity_type_id == followup)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", activity.note)
        self.assertNotIn("<b>", activity.note)

    def test_a_detractor_is_promised_a_call_back(self):
        response = self.rate("2", "4", "The technician came late and left a mess")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.rating().fs_followup_state, "open")
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Someone from our team will call you within 2 working days", page)
        # The review invitation is for everyone who rated, whatever the score.
        self.assertIn("Would you share your experience publicly?", page)
        self.new_browser()
        self.assertIn("call you within 2 working days", self.url_open(self.visit_url()).text)

    def test_no_review_invitation_without_a_review_url(self):
        self.env["ir.config_parameter"].set_param("field_service_feedback.review_url", "")
        self.assertEqual(self.rate().status_code, 303)
        page = self.url_open(self.visit_url()).text
        self.assertIn("Thank you for your feedback", page)
        self.assertNotIn("Would you share your experience publicly?", page)

    def test_an_open_visit_cannot_be_rated(self):
        other = self.create_visit(name="Tomorrow", fs_technician_id=self.anna.id)
        other._portal_ensure_token()
        self.assertNotIn("o_fs_rating_form", self.url_open(self.visit_url(other)).text)
        response = self.post(other, "/rate", {"stars": "5", "nps": "10"})
        self.assertIn("You can rate this visit once it is done.", response.text)
        other.invalidate_recordset()
        self.assertFalse(other.fs_rating_id)

    # ---- questions on report lines ------------------------------------------------------------

    def test_question_a_part_and_read_the_answer(self):
        part = self.visit.fs_part_ids.filtered(lambda p: p.quantity_used > 0)
        response = self.post(
            self.visit,
            "/dispute",
            {"line_kind": "part", "line_ref": str(part.id), "reason": "Only one valve changed"},
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("done=disputed", response.headers["Location"])
        dispute = self.visit.fs_dispute_ids
        self.assertEqual((dispute.part_id, dispute.state), (part, "open"))
        page = self.url_open(self.visit_url()).text
        self.assertIn("Your questions", page)
        self.assertIn("Only one valve changed", page)
        self.assertIn("We are looking into it.", page)

        dispute.resolution = "Right: the second valve is refunded."
        dispute.action_resolve()
        page = self.url_open(self.visit_url()).text
        self.assertIn("Right: the second valve is refunded.", page)
        self.assertIn("Resolved", page)

    def test_question_a_time_and_a_charge(self):
        for kind, ref in (("time", "Arrival time"), ("charge", "A charge")):
            response = self.post(
                self.visit, "/dispute", {"line_kind": kind, "line_ref": ref, "reason": "Wrong"}
            )
            self.assertEqual(response.status_code, 303)
        self.assertEqual(
            sorted(self.visit.fs_dispute_ids.mapped("line_label")), ["A charge", "Arrival time"]
        )

    def test_question_refusals_are_readable(self):
        response = self.post(
            self.visit, "/dispute", {"line_kind": "part", "line_ref": "999999", "reason": "?"}
        )
        self.assertIn("That part is not on this visit", response.text)
        response = self.post(
            self.visit, "/dispute", {"line_kind": "time", "line_ref": "Arrival time", "reason": ""}
        )
        self.assertIn("Please tell us what is wrong.", response.text)
        self.assertFalse(self.visit.fs_dispute_ids)

    def test_past_the_deadline_no_form_and_a_post_is_refused(self):
        self.visit.fs_done_at = fields.Datetime.now() - timedelta(days=15)
        page = self.url_open(self.visit_url()).text
        self.assertIn("Service report", page)
        self.assertNotIn("Question this", page)
        response = self.post(
            self.visit, "/dispute", {"line_kind": "charge", "line_ref": "A charge", "reason": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Report lines can be questioned for 14 days after the visit", response.text)
        self.assertFalse(self.visit.fs_dispute_ids)

    # ---- technician card ---------------------------------------------------------------------

    def rated_visits(self, *stars):
        for index, value in enumerate(stars):
            visit = self.finish(
                self.create_visit(name=f"Rated {index}", fs_technician_id=self.anna.id)
            )
            visit._fs_submit_rating(str(value), "9", "", f"key-{index}")
        self.anna.invalidate_recordset()

    def test_technician_card_shows_good_frequent_ratings(self):
        self.rated_visits(5, 5, 4)
        page = self.url_open(self.visit_url()).text
        self.assertIn("★ 4.7 (3 ratings in 90 days)", page)
        self.env["ir.config_parameter"].set_param(
            "field_service_feedback.show_technician_rating", "0"
        )
        self.assertNotIn("ratings in 90 days", self.url_open(self.visit_url()).text)

    def test_technician_card_hides_few_or_low_ratings(self):
        self.rated_visits(5, 5)
        self.assertNotIn("ratings in 90 days", self.url_open(self.visit_url()).text)
        self.rated_visits(3, 3)  # 4 ratings, average 4.0: shown; one more 3 would hide it
        self.assertIn("★ 4.0 (4 ratings in 90 days)", self.url_open(self.visit_url()).text)
        self.rated_visits(2)
        self.assertNotIn("ratings in 90 days", self.url_open(self.visit_url()).text)


@tagged("post_install", "-at_install")
class TestVisitConfirm(VisitPageCase):
    def test_customer_confirms_by_post_only(self):
        page = self.url_open(self.visit_url()).text
        self.assertIn("Yes, I'll be there", page)
        self.assertNotIn("o_fs_rating_form", page)
        for url in (self.visit_url(suffix="/confirm"), self.visit_url() + "&confirm=1"):
            self.url_open(url)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_state, "scheduled")
        self.assertFalse(self.visit.fs_customer_confirmed_at)

        response = self.post(self.visit, "/confirm", {})
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=confirmed", response.headers["Location"])
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_state, "confirmed")
        self.assertTrue(self.visit.fs_customer_confirmed_at)
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Thank you for confirming", page)
        self.assertIn("You confirmed you will be there.", page)
        self.assertNotIn("o_fs_confirm_form", page)

    def test_confirm_refused_once_the_technician_left(self):
        self.visit._fs_move("en_route")
        self.assertNotIn("Yes, I'll be there", self.url_open(self.visit_url()).text)
        response = self.post(self.visit, "/confirm", {})
        self.assertEqual(response.status_code, 200)
        self.assertIn("This visit cannot be confirmed any more.", response.text)
        self.assertFalse(self.visit.fs_customer_confirmed_at)
