import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ..tools import brand, reminders, sms_links, windows
from ..tools import visit_states as vs
from ..tools.notes import Note

# Visit states in which a newly promised window is announced to the customer.
WINDOW_STATES = ("to_schedule", "scheduled", "confirmed", "en_route")
# Entering these states plans a message: (kind, stays useful for).
STATE_EVENTS = {
    vs.EN_ROUTE: (reminders.ON_THE_WAY, timedelta(hours=3)),
    vs.DONE: (reminders.DONE, reminders.EVENT_LIFETIME[reminders.DONE]),
    vs.NOT_HOME: (reminders.NOT_HOME, reminders.EVENT_LIFETIME[reminders.NOT_HOME]),
    vs.UNFINISHED: (reminders.UNFINISHED, reminders.EVENT_LIFETIME[reminders.UNFINISHED]),
    vs.CANCELLED: (reminders.CANCELLED, reminders.EVENT_LIFETIME[reminders.CANCELLED]),
}
# Entering these states voids the pending messages about the window.
VOIDING_STATES = (vs.DONE, vs.NOT_HOME, vs.UNFINISHED, vs.CANCELLED, vs.TO_SCHEDULE)
HOLD_PARAM = "field_service_cx.not_home_hold_minutes"
DEFAULT_HOLD_MINUTES = 15

_logger = logging.getLogger(__name__)


