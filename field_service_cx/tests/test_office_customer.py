from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.addons.mail.tests.common import MockEmail
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tests.common import freeze_time

from ..tools import reminders
from .common import FieldServiceCase

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    """A Paris wall time as naive UTC."""
    return datetime(*args, tzinfo=PARIS).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


class OfficeCase(FieldServiceCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob.employee_skill_ids.skill_level_id = cls.senior  # Bob can take Anna's visits
        cls.customer.write({"fs_quiet_from": 0.0, "fs_quiet_until": 0.0})

    def book(self, start, **values):
        return self.create_visit(
            fs_window_start=start,
            fs_window_end=start + timedelta(hours=2),
            fs_technician_id=self.anna.id,
            **values,
        )

    def send_due(self):
        with self.mock_mail_gateway():
            self.env["fs.visit.message"]._cron_send_due(batch_size=200)

    def technician_rows(self, visit):
        visit.invalidate_recordset(["fs_message_ids"])
        return visit.fs_message_ids.filtered(lambda r: r.kind == reminders.TECHNICIAN)


@tagged("post_install", "-at_install")
class TestTechnicianChangeMessage(OfficeCase):
    """Once the customer was told who comes, another technician is announced, once."""

    @freeze_time("2026-06-01 10:00:00")
    def test_a_new_technician_after_the_confirmation_is_announced_once(self):
        visit = self.book(paris(2026, 6, 10, 13, 0))
        self.send_due()  # the confirmation names Anna
        confirmation = visit.fs_message_ids.filtered(lambda r: r.kind == "confirmation")
        self.assertEqual((confirmation.state, confirmation.technician_id), ("queued", self.anna))
        visit.fs_technician_id = self.bob
        rows = self.technician_rows(visit)
        self.assertEqual(len(rows), 1, "one message for the change")
        self.assertEqual(rows.state, "planned")
        visit.write({"fs_technician_id": self.bob.id, "description": "<p>same</p>"})
        self.assertEqual(len(self.technician_rows(visit)), 1, "no change, no second message")
        self.send_due()
        rows = self.technician_rows(visit)
        self.assertEqual((rows.state, rows.technician_id), ("queued", self.bob))
        self.assertIn("your technician will be <strong>Bob</strong>", rows.mail_id.body_html)
        self.assertIn("Wednesday 10 June, 13:00–15:00", rows.mail_id.body_html)

    @freeze_time("2026-06-01 10:00:00")
    def test_a_change_back_before_sending_is_not_sent(self):
        visit = self.book(paris(2026, 6, 10, 13, 0))
        self.send_due()
        visit.fs_technician_id = self.bob
        visit.fs_technician_id = self.anna  # back to the one the customer knows
        self.assertFalse(
            self.technician_rows(visit).filtered(lambda r: r.state in ("planned", "queued")),
            "the customer knows Anna: nothing to tell",
        )

    @freeze_time("2026-06-01 10:00:00")
    def test_no_message_when_never_told_or_closed(self):
        never_told = self.book(paris(2026, 6, 10, 13, 0))  # confirmation still planned
        never_told.fs_technician_id = self.bob
        self.assertFalse(self.technician_rows(never_told), "the name was never sent")
        closed = self.book(paris(2026, 6, 11, 13, 0))
        self.send_due()
        closed._fs_move("cancelled", {"fs_cancel_reason": "test"})
        closed.fs_technician_id = self.bob
        self.assertFalse(self.technician_rows(closed), "a closed visit tells nothing")

    def test_every_language_has_the_new_technician_message(self):
        codes = ["fr_FR", "fi_FI", "hu_HU", "de_DE"]
        for code in codes:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(["field_service_cx"], codes, overwrite=True)
        mail = self.env.ref("field_service_cx.mail_template_fs_technician")
        sms = self.env.ref("field_service_cx.sms_template_fs_technician")
        visit = self.book(self.day.replace(hour=8))
        english = sms._render_field("body", visit.ids, compute_lang=True)[visit.id]
        for code in ("fr_FR", "fi_FI", "hu_HU", "de_DE"):
            self.customer.lang = code
            with self.subTest(lang=code):
                body = sms._render_field("body", visit.ids, compute_lang=True)[visit.id]
                subject = mail._render_field("subject", visit.ids, compute_lang=True)[visit.id]
                self.assertNotEqual(body, english, "translated")
                self.assertIn("Anna", body)
                self.assertIn("Anna", subject)
                self.assertNotIn("will come", subject)


@tagged("post_install", "-at_install")
class TestCancelWizard(OfficeCase):
    """Dispatchers cancel a visit with a reason (and choose whether the customer hears it);
    they do not delete booked visits."""

    def wizard(self, visits, reason, notify=True):
        action = visits.with_user(self.user_dispatcher).action_fs_cancel()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_dispatcher)
            .with_context(**action["context"])
        )
        if reason is not None:
            form.reason = reason
        form.notify_customer = notify
        return form

    def cancellation_rows(self, visit):
        visit.invalidate_recordset(["fs_message_ids"])
        return visit.fs_message_ids.filtered(lambda r: r.kind == reminders.CANCELLED)

    def test_reason_is_required(self):
        visit = self.book(self.day.replace(hour=8))
        with self.assertRaises(AssertionError, msg="the form refuses an empty reason"):
            self.wizard(visit, None).save()
        wizard = self.wizard(visit, "   ").save()
        with self.assertRaisesRegex(UserError, "Please say why"):
            wizard.action_confirm()
        self.assertEqual(visit.fs_state, "scheduled")

    def test_cancel_tells_the_customer_or_not(self):
        told = self.book(self.day.replace(hour=8))
        silent = self.book(self.day.replace(hour=13))
        self.wizard(told, "Customer called: moved abroad").save().action_confirm()
        self.wizard(silent, "Duplicate booking", notify=False).save().action_confirm()
        self.assertEqual(
            (told.fs_state, told.fs_cancel_reason), ("cancelled", "Customer called: moved abroad")
        )
        self.assertEqual(silent.fs_state, "cancelled")
        self.assertEqual(self.cancellation_rows(told).state, "planned", "the customer hears it")
        row = self.cancellation_rows(silent)
        self.assertEqual(row.state, "voided")
        self.assertIn("chose not to tell", row.reason)

    def test_nothing_half_written_when_one_visit_cannot_be_cancelled(self):
        open_visit = self.book(self.day.replace(hour=8))
        done = self.book(self.day.replace(hour=13))
        done.fs_checklist_line_ids.is_done = True
        done.action_fs_on_my_way()
        done.action_fs_arrive()
        done.action_fs_done()
        wizard = self.wizard(open_visit | done, "Storm").save()
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(open_visit.fs_state, "scheduled")
        self.assertFalse(open_visit.fs_cancel_reason)

    def test_a_dispatcher_cannot_delete_a_booked_visit_an_admin_can(self):
        visit = self.book(self.day.replace(hour=8))
        with self.assertRaisesRegex(UserError, "cancel it with a reason"):
            visit.with_user(self.user_dispatcher).unlink()
        self.assertTrue(visit.exists())
        visit.unlink()  # the test runs as the administrator: test data may go
        self.assertFalse(visit.exists())

    def test_no_delete_offered_on_visits(self):
        for xmlid, view_type in (
            ("project_task_view_list_fs", "list"),
            ("project_task_view_calendar_fs", "calendar"),
            ("project_task_view_form_fs_visit", "form"),
        ):
            view = self.env.ref(f"field_service_cx.{xmlid}")
            arch = self.env["project.task"].get_view(view.id, view_type)["arch"]
            with self.subTest(view=xmlid):
                self.assertIn('delete="0"', arch)


