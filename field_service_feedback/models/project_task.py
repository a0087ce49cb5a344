import base64
import io
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import qrcode

from odoo import api, fields, models
from odoo.addons.field_service_cx.exceptions import StaleVisitError
from odoo.addons.field_service_cx.models.project_task_messages import (
    DEFAULT_HOLD_MINUTES,
    HOLD_PARAM,
)
from odoo.addons.field_service_cx.tools import brand, windows
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import UserError

from ..tools import customer_text, ics, live_map
from ..tools import visit_page as rules

# Settings (ir.config_parameter, see data/ir_config_parameter.xml) and their defaults.
SETTINGS = {
    "change_cutoff_hours": 4.0,  # no reschedule later than this before the window starts
    "parts_lead_hours": 24.0,  # when parts are missing, new windows start this far ahead
    "visits_per_window": 1,  # a technician takes at most this many visits overlapping a window
    "reschedule_days": 7,  # how many days ahead the customer may pick from
    "cancelled_link_days": 1,  # a cancelled visit's link expires this long after cancelling
    "report_retention_days": 90,  # a done visit's link (and report) expires this long after
    "rating_window_days": 14,  # ratings are taken this long after the visit
    "changes_per_hour": 20,  # customer changes (POSTs) one visit takes per hour, at most
}
# What core's mail and portal routes accept instead of rights (portal.utils): the record's
# token and a hash signed with it. For visits they are the customer's link to our page only.
LINK_CREDENTIALS = ("token", "hash", "pid")
# The visit is still ahead of the customer: what to prepare, a calendar entry.
AHEAD_STATES = (vs.TO_SCHEDULE, vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE)
NOTES_MAX = 1000
REASON_MAX = 1000


