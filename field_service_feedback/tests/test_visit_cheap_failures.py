from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import VisitPageCase

NOINDEX = "noindex, nofollow"


@tagged("post_install", "-at_install")
class TestVisitCheapFailures(VisitPageCase):
    """A stranger's guesses cost little, search engines never index a link, and one link
    cannot change a visit without end."""

    def wrong(self, suffix=""):
        return self.visit_url(suffix=suffix, token=self.token[:-1] + "x")

    def assert_queries(self, url, status, limit=5):
        self.url_open(url)  # warm the caches (routing, templates, ACLs)
        self.env.invalidate_all()
        with self.assertQueryCount(limit):
            response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)

    def test_a_wrong_token_costs_at_most_five_queries(self):
        self.assert_queries(self.wrong(), 404)
        self.assert_queries(self.wrong("/eta"), 404)
        self.assert_queries(f"/my/visits/{self.visit.id + 100000}?access_token=x", 404)

    def test_the_eta_poll_costs_at_most_five_queries(self):
        self.assert_queries(self.visit_url(suffix="/eta"), 200)

    @mute_logger("odoo.http")  # the POST without CSRF token is refused with a warning
    def test_every_token_response_says_noindex(self):
        responses = {
            "page": self.url_open(self.visit_url()),
            "eta": self.url_open(self.visit_url(suffix="/eta")),
            "ics": self.url_open(self.visit_url(suffix="/visit.ics")),
            "avatar": self.url_open(self.visit_url(suffix="/technician/avatar")),
            "form": self.url_open(self.visit_url(suffix="/reschedule")),
            "404 page": self.url_open(self.wrong()),
            "404 eta": self.url_open(self.wrong("/eta")),
            "404 ics": self.url_open(self.wrong("/visit.ics")),
            "404 report": self.url_open(self.wrong("/report.pdf")),
            "redirect": self.post(self.visit, "/notes", {"access_notes": "Ring twice"}),
            "refused": self.post(self.visit, "/cancel", {"reason": ""}),
            "no csrf": self.url_open(
                f"/my/visits/{self.visit.id}/notes",
                data={"access_token": self.token, "access_notes": "x"},
                allow_redirects=False,
            ),
            "core task page": self.url_open(
                f"/my/tasks/{self.visit.id}?access_token={self.token}", allow_redirects=False
            ),
        }
        expected = {
            "page": 200,
            "eta": 200,
            "ics": 200,
            "avatar": 200,
            "form": 200,
            "404 page": 404,
            "404 eta": 404,
            "404 ics": 404,
            "404 report": 404,
            "redirect": 303,
            "refused": 200,
            "no csrf": 400,
            "core task page": 303,
        }
        for name, response in responses.items():
            self.assertEqual(response.status_code, expected[name], name)
            self.assertEqual(response.headers.get("X-Robots-Tag"), NOINDEX, name)

    def test_one_link_makes_a_bounded_number_of_changes_an_hour(self):
        self.assertEqual(self.visit._fs_portal_setting("changes_per_hour"), 20)
        self.env["ir.config_parameter"].set_param("field_service_feedback.changes_per_hour", "4")
        for index in range(4):  # accepted or refused, each change counts
            data = {"access_notes": f"Code {index}"} if index != 2 else {"access_notes": "x" * 2000}
            self.assertIn(self.post(self.visit, "/notes", data).status_code, (200, 303))
        slot = self.utc_text(self.first_free_slot().start)
        for route, data in (
            ("/notes", {"access_notes": "Code 99"}),
            ("/confirm", {}),
            ("/cancel", {"reason": "Moved"}),
            ("/reschedule", {"slot": slot}),
            ("/rate", {"stars": "5", "nps": "9"}),
            ("/dispute", {"line_kind": "charge", "line_ref": "A charge", "reason": "Why"}),
        ):
            response = self.post(self.visit, route, data)
            self.assertEqual(response.status_code, 429, route)
            self.assertIn("many changes", response.text)
            self.assertEqual(response.headers.get("X-Robots-Tag"), NOINDEX)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_access_notes, "Code 3")
        self.assertFalse(self.visit.fs_customer_confirmed_at)
        self.assertEqual(self.visit.fs_state, "scheduled")
        self.assertNotEqual(self.utc_text(self.visit.fs_window_start), slot)
        # Reading is never limited; another visit has its own count.
        self.assertEqual(self.url_open(self.visit_url()).status_code, 200)
        other = self.create_visit(name="Neighbour")
        other._portal_ensure_token()
        self.assertEqual(self.post(other, "/notes", {"access_notes": "Ring"}).status_code, 303)

        # The count is in the database (every worker sees it) and forgets after an hour.
        posts = self.env["fs.visit.portal.post"].search([("task_id", "=", self.visit.id)])
        self.assertEqual(len(posts), 4)
        self.env.cr.execute(
            "UPDATE fs_visit_portal_post SET create_date = create_date - interval '61 minutes'"
            " WHERE id IN %s",
            [tuple(posts.ids)],
        )
        self.assertEqual(self.post(self.visit, "/confirm", {}).status_code, 303)
