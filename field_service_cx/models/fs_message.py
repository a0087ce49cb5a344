import logging
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from operator import methodcaller

from psycopg2 import OperationalError

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html
from odoo.tools.misc import format_datetime, format_time
from odoo.tools.sql import create_index

from ..tools import reminders, windows
from ..tools.notes import Note
from .mail_template import COMPILE_ONCE

_logger = logging.getLogger(__name__)

CRON_XMLID = "field_service_cx.ir_cron_fs_visit_messages"
CADENCE_PARAM = "field_service_cx.reminder_cadence"
BATCH_SIZE = 200
# How long after queueing we look at what the mail and SMS queues did.
FOLLOW_UP_DELAY = timedelta(minutes=2)
WAIT_AGAIN = timedelta(minutes=10)
# How often a message waiting for a fix (the site's time zone) is looked at again.
WAIT_FOR_FIX = timedelta(hours=1)

STATES = [
    ("planned", "Planned"),
    ("sending", "Sending"),  # claimed by a running batch; never seen once the batch commits
    ("queued", "Queued"),  # handed to the mail/SMS queues, waiting for the gateway
    ("sent", "Sent"),
    ("skipped", "Skipped"),
    ("expired", "Expired"),
    ("voided", "Voided"),
    ("failed", "Failed"),
]