@tagged("post_install", "-at_install")
class TestCustomerView(OfficeCase):
    """Field Service › Customers: one screen with the customer's visits, leads, messages."""

    def test_sections_and_counts(self):
        now = datetime.now().replace(microsecond=0)
        upcoming = self.book(self.day.replace(hour=8))
        later = self.book(self.day.replace(hour=13) + timedelta(days=1))
        past = self.book(self.day.replace(hour=13) - timedelta(days=10))
        past.fs_checklist_line_ids.is_done = True
        past.action_fs_on_my_way()
        past.action_fs_arrive()
        past.action_fs_done()
        lead = self.env["crm.lead"].create(
            {"name": "Heat pump quote", "partner_id": self.customer.id, "type": "opportunity"}
        )
        self.send_due()
        customer = self.customer.with_user(self.user_dispatcher)
        self.assertTrue(customer.fs_is_customer)
        self.assertEqual(customer.fs_upcoming_visit_ids.ids, [upcoming.id, later.id])
        self.assertEqual(customer.fs_upcoming_visit_count, 2)
        self.assertEqual(customer.fs_past_visit_ids, past)
        self.assertEqual(customer.fs_open_lead_ids, lead)
        self.assertEqual(customer.fs_open_lead_count, 1)
        sent = customer.fs_customer_message_ids
        self.assertTrue(sent)
        self.assertEqual(set(sent.mapped("state")), {"queued"})
        self.assertEqual(customer.fs_customer_message_count, len(sent))
        self.assertLessEqual(set(sent.task_id.ids), {upcoming.id, later.id, past.id})
        self.assertTrue(now)
        customers = (
            self.env["res.partner"]
            .with_user(self.user_dispatcher)
            .search([("fs_is_customer", "=", True)])
        )
        self.assertIn(self.customer, customers)
        nobody = self.env["res.partner"].create({"name": "Not a customer"})
        self.assertNotIn(nobody, customers)

    def test_phone_search_in_another_format(self):
        self.book(self.day.replace(hour=8))
        Partner = self.env["res.partner"].with_user(self.user_dispatcher)
        # Stored as "06 12 34 56 78"; typed as the caller ID shows it, or with dots.
        for typed in ("+33612345678", "+33 6 12 34 56 78", "0033612345678", "06.12.34.56.78"):
            with self.subTest(typed=typed):
                found = Partner.search(
                    [("fs_phone_search", "ilike", typed), ("fs_is_customer", "=", True)]
                )
                self.assertEqual(found, self.customer)
        self.assertFalse(Partner.search([("fs_phone_search", "ilike", "+33699999999")]))

    def test_one_click_from_a_visit_and_a_lead(self):
        visit = self.book(self.day.replace(hour=8))
        lead = self.env["crm.lead"].create({"name": "Quote", "partner_id": self.customer.id})
        form = self.env.ref("field_service_cx.res_partner_view_form_fs_customer")
        for record in (visit, lead):
            action = record.with_user(self.user_dispatcher).action_fs_view_customer()
            with self.subTest(model=record._name):
                self.assertEqual(action["res_model"], "res.partner")
                self.assertEqual(action["res_id"], self.customer.id)
                self.assertEqual(action["views"], [(form.id, "form")])

    def test_visits_list_shows_today_first_then_upcoming_then_past(self):
        today = datetime.now().replace(hour=11, minute=0, second=0, microsecond=0)
        tomorrow = self.book(today + timedelta(days=1))
        next_week = self.book(today + timedelta(days=7))
        today_visit = self.book(today)
        yesterday = self.book(today - timedelta(days=1))
        last_week = self.book(today - timedelta(days=7))
        unscheduled = self.create_visit(fs_window_start=False, fs_window_end=False)
        visits = tomorrow | next_week | today_visit | yesterday | last_week | unscheduled
        ordered = self.env["project.task"].search(
            [("id", "in", visits.ids)], order="fs_today_first"
        )
        self.assertEqual(
            ordered.ids,
            [today_visit.id, tomorrow.id, next_week.id, unscheduled.id, yesterday.id, last_week.id],
        )
        self.assertEqual(
            [task.fs_today_first for task in ordered], sorted(t.fs_today_first for t in ordered)
        )
