from odoo.tests import tagged

from .common import VisitPageCase


@tagged("post_install", "-at_install")
class TestOfficeHearsTheCustomer(VisitPageCase):
    """A customer's cancel, reschedule, dispute or low rating on the portal leaves a to-do for
    a real office user on the visit, once per event; a happy rating leaves none."""

    def activities(self, visit=None):
        visit = visit or self.visit
        visit.invalidate_recordset(["activity_ids"])
        return visit.activity_ids

    def assertRealOfficeUser(self, user):
        self.assertTrue(user.active)
        self.assertFalse(user.share, "an internal user")
        self.assertFalse(user._is_superuser(), "not OdooBot")
        self.assertTrue(user.has_group("field_service_cx.group_fs_dispatcher"))

    def test_a_cancel_on_the_portal_leaves_one_todo_for_the_office(self):
        window = self.visit.fs_window_display
        self.assertFalse(self.activities())
        response = self.post(self.visit, "/cancel", {"reason": "We sold the house"})
        self.assertEqual(response.status_code, 303)
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertRealOfficeUser(activity.user_id)
        self.assertIn("The customer cancelled the visit of", activity.summary)
        self.assertIn("We sold the house", activity.note)
        self.assertIn(window.split(",")[0], activity.note, "the window it was")
        self.assertIn(f'data-oe-id="{self.visit.id}"', activity.note, "a link to the visit")
        self.assertTrue(
            self.visit.message_ids.filtered(lambda m: "We sold the house" in (m.body or "")),
            "and a note in the chatter",
        )
        # The same form sent again (double click, a replaying mail scanner) changes nothing.
        self.post(self.visit, "/cancel", {"reason": "We sold the house"})
        self.assertEqual(len(self.activities()), 1, "once per event")

    def test_a_reschedule_leaves_a_todo_with_the_old_and_new_window(self):
        slot = self.first_free_slot()
        before = self.visit._fs_office_window(self.env)
        response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(slot.start)})
        self.assertEqual(response.status_code, 303)
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertRealOfficeUser(activity.user_id)
        after = self.visit._fs_office_window(self.env)
        self.assertNotEqual(before, after)
        self.assertIn(f"The customer moved the visit to {after}", activity.summary)
        self.assertIn(before, activity.note)
        self.assertIn(after, activity.note)

    def test_a_refused_change_tells_nobody(self):
        response = self.post(self.visit, "/cancel", {"reason": ""})
        self.assertEqual(response.status_code, 200, "the form again, with the error")
        self.assertFalse(self.activities())

    def test_a_dispute_leaves_a_todo(self):
        self.finish(self.visit)
        self.assertFalse(self.activities())
        response = self.post(
            self.visit,
            "/dispute",
            {"line_kind": "time", "line_ref": "Arrival", "reason": "You came at 10, not 8"},
        )
        self.assertEqual(response.status_code, 303)
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertRealOfficeUser(activity.user_id)
        self.assertIn("questions the report: Arrival", activity.summary)
        self.assertIn("You came at 10, not 8", activity.note)

    def test_a_low_rating_leaves_a_call_back_and_a_happy_one_nothing(self):
        happy = self.finish(self.create_visit(fs_technician_id=self.anna.id))
        happy._fs_submit_rating("5", "10", "Perfect", "browser-a")
        self.assertFalse(self.activities(happy), "nothing to do for a promoter")
        self.finish(self.visit)
        self.visit._fs_submit_rating("2", "8", "Came late", "browser-b")
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertRealOfficeUser(activity.user_id)
        self.assertIn("Call back: 2★", activity.summary)
        self.assertIn("Came late", activity.note)
        self.assertIn(f'data-oe-id="{self.visit.id}"', activity.note)
        # Editing the rating within its window does not call the office twice.
        self.visit._fs_submit_rating("1", "3", "Came very late", "browser-b")
        self.assertEqual(len(self.activities()), 1)
