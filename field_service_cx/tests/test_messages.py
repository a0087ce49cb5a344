from datetime import datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

from lxml import etree

from odoo.addons.mail.tests.common import MockEmail
from odoo.addons.sms.tests.common import MockSMS
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger
from odoo.tools.misc import format_datetime
from odoo.tools.safe_eval import safe_eval

from ..models.fs_message import FsVisitMessage
from ..tools import reminders, windows
from .common import FieldServiceCase

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def paris(*args):
    """A Paris wall time as naive UTC."""
    return datetime(*args, tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestMessages(FieldServiceCase, MockEmail, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Message = cls.env["fs.visit.message"]
        cls.cron = cls.env.ref("field_service_cx.ir_cron_fs_visit_messages")
        cls.env["ir.config_parameter"].set_param(
            "field_service_cx.reminder_cadence", "7d>2d, 1d@18:00>2h, 1h"
        )
        cls.job_type.customer_preparation = "Please clear access to the boiler."
        cls.env["iap.account"].get("sms")

    # ---- helpers --------------------------------------------------------------------------

    def book(self, start, hours=2, **values):
        """A visit with Anna, its window starting at the naive UTC ``start``."""
        return self.create_visit(
            fs_window_start=start,
            fs_window_end=start + timedelta(hours=hours),
            fs_technician_id=self.anna.id,
            **values,
        )

    def run_cron(self, batch_size=200):
        """Run the cron like the framework does: batch after batch while rows are due."""
        total = 0
        for _batch in range(50):
            done = self.Message._cron_send_due(batch_size=batch_size)
            total += done
            if not done:
                break
        return total

    def rows(self, visit, **kw):
        rows = visit.fs_message_ids
        return rows.filtered(lambda r: all(r[key] == value for key, value in kw.items()))

    def to_check(self):
        """What "Messages to check" lists: its default filter, read from the search view."""
        arch = etree.fromstring(self.env.ref("field_service_cx.fs_visit_message_view_search").arch)
        (to_check,) = arch.xpath("//filter[@name='to_check']")
        return self.Message.search(safe_eval(to_check.get("domain")))

    def customer_mails(self, visit):
        return self._new_mails.exists().filtered(
            lambda m: m.model == "project.task"
            and m.res_id == visit.id
            and visit.fs_site_id in m.recipient_ids
        )

    # ---- cadence and timing ---------------------------------------------------------------

    @freeze_time("2026-06-01 10:00:00")
    def test_booking_plans_confirmation_and_cadence_in_site_time(self):
        visit = self.book(paris(2026, 6, 10, 13, 0))
        planned = {row.key: row for row in self.rows(visit)}
        self.assertEqual(
            set(planned), {"confirmation", "reminder:7d", "reminder:1d@18:00", "reminder:1h"}
        )
        self.assertEqual(planned["confirmation"].due_at, datetime(2026, 6, 1, 10, 0))
        self.assertEqual(planned["reminder:7d"].due_at, paris(2026, 6, 3, 13, 0))
        self.assertEqual(planned["reminder:1d@18:00"].due_at, paris(2026, 6, 9, 18, 0))
        self.assertEqual(planned["reminder:1h"].due_at, paris(2026, 6, 10, 12, 0))
        self.assertEqual(planned["reminder:7d"].expires_at, paris(2026, 6, 8, 13, 0))
        self.assertEqual(set(self.rows(visit).mapped("version")), {visit.fs_promise_ids.id})
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.cron.id), ("call_at", "=", datetime(2026, 6, 1, 10, 0))]
            ),
            "the cron is woken for the confirmation",
        )

    def test_daylight_saving_days_keep_local_times(self):
        with freeze_time("2026-03-20 09:00:00"):
            spring = self.book(paris(2026, 3, 30, 9, 0))
            on_change_day = self.book(paris(2026, 3, 29, 10, 0))
        with freeze_time("2026-10-15 09:00:00"):
            autumn = self.book(paris(2026, 10, 26, 9, 0))
            autumn_day = self.book(paris(2026, 10, 25, 10, 0))
        expected = {
            spring: datetime(2026, 3, 29, 16, 0),  # 18:00 CEST
            on_change_day: datetime(2026, 3, 28, 17, 0),  # 18:00 CET
            autumn: datetime(2026, 10, 25, 17, 0),  # 18:00 CET
            autumn_day: datetime(2026, 10, 24, 16, 0),  # 18:00 CEST
        }
        for visit, due in expected.items():
            self.assertEqual(self.rows(visit, key="reminder:1d@18:00").due_at, due)
        # The reminder sent on the spring change day names the local window.
        with self.mock_mail_gateway(), freeze_time("2026-03-29 16:00:00"):
            self.run_cron()
        mail = self.customer_mails(spring).filtered(lambda m: "Reminder" in (m.subject or ""))
        self.assertEqual(len(mail), 1)
        self.assertIn("Monday 30 March, 09:00–11:00", mail.subject, "09:00 local, summer time")

    # ---- sending: queued, logged, linked ----------------------------------------------------

    @freeze_time("2026-06-01 10:00:00")
    def test_confirmation_is_queued_logged_and_links_the_visit_page(self):
        visit = self.book(paris(2026, 6, 10, 13, 0))
        with self.mock_mail_gateway():
            self.assertEqual(self.run_cron(), 1)
            row = self.rows(visit, kind="confirmation")
            self.assertEqual(row.state, "queued")
            mail = self.customer_mails(visit)
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.state, "outgoing", "queued, not sent in the transaction")
            self.assertEqual(row.mail_id, mail)
            body = mail.body_html
            self.assertIn("Wednesday 10 June, 13:00–15:00", body)
            self.assertIn("Anna", body)
            self.assertNotIn("Anna Tech", body)
            self.assertIn("Please clear access to the boiler.", body)
            self.assertIn(visit.get_base_url() + visit.get_portal_url(), body)
            self.assertIn(f"access_token={visit.access_token}", body)
            self.assertNotIn("/r/", body, "links are never shortened")
            self.assertIn("Powered by", body, "the template's layout around the body")
            self.assertIn(self.company.name, body, "the company signs the e-mail")
            self.assertIn("Anna", row.message_id.body, "the chatter keeps the body…")
            self.assertNotIn("Powered by", row.message_id.body, "…without the layout")
            self.assertEqual(row.message_id.model, "project.task")
            self.assertEqual(row.message_id.res_id, visit.id)
            self.assertIn(row.message_id, visit.message_ids, "logged in the chatter")
            triggers = self.env["ir.cron.trigger"].search(
                [("cron_id", "=", self.env.ref("mail.ir_cron_mail_scheduler_action").id)]
            )
            self.assertTrue(triggers, "the mail queue is woken")
            mail.send()
            self.assertEqual(mail.state, "sent")
        with freeze_time("2026-06-01 10:05:00"):
            self.run_cron()
        self.assertEqual(row.state, "sent")

    @freeze_time("2026-06-01 10:00:00")
    def test_sms_channel_uses_the_e164_mobile_and_is_queued(self):
        self.customer.fs_preferred_channel = "sms"
        visit = self.book(paris(2026, 6, 10, 13, 0))
        with self.mockSMSGateway(), self.mock_mail_gateway():
            self.run_cron()
        row = self.rows(visit, kind="confirmation")
        self.assertEqual((row.state, row.channel), ("queued", "sms"))
        self.assertEqual(row.sms_id.number, "+33612345678")
        self.assertEqual(row.sms_id.state, "outgoing")
        # One short link to the visit's page (one SMS segment), never the token itself.
        self.assertIn(f"/v/{visit._fs_short_code()}", row.sms_id.body)
        self.assertNotIn("access_token=", row.sms_id.body)
        self.assertEqual(row.message_id.message_type, "sms")
        self.assertFalse(self.customer_mails(visit))

    # ---- exactly once ---------------------------------------------------------------------

    @freeze_time("2026-06-01 10:00:00")
    def test_a_claimed_row_cannot_be_claimed_again(self):
        visits = self.book(paris(2026, 6, 10, 13, 0)) | self.book(paris(2026, 6, 11, 13, 0))
        first = self.Message._fs_claim_due(100)
        self.assertEqual(
            first,
            self.Message.search([("kind", "=", "confirmation"), ("task_id", "in", visits.ids)]),
        )
        self.assertFalse(self.Message._fs_claim_due(100), "a second worker gets nothing")
        self.assertEqual(set(first.mapped("state")), {"sending"})

    @freeze_time("2026-06-01 10:00:00")
    def test_overlapping_runs_and_a_crash_between_batches_send_each_message_once(self):
        visits = [self.book(paris(2026, 6, 10 + day, 13, 0)) for day in range(3)]
        with self.mock_mail_gateway():
            self.assertEqual(self.Message._cron_send_due(batch_size=1), 1)  # batch 1 commits
            deliver = FsVisitMessage._fs_deliver

            def deliver_then_crash(rows, *args):
                deliver(rows, *args)  # mails queued, then the worker dies
                raise RuntimeError("crash")

            with (
                patch.object(FsVisitMessage, "_fs_deliver", deliver_then_crash),
                self.assertRaises(RuntimeError),
                self.env.cr.savepoint(),
            ):
                self.Message._cron_send_due(batch_size=1)  # batch 2 dies: rolled back
            self.run_cron(batch_size=1)
            self.run_cron(batch_size=1)  # an overlapping/late second run finds nothing
        for visit in visits:
            self.assertEqual(len(self.customer_mails(visit).exists()), 1)
            self.assertEqual(self.rows(visit, kind="confirmation").state, "queued")

    # ---- expiry, voiding, quiet hours -----------------------------------------------------

    def test_cron_down_six_hours_expires_late_messages_and_sends_the_rest_once(self):
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
        with self.mock_mail_gateway(), freeze_time(paris(2026, 6, 10, 12, 30)):
            self.run_cron()
            self.run_cron()
        self.assertEqual(self.rows(visit, key="reminder:1d@18:00").state, "expired")
        self.assertIn("too late", self.rows(visit, key="reminder:1d@18:00").reason)
        self.assertEqual(self.rows(visit, key="reminder:1h").state, "queued")
        self.assertEqual(len(self.customer_mails(visit)), 1)

    def test_on_the_way_expires_pending_one_hour_reminder(self):
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
        with freeze_time(paris(2026, 6, 10, 11, 50)):
            visit.action_fs_on_my_way()
            self.assertEqual(self.rows(visit, kind="on_the_way").due_at, paris(2026, 6, 10, 11, 50))
        with self.mock_mail_gateway(), freeze_time(paris(2026, 6, 10, 12, 0)):
            self.run_cron()
        one_hour = self.rows(visit, key="reminder:1h")
        self.assertEqual(one_hour.state, "expired")
        self.assertIn("on the way", one_hour.reason)
        self.assertEqual(self.rows(visit, kind="on_the_way").state, "queued")

    def test_reschedule_voids_pending_rows_and_plans_a_new_version(self):
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            old = self.rows(visit)
            visit.with_context(fs_promise_source="customer").write(
                {
                    "fs_window_start": paris(2026, 6, 12, 8, 0),
                    "fs_window_end": paris(2026, 6, 12, 10, 0),
                }
            )
        latest = visit.fs_promise_ids.sorted("id")[-1]
        self.assertEqual(set(old.mapped("state")), {"voided"})
        self.assertIn("new window", old[0].reason)
        new = self.rows(visit) - old
        self.assertEqual(set(new.mapped("version")), {latest.id})
        self.assertIn("rescheduled", new.mapped("kind"))
        self.assertEqual(
            self.rows(visit, key="reminder:1d@18:00", version=latest.id).due_at,
            paris(2026, 6, 11, 18, 0),
        )
        with self.mock_mail_gateway(), freeze_time(paris(2026, 6, 9, 18, 0)):
            self.run_cron()
        subjects = self.customer_mails(visit).mapped("subject")
        self.assertEqual(len(subjects), 2, subjects)  # the confirmation (now expired) never went
        self.assertTrue(all("10 June" not in subject for subject in subjects), subjects)

    def test_a_new_window_withdraws_the_queued_and_retrying_messages_of_the_old_one(self):
        texter = self.customer.copy({"name": "Texter", "fs_preferred_channel": "sms"})
        with freeze_time("2026-06-01 10:00:00"):
            mailed = self.book(paris(2026, 6, 10, 13, 0))
            texted = self.book(paris(2026, 6, 10, 13, 0), partner_id=texter.id)
            self.run_cron()
            mail_row = self.rows(mailed, kind="confirmation")
            sms_row = self.rows(texted, kind="confirmation")
            with self.mockSMSGateway(sim_error="server_error"):
                sms_row.sms_id.send()
        with freeze_time("2026-06-01 10:02:00"):
            self.run_cron()
        self.assertEqual(mail_row.mail_id.state, "outgoing", "still in the mail queue")
        self.assertEqual((sms_row.state, sms_row.sms_id.state), ("queued", "error"))
        self.assertEqual(sms_row.retry_at, datetime(2026, 6, 1, 10, 7), "waiting for a retry")
        with freeze_time("2026-06-01 10:03:00"):
            for visit in (mailed, texted):
                visit.with_context(fs_promise_source="customer").write(
                    {
                        "fs_window_start": paris(2026, 6, 12, 8, 0),
                        "fs_window_end": paris(2026, 6, 12, 10, 0),
                    }
                )
        self.assertEqual((mail_row.state, mail_row.mail_id.state), ("voided", "cancel"))
        self.assertEqual((sms_row.state, sms_row.sms_id.state), ("voided", "canceled"))
        self.assertIn("new window", sms_row.reason)
        with (
            freeze_time("2026-06-01 10:10:00"),
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
        ):
            self.run_cron()  # the acknowledgements are queued; the old retry time has passed
            self.env["mail.mail"].process_email_queue()
            self.env["sms.sms"]._process_queue()
            texts = [mail["subject"] for mail in self._mails] + [sms["body"] for sms in self._sms]
        self.assertEqual(len(texts), 2, texts)
        self.assertIn("Your visit has moved: Friday 12 June, 08:00–10:00", texts[0])
        self.assertIn("your visit is now Friday 12 June, 08:00-10:00", texts[1], "GSM-7 dash")
        self.assertFalse([text for text in texts if "10 June" in text], texts)

    def test_a_new_window_withdraws_the_sms_of_a_message_whose_e_mail_went_out(self):
        self.customer.fs_preferred_channel = "both"
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            sms = row.sms_id
            with self.mock_mail_gateway(mail_unlink_sent=True):
                row.mail_id.send()
            self.assertFalse(row.mail_id.exists(), "core deletes a sent e-mail (auto_delete)")
            with self.mockSMSGateway(sim_error="server_error"):
                sms.send()
        with freeze_time("2026-06-01 10:02:00"):
            self.run_cron()
        self.assertEqual((row.state, sms.state), ("queued", "error"), "the SMS awaits a retry")
        with freeze_time("2026-06-01 10:03:00"):
            visit.with_context(fs_promise_source="customer").write(
                {
                    "fs_window_start": paris(2026, 6, 12, 8, 0),
                    "fs_window_end": paris(2026, 6, 12, 10, 0),
                }
            )
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(row.state, "sent", "the e-mail reached the customer")
        self.assertIn("withdrawn", row.reason)

    def test_a_retry_is_checked_like_a_first_send(self):
        self.customer.fs_preferred_channel = "sms"
        with freeze_time(paris(2026, 6, 10, 9, 0)):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            with self.mockSMSGateway(sim_error="server_error"):
                row.sms_id.send()
        with freeze_time(paris(2026, 6, 10, 9, 2)):
            self.run_cron()
        self.assertEqual((row.state, row.retry_at), ("queued", paris(2026, 6, 10, 9, 7)))
        with freeze_time(paris(2026, 6, 10, 9, 5)):
            visit.action_fs_on_my_way()
        with freeze_time(paris(2026, 6, 10, 9, 7)), self.mockSMSGateway():
            self.run_cron()
            self.env["sms.sms"]._process_queue()
            bodies = [sms["body"] for sms in self._sms]
        self.assertEqual((row.state, row.sms_id.state), ("expired", "canceled"))
        self.assertIn("on the way", row.reason)
        self.assertEqual(len(bodies), 1, bodies)
        self.assertIn("is on the way", bodies[0], "only the message that is still true")

    @freeze_time("2026-06-01 10:00:00")
    def test_cancel_voids_pending_and_acknowledges(self):
        visit = self.book(paris(2026, 6, 10, 13, 0))
        visit._fs_move("cancelled", {"fs_cancel_reason": "Customer moved out"})
        self.assertEqual(set(self.rows(visit, kind="reminder").mapped("state")), {"voided"})
        with self.mock_mail_gateway():
            self.run_cron()
        self.assertEqual(self.rows(visit, kind="cancelled").state, "queued")
        self.assertEqual(self.rows(visit, kind="confirmation").state, "voided")
        self.assertEqual(len(self.customer_mails(visit)), 1)

    def test_quiet_hours_move_non_urgent_messages_to_the_morning(self):
        with freeze_time(paris(2026, 6, 1, 23, 0)):
            visit = self.book(paris(2026, 6, 10, 13, 0))
        confirmation = self.rows(visit, kind="confirmation")
        self.assertEqual(confirmation.due_at, paris(2026, 6, 2, 8, 0))
        morning = format_datetime(
            self.env, paris(2026, 6, 2, 8, 0), tz="Europe/Paris", dt_format="short"
        )
        self.assertIn(f"moved out of quiet hours to {morning} local time", confirmation.note)
        # Quiet hours changed after planning: checked again when sending.
        with freeze_time(paris(2026, 6, 2, 8, 0)):
            self.customer.fs_quiet_until = 9.0
            with self.mock_mail_gateway():
                self.run_cron()
        self.assertEqual(confirmation.state, "planned")
        self.assertEqual(confirmation.due_at, paris(2026, 6, 2, 9, 0))
        # An urgent message goes out at night.
        with freeze_time(paris(2026, 6, 10, 6, 30)):
            visit.action_fs_on_my_way()
        self.assertEqual(self.rows(visit, kind="on_the_way").due_at, paris(2026, 6, 10, 6, 30))

    # ---- contacts and faults --------------------------------------------------------------

    @freeze_time("2026-06-01 10:00:00")
    def test_contact_fallbacks_and_opt_out_are_recorded(self):
        no_mobile = self.customer.copy({"name": "No mobile", "mobile": False, "phone": False})
        no_mobile.fs_preferred_channel = "sms"
        unreachable = self.customer.copy({"name": "Nobody", "mobile": False, "email": False})
        opted = self.customer.copy({"name": "Opted", "fs_messages_opt_out": True})
        visits = {
            partner: self.book(paris(2026, 6, 10, 13, 0), partner_id=partner.id)
            for partner in (no_mobile, unreachable, opted)
        }
        with self.mock_mail_gateway():
            self.run_cron()
        self.assertEqual(
            visits[unreachable].fs_contact_problem,
            "no e-mail address and no valid mobile number; add one to the site, or call them",
            "the dispatcher sees it on the visit before any message is due",
        )
        self.assertIn("opted out", visits[opted].fs_contact_problem)
        self.assertFalse(visits[no_mobile].fs_contact_problem, "e-mail still reaches them")
        row = self.rows(visits[no_mobile], kind="confirmation")
        self.assertEqual((row.state, row.channel), ("queued", "email"))
        self.assertIn("no valid mobile", row.note)
        row = self.rows(visits[unreachable], kind="confirmation")
        self.assertEqual(row.state, "skipped")
        self.assertIn("no e-mail address and no valid mobile", row.reason)
        row = self.rows(visits[opted], kind="confirmation")
        self.assertEqual(row.state, "skipped")
        self.assertIn("opted out", row.reason)
        action = self.env.ref("field_service_cx.action_fs_messages_to_check")
        self.assertIn("search_default_to_check", action.context)
        to_check = self.Message.search([("state", "in", ("failed", "skipped"))])
        self.assertEqual(
            to_check.task_id, visits[unreachable] | visits[opted], "dispatchers see both"
        )

    @freeze_time("2026-06-01 10:00:00")
    def test_a_visit_without_customer_and_a_broken_row_never_stop_the_batch(self):
        sent = [self.book(paris(2026, 6, 10 + day, 13, 0)) for day in range(2)]
        orphan = self.book(paris(2026, 6, 12, 13, 0))
        # The customer was deleted (ON DELETE SET NULL): a scheduled visit cannot be left
        # without one through the ORM any more, but the database can still do it.
        self.env.cr.execute(
            "UPDATE project_task SET partner_id = NULL, fs_site_id = NULL WHERE id = %s",
            [orphan.id],
        )
        orphan.invalidate_recordset(["partner_id", "fs_site_id"])
        self.assertFalse(orphan.fs_site_id)
        broken_site = self.customer.copy({"name": "Broken import"})
        broken = self.book(paris(2026, 6, 13, 13, 0), partner_id=broken_site.id)
        # An import wrote a language that does not exist: rendering this visit raises.
        self.env.cr.execute("UPDATE res_partner SET lang = 'zz_ZZ' WHERE id = %s", [broken_site.id])
        broken_site.invalidate_recordset(["lang"])
        odd_site = self.customer.copy({"name": "Odd quiet hours"})
        odd = self.book(paris(2026, 6, 14, 13, 0), partner_id=odd_site.id)
        # …and quiet hours that are not a number: deciding this row raises.
        self.env.cr.execute(
            "UPDATE res_partner SET fs_quiet_from = 'NaN' WHERE id = %s", [odd_site.id]
        )
        odd_site.invalidate_recordset(["fs_quiet_from"])
        with (
            self.mock_mail_gateway(),
            mute_logger(
                "odoo.addons.field_service_cx.models.fs_message",
                "odoo.addons.mail.models.mail_render_mixin",
            ),
        ):
            self.run_cron()
            for visit in sent:
                self.assertEqual(len(self.customer_mails(visit)), 1)
                self.assertEqual(self.rows(visit, kind="confirmation").state, "queued")
        orphan_row = self.rows(orphan, kind="confirmation")
        self.assertEqual(orphan_row.state, "skipped")
        self.assertIn("no customer", orphan_row.reason)
        self.assertIn("no customer", orphan.fs_contact_problem)
        broken_row = self.rows(broken, kind="confirmation")
        self.assertEqual(broken_row.state, "failed")
        self.assertIn("zz_ZZ", broken_row.reason)
        odd_row = self.rows(odd, kind="confirmation")
        self.assertEqual(odd_row.state, "failed")
        self.assertIn("NaN", odd_row.reason)
        to_check = self.to_check()
        self.assertEqual(
            to_check, orphan_row | broken_row | odd_row, "all show on Messages to check"
        )

    @freeze_time("2026-06-01 10:00:00")
    def test_send_again_after_fixing_the_contact(self):
        unreachable = self.customer.copy({"name": "Nobody", "mobile": False, "email": False})
        visit = self.book(paris(2026, 6, 10, 13, 0), partner_id=unreachable.id)
        with self.mock_mail_gateway():
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            self.assertEqual(row.state, "skipped")
            pending = self.rows(visit, key="reminder:7d")
            with self.assertRaisesRegex(UserError, "Only failed, skipped or expired"):
                pending.action_fs_retry()
            self.assertEqual(pending.state, "planned", "nothing changed")
            unreachable.email = "nobody@example.com"
            row.action_fs_retry()
            self.assertEqual((row.state, row.reason), ("planned", False))
            self.assertEqual(self.run_cron(), 1)
            self.assertEqual(row.state, "queued")
            self.assertEqual(row.mail_id.recipient_ids, unreachable)
            self.run_cron()
            mails = self._new_mails.filtered(
                lambda m: m.model == "project.task" and m.res_id == visit.id
            )
        self.assertEqual(mails, row.mail_id, "one e-mail, queued once")

    @freeze_time("2026-06-01 10:00:00")
    def test_invalid_time_zone_falls_back_and_is_noted(self):
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus' WHERE id = %s", [self.customer.id]
        )
        self.customer.invalidate_recordset(["tz"])
        visit = self.book(paris(2026, 6, 10, 13, 0))
        row = self.rows(visit, key="reminder:1d@18:00")
        self.assertIn("unknown time zone “Mars/Olympus”: Europe/Paris used", row.note)
        self.assertEqual(row.due_at, paris(2026, 6, 9, 18, 0), "the company's zone is used")

    # ---- the site's time zone and the confirmation's lifetime ------------------------------

    def test_a_confirmation_a_day_late_expires_instead_of_going_out(self):
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
        row = self.rows(visit, kind="confirmation")
        self.assertEqual(row.expires_at, datetime(2026, 6, 2, 10, 0), "24 h after the booking")
        with self.mock_mail_gateway(), freeze_time("2026-06-02 16:00:00"):  # the cron was down 30 h
            self.run_cron()
            self.assertFalse(self.customer_mails(visit))
        self.assertEqual(row.state, "expired")
        self.assertIn("too late", row.reason)

    @freeze_time("2026-06-01 10:00:00")
    def test_time_zone_from_the_site_else_the_company_never_the_acting_user(self):
        self.company.partner_id.tz = "America/New_York"
        self.env.user.tz = "Asia/Tokyo"
        no_zone = self.customer.copy({"name": "No zone", "tz": False})
        in_paris = self.book(paris(2026, 6, 10, 13, 0))
        elsewhere = self.book(paris(2026, 6, 10, 13, 0), partner_id=no_zone.id)
        self.assertEqual(in_paris.fs_site_tz, "Europe/Paris")
        self.assertEqual(elsewhere.fs_site_tz, "America/New_York", "the company's zone")
        new_york = ZoneInfo("America/New_York")
        self.assertEqual(
            self.rows(elsewhere, key="reminder:1d@18:00").due_at,
            datetime(2026, 6, 9, 18, 0, tzinfo=new_york).astimezone(UTC).replace(tzinfo=None),
        )
        public = self.env.ref("base.public_user")
        # sudo: the public user reads the visit as the token page does
        values = elsewhere.with_user(public).sudo()._fs_message_values()
        self.assertIn("7:00", values["window"], "13:00 in Paris is 7:00 in New York")

    def test_without_any_time_zone_the_visit_is_flagged_and_its_messages_wait(self):
        self.company.partner_id.tz = False
        self.env.user.tz = "Asia/Tokyo"  # whoever acts: never their zone
        no_zone = self.customer.copy({"name": "No zone", "tz": False})
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0), partner_id=no_zone.id)
            self.assertIn("no time zone", visit.fs_zone_problem)
            self.assertFalse(visit.fs_site_tz)
            self.assertTrue(self.rows(visit), "the messages are planned, not lost")
            with self.mock_mail_gateway():
                self.run_cron()
                self.assertFalse(self.customer_mails(visit), "nothing goes out in a guessed zone")
        row = self.rows(visit, kind="confirmation")
        self.assertEqual(row.state, "planned")
        self.assertIn("time zone", row.reason)
        self.assertIn(row, self.to_check(), "to check")
        no_zone.tz = "Europe/Paris"
        self.assertFalse(visit.fs_zone_problem)
        with self.mock_mail_gateway(), freeze_time("2026-06-01 11:00:00"):
            self.run_cron()
            self.assertEqual(len(self.customer_mails(visit)), 1)
        self.assertEqual((row.state, row.reason), ("queued", False))
        self.assertNotIn(row, self.to_check())

    def test_sms_gateway_errors_are_retried_without_duplicates(self):
        self.customer.fs_preferred_channel = "sms"
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            sms = row.sms_id
            with self.mockSMSGateway(sim_error="server_error"):
                sms.send()
            self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        with freeze_time("2026-06-01 10:02:00"):
            self.run_cron()
        self.assertEqual(row.state, "queued")
        self.assertEqual(row.retry_at, datetime(2026, 6, 1, 10, 7))
        with freeze_time("2026-06-01 10:07:00"):
            self.run_cron()
        self.assertEqual((sms.state, row.attempts), ("outgoing", 2))
        with self.mockSMSGateway(), freeze_time("2026-06-01 10:08:00"):
            sms.send()
            self.assertEqual(len(self._sms), 1)
        with freeze_time("2026-06-01 10:10:00"):
            self.run_cron()
        self.assertEqual(row.state, "sent")
        self.assertEqual(
            self.env["sms.sms"].search_count([("mail_message_id", "=", row.message_id.id)]), 1
        )

    def test_mail_server_outage_is_retried_without_duplicates(self):
        mail_server = type(self.env["ir.mail_server"])
        with freeze_time("2026-06-01 10:00:00"), self.mock_mail_gateway():
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            mail = row.mail_id
            with (
                patch.object(mail_server, "connect", side_effect=ConnectionRefusedError("refused")),
                mute_logger("odoo.addons.mail.models.mail_mail"),
            ):
                mail.send()
            self.assertEqual(mail.state, "exception")
        with freeze_time("2026-06-01 10:02:00"):
            self.run_cron()
        self.assertEqual((row.state, row.retry_at), ("queued", datetime(2026, 6, 1, 10, 7)))
        self.assertIn("refused", row.reason)
        with freeze_time("2026-06-01 10:07:00"):
            self.run_cron()
        self.assertEqual((mail.state, row.attempts), ("outgoing", 2), "the same e-mail again")
        with freeze_time("2026-06-01 10:08:00"), self.mock_mail_gateway():
            mail.send()
            self.assertEqual(len(self._mails), 1)
        with freeze_time("2026-06-01 10:10:00"):
            self.run_cron()
        self.assertEqual(row.state, "sent")
        self.assertEqual(
            self.env["mail.mail"].search_count([("mail_message_id", "=", row.message_id.id)]), 1
        )

    @freeze_time("2026-06-01 10:00:00")
    def test_invalid_address_fails_the_e_mail_at_once(self):
        with self.mock_mail_gateway():
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            row.mail_id.write(
                {"state": "exception", "failure_type": "mail_email_invalid", "failure_reason": "x"}
            )
        with freeze_time("2026-06-01 10:02:00"):
            self.run_cron()
        self.assertEqual(row.state, "failed")
        self.assertIn("e-mail: Invalid email address", row.reason, "core's label of the failure")

    def test_permanent_sms_failure_fails_the_row_with_its_reason(self):
        self.customer.fs_preferred_channel = "sms"
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            with self.mockSMSGateway(sim_error="wrong_number_format"):
                row.sms_id.send()
        with freeze_time("2026-06-01 10:02:00"):
            self.run_cron()
        self.assertEqual(row.state, "failed")
        self.assertIn("SMS: Wrong Number Format: failed after 1 attempt(s)", row.reason)

    def test_a_final_sms_failure_tells_a_real_dispatcher_once(self):
        self.project.user_id = self.env.ref("base.user_root")  # OdooBot, as in the demo
        self.customer.fs_preferred_channel = "sms"
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
            row = self.rows(visit, kind="confirmation")
            with self.mockSMSGateway(sim_error="wrong_number_format"):
                row.sms_id.send()
        for moment in ("2026-06-01 10:02:00", "2026-06-01 10:30:00", "2026-06-02 09:00:00"):
            with freeze_time(moment):
                self.run_cron()
        self.assertEqual(row.state, "failed")
        activity = visit.activity_ids
        self.assertEqual(len(activity), 1, "once for the row, not once per run")
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        user = activity.user_id
        self.assertTrue(user.has_group("field_service_cx.group_fs_dispatcher"))
        self.assertTrue(user.active and not user.share and user != self.project.user_id)
        self.assertIn("Booking confirmation", activity.summary)
        self.assertIn("Wrong Number Format", activity.note)

    def test_a_last_failed_e_mail_retry_tells_the_projects_manager(self):
        self.project.user_id = self.user_dispatcher
        mail_server = type(self.env["ir.mail_server"])
        moment = datetime(2026, 6, 1, 10, 0)
        with freeze_time(moment), self.mock_mail_gateway():
            visit = self.book(paris(2026, 6, 10, 13, 0))
            self.run_cron()
        row = self.rows(visit, kind="confirmation")
        for _attempt in range(4):
            self.assertFalse(visit.activity_ids, "nobody is bothered while a retry is due")
            with (
                freeze_time(moment),
                patch.object(mail_server, "connect", side_effect=ConnectionRefusedError("refused")),
                mute_logger("odoo.addons.mail.models.mail_mail"),
            ):
                row.mail_id.send()
            moment += timedelta(minutes=2)
            with freeze_time(moment):
                self.run_cron()
            if row.state == "failed":
                break
            moment = row.retry_at
            with freeze_time(moment):
                self.run_cron()  # back to the queue
        self.assertEqual((row.state, row.attempts), ("failed", 4))
        self.assertEqual(visit.activity_ids.user_id, self.user_dispatcher)
        self.assertIn("refused", visit.activity_ids.note)

    @freeze_time("2026-06-01 10:00:00")
    def test_broken_template_fails_one_row_not_the_batch(self):
        template = self.env.ref("field_service_cx.mail_template_fs_confirmation")
        template.subject = "{{ object.no_such_field }}"
        good = self.book(paris(2026, 6, 10, 13, 0))
        good_row = self.rows(good, kind="confirmation")
        with (
            self.mock_mail_gateway(),
            mute_logger(
                "odoo.addons.field_service_cx.models.fs_message",
                "odoo.addons.mail.models.mail_render_mixin",
            ),
        ):
            self.run_cron()
        self.assertEqual(good_row.state, "failed")
        self.assertTrue(good_row.reason)

    # ---- delay alerts ---------------------------------------------------------------------

    def test_delay_alert_fires_once_per_slipped_promise(self):
        with freeze_time("2026-06-01 10:00:00"):
            visit = self.book(paris(2026, 6, 10, 8, 0))
        with freeze_time(paris(2026, 6, 10, 8, 30)):
            visit.fs_eta = paris(2026, 6, 10, 9, 50)
            self.assertFalse(visit._fs_check_delays(), "inside the window: nothing")
            visit.fs_eta = paris(2026, 6, 10, 10, 34)
            self.assertEqual(visit._fs_check_delays(), visit)
            self.assertFalse(visit._fs_check_delays(), "same ETA: no second promise")
            promise = visit.fs_promise_ids.sorted("id")[-1]
            self.assertEqual(promise.source, "delay")
            self.assertEqual(
                (promise.window_start, promise.window_end),
                (paris(2026, 6, 10, 10, 15), paris(2026, 6, 10, 10, 45)),
            )
            alert = self.rows(visit, kind="delay")
            self.assertEqual((len(alert), alert.version), (1, promise.id))
            with self.mock_mail_gateway():
                self.run_cron()
            mail = self.customer_mails(visit)
            self.assertEqual(len(mail), 1)
            self.assertIn("10:15", mail.subject)
            self.assertIn("#someone_else", mail.body_html)
            self.assertIn("#reschedule", mail.body_html)
        with freeze_time(paris(2026, 6, 10, 9, 30)):
            visit.fs_eta = paris(2026, 6, 10, 11, 20)  # slips out of the new promise
            self.env["project.task"]._fs_check_delays_soon()
        alerts = self.rows(visit, kind="delay")
        self.assertEqual(len(alerts), 2)
        self.assertEqual(len(visit.fs_promise_ids.filtered(lambda p: p.source == "delay")), 2)

    # ---- query counts ---------------------------------------------------------------------

    def test_cron_batch_queries_grow_linearly(self):
        """No N+1: twice the rows costs at most twice the queries of a batch."""
        with freeze_time("2026-06-01 10:00:00"):
            for day in range(12):
                self.book(paris(2026, 6, 10 + day, 13, 0))
            self.env.flush_all()
            with self.mock_mail_gateway():
                self.Message._cron_send_due(batch_size=2)  # warm caches
                counts = {}
                for size in (4, 6):
                    self.env.invalidate_all()
                    before = self.env.cr.sql_log_count
                    self.Message._cron_send_due(batch_size=size)
                    self.env.flush_all()
                    counts[size] = self.env.cr.sql_log_count - before
        per_row = (counts[6] - counts[4]) / 2
        self.assertLessEqual(counts[6], counts[4] + 2 * (counts[4] / 4) + 10, counts)
        self.assertLess(per_row, 60, counts)

    def test_the_office_reads_the_ledgers_notes_in_its_language(self):
        codes = ["fr_FR", "fi_FI", "hu_HU", "de_DE"]
        for code in codes:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(["field_service_cx"], codes, overwrite=True)
        Message = self.env["fs.visit.message"]
        paris_zone = windows.find_zone("Europe/Paris")[0]
        moved = reminders.fit_quiet_hours(
            paris(2026, 6, 1, 23, 0), None, paris_zone, 21.0, 8.0, urgent=False
        ).note
        gave_up = reminders.delivery_outcome(
            attempts=4, now=datetime(2026, 6, 1), sms_state="error", sms_failure="sms_server"
        ).reason
        stale = reminders.stale_reason(reminders.REMINDER, "en_route", datetime(2026, 6, 1), None)
        zone_note = windows.find_zone("Mars/Olympus")[1]
        english = [Message._fs_say(note) for note in (moved, gave_up, stale, zone_note)]
        self.assertEqual(
            english[:3],
            [
                "moved out of quiet hours to %s local time"
                % format_datetime(
                    self.env, paris(2026, 6, 2, 8, 0), tz="Europe/Paris", dt_format="short"
                ),
                "SMS: Server Error: failed after 4 attempt(s)",
                "the visit is now on the way",
            ],
        )
        for code in codes:
            said = [
                Message.with_context(lang=code)._fs_say(note)
                for note in (moved, gave_up, stale, zone_note)
            ]
            with self.subTest(lang=code):
                for ours, theirs in zip(english, said, strict=True):
                    self.assertNotEqual(ours, theirs)
                hour = {"fr_FR": "08:00", "fi_FI": "8.00", "hu_HU": "8:00", "de_DE": "08:00"}
                self.assertIn(hour[code], said[0], "24-hour time in the reader's language")
                self.assertNotIn("AM", said[0])
                self.assertIn("Mars/Olympus", said[3])

    def test_a_wrong_cadence_is_refused_in_the_admins_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        Settings = self.env["res.config.settings"]
        for cadence, words in [
            ("7x", "L'étape de rappel 7x n'est pas comprise"),
            ("1h@18:00", "une heure (@HH:MM) nécessite des jours"),
            ("1d, 1d", "L'étape de rappel 1d apparaît deux fois."),
        ]:
            with self.assertRaises(ValidationError) as caught:
                Settings.with_context(lang="fr_FR").create({"fs_reminder_cadence": cadence})
            self.assertIn(words, caught.exception.args[0])