# Kept apart from project_task.py on purpose: the messages feature is owned and reviewed on its own.
class ProjectTask(models.Model):  # pylint: disable=consider-merging-classes-inherited
    """The visit's side of customer messages: plan ledger rows when promises and states change."""

    _inherit = "project.task"

    fs_message_ids = fields.One2many("fs.visit.message", "task_id", string="Customer messages")
    fs_contact_problem = fields.Char(
        "Why the customer gets no message",
        compute="_compute_fs_contact_problem",
        help="Set when the site's contact can be reached by no channel: fix it before the visit.",
    )

    @api.depends(
        "fs_is_visit",
        "fs_site_id",
        "fs_site_id.email",
        "fs_site_id.fs_mobile_e164",
        "fs_site_id.fs_preferred_channel",
        "fs_site_id.fs_messages_opt_out",
    )
    def _compute_fs_contact_problem(self):
        for task in self:
            site = task.fs_site_id
            if not task.fs_is_visit:
                task.fs_contact_problem = False
                continue
            if not site:
                task.fs_contact_problem = self.env._("the visit has no customer; add one")
                continue
            choice = site._fs_channel_choice()
            if not choice.skip:
                task.fs_contact_problem = False
            elif site.fs_messages_opt_out:
                task.fs_contact_problem = self.env._(
                    "%s; call them if anything changes", choice.skip
                )
            else:
                task.fs_contact_problem = self.env._(
                    "%s; add one to the site, or call them", choice.skip
                )

    # ---- hooks ----------------------------------------------------------------------------

    def _fs_record_promises(self, source):
        result = super()._fs_record_promises(source)
        self._fs_plan_window_messages()
        return result

    def write(self, vals):
        states_before = {task.id: task.fs_state for task in self} if "fs_state" in vals else None
        moved = "fs_technician_id" in vals
        technicians_before = {task.id: task.fs_technician_id for task in self} if moved else None
        result = super().write(vals)
        if states_before is not None:
            self._fs_plan_state_messages(states_before)
        if technicians_before is not None:
            self._fs_plan_technician_messages(technicians_before)
        return result

    def _fs_office_users(self):
        """{visit id: the user the office hears through}: the project's manager when a real,
        active, internal user (not OdooBot), else the first dispatcher of the visit's company."""

        def real(user):
            return user.active and not user.share and not user._is_superuser()

        group = self.env.ref("field_service_cx.group_fs_dispatcher")
        dispatchers = self.env["res.users"].search(
            [("groups_id", "in", group.id), ("share", "=", False)], order="id"
        )
        dispatchers = dispatchers.filtered(real)
        users = {}
        for task in self:
            manager = task.project_id.user_id
            if manager and real(manager):
                users[task.id] = manager
                continue
            users[task.id] = next(
                (
                    user
                    for user in dispatchers
                    if not task.company_id or task.company_id in user.company_ids
                ),
                None,
            )
        return users

    def _fs_tell_office(self, summary, lines):
        """A to-do on the visit for its office user (``_fs_office_users``): ``summary`` and
        ``lines`` are callables of an env (the user's language) returning the texts; the
        note ends with a link to the visit. Called once per customer event.

        Returns the activity, or an empty recordset when nobody in the office can be told.
        """
        self.ensure_one()
        user = self._fs_office_users()[self.id]
        if not user:
            _logger.info("Visit %s: no dispatcher to tell about the customer's change", self.id)
            return self.env["mail.activity"]
        # The office reads it in its own language, not the customer's (the request's).
        visit = self.with_context(lang=user.lang or self.env.lang)
        note = Markup("").join(Markup("<p>%s</p>") % line for line in lines(visit.env) if line)
        note += Markup("<p>%s</p>") % visit._get_html_link(title=visit.display_name)
        # sudo: a customer's request (public user) leaves a to-do for the office on their visit.
        return visit.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=user.id, summary=summary(visit.env), note=note
        )

    # ---- planning -------------------------------------------------------------------------

    def _fs_latest_promises(self):
        """{task id: its latest fs.visit.promise}, read in one query."""
        Promise = self.env["fs.visit.promise"].sudo()  # sudo: the history is read by the system
        groups = Promise._read_group([("task_id", "in", self.ids)], ["task_id"], ["id:max"])
        promises = Promise.browse([promise_id for _task, promise_id in groups])
        by_id = {promise.id: promise for promise in promises}
        return {task.id: by_id[promise_id] for task, promise_id in groups}

    def _fs_plan_window_messages(self):
        """A new window was promised: void older pending rows, plan its event and reminders."""
        visits = self.filtered(lambda t: t.fs_is_visit and t.fs_state in WINDOW_STATES)
        if not visits:
            return
        Message = self.env["fs.visit.message"].sudo()  # sudo: the ledger is written by the system
        latest = visits._fs_latest_promises()
        pending = Message.search(
            [
                ("task_id", "in", visits.ids),
                ("state", "in", ("planned", "queued")),
                ("kind", "in", reminders.WINDOW_KINDS),
            ]
        )
        pending.filtered(
            lambda row: latest.get(row.task_id.id) and row.version != latest[row.task_id.id].id
        )._fs_void(self.env._("replaced by a new window"))
        steps = Message._fs_cadence()
        now = fields.Datetime.now()
        vals_list = []
        for visit in visits:
            promise = latest.get(visit.id)
            if not promise:
                continue
            zone, zone_note = visit._fs_zone()
            site = visit.fs_site_id
            quiet = (site.fs_quiet_from, site.fs_quiet_until)
            base = {
                "task_id": visit.id,
                "partner_id": site.id,
                "version": promise.id,
                "promise_id": promise.id,
                "note": Message._fs_zone_note(zone_note, zone),
            }
            kind = reminders.PROMISE_EVENT.get(promise.source, reminders.RESCHEDULED)
            expires = reminders.event_expiry(
                kind, promise.promised_at, promise.window_start, promise.window_end
            )
            timing = reminders.fit_quiet_hours(
                now, expires, zone, *quiet, urgent=kind in reminders.URGENT_KINDS
            )
            vals_list.append(
                dict(
                    base,
                    kind=kind,
                    key=kind,
                    **self._fs_timing_values(timing, expires, base["note"]),
                )
            )
            for step, timing, expires in reminders.reminder_plan(
                steps, promise.window_start, zone, now, *quiet
            ):
                vals_list.append(
                    dict(
                        base,
                        kind=reminders.REMINDER,
                        step=step.code,
                        key=f"{reminders.REMINDER}:{step.code}",
                        **self._fs_timing_values(timing, expires, base["note"]),
                    )
                )
        Message._fs_plan(vals_list)

    @api.model
    def _fs_timing_values(self, timing, expires, note):
        Message = self.env["fs.visit.message"]
        return {
            "due_at": timing.due,
            "expires_at": expires,
            "state": "expired" if timing.expired else "planned",
            "reason": Message._fs_say(timing.expired),
            "note": "; ".join(filter(None, [note, Message._fs_say(timing.note)])) or False,
        }

    def _fs_plan_state_messages(self, states_before):
        """Plan the message of the state each visit entered; void what no longer applies."""
        moved = self.filtered(lambda t: t.fs_is_visit and t.fs_state != states_before.get(t.id))
        if not moved:
            return
        Message = self.env["fs.visit.message"].sudo()  # sudo: the ledger is written by the system
        voiding = moved.filtered(lambda t: t.fs_state in VOIDING_STATES)
        if voiding:
            pending = Message.search(
                [
                    ("task_id", "in", voiding.ids),
                    ("state", "in", ("planned", "queued")),
                    ("kind", "in", reminders.WINDOW_KINDS),
                ]
            )
            for visit in voiding:
                pending.filtered(lambda row, v=visit: row.task_id == v)._fs_void(
                    Message._fs_say(Note(reminders.STALE_STATE, {"state": visit.fs_state}))
                )
        events = moved.filtered(lambda t: t.fs_state in STATE_EVENTS)
        if not events:
            return
        latest = events._fs_latest_promises()
        now = fields.Datetime.now()
        vals_list = []
        for visit in events:
            kind, lifetime = STATE_EVENTS[visit.fs_state]
            zone, zone_note = visit._fs_zone()
            site = visit.fs_site_id
            timing = reminders.fit_quiet_hours(
                now,
                now + lifetime,
                zone,
                site.fs_quiet_from,
                site.fs_quiet_until,
                urgent=kind in reminders.URGENT_KINDS,
            )
            promise = latest.get(visit.id)
            vals_list.append(
                {
                    "task_id": visit.id,
                    "partner_id": site.id,
                    "kind": kind,
                    "key": kind,
                    "version": promise.id if promise else 0,
                    "promise_id": promise.id if promise else False,
                    **self._fs_timing_values(
                        timing, now + lifetime, Message._fs_zone_note(zone_note, zone)
                    ),
                }
            )
        Message._fs_plan(vals_list)

    # ---- a new technician after the customer was told who comes ----------------------------

    def _fs_told_technicians(self):
        """{visit id: the technician the customer was last told of (hr.employee, maybe empty)},
        from the ledger's rows that named one and went out."""
        # sudo: the ledger is read by the system; only who was named is used.
        rows = (
            self.env["fs.visit.message"]
            .sudo()
            .search(
                [
                    ("task_id", "in", self.ids),
                    ("kind", "in", reminders.NAMING_KINDS),
                    ("state", "in", ("queued", "sent")),
                    ("technician_id", "!=", False),
                ],
                order="sent_at desc, id desc",
            )
        )
        told = {task.id: self.env["hr.employee"] for task in self}
        for row in rows:
            if not told[row.task_id.id]:
                told[row.task_id.id] = row.technician_id
        return told

    def _fs_plan_technician_messages(self, technicians_before):
        """Plan one "new technician" message per change for visits whose customer was told
        another technician's name; void the earlier, still pending, such messages."""
        changed = self.filtered(
            lambda t: t.fs_is_visit
            and t.fs_technician_id
            and t.fs_technician_id != technicians_before.get(t.id)
            and t.fs_state in reminders.KIND_STATES[reminders.TECHNICIAN]
        )
        if not changed:
            return
        Message = self.env["fs.visit.message"].sudo()  # sudo: the ledger is written by the system
        Message.search(
            [
                ("task_id", "in", changed.ids),
                ("kind", "=", reminders.TECHNICIAN),
                ("state", "in", ("planned", "queued")),
            ]
        )._fs_void(self.env._("replaced by a newer change of technician"))
        told = changed._fs_told_technicians()
        changed = changed.filtered(lambda t: told[t.id] and told[t.id] != t.fs_technician_id)
        if not changed:
            return
        latest = changed._fs_latest_promises()
        now = fields.Datetime.now()
        vals_list = []
        for visit in changed:
            zone, zone_note = visit._fs_zone()
            site = visit.fs_site_id
            expires = max(visit.fs_window_start or now, now)
            timing = reminders.fit_quiet_hours(
                now, expires, zone, site.fs_quiet_from, site.fs_quiet_until, urgent=False
            )
            promise = latest.get(visit.id)
            # One row per change: the schedule version moves with every technician change.
            key = f"{reminders.TECHNICIAN}:{visit.fs_schedule_version}"
            vals_list.append(
                {
                    "task_id": visit.id,
                    "partner_id": site.id,
                    "kind": reminders.TECHNICIAN,
                    "key": key,
                    "version": promise.id if promise else 0,
                    "promise_id": promise.id if promise else False,
                    **self._fs_timing_values(
                        timing, expires, Message._fs_zone_note(zone_note, zone)
                    ),
                }
            )
        Message._fs_plan(vals_list)

    # ---- predictive delay alerts ----------------------------------------------------------

    def _fs_check_delays(self):
        """Promise a new window (and plan one alert) to visits whose ETA left the latest one.

        Called by routing after it writes ``fs_eta`` and by the messages cron. One alert per
        promise change: the alert's key is unique per promise.
        """
        visits = self.filtered(
            lambda t: t.fs_is_visit
            and t.fs_eta
            and t.fs_state in (vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE)
        )
        if not visits:
            return self.browse()
        latest = visits._fs_latest_promises()
        vals_list = []
        for visit in visits:
            promise = latest.get(visit.id)
            if not promise:
                continue
            window = reminders.delay_window(visit.fs_eta, promise.window_start, promise.window_end)
            if window:
                vals_list.append(
                    {
                        "task_id": visit.id,
                        "window_start": window[0],
                        "window_end": window[1],
                        "source": "delay",
                        "user_id": self.env.user.id,
                    }
                )
        if not vals_list:
            return self.browse()
        promises = (
            self.env["fs.visit.promise"].sudo().create(vals_list)  # sudo: the system promises
        )
        delayed = promises.task_id
        delayed._fs_plan_window_messages()
        return delayed

    @api.model
    def _fs_check_delays_soon(self):
        """The cron's pass: visits of the coming hours with an ETA."""
        now = fields.Datetime.now()
        self.search(
            [
                ("fs_is_visit", "=", True),
                ("fs_eta", "!=", False),
                ("fs_state", "in", [vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE]),
                ("fs_window_end", ">=", now - timedelta(hours=12)),
                ("fs_window_start", "<=", now + timedelta(hours=24)),
            ]
        )._fs_check_delays()

    # ---- what the templates show ----------------------------------------------------------

    def _fs_message_values(self):
        """Texts and links for the customer message templates, in the site's zone and language.

        Links are the visit's own tokenized page (never shortened); they only show things.
        """
        self.ensure_one()
        zone, _note = self._fs_zone()
        site = self.fs_site_id or self.partner_id
        locale = site.lang or self.company_id.partner_id.lang or self.env.lang
        company = self._fs_message_company()
        promise = max(self.fs_promise_ids, key=lambda p: p.id, default=None)
        start = promise.window_start if promise else self.fs_window_start
        end = promise.window_end if promise else self.fs_window_end
        url = self.get_base_url() + self.get_portal_url()
        hold = int(
            self.env["ir.config_parameter"].sudo().get_param(HOLD_PARAM, DEFAULT_HOLD_MINUTES)
        )  # sudo: a setting
        technician = self.fs_technician_id
        values = {
            "customer": site.name or "",
            "window": windows.format_window(start, end, zone, locale) if start and end else "",
            "technician": (technician.name or "").split(" ")[0] if technician else "",
            "technician_photo_url": self._fs_technician_photo_url() if technician else False,
            # The letter shown on a circle in the company's colour when there is no photo.
            "technician_initial": (technician.name or "?")[:1].upper() if technician else "",
            "brand": self._fs_brand_colours(),
            # Read by "on the way" templates saved before the photo became a link (the
            # templates are not overwritten on update): they now show no inline photo.
            "technician_photo": False,
            "preparation": self.fs_job_type_id.customer_preparation or "",
            "summary": self.fs_work_summary or "",
            "company": company.name or "",
            "company_phone": company.phone or "",
            "email_from": company.email_formatted or company.partner_id.email_formatted or "",
            "visit_url": url,
            # SMS carry one short link (one segment where the language allows); e-mails the page.
            "short_url": f"{self.get_base_url()}/v/{self._fs_short_code()}",
            "reschedule_url": f"{url}#reschedule",
            "tracking_url": f"{url}#track",
            "report_url": f"{url}#report",
            "feedback_url": f"{url}#rate",
            "accept_url": f"{url}#delay",
            "someone_else_url": f"{url}#someone_else",
            "eta_window": "",
            "eta": "",
            "hold_minutes": hold,
            "hold_until": "",
            "unfinished_reason": "",
        }
        if self.fs_state == vs.UNFINISHED:
            values["unfinished_reason"] = self._fs_customer_unfinished_reason()
        if self.fs_eta:
            values["eta_window"] = windows.format_window(
                self.fs_eta - timedelta(minutes=15),
                self.fs_eta + timedelta(minutes=15),
                zone,
                locale,
                now=self.fs_eta,
            )
            values["eta"] = windows.format_hour(self.fs_eta, zone, locale)
        if self.fs_not_home_at:
            values["hold_until"] = windows.format_hour(
                self.fs_not_home_at + timedelta(minutes=hold), zone, locale
            )
        return values

    def _fs_sms_bodies(self, template):
        """{visit id: the SMS text}, in each customer's language, in GSM-7 where it can be."""
        bodies = template._render_field("body", self.ids, compute_lang=True)
        return {task_id: sms_links.gsm_friendly(body) for task_id, body in bodies.items()}

    def _fs_short_code(self):
        """The code of the visit's short link (``/v/<code>``), made from its current token."""
        self.ensure_one()
        # sudo: the database secret keys the code; it never leaves the server.
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return sms_links.short_code(self.id, self._portal_ensure_token(), secret)

    def _fs_message_company(self):
        """The company the customer hears from, never none: the visit's, its project's, its
        team's, else the current one."""
        self.ensure_one()
        return (
            self.company_id
            or self.project_id.company_id
            or self.fs_technician_id.company_id
            or self.env.company
        )

    def _fs_brand_colours(self):
        """The company's colours (document layout) with readable text colours, see
        ``tools.brand.palette``."""
        company = self._fs_message_company()
        return brand.palette(company.primary_color, company.secondary_color)

    def _fs_technician_photo_url(self):
        """An absolute URL of the technician's photo that the customer may load, or False.

        E-mail clients block inline (data:) images, so the photo must be a link; the core
        module has no public page to serve it: the customer portal module provides one.
        """
        return False

    def _fs_email_in_layout(self, body, layout_xmlid, lang):
        """The e-mail as the customer sees it: the body inside the template's layout.

        What core's notification gives a customer who is not a portal user (project.task
        gives them no access button): the company's header, logo and footer around the body,
        in the customer's language. The recipient is known, so core's classification of
        recipients (most of its cost) is skipped.
        """
        self.ensure_one()
        message = self.env["mail.message"].new({"body": body, "record_name": self.display_name})
        msg_vals = {
            "email_layout_xmlid": layout_xmlid,
            "model": self._name,
            "res_id": self.id,
            "record_name": self.display_name,
            "author_id": self._fs_message_company().partner_id.id,
            "tracking_value_ids": [],  # a template message tracks nothing: no search
        }
        render_values = self._notify_by_email_prepare_rendering_context(
            message,
            msg_vals=msg_vals,
            model_description=self.with_context(lang=lang).env._("visit"),
            force_email_lang=lang,
        )
        customer = {
            "active": True,
            "actions": [],
            "button_access": {},
            "has_button_access": False,
            "notification_group_name": "customer",
            "recipients": self.fs_site_id.ids,
        }
        return self._notify_by_email_render_layout(
            message, customer, msg_vals=msg_vals, render_values=render_values
        )