class ProjectTask(models.Model):
    _inherit = "project.task"

    def _compute_access_url(self):  # pylint: disable=missing-return
        """Visits have their own customer page; other tasks keep core's."""
        super()._compute_access_url()
        for task in self.filtered("fs_is_visit"):
            task.access_url = f"/my/visits/{task.id}"

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """A visit's token, and core's hash/pid signed with it, open our visit page only: core's
        chatter routes reach a visit through the user's own rights, never through the link."""
        # sudo: one flag of the thread decides which credentials count; nothing else is read.
        if self.sudo().browse(thread_id).exists().fs_is_visit:
            kwargs = {key: value for key, value in kwargs.items() if key not in LINK_CREDENTIALS}
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

    def _fs_technician_photo_url(self):
        """The visit page's own photo route (token in the URL): e-mails can load it."""
        if not (
            self.fs_is_visit and self.fs_technician_id and self.fs_technician_id._fs_has_photo()
        ):
            return super()._fs_technician_photo_url()
        return (
            f"{self.get_base_url()}/my/visits/{self.id}/technician/avatar"
            f"?access_token={self._portal_ensure_token()}"
        )

    def _fs_site_history_badges(self):
        """The technician's brief warns of the customer's open questions on past visits."""
        badges = super()._fs_site_history_badges()
        for dispute in self.fs_dispute_ids.filtered(lambda d: d.state == "open"):
            badges.setdefault(dispute.task_id.id, []).append(
                self.env._("Open dispute: %(subject)s", subject=dispute.line_label)
            )
        return badges

    # ---- settings and small helpers ------------------------------------------------------

    def _fs_portal_setting(self, key):
        default = SETTINGS[key]
        # sudo: settings are read by the customer's (public) request; only numbers leave.
        value = self.env["ir.config_parameter"].sudo().get_param(f"field_service_feedback.{key}")
        try:
            return type(default)(float(value)) if value else default
        except ValueError:
            return default

    def _fs_portal_zone(self):
        """The site's zone when it has a valid one (no extra read), else ``_fs_zone``'s rule."""
        self.ensure_one()
        if self.fs_site_id.tz:
            zone, invalid = windows.resolve_zone(self.fs_site_id.tz)
            if not invalid:
                return zone
        return self._fs_zone()[0]

    def _fs_portal_block_message(self, code):
        cutoff = self._fs_portal_setting("change_cutoff_hours")
        return {
            "left": self.env._(
                "Your technician has already set off, so the visit can no longer be changed "
                "here. Please call us if something is wrong."
            ),
            "done": self.env._("This visit is done."),
            "unfinished": self.env._(
                "The work needs a follow-up visit: we will call you to book it."
            ),
            "closed": self.env._("This visit is closed. Please call us to book a new one."),
            "cutoff": self.env._(
                "Changes are possible until %(hours)g hours before the window starts, so that "
                "the technician's day can be replanned. Please call us instead."
            )
            % {"hours": cutoff},
        }.get(code, "")

    def _fs_portal_change_problem(self, now=None):
        """Why the customer may not reschedule now (a sentence), or False."""
        self.ensure_one()
        code = rules.change_block(
            self.fs_state,
            self.fs_window_start,
            now or fields.Datetime.now(),
            self._fs_portal_setting("change_cutoff_hours"),
        )
        return code and self._fs_portal_block_message(code)

    def _fs_portal_cancel_problem(self):
        self.ensure_one()
        code = rules.cancel_block(self.fs_state)
        return code and self._fs_portal_block_message(code)

    def _fs_portal_full_url(self):
        """The visit page's absolute URL with its token (what messages and the QR code carry)."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    def _fs_portal_text(self, text, limit, what):
        """The customer's ``text``, stripped and whole, or a UserError that says what to fix
        (``what``: the field in the customer's words, e.g. "Your reason")."""
        text = (text or "").strip()
        problem = customer_text.text_problem(text, limit)
        if problem == "control":
            raise UserError(
                self.env._(
                    "%(what)s contains invisible control characters. We removed them below: "
                    "please check the text and send it again.",
                    what=what,
                )
            )
        if problem == "too_long":
            raise UserError(
                self.env._(
                    "%(what)s is too long (%(count)s characters): please keep it to at most "
                    "%(limit)s characters.",
                    what=what,
                    count=len(text),
                    limit=limit,
                )
            )
        return text

    def _fs_portal_link_expired(self, now=None):
        """Whether the visit's link has served its purpose (see ``link_expired``)."""
        self.ensure_one()
        return rules.link_expired(
            self.fs_state,
            self.fs_cancelled_at,
            self.fs_done_at,
            now or fields.Datetime.now(),
            self._fs_portal_setting("cancelled_link_days"),
            self._fs_portal_setting("report_retention_days"),
        )

    def _fs_portal_changes_left(self):
        """Whether the customer may still change this visit now: at most ``changes_per_hour``
        changes (accepted or refused) in the last hour, counted in the database so that every
        worker sees the same count."""
        self.ensure_one()
        since = fields.Datetime.now() - timedelta(hours=1)
        # sudo: the count of the visit's own recent changes; the rows never leave the server.
        count = (
            self.env["fs.visit.portal.post"]
            .sudo()
            .search_count([("task_id", "=", self.id), ("create_date", ">", since)])
        )
        return count < self._fs_portal_setting("changes_per_hour")

    def _fs_portal_log_post(self, action, accepted, remote_addr, user_agent):
        """Write down one customer change (what, whether taken, from where): the audit trail
        and the hourly count of ``_fs_portal_changes_left``."""
        self.ensure_one()
        # sudo: system bookkeeping of a public request; nobody but administrators reads it.
        return (
            self.env["fs.visit.portal.post"]
            .sudo()
            .create(
                {
                    "task_id": self.id,
                    "action": action,
                    "accepted": accepted,
                    "remote_addr": remote_addr or False,
                    "user_agent": user_agent or False,
                }
            )
        )

    # ---- what the page shows ---------------------------------------------------------------

    def _fs_portal_stops(self, now):
        """(stop number, visits still before this one) on the technician's day, or None.

        Only for an open visit planned today; counts only, never other stops' details.
        """
        self.ensure_one()
        if (
            self.fs_state not in (vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE)
            or not self.fs_technician_id
            or not self.fs_route_sequence
            or self.fs_visit_date != windows.to_local(now, self._fs_portal_zone()).date()
        ):
            return None
        # sudo: the customer learns how many stops come first, never which or where.
        groups = (
            self.env["project.task"]
            .sudo()
            ._read_group(
                [
                    ("fs_technician_id", "=", self.fs_technician_id.id),
                    ("fs_visit_date", "=", self.fs_visit_date),
                    ("fs_route_sequence", ">", 0),
                    ("fs_route_sequence", "<", self.fs_route_sequence),
                    ("fs_state", "!=", vs.CANCELLED),
                    ("id", "!=", self.id),
                ],
                ["fs_state"],
                ["__count"],
            )
        )
        earlier = sum(count for _state, count in groups)
        before = sum(count for state, count in groups if state not in vs.CLOSED_STATES)
        return earlier + 1, before

    def _fs_portal_eta_values(self, now=None):
        """The live part of the page, as plain values: the ETA endpoint's JSON and the page's."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        stops = self._fs_portal_stops(now)
        minutes = rules.eta_minutes(self.fs_eta, now) if self.fs_state == vs.EN_ROUTE else None
        if self.fs_state == vs.EN_ROUTE:
            arrival = self.fs_eta and windows.format_hour(
                self.fs_eta, self._fs_portal_zone(), self.env.lang
            )
            eta_text = (
                self.env._(
                    "On the way, arriving about %(time)s (in %(minutes)s min)",
                    time=arrival,
                    minutes=minutes,
                )
                if minutes
                else self.env._("On the way, arriving any minute")
                if minutes == 0
                else self.env._("On the way")
            )
        else:
            eta_text = ""
        stops_text = ""
        if stops:
            number, before = stops
            # On the way to this visit, it is the next one whatever is left open before it.
            stops_text = (
                self.env._(
                    "You are stop %(number)s of today, %(before)s visit(s) before you.",
                    number=number,
                    before=before,
                )
                if before and self.fs_state != vs.EN_ROUTE
                else self.env._("You are stop %(number)s of today, next in line.", number=number)
            )
        window = False
        if self.fs_window_start and self.fs_window_end:
            window = windows.format_window(
                self.fs_window_start, self.fs_window_end, self._fs_portal_zone(), self.env.lang
            )
        return {
            "state": self.fs_state,
            "state_label": dict(self._fields["fs_state"]._description_selection(self.env))[
                self.fs_state
            ],
            "window": window,
            "eta_minutes": minutes,
            "stop_number": stops[0] if stops else None,
            "stops_before": stops[1] if stops else None,
            "eta_text": eta_text,
            "stops_text": stops_text,
            "live": self.fs_state in (vs.SCHEDULED, vs.CONFIRMED, vs.EN_ROUTE, vs.ON_SITE),
            "map": self._fs_portal_map(minutes),
        }

    # ---- the live map (on the way only) ------------------------------------------------------

    def _fs_portal_map(self, minutes):
        """The customer's live map as plain values, or False: the van (coarse until the last
        leg, none when stale), the customer's address and "Arriving about 10:40".

        Outside "on the way" the van's position is not even read: no answer can carry it.
        """
        self.ensure_one()
        if self.fs_state != vs.EN_ROUTE:
            return False
        live = self._fs_live_position()
        site = self.fs_site_id
        view = live_map.map_view(
            self.fs_state,
            (live["latitude"], live["longitude"]) if live else None,
            bool(live and live.get("stale")),
            minutes,
            live_map.real_point(site.partner_latitude, site.partner_longitude),
        )
        if not view or not (view.van or view.home):
            return False
        if minutes:
            arrival = windows.format_hour(self.fs_eta, self._fs_portal_zone(), self.env.lang)
            arrival_text = self.env._("Arriving about %(time)s", time=arrival)
        elif minutes == 0:
            arrival_text = self.env._("Arriving any minute")
        else:
            arrival_text = ""
        notes = {
            "stale": self.env._(
                "We have had no news of the van for a few minutes: the map shows your address "
                "and the planned time."
            ),
            "unknown": self.env._(
                "The van's position is not shared right now: the map shows your address and "
                "the planned time."
            ),
        }
        if view.precision == "coarse":
            note = self.env._(
                "The van's position is approximate (about %(metres)s m) until it is a few "
                "minutes away.",
                metres=int(live_map.COARSE_CELL_M),
            )
        else:
            note = notes.get(view.note, "")
        return {
            "van": list(view.van) if view.van else None,
            "exact": view.precision == "exact",
            "home": list(view.home) if view.home else None,
            "arrival_text": arrival_text,
            "note": note,
        }

    def _fs_portal_map_tiles(self):
        """The dispatcher's map's tile server (``leaflet.tile_url`` / ``leaflet.copyright``)."""
        # sudo: two system parameters the customer's (public) map needs; nothing else leaves.
        params = self.env["ir.config_parameter"].sudo()
        return live_map.tiles(
            params.get_param(live_map.TILE_URL_PARAM),
            params.get_param(live_map.TILE_ATTRIBUTION_PARAM),
        )

    def _fs_portal_brand_style(self):
        """The company's colours as the CSS variables of the customer's pages."""
        company = self._fs_message_company()
        return brand.css_variables(brand.palette(company.primary_color, company.secondary_color))

    def _fs_portal_not_home_text(self, now):
        """What a missed visit's page says: the technician waits until when (as the e-mail
        says), or came at what time; "" for other states."""
        self.ensure_one()
        if self.fs_state != vs.NOT_HOME or not self.fs_not_home_at:
            return ""
        zone = self._fs_portal_zone()
        # sudo: the technician's first name only, as on the rest of the page.
        technician = rules.first_name(self.fs_technician_id.sudo().name)
        technician = technician or self.env._("Our technician")
        # sudo: a setting (minutes) read by the customer's request.
        hold = int(
            self.env["ir.config_parameter"].sudo().get_param(HOLD_PARAM, DEFAULT_HOLD_MINUTES)
        )
        until = self.fs_not_home_at + timedelta(minutes=hold)
        if now < until:
            return self.env._(
                "%(technician)s is at your address and could not reach you. We hold your visit "
                "until %(time)s.",
                technician=technician,
                time=windows.format_hour(until, zone, self.env.lang),
            )
        return self.env._(
            "%(technician)s came at %(time)s and could not reach you.",
            technician=technician,
            time=windows.format_hour(self.fs_not_home_at, zone, self.env.lang),
        )

    def _fs_portal_timeline(self):
        labels = {
            "booked": self.env._("Booked"),
            "confirmed": self.env._("Confirmed"),
            "en_route": self.env._("On the way"),
            "on_site": self.env._("Arrived"),
            "done": self.env._("Done"),
            "cancelled": self.env._("Cancelled"),
            "not_home": self.env._("We missed you"),
            "unfinished": self.env._("Follow-up needed"),
        }
        return [
            {"key": step.key, "label": labels[step.key], "status": step.status}
            for step in rules.timeline(
                self.fs_state, bool(self.fs_en_route_at), bool(self.fs_arrived_at)
            )
        ]

    def _fs_portal_technician(self):
        """First name and the job's skills the technician holds; never ids, phone or e-mail."""
        self.ensure_one()
        # sudo: portal and public users cannot read hr.employee; only the first name leaves.
        technician = self.fs_technician_id.sudo()
        if not technician:
            return False
        held = technician._fs_held_skills()[technician.id]
        required = self.fs_required_skill_ids.sudo()  # sudo: the job's skill names only
        skills = [
            line.skill_id.name
            for line in required
            if held.get(line.skill_id.id, -1) >= line.skill_level_id.level_progress
        ]
        return {
            "first_name": rules.first_name(technician.name),
            "skills": skills,
            # Without a photo the page shows the first letter on the company's colour.
            "has_photo": technician._fs_has_photo(),
            "initial": (technician.name or "?")[:1].upper(),
        }

    def _fs_portal_values(self, now=None):
        """Everything the visit page shows, whitelisted: plain strings, numbers and lists."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        site = self.fs_site_id
        address = ", ".join(
            filter(None, [site.street, site.street2, " ".join(filter(None, [site.zip, site.city]))])
        )
        change_problem = self._fs_portal_change_problem(now)
        cancel_problem = self._fs_portal_cancel_problem()
        company = self._fs_message_company()
        ahead = self.fs_state in AHEAD_STATES
        return {
            "visit_id": self.id,
            "title": self.fs_job_type_id.name or self.env._("Your visit"),
            "company_name": company.name,
            "company_phone": company.phone or "",
            "brand_style": self._fs_portal_brand_style(),
            "not_home_text": self._fs_portal_not_home_text(now),
            # Only until the technician is there: then there is nothing left to prepare.
            "preparation": (ahead and self.fs_job_type_id.customer_preparation) or "",
            "address": address,
            "access_notes": self.fs_access_notes or "",
            "notes_editable": self.fs_state in vs.OPEN_STATES,
            "technician": self._fs_portal_technician(),
            "timeline": self._fs_portal_timeline(),
            "live": self._fs_portal_eta_values(now),
            "can_reschedule": not change_problem,
            "change_problem": change_problem,
            "can_cancel": not cancel_problem,
            "cancel_problem": cancel_problem if change_problem != cancel_problem else False,
            "cancel_reason": self.fs_cancel_reason if self.fs_state == vs.CANCELLED else "",
            # Why the work stopped, in the customer's words (never the technician's note).
            "unfinished_reason": self._fs_customer_unfinished_reason()
            if self.fs_state == vs.UNFINISHED
            else "",
            "cutoff_hours": self._fs_portal_setting("change_cutoff_hours"),
            "has_calendar": ahead and bool(self.fs_window_start and self.fs_window_end),
        }

    # ---- feasible windows ------------------------------------------------------------------

    @api.model
    def _fs_booking_settings(self):
        """The office books by the same rule and settings as the customer reschedules."""
        return dict(
            super()._fs_booking_settings(),
            per_window=self._fs_portal_setting("visits_per_window"),
            parts_lead_hours=self._fs_portal_setting("parts_lead_hours"),
        )

    def _fs_portal_slots(self, now=None, day=None):
        """The windows the customer may move to: the booking rule's (``_fs_offer_windows``),
        after the cut-off, within ``reschedule_days``; ``day`` limits it to one local day."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        zone = self._fs_portal_zone()
        earliest = now + timedelta(hours=self._fs_portal_setting("change_cutoff_hours"))
        first_day = windows.to_local(earliest, zone).date()
        horizon = max(1, self._fs_portal_setting("reschedule_days"))
        if day and not first_day <= day < first_day + timedelta(days=horizon):
            return []
        days = [day] if day else [first_day + timedelta(days=offset) for offset in range(horizon)]
        length = 120
        if self.fs_window_start and self.fs_window_end and not self._fs_honest_windows():
            length = int((self.fs_window_end - self.fs_window_start).total_seconds() // 60)
        # Measured windows: starts every two hours, each window as wide as the day can keep.
        # sudo: the customer cannot read skills, parts or sites; only free windows leave.
        visit = self.sudo()
        return self._fs_offer_windows(
            site=visit.fs_site_id,
            company=visit.company_id or self.env.company,
            required=visit.fs_required_skill_ids._fs_as_requirements(),
            service_minutes=visit.fs_service_minutes,
            parts={line.product_id.id: line.quantity for line in visit.fs_part_ids},
            days=days,
            window_minutes=length,
            earliest=earliest,
            exclude_visit=self,
            exclude=(self.fs_window_start, self.fs_window_end) if self.fs_window_start else None,
            preferred=visit.fs_technician_id.id or None,
            job_type=visit.fs_job_type_id or None,  # its measured spread sizes the windows
        )

    def _fs_portal_slot_choices(self, now=None):
        """The free windows grouped by local day, as the reschedule form lists them."""
        self.ensure_one()
        zone = self._fs_portal_zone()
        today = windows.to_local(now or fields.Datetime.now(), zone).date()
        names = {today: self.env._("Today"), today + timedelta(days=1): self.env._("Tomorrow")}
        days = []
        for slot in self._fs_portal_slots(now):
            start = windows.to_local(slot.start, zone)
            label = windows.format_day(start.date(), self.env.lang)
            if start.date() in names:
                label = f"{names[start.date()]}, {label}"
            if not days or days[-1]["label"] != label:
                days.append({"label": label, "slots": []})
            days[-1]["slots"].append(
                {
                    "value": fields.Datetime.to_string(slot.start),
                    "label": "–".join(
                        windows.format_hour(moment, zone, self.env.lang)
                        for moment in (slot.start, slot.end)
                    ),
                }
            )
        return days

    # ---- what the customer may change (POST only) -----------------------------------------

    def _fs_portal_reschedule(self, start_text, version_text):
        """Move the visit to the free window starting at ``start_text`` (UTC, as offered),
        from the form that showed schedule version ``version_text``.

        Raises UserError with a readable sentence when the move is not allowed or the window
        is no longer free, and StaleVisitError when someone changed the visit's time or
        technician since the form was shown. Concurrency: the chosen window's technicians are
        locked (see ``fs.booking.lock``), so two customers taking the last place get one
        success. A successful move gives the visit a new token: the old link stops working.
        """
        self.ensure_one()
        now = fields.Datetime.now()
        problem = self._fs_portal_change_problem(now)
        if problem:
            raise UserError(problem)
        try:
            start = fields.Datetime.to_datetime(start_text)
        except ValueError:
            start = None
        if not start:
            raise UserError(self.env._("Please pick one of the times offered."))
        if start == self.fs_window_start:
            return True  # the same submission again (double click, retried request)
        if self._fs_portal_version(version_text) != self.fs_schedule_version:
            raise StaleVisitError(
                self.env._(
                    "This visit changed meanwhile: it is now %(window)s. Nothing was changed "
                    "on your side; here are the times still free.",
                    window=self.fs_window_display or self.env._("without a time"),
                )
            )
        day = windows.to_local(start, self._fs_portal_zone()).date()
        chosen = next(
            (slot for slot in self._fs_portal_slots(now, day=day) if slot.start == start), None
        )
        if not chosen:
            raise UserError(
                self.env._(
                    "Sorry, this time is no longer available: it may just have been taken. "
                    "Here are the times still free."
                )
            )
        # Lock the window's technicians. If another booking for them committed after this
        # request's snapshot, this raises a serialization failure and Odoo retries the whole
        # request, which then sees that booking: the count above is never stale when we write.
        self.env["fs.booking.lock"].sudo()._fs_lock(chosen.technicians)  # sudo: system table
        # Then the visit's row: a dispatcher's change committed meanwhile makes this retry.
        self._fs_lock_schedule()
        values = {
            "fs_window_start": chosen.start,
            "fs_window_end": chosen.end,
            "fs_eta": False,
            "fs_route_sequence": 0,
            # A new token: the old link (in older messages, a forwarded e-mail) stops working;
            # messages read the link when they are sent, so the new ones carry this one.
            "access_token": str(uuid.uuid4()),
        }
        if self.fs_technician_id.id not in chosen.technicians:
            values["fs_technician_id"] = chosen.technicians[0]
        before = self.fs_window_display
        old_window = (self.fs_window_start, self.fs_window_end)
        # sudo: the customer moves their own visit through this checked method only.
        visit = self.sudo().with_context(fs_promise_source="customer")
        visit.write(values)
        visit.message_post(
            body=self.env._(
                "The customer moved the visit from %(before)s to %(after)s.",
                before=before or "-",
                after=visit.fs_window_display,
            ),
            author_id=self.partner_id.id or None,
            subtype_xmlid="mail.mt_note",
        )
        visit._fs_tell_office(
            lambda env: env._(
                "The customer moved the visit to %(after)s", after=self._fs_office_window(env)
            ),
            lambda env: [
                env._(
                    "%(customer)s moved the visit from %(before)s to %(after)s.",
                    customer=self.partner_id.display_name or "-",
                    before=self._fs_office_window(env, *old_window),
                    after=self._fs_office_window(env),
                ),
                env._("Technician: %(name)s", name=self.fs_technician_id.name or "-"),
            ],
        )
        return True

    def _fs_office_window(self, env, start=None, end=None):
        """The window (the visit's, or ``start``-``end``) as the office reads it in ``env``."""
        start, end = (start, end) if start else (self.fs_window_start, self.fs_window_end)
        if not (start and end):
            return env._("without a time")
        return windows.format_window(start, end, self._fs_zone()[0], env.lang)

    @staticmethod
    def _fs_portal_version(version_text):
        """The schedule version a form carried, or None when it carried none."""
        try:
            return int(version_text)
        except (TypeError, ValueError):
            return None

    def _fs_portal_cancel(self, reason):
        self.ensure_one()
        reason = self._fs_portal_text(reason, REASON_MAX, self.env._("Your reason"))
        if not reason:
            raise UserError(self.env._("Please tell us why you cancel, in a few words."))
        problem = self._fs_portal_cancel_problem()
        if problem:
            raise UserError(problem)
        # sudo: the customer cancels their own visit through this checked method only.
        visit = self.sudo()
        window = (self.fs_window_start, self.fs_window_end)
        visit._fs_move(vs.CANCELLED, {"fs_cancel_reason": reason})
        visit.message_post(
            body=self.env._("The customer cancelled the visit: %(reason)s", reason=reason),
            author_id=self.partner_id.id or None,
            subtype_xmlid="mail.mt_note",
        )
        visit._fs_tell_office(
            lambda env: env._(
                "The customer cancelled the visit of %(window)s",
                window=self._fs_office_window(env, *window),
            ),
            lambda env: [
                env._(
                    "%(customer)s cancelled the visit of %(window)s.",
                    customer=self.partner_id.display_name or "-",
                    window=self._fs_office_window(env, *window),
                ),
                env._("Reason: %(reason)s", reason=reason),
            ],
        )
        return True

    def _fs_portal_set_access_notes(self, notes):
        self.ensure_one()
        if self.fs_state not in vs.OPEN_STATES:
            raise UserError(self.env._("This visit is closed: its access notes cannot change."))
        notes = self._fs_portal_text(notes, NOTES_MAX, self.env._("Your access notes"))
        if notes == (self.fs_access_notes or ""):
            return True
        # sudo: the customer edits this one field of their own visit through this method.
        visit = self.sudo()
        visit.fs_access_notes = notes
        visit.message_post(
            body=self.env._("The customer updated the access notes."),
            author_id=self.partner_id.id or None,
            subtype_xmlid="mail.mt_note",
        )
        return True

    # ---- files: calendar, QR code ----------------------------------------------------------

    def _fs_portal_ics(self):
        """The visit as an iCalendar event: window in UTC, what, where; nothing internal."""
        self.ensure_one()
        if not (self.fs_window_start and self.fs_window_end):
            raise UserError(self.env._("This visit has no window yet."))
        host = urlsplit(self.get_base_url()).hostname or "localhost"
        site = self.fs_site_id
        location = ", ".join(
            filter(None, [site.street, site.street2, site.zip, site.city, site.country_id.name])
        )
        return ics.visit_event(
            uid=f"fs-visit-{self.id}@{host}",
            start=self.fs_window_start,
            end=self.fs_window_end,
            stamp=fields.Datetime.now(),
            summary=" – ".join(
                filter(
                    None,
                    [
                        self.fs_job_type_id.name or self.env._("Visit"),
                        (self.company_id or self.env.company).name,
                    ],
                )
            ),
            location=location,
            description=self.fs_job_type_id.customer_preparation or "",
        )

    def _fs_portal_qr_data_uri(self):
        """A PNG QR code of the visit page's URL (with token), as a data URI for reports."""
        self.ensure_one()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(self._fs_portal_full_url())
        code.make(fit=True)
        buffer = io.BytesIO()
        code.make_image().save(buffer)
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
