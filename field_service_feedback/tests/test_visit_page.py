import json
import re
from datetime import timedelta

from odoo import fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import VisitPageCase

# The 404 page embeds a CSRF token that changes every second: not a difference in meaning.
CSRF_IN_PAGE = re.compile(r'csrf_token: "[^"]*"')
# Words that must never reach the customer's page or the ETA JSON.
INTERNAL = [
    "99 88 77 66",  # technician's phones
    "anna.private@example.com",
    "INTERNAL-SECRET",  # the visit's internal description
    "480 EUR",
    "Anna Tech",  # full name: the customer sees the first name only
    "hr.employee",
    "fs_technician_id",
]


@tagged("post_install", "-at_install")
class TestVisitPage(VisitPageCase):
    def assert_no_internal(self, text):
        for word in INTERNAL:
            self.assertNotIn(word, text)

    def assert_token_headers(self, response):
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")

    # ---- reading --------------------------------------------------------------------------

    def test_page_with_token_shows_the_visit_and_nothing_internal(self):
        self.anna.image_1920 = self.png("teal", (128, 128))  # a real photo, not Odoo's letter
        response = self.url_open(self.visit_url())
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(self.visit.fs_window_display, page)
        self.assertIn("Boiler service (test)", page)
        self.assertIn("Clear the way to the boiler.", page)
        self.assertIn("Gate code 1234", page)
        self.assertIn('o_fs_technician_name">Anna<', page)
        self.assertIn("Gas (test)", page)  # the job's skill the technician holds
        self.assertIn(f"/my/visits/{self.visit.id}/technician/avatar?access_token=", page)
        self.assertIn("o_fs_step_current", page)
        self.assertIn("Change the time", page)
        self.assert_no_internal(page)
        self.assert_token_headers(response)

    def test_wrong_tokens_and_missing_visits_get_the_same_404(self):
        other = self.create_visit(name="Other customer's visit")
        other._portal_ensure_token()
        mutated = self.token[:-1] + ("0" if self.token[-1] != "0" else "1")
        for suffix in ("", "/eta", "/visit.ics", "/technician/avatar", "/reschedule"):
            missing = self.url_open(
                f"/my/visits/{other.id + 1000}{suffix}?access_token={self.token}"
            )
            self.assertEqual(missing.status_code, 404)
            for url in (
                self.visit_url(suffix=suffix, token=mutated),
                self.visit_url(suffix=suffix, token=other.access_token),  # another visit's
                f"/my/visits/{self.visit.id}{suffix}",  # no token at all
                self.visit_url(suffix=suffix, token=self.token.upper()),
            ):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404, url)
                self.assertEqual(
                    CSRF_IN_PAGE.sub("", response.text), CSRF_IN_PAGE.sub("", missing.text), url
                )
                self.assertNotIn("Boiler", response.text)

    def test_a_task_that_is_not_a_visit_is_not_found(self):
        office = self.env["project.project"].create({"name": "Office (test)"})
        task = self.env["project.task"].create({"name": "Office task", "project_id": office.id})
        token = task._portal_ensure_token()
        self.assertEqual(
            self.url_open(f"/my/visits/{task.id}?access_token={token}").status_code, 404
        )

    def test_portal_users_see_their_own_visits_only(self):
        owner = mail_new_test_user(
            self.env, login="fs_claire_portal", groups="base.group_portal", name="Claire Portal"
        )
        owner.partner_id.parent_id = self.customer  # a contact of the customer
        stranger = mail_new_test_user(
            self.env, login="fs_zoe_portal", groups="base.group_portal", name="Zoe Portal"
        )
        self.authenticate("fs_zoe_portal", "fs_zoe_portal")
        self.assertEqual(self.url_open(f"/my/visits/{self.visit.id}").status_code, 404)
        listing = self.url_open("/my/visits")
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn("Boiler service (test)", listing.text)
        self.assertEqual(
            self.make_jsonrpc_request("/my/counters", {"counters": ["fs_visit_count"]}),
            {"fs_visit_count": 0},
        )

        self.authenticate("fs_claire_portal", "fs_claire_portal")
        listing = self.url_open("/my/visits")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Boiler service (test)", listing.text)
        self.assertIn(self.visit_url(), listing.text.replace("&amp;", "&"))
        self.assert_token_headers(listing)
        self.assertEqual(
            self.make_jsonrpc_request("/my/counters", {"counters": ["fs_visit_count"]}),
            {"fs_visit_count": 1},
        )
        self.assertEqual(self.url_open(self.visit_url()).status_code, 200)
        self.assertTrue(stranger)

    def test_calendar_file(self):
        response = self.url_open(self.visit_url(suffix="/visit.ics"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/calendar"))
        self.assert_token_headers(response)
        body = response.text
        start = self.visit.fs_window_start.strftime("%Y%m%dT%H%M%SZ")
        end = self.visit.fs_window_end.strftime("%Y%m%dT%H%M%SZ")
        self.assertIn("BEGIN:VEVENT\r\n", body)
        self.assertIn(f"DTSTART:{start}\r\n", body)
        self.assertIn(f"DTEND:{end}\r\n", body)
        self.assertIn("SUMMARY:Boiler service (test) – ", body)
        self.assertIn("LOCATION:12 rue de la Paix\\, Paris\\, France", body)
        self.assertIn(f"UID:fs-visit-{self.visit.id}@", body)
        self.assertNotIn(self.token, body)
        self.assertNotIn("Gate code", body)
        self.assert_no_internal(body)

    def test_eta_json_while_on_the_way(self):
        day_start = fields.Datetime.now().replace(microsecond=0)
        common = {
            "fs_technician_id": self.anna.id,
            "fs_window_start": day_start,
            "fs_window_end": day_start + timedelta(hours=2),
        }
        done_before = self.create_visit(name="Earlier done", fs_route_sequence=1, **common)
        done_before._fs_move("en_route")
        done_before._fs_move("on_site")
        done_before.fs_checklist_line_ids.is_done = True
        done_before.action_fs_done()
        self.create_visit(name="Earlier open", fs_route_sequence=2, **common)
        self.create_visit(name="Earlier cancelled", fs_route_sequence=3, **common)._fs_move(
            "cancelled", {"fs_cancel_reason": "test"}
        )
        self.visit.write(dict(common, fs_route_sequence=4))

        data = self.url_open(self.visit_url(suffix="/eta")).json()
        self.assertEqual(data["state"], "scheduled")
        self.assertEqual((data["stop_number"], data["stops_before"]), (3, 1))
        self.assertIn("You are stop 3 of today, 1 visit(s) before you.", data["stops_text"])
        self.assertEqual(
            self.visit.fs_day_stop_number, 3, "the technician's stop is the customer's"
        )
        self.assertIsNone(data["eta_minutes"])
        page = self.url_open(self.visit_url()).text
        self.assertIn("You are stop 3 of today", page)  # the same, without JavaScript

        self.visit.write({"fs_eta": fields.Datetime.now() + timedelta(minutes=18)})
        self.visit._fs_move("en_route")
        response = self.url_open(self.visit_url(suffix="/eta"))
        self.assert_token_headers(response)
        data = response.json()
        self.assertEqual(
            set(data),
            {
                "state",
                "state_label",
                "window",
                "eta_minutes",
                "stop_number",
                "stops_before",
                "eta_text",
                "stops_text",
                "live",
                "map",
            },
        )
        self.assertEqual(data["state"], "en_route")
        self.assertIn(data["eta_minutes"], (17, 18))
        self.assertEqual(data["window"], self.visit.fs_window_display)
        self.assertIn("On the way, arriving about", data["eta_text"])
        self.assert_no_internal(json.dumps(data))
        self.assertNotIn("latitude", json.dumps(data))
        self.assertIn("On the way, arriving about", self.url_open(self.visit_url()).text)

    def test_eta_is_hidden_outside_an_active_trip(self):
        self.visit.fs_eta = fields.Datetime.now() + timedelta(minutes=18)
        data = self.url_open(self.visit_url(suffix="/eta")).json()
        self.assertIsNone(data["eta_minutes"])
        self.assertEqual(data["eta_text"], "")

    def test_get_never_changes_anything(self):
        slot = self.first_free_slot()
        before = (self.visit.fs_state, self.visit.fs_window_start, self.visit.fs_access_notes)
        params = f"&slot={self.utc_text(slot.start)}&reason=x&access_notes=changed"
        for suffix in ("", "/reschedule", "/eta", "/visit.ics"):
            self.url_open(self.visit_url(suffix=suffix) + params)
        for suffix in ("/cancel", "/notes"):
            response = self.url_open(self.visit_url(suffix=suffix) + params)
            self.assertIn(response.status_code, (404, 405))
        self.visit.invalidate_recordset()
        after = (self.visit.fs_state, self.visit.fs_window_start, self.visit.fs_access_notes)
        self.assertEqual(before, after)

    @mute_logger("odoo.http")  # core warns about the missing CSRF token: that is the point
    def test_posts_need_the_csrf_token(self):
        slot = self.first_free_slot()
        response = self.url_open(
            f"/my/visits/{self.visit.id}/reschedule",
            data={"access_token": self.token, "slot": self.utc_text(slot.start)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.visit.invalidate_recordset()
        self.assertNotEqual(self.visit.fs_window_start, slot.start)

    # ---- changing -------------------------------------------------------------------------

    def test_reschedule_to_a_free_window(self):
        form = self.url_open(self.visit_url(suffix="/reschedule"))
        self.assertEqual(form.status_code, 200)
        self.assert_token_headers(form)
        slot = self.first_free_slot()
        self.assertIn(f'value="{self.utc_text(slot.start)}"', form.text)
        self.assertNotIn(f'value="{self.utc_text(self.visit.fs_window_start)}"', form.text)

        response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(slot.start)})
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn("done=rescheduled", response.headers["Location"])
        self.assert_token_headers(response)
        self.visit.invalidate_recordset()
        self.assertEqual(
            (self.visit.fs_window_start, self.visit.fs_window_end), (slot.start, slot.end)
        )
        self.assertEqual(self.visit.fs_technician_id, self.anna)
        self.assertEqual(self.visit.fs_promise_ids[0].source, "customer")
        self.assertTrue(
            self.visit.message_ids.filtered(lambda m: "The customer moved the visit" in m.body)
        )
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Done: your visit is now", page)

    def test_reschedule_refused_inside_the_cut_off(self):
        start = self.hours_from_now(3)
        self.visit.write({"fs_window_start": start, "fs_window_end": start + timedelta(hours=2)})
        slot = self.visit._fs_portal_slots()  # the rule still lists later windows...
        self.assertTrue(slot)
        self.assertIn("until 4 hours before", self.url_open(self.visit_url()).text)
        response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(slot[0].start)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("until 4 hours before the window starts", response.text)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_window_start, start)  # ...but the visit is not moved

    def test_reschedule_refused_once_the_technician_left(self):
        slot = self.first_free_slot()
        self.visit._fs_move("en_route")
        page = self.url_open(self.visit_url()).text
        self.assertIn("already set off", page)
        self.assertNotIn("o_fs_cancel_confirm", page)
        response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(slot.start)})
        self.assertIn("already set off", response.text)
        response = self.post(self.visit, "/cancel", {"reason": "too late"})
        self.assertIn("already set off", response.text)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_state, "en_route")

    def test_reschedule_refuses_windows_nobody_can_keep(self):
        slot = self.first_free_slot()
        # Anna, the only senior, is busy then: the window is no longer offered nor accepted.
        self.create_visit(
            name="Anna's other visit",
            fs_technician_id=self.anna.id,
            fs_window_start=slot.start,
            fs_window_end=slot.end,
        )
        self.assertNotIn(slot.start, [s.start for s in self.visit._fs_portal_slots()])
        odd = slot.start + timedelta(minutes=17)  # not a window we offer at all
        night = slot.start.replace(hour=1)  # nobody works at night
        for start in (slot.start, odd, night):
            response = self.post(self.visit, "/reschedule", {"slot": self.utc_text(start)})
            self.assertEqual(response.status_code, 200)
            self.assertIn("no longer available", response.text)
            self.assertIn("o_fs_slot", response.text)  # here are the others
        response = self.post(self.visit, "/reschedule", {"slot": "not a date"})
        self.assertIn("Please pick one of the times offered.", response.text)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_window_start, self.day.replace(hour=8))

    def test_missing_parts_push_windows_past_the_parts_lead_time(self):
        self.env["stock.quant"]._update_available_quantity(self.valve, self.van_anna, -10)
        self.assertFalse(self.visit.fs_parts_ready)
        limit = fields.Datetime.now() + timedelta(hours=24)
        slots = self.visit._fs_portal_slots()
        self.assertTrue(slots)
        self.assertTrue(all(slot.start >= limit for slot in slots))

    def test_cancel_with_a_reason(self):
        response = self.post(self.visit, "/cancel", {"reason": "   "})
        self.assertIn("Please tell us why", response.text)
        self.assertEqual(self.visit.fs_state, "scheduled")
        response = self.post(self.visit, "/cancel", {"reason": "We sold the house"})
        self.assertEqual(response.status_code, 303)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_state, "cancelled")
        self.assertEqual(self.visit.fs_cancel_reason, "We sold the house")
        self.assertTrue(self.visit.message_ids.filtered(lambda m: "We sold the house" in m.body))
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Your visit is cancelled", page)
        self.assertIn("o_fs_step_failed", page)

    def test_customer_edits_access_notes(self):
        response = self.post(self.visit, "/notes", {"access_notes": "Code 4321, dog is friendly"})
        self.assertEqual(response.status_code, 303)
        self.visit.invalidate_recordset()
        self.assertEqual(self.visit.fs_access_notes, "Code 4321, dog is friendly")
        response = self.post(self.visit, "/notes", {"access_notes": "x" * 1001})
        self.assertIn("at most 1000 characters", response.text)

    # ---- speed ----------------------------------------------------------------------------

    def count_queries(self, url):
        self.url_open(url)  # warm the caches (templates, assets, ACLs)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.env.cr.sql_log_count - before

    def test_page_queries_do_not_grow_with_history(self):
        now = fields.Datetime.now().replace(microsecond=0)
        self.visit.write(
            {
                "fs_window_start": now,
                "fs_window_end": now + timedelta(hours=2),
                "fs_route_sequence": 5,
            }
        )
        self.visit._fs_move("en_route")

        def others(count):
            return [
                self.create_visit(
                    name=f"History {index}",
                    fs_technician_id=self.anna.id,
                    fs_window_start=now - timedelta(hours=1),
                    fs_window_end=now + timedelta(hours=1),
                    fs_route_sequence=index % 4 + 1,
                )
                for index in range(count)
            ]

        others(1)
        page_small = self.count_queries(self.visit_url())
        eta_small = self.count_queries(self.visit_url(suffix="/eta"))
        others(9)
        page_large = self.count_queries(self.visit_url())
        eta_large = self.count_queries(self.visit_url(suffix="/eta"))
        form = self.count_queries(self.visit_url(suffix="/reschedule"))
        self.assertEqual(page_small, page_large)
        self.assertEqual(eta_small, eta_large)
        # The whole ETA request of a visitor holding the token: the public user, the visit
        # exists, its row (token and state), the site's zone, the stop count, the van's latest
        # position (the live map).
        self.assertLessEqual(eta_large, 6)
        self.assertLessEqual(page_large, 30)
        self.assertLessEqual(form, 30)
        # What the endpoint itself asks, from a cold cache: the row, the site's zone, the
        # stop count, the van's latest position: four (six at most is the promise).
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            values = self.visit.sudo()._fs_portal_eta_values()
        self.assertEqual(values["state"], "en_route")