class FsVisitMessage(models.Model):
    """The ledger of customer messages: one row per visit, kind and schedule version.

    The unique key makes each message go out at most once; the cron claims due rows with
    ``FOR UPDATE SKIP LOCKED`` so overlapping runs never take the same row, and each batch is
    one transaction (the framework commits between batches), so a crash resends nothing.
    """

    _name = "fs.visit.message"
    _description = "Customer message of a visit"
    _order = "due_at desc, id desc"

    task_id = fields.Many2one(
        "project.task", string="Visit", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="task_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    kind = fields.Selection(reminders.KINDS, required=True)
    step = fields.Char(help="The reminder's step in the cadence, e.g. 1d@18:00.")
    key = fields.Char(required=True, help="Kind and step: unique per visit and schedule version.")
    version = fields.Integer(
        "Schedule version", required=True, help="The promise this message belongs to."
    )
    promise_id = fields.Many2one("fs.visit.promise", string="Promise", ondelete="set null")
    technician_id = fields.Many2one(
        "hr.employee",
        string="Technician named",
        readonly=True,
        help="Who the message told the customer would come (messages that name the technician).",
    )
    state = fields.Selection(STATES, required=True, default="planned", index=True)
    due_at = fields.Datetime("Due", required=True)
    expires_at = fields.Datetime("Useful until")
    sent_at = fields.Datetime("Queued at", readonly=True)
    channel = fields.Selection(
        [("email", "E-mail"), ("sms", "SMS"), ("both", "E-mail and SMS")], readonly=True
    )
    reason = fields.Char(help="Why the message was skipped, expired, voided or failed.")
    note = fields.Char(help="Fallbacks worth knowing: time zone, quiet hours, channel.")
    attempts = fields.Integer("Delivery attempts", default=0)
    next_check_at = fields.Datetime("Next delivery check")
    retry_at = fields.Datetime("Retry at")
    message_id = fields.Many2one("mail.message", string="Chatter message", ondelete="set null")
    mail_id = fields.Many2one("mail.mail", string="E-mail", ondelete="set null")
    sms_id = fields.Many2one("sms.sms", string="SMS", ondelete="set null")
    needs_check = fields.Boolean(
        "To check",
        compute="_compute_needs_check",
        search="_search_needs_check",
        help="Failed, skipped, or waiting for a fix in the office (a time zone, say).",
    )

    _sql_constraints = [
        (
            "visit_key_version_unique",
            "UNIQUE(task_id, key, version)",
            "A visit message is planned once per schedule version.",
        ),
    ]

    def init(self):
        # The cron's two hot queries read only these rows.
        create_index(
            self.env.cr,
            "fs_visit_message_due_planned_idx",
            self._table,
            ["due_at"],
            where="state = 'planned'",
        )
        create_index(
            self.env.cr,
            "fs_visit_message_check_queued_idx",
            self._table,
            ["next_check_at"],
            where="state = 'queued'",
        )

    @api.depends("kind", "step", "task_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for row in self:
            label = labels.get(row.kind, "")
            if row.step:
                label = f"{label} {row.step}"
            row.display_name = f"{label} – {row.task_id.display_name}"

    @api.model
    def _fs_say(self, note):
        """A tools ``Note`` in the reader's language, its times formatted by babel; False when
        there is none. Codes of visit states and of mail/SMS failures are shown by their label."""
        if not note:
            return False
        labels = {
            "state": self.env["project.task"]._fields["fs_state"]._description_selection(self.env),
            "mail_failure": self.env["mail.mail"]
            ._fields["failure_type"]
            ._description_selection(self.env),
            "sms_failure": self.env["sms.sms"]
            ._fields["failure_type"]
            ._description_selection(self.env),
        }
        labels = {name: dict(pairs) for name, pairs in labels.items()}

        def say(value, name=None):
            if isinstance(value, Note):
                params = {key: say(part, key) for key, part in value.params.items()}
                return self.env._(value.text, **params) if params else self.env._(value.text)
            if isinstance(value, tuple):
                return "; ".join(say(part) for part in value)
            if isinstance(value, datetime):
                zone = str(value.tzinfo) if value.tzinfo else "UTC"
                naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
                return format_datetime(self.env, naive, tz=zone, dt_format="short")
            if isinstance(value, time):
                return format_time(self.env, value, time_format="short")
            if name == "state":
                return labels[name].get(value, value).lower()
            if name in labels:
                return labels[name].get(value, value)
            return value

        return say(note)

    @api.model
    def _fs_zone_note(self, note, zone):
        """What the office reads when an invalid time zone was skipped for ``zone``."""
        if not note:
            return False
        return self.env._("%(problem)s: %(zone)s used", problem=self._fs_say(note), zone=zone.key)

    @api.depends("state", "reason")
    def _compute_needs_check(self):
        for row in self:
            row.needs_check = row.state in ("failed", "skipped") or (
                row.state == "planned" and bool(row.reason)
            )

    def _search_needs_check(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("“To check” can only be searched as true or false."))
        domain = [
            "|",
            ("state", "in", ("failed", "skipped")),
            "&",
            ("state", "=", "planned"),
            ("reason", "!=", False),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    # ---- planning -------------------------------------------------------------------------

    @api.model
    def _fs_cadence(self):
        text = (
            self.env["ir.config_parameter"].sudo().get_param(CADENCE_PARAM)  # sudo: a setting
            or reminders.DEFAULT_CADENCE
        )
        try:
            return reminders.parse_cadence(text)
        except ValueError as error:
            _logger.warning("Invalid reminder cadence %r (%s): default used", text, error)
            return reminders.parse_cadence(reminders.DEFAULT_CADENCE)

    @api.model
    def _fs_plan(self, vals_list):
        """Create the rows that are not there yet and wake the cron at the first due time."""
        if not vals_list:
            return self.browse()
        existing = {
            (row.task_id.id, row.key, row.version)
            for row in self.search_fetch(
                [
                    ("task_id", "in", list({vals["task_id"] for vals in vals_list})),
                    ("key", "in", list({vals["key"] for vals in vals_list})),
                ],
                ["task_id", "key", "version"],
            )
        }
        new, seen = [], set(existing)
        for vals in vals_list:
            ident = (vals["task_id"], vals["key"], vals["version"])
            if ident not in seen:
                seen.add(ident)
                new.append(vals)
        rows = self.create(new)
        rows._fs_wake()
        return rows

    def _fs_void(self, reason):
        """Withdraw what has not reached the customer: planned rows, and queued ones whose
        e-mail or SMS still waits in its queue or for a retry."""
        self.filtered(lambda row: row.state == "planned").write(
            {"state": "voided", "reason": reason}
        )
        self.filtered(lambda row: row.state == "queued")._fs_withdraw("voided", reason)

    def _fs_withdraw(self, state, reason):
        """Cancel the e-mails and SMS of these queued rows not sent yet; settle the rows.

        A row with nothing out takes ``state``; one whose other channel is out already is
        sent; one with everything out is left to the follow-up, which records it as sent.
        """
        mails = self.mail_id.filtered(lambda mail: mail.state in ("outgoing", "exception"))
        texts = self.sms_id.filtered(lambda sms: sms.state in ("outgoing", "error"))
        mails.sudo().cancel()  # sudo: mail.mail is a system queue
        texts.sudo().action_set_canceled()  # sudo: sms.sms is a system queue
        for row in self:
            used = 2 if row.channel == "both" else 1  # a sent e-mail may be purged already
            withdrawn = bool(row.mail_id & mails) + bool(row.sms_id & texts)
            if not withdrawn:
                continue
            row.write(
                {
                    "state": state if withdrawn == used else "sent",
                    "reason": reason
                    if withdrawn == used
                    else self.env._("the rest was withdrawn: %(reason)s", reason=reason),
                    "next_check_at": False,
                    "retry_at": False,
                }
            )

    def _fs_wake(self):
        """Trigger the cron at the earliest due time of these planned rows (now if past)."""
        planned = self.filtered(lambda row: row.state == "planned")
        if planned:
            first = max(min(planned.mapped("due_at")), fields.Datetime.now())
            self.env.ref(CRON_XMLID)._trigger(at=first)

    # ---- the cron -------------------------------------------------------------------------

    @api.model
    def _cron_send_due(self, batch_size=BATCH_SIZE):
        """One batch: send due messages, follow up queued ones, check delays; report progress.

        The framework commits after each call and calls again while ``remaining`` > 0.
        """
        claimed = self._fs_claim_due(batch_size)
        claimed._fs_send()
        checked = self._fs_claim_checks(batch_size)
        checked._fs_follow_up()
        if not claimed:
            self.env["project.task"]._fs_check_delays_soon()
        remaining = self._fs_count_due()
        self.env["ir.cron"]._notify_progress(done=len(claimed) + len(checked), remaining=remaining)
        if not remaining:
            self._fs_wake_next()
        return len(claimed)

    @api.model
    def _fs_claim_due(self, limit):
        """Take up to ``limit`` due rows for this transaction, skipping rows another run holds.

        The rows move to 'sending' in the same statement, so neither a second claim in this
        transaction nor a concurrent run can take them; a rollback gives them back.
        """
        self.flush_model(["state", "due_at"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE fs_visit_message SET state = 'sending'
                 WHERE id IN (
                       SELECT id FROM fs_visit_message
                        WHERE state = 'planned' AND due_at <= %(now)s
                     ORDER BY due_at, id
                        LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED)
             RETURNING id
                """,
                now=fields.Datetime.now(),
                limit=limit,
            )
        )
        rows = self.browse(sorted(row_id for (row_id,) in self.env.cr.fetchall()))
        rows.invalidate_recordset(["state"])
        return rows

    @api.model
    def _fs_claim_checks(self, limit):
        """Lock up to ``limit`` queued rows whose delivery is due for a look."""
        self.flush_model(["state", "next_check_at"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM fs_visit_message
                 WHERE state = 'queued' AND next_check_at <= %(now)s
              ORDER BY next_check_at, id
                 LIMIT %(limit)s
            FOR UPDATE SKIP LOCKED
                """,
                now=fields.Datetime.now(),
                limit=limit,
            )
        )
        return self.browse([row_id for (row_id,) in self.env.cr.fetchall()])

    @api.model
    def _fs_count_due(self):
        now = fields.Datetime.now()
        return self.search_count(
            [
                "|",
                "&",
                ("state", "=", "planned"),
                ("due_at", "<=", now),
                "&",
                ("state", "=", "queued"),
                ("next_check_at", "<=", now),
            ]
        )

    @api.model
    def _fs_wake_next(self):
        """Keep the chain of exact triggers: the next planned or queued row to look at."""
        planned = self.search_fetch(
            [("state", "=", "planned")], ["due_at"], order="due_at", limit=1
        )
        queued = self.search_fetch(
            [("state", "=", "queued"), ("next_check_at", "!=", False)],
            ["next_check_at"],
            order="next_check_at",
            limit=1,
        )
        moments = [*planned.mapped("due_at"), *queued.mapped("next_check_at")]
        if moments:
            self.env.ref(CRON_XMLID)._trigger(at=max(min(moments), fields.Datetime.now()))

    # ---- sending --------------------------------------------------------------------------

    def _fs_send(self):
        """Send claimed rows: expire, re-time or skip each, then queue the rest in batches."""
        if not self:
            return
        now = fields.Datetime.now()
        tasks = self.task_id
        # Read the batch at once: visits, their promises, sites, job types, technicians.
        tasks.fetch(["fs_state", "fs_site_id", "fs_technician_id", "fs_job_type_id", "company_id"])
        tasks.fs_promise_ids.fetch(["window_start", "window_end", "source"])
        tasks.fs_site_id.fetch(
            [
                "email",
                "lang",
                "tz",
                "fs_preferred_channel",
                "fs_mobile_e164",
                "fs_quiet_from",
                "fs_quiet_until",
                "fs_messages_opt_out",
            ]
        )
        latest = tasks._fs_latest_promises()
        decided, errors = self._fs_isolated(
            lambda rows: {row: row._fs_decide(now, latest) for row in rows}
        )
        for row, error in errors.items():
            row.write({"state": "failed", "reason": error})
        deliveries = [(row, channels) for row, channels in decided.items() if channels]
        if deliveries:
            self._fs_deliver(deliveries, now)
        self.filtered(lambda row: row.state == "planned")._fs_wake()

    def _fs_decide(self, now, latest):
        """Settle one claimed row, or return the channels to send it by."""
        self.ensure_one()
        task, site = self.task_id, self.task_id.fs_site_id
        staleness = self._fs_staleness(now, latest)
        if staleness:
            self.write({"state": staleness[0], "reason": staleness[1]})
            return None
        if not site:
            self.write({"state": "skipped", "reason": self.env._("the visit has no customer")})
            return None
        zone, zone_note = windows.find_zone(*task._fs_zone_names())
        if not zone:
            self.write(
                {
                    "state": "planned",
                    "due_at": now + WAIT_FOR_FIX,
                    "reason": self.env._(
                        "waiting for a time zone: set one on the site or the company"
                    ),
                }
            )
            return None
        timing = reminders.fit_quiet_hours(
            now,
            self.expires_at,
            zone,
            site.fs_quiet_from,
            site.fs_quiet_until,
            urgent=self.kind in reminders.URGENT_KINDS,
        )
        if timing.expired:
            self.write({"state": "expired", "reason": self._fs_say(timing.expired)})
            return None
        if timing.due != now:
            self.write(
                {
                    "state": "planned",
                    "due_at": timing.due,
                    "note": self._fs_say(timing.note),
                    "reason": False,
                }
            )
            return None
        choice = site._fs_channel_choice()
        zone_text = self._fs_zone_note(zone_note, zone)
        notes = "; ".join(filter(None, [zone_text, choice.note])) or False
        if choice.skip:
            self.write({"state": "skipped", "reason": choice.skip, "note": notes})
            return None
        self.write({"partner_id": site.id, "note": notes, "reason": False})
        return choice.channels

    def _fs_staleness(self, now, latest):
        """(state, why) when this row must no longer reach the customer, else None."""
        promise = latest.get(self.task_id.id)
        if self.kind in reminders.WINDOW_KINDS and promise and promise.id != self.version:
            return "voided", self.env._("replaced by a newer window")
        stale = reminders.stale_reason(self.kind, self.task_id.fs_state, now, self.expires_at)
        if stale:
            return "expired", self._fs_say(stale)
        if self.kind == reminders.TECHNICIAN and (
            self.task_id.fs_technician_id == self.task_id._fs_told_technicians()[self.task_id.id]
        ):
            return "voided", self.env._("the customer already knows this technician")
        return None

    def _fs_deliver(self, deliveries, now):
        """Queue the messages (never sent in this transaction), by kind and channel, in batches.

        E-mails go through the mail composer's batch mode (one mail.mail and one chatter
        message per visit); SMS are rendered in batch, logged with ``_message_log_batch`` and
        queued as sms.sms. A failing template fails its group's rows, not the whole batch.
        """
        templates = self._fs_templates()
        done = defaultdict(dict)  # row -> {"email": (message, mail), "sms": (message, sms)}
        failed = {}
        for (kind, channel), rows in self._fs_groups(deliveries).items():
            template = templates[kind][0 if channel == "email" else 1]
            if not template:
                failed.update(dict.fromkeys(rows, self.env._("the message's template was deleted")))
                continue
            queue = "_fs_queue_emails" if channel == "email" else "_fs_queue_sms"
            for chunk in self._fs_distinct_visits(rows):
                queued, errors = chunk._fs_isolated(methodcaller(queue, template))
                failed.update(errors)
                for row in chunk.filtered(lambda row, errors=errors: row not in errors):
                    if row.task_id.id in queued:
                        done[row][channel] = queued[row.task_id.id]
                    else:
                        failed[row] = self.env._("the %s was not queued") % channel
        for row, channels in deliveries:
            if row in failed:
                row.write({"state": "failed", "reason": failed[row]})
                continue
            email_message, mail = done[row].get("email", (None, None))
            sms_message, sms = done[row].get("sms", (None, None))
            row.write(
                {
                    "state": "queued",
                    "channel": "both" if len(channels) == 2 else channels[0],
                    "sent_at": now,
                    "attempts": 1,
                    "next_check_at": now + FOLLOW_UP_DELAY,
                    "message_id": (email_message or sms_message).id,
                    "technician_id": row.task_id.fs_technician_id.id
                    if row.kind in reminders.NAMING_KINDS
                    else False,
                    "mail_id": mail.id if mail else False,
                    "sms_id": sms.id if sms else False,
                }
            )
        if any("email" in channels for channels in done.values()):
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        if any("sms" in channels for channels in done.values()):
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        if done:
            self.env.ref(CRON_XMLID)._trigger(at=now + FOLLOW_UP_DELAY)

    def _fs_isolated(self, work):
        """``(work(self), {})`` in one savepoint; if that raises, row by row, each in its own
        savepoint: ``({merged results}, {row: error})``. A broken row (bad data on one visit,
        a template that fails on it) then fails alone, and the batch pays for one savepoint.
        """
        try:
            with self.env.cr.savepoint():
                return work(self), {}
        except OperationalError:
            raise  # concurrency errors: let the framework retry the whole batch
        except Exception as error:  # one broken row must not stop the batch
            if len(self) == 1:
                _logger.warning("Visit message %s failed: %s", self.id, error)
                return {}, {self: str(error)[:250]}
        results, errors = {}, {}
        for row in self:
            row_results, row_errors = row._fs_isolated(work)
            results.update(row_results)
            errors.update(row_errors)
        return results, errors

    @api.model
    def _fs_groups(self, deliveries):
        groups = defaultdict(lambda: self.browse())
        for row, channels in deliveries:
            for channel in channels:
                groups[row.kind, channel] |= row
        return groups

    @api.model
    def _fs_distinct_visits(self, rows):
        """Split rows so each chunk holds a visit once (two reminders due together, say)."""
        chunks = []
        for row in rows:
            chunk = next((c for c in chunks if row.task_id not in c.task_id), None)
            if chunk is None:
                chunks.append(row)
            else:
                chunks[chunks.index(chunk)] = chunk | row
        return chunks

    def _fs_queue_emails(self, template):
        """{visit id: (mail.message, mail.mail)}: rendered in batch, queued, kept in the chatter.

        Like the composer's mass mode for one known contact: the chatter keeps the body, the
        e-mail wraps it in the template's layout (company header and footer).
        """
        tasks = self.task_id
        rendered = template.with_context(**{COMPILE_ONCE: True})._generate_template(
            tasks.ids, ["subject", "body_html", "email_from", "reply_to", "auto_delete"]
        )
        subtype = self.env.ref("field_service_cx.mt_fs_customer_message")
        layout = template.email_layout_xmlid
        langs = template._render_lang(tasks.ids) if layout else {}
        body_html = {
            task.id: task._fs_email_in_layout(
                rendered[task.id].get("body_html"), layout, langs.get(task.id)
            )
            if layout
            else rendered[task.id].get("body_html")
            for task in tasks
        }
        mails = (
            self.env["mail.mail"]
            .sudo()  # sudo: mail.mail is a system queue
            .create(
                [
                    {
                        "model": tasks._name,
                        "res_id": task.id,
                        "subject": rendered[task.id].get("subject"),
                        "body": rendered[task.id].get("body_html"),
                        "body_html": body_html[task.id],
                        "email_from": rendered[task.id].get("email_from")
                        or task._fs_message_company().email_formatted,
                        "reply_to": rendered[task.id].get("reply_to") or False,
                        "author_id": task._fs_message_company().partner_id.id,
                        "recipient_ids": [Command.link(task.fs_site_id.id)],
                        "message_type": "auto_comment",
                        "subtype_id": subtype.id,
                        "auto_delete": rendered[task.id].get("auto_delete", True),
                        "is_notification": True,  # the chatter keeps the message
                        "mail_server_id": template.mail_server_id.id,
                    }
                    for task in tasks
                ]
            )
        )
        return {mail.res_id: (mail.mail_message_id, mail) for mail in mails}

    def _fs_queue_sms(self, template):
        """{visit id: (mail.message, sms.sms)}: rendered in batch, logged, queued."""
        tasks = self.task_id
        bodies = tasks._fs_sms_bodies(template)
        messages = tasks._message_log_batch(
            {task_id: plaintext2html(body) for task_id, body in bodies.items()},
            message_type="sms",
        )
        message_of = {message.res_id: message for message in messages}
        texts = (
            self.env["sms.sms"]
            .sudo()  # sudo: sms.sms is a system queue
            .create(
                [
                    {
                        "body": bodies[task.id],
                        "number": task.fs_site_id.fs_mobile_e164,
                        "partner_id": task.fs_site_id.id,
                        "mail_message_id": message_of[task.id].id,
                        "state": "outgoing",
                    }
                    for task in tasks
                ]
            )
        )
        return {sms.mail_message_id.res_id: (sms.mail_message_id, sms) for sms in texts}

    @api.model
    def _fs_templates(self):
        """{kind: (mail.template, sms.template)}, a missing one as None."""
        return {
            kind: (
                self.env.ref(f"field_service_cx.mail_template_fs_{kind}", raise_if_not_found=False),
                self.env.ref(f"field_service_cx.sms_template_fs_{kind}", raise_if_not_found=False),
            )
            for kind, _label in reminders.KINDS
        }

    # ---- delivery follow-up ---------------------------------------------------------------

    def _fs_follow_up(self):
        """Record what the queues did: sent, failed (with the reason), or retry the SMS."""
        if not self:
            return
        now = fields.Datetime.now()
        self.mail_id.fetch(["state", "failure_type", "failure_reason"])
        self.sms_id.fetch(["state", "failure_type"])
        latest = self.task_id._fs_latest_promises()
        retried_mails, retried_sms = self.env["mail.mail"], self.env["sms.sms"]
        failed = self.browse()
        for row in self:
            mail, sms = row.mail_id, row.sms_id
            outcome = reminders.delivery_outcome(
                attempts=row.attempts,
                now=now,
                mail_state=mail.state or None,
                mail_failure=mail.failure_type or None,
                mail_reason=(mail.failure_reason or "")[:200] or None,
                sms_state=sms.state or None,
                sms_failure=sms.failure_type or None,
            )
            if outcome.outcome == "sent":
                row.write({"state": "sent", "next_check_at": False, "retry_at": False})
            elif outcome.outcome == "failed":
                row.write(
                    {
                        "state": "failed",
                        "reason": self._fs_say(outcome.reason),
                        "next_check_at": False,
                    }
                )
                failed |= row
            elif outcome.outcome == "wait":
                row.next_check_at = now + WAIT_AGAIN
            elif not (row.retry_at and row.retry_at <= now):
                row.write(
                    {
                        "retry_at": outcome.retry_at,
                        "next_check_at": outcome.retry_at,
                        "reason": self._fs_say(outcome.reason),
                    }
                )
            elif staleness := row._fs_staleness(now, latest):
                row._fs_withdraw(*staleness)  # a retry is checked like a first send
            else:
                if "email" in outcome.channels:
                    retried_mails |= mail
                if "sms" in outcome.channels:
                    retried_sms |= sms
                row.write(
                    {
                        "attempts": row.attempts + 1,
                        "retry_at": False,
                        "reason": self._fs_say(outcome.reason),
                        "next_check_at": now + FOLLOW_UP_DELAY,
                    }
                )
        failed._fs_tell_office()
        # The same mail.mail / sms.sms goes back to its queue: it cannot reach the customer twice.
        if retried_mails:
            retried_mails.sudo().mark_outgoing()  # sudo: mail.mail is a system queue
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        if retried_sms:
            retried_sms.sudo().action_set_outgoing()  # sudo: sms.sms is a system queue
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        follow_up = self.filtered(lambda row: row.state == "queued").mapped("next_check_at")
        if follow_up:
            self.env.ref(CRON_XMLID)._trigger(at=min(follow_up))

    def _fs_tell_office(self):
        """A to-do on each visit whose message finally failed, for a real office user.

        Called once per row, when it turns failed: later runs do not see it again.
        """
        if not self:
            return
        users = self.task_id._fs_office_users()
        labels = dict(self._fields["kind"]._description_selection(self.env))
        todo = self.env.ref("mail.mail_activity_data_todo")
        for task, rows in self.grouped("task_id").items():
            if not users.get(task.id):
                _logger.info("Visit %s: no dispatcher to tell about failed messages", task.id)
                continue
            note = "\n".join(
                self.env._(
                    "%(kind)s: %(reason)s. Fix the contact, then send it again from "
                    "Messages to check.",
                    kind=labels[row.kind],
                    reason=row.reason,
                )
                for row in rows
            )
            try:
                with self.env.cr.savepoint():
                    task.activity_schedule(
                        activity_type_id=todo.id,
                        user_id=users[task.id].id,
                        summary=self.env._(
                            "Customer message not delivered: %(kinds)s",
                            kinds=", ".join(labels[row.kind] for row in rows),
                        ),
                        note=plaintext2html(note),
                    )
            except OperationalError:
                raise  # concurrency errors: let the framework retry the whole batch
            except Exception as error:  # the ledger row is failed anyway: keep the batch going
                _logger.warning("Visit %s: the office could not be told: %s", task.id, error)

    # ---- dispatcher actions ---------------------------------------------------------------

    def action_fs_retry(self):
        """Send a failed or skipped message again now (after fixing the contact, say)."""
        bad = self.filtered(lambda row: row.state not in ("failed", "skipped", "expired"))
        if bad:
            raise UserError(
                self.env._("Only failed, skipped or expired messages can be sent again.")
            )
        now = fields.Datetime.now()
        self.write(
            {
                "state": "planned",
                "due_at": now,
                "expires_at": now + timedelta(hours=6),
                "reason": False,
                "attempts": 0,
                "retry_at": False,
                "mail_id": False,
                "sms_id": False,
            }
        )
        self._fs_wake()
        return True
