from odoo.tests import tagged

from .common import VisitPageCase

CONTROL = "invisible control characters"


@tagged("post_install", "-at_install")
class TestVisitInput(VisitPageCase):
    """Every text the customer sends: control characters refused readably (never a 500),
    nothing cut silently: over the limit is refused, saying the limit, the text kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.done = cls.finish(cls.create_visit(name="Done visit", fs_technician_id=cls.anna.id))
        cls.done._portal_ensure_token()

    def texts(self):
        """(visit, route, form data with ``{}`` where the customer's text goes)."""
        return [
            (self.visit, "/notes", {"access_notes": "{}"}),
            (self.visit, "/cancel", {"reason": "{}"}),
            (
                self.done,
                "/dispute",
                {"line_kind": "charge", "line_ref": "A charge", "reason": "{}"},
            ),
            (self.done, "/dispute", {"line_kind": "other", "line_ref": "{}", "reason": "Why"}),
            (self.done, "/rate", {"stars": "4", "nps": "8", "comment": "{}"}),
        ]

    def assert_nothing_written(self):
        for visit in (self.visit, self.done):
            visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_state, "scheduled")
        self.assertEqual(self.visit.fs_access_notes, "Gate code 1234")
        self.assertFalse(self.done.fs_dispute_ids)
        self.assertFalse(self.done.fs_rating_id)

    def test_control_characters_are_refused_readably_everywhere(self):
        for character in ("\x00", "\x1b", "\x7f", "\x85"):
            for visit, route, data in self.texts():
                values = {key: value.format(f"Gate{character}code") for key, value in data.items()}
                response = self.post(visit, route, values)
                self.assertEqual(response.status_code, 200, (route, data, repr(character)))
                self.assertIn(CONTROL, response.text, (route, data))
                # What they typed comes back without the invisible characters.
                if "{}" not in data.get("line_ref", ""):
                    self.assertIn("Gatecode", response.text, (route, data))
        self.assert_nothing_written()

    def test_tabs_and_new_lines_are_kept(self):
        response = self.post(self.visit, "/notes", {"access_notes": "Gate 1\r\n\tthen left"})
        self.assertEqual(response.status_code, 303)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_access_notes, "Gate 1\r\n\tthen left")

    def test_over_the_limit_is_refused_with_the_limit_and_the_text_kept(self):
        limits = {"/notes": 1000, "/cancel": 1000, "/rate": 2000}
        for visit, route, data in self.texts():
            limit = limits.get(route, 120 if "{}" in data.get("line_ref", "") else 2000)
            text = "w" * (limit + 1)
            values = {key: value.format(text) for key, value in data.items()}
            response = self.post(visit, route, values)
            self.assertEqual(response.status_code, 200, (route, data))
            self.assertIn(f"{limit + 1} characters", response.text, (route, data))
            self.assertIn(f"at most {limit}", response.text, (route, data))
            if "{}" not in data.get("line_ref", ""):  # a label is not typed: nothing to keep
                self.assertIn(f">{text}</textarea>", response.text, (route, data))
                if route in ("/cancel", "/dispute"):  # the folded form is open again
                    self.assertIn('open="open"', response.text, (route, data))
        self.assert_nothing_written()

    def test_at_the_limit_everything_is_stored_whole(self):
        reason = "r" * 1000
        self.assertEqual(self.post(self.visit, "/cancel", {"reason": reason}).status_code, 303)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_cancel_reason, reason)
        label = "l" * 120
        response = self.post(
            self.done, "/dispute", {"line_kind": "other", "line_ref": label, "reason": "Why"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.done.fs_dispute_ids.line_label, label)

    def test_control_characters_elsewhere_never_give_a_500(self):
        """Choices (slot, stars, line kind), the token and the browser's name: no 500 either."""
        for visit, route, data in [
            (self.visit, "/reschedule", {"slot": "2030-01-01 08:00:00\x00"}),
            (self.done, "/rate", {"stars": "5\x00", "nps": "9"}),
            (self.done, "/dispute", {"line_kind": "charge\x00", "line_ref": "x", "reason": "y"}),
        ]:
            response = self.post(visit, route, data)
            self.assertEqual(response.status_code, 200, route)
        self.assertEqual(self.url_open(self.visit_url(token="\x00")).status_code, 404)
        self.opener.headers["User-Agent"] = "Odd\x00Agent\x1b/1.0"
        response = self.post(self.visit, "/notes", {"access_notes": "Ring twice"})
        self.assertEqual(response.status_code, 303)
        post = self.env["fs.visit.portal.post"].search([("task_id", "=", self.visit.id)], limit=1)
        self.assertEqual(post.user_agent, "OddAgent/1.0")
        self.assert_nothing_written_but_the_notes()

    def assert_nothing_written_but_the_notes(self):
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_access_notes, "Ring twice")
        self.assertEqual(self.visit.fs_window_start, self.day.replace(hour=8))
        self.assertFalse(self.done.fs_dispute_ids)
        self.assertFalse(self.done.fs_rating_id)
