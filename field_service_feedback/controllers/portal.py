import json
import secrets
from urllib.parse import urlencode

from markupsafe import Markup
from werkzeug.exceptions import abort

from odoo import http
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.project.controllers.portal import ProjectCustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq

from ..tools.customer_text import echo, without_control
from ..tools.feedback import valid_rater_key
from ..tools.visit_page import NOINDEX

# Responses that carry (or were reached with) a visit token: never cached, never leaked
# through the Referer header to another site, never indexed.
TOKEN_HEADERS = [
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", NOINDEX),
]
# What decides whether a token opens a visit, read in one query.
LINK_FIELDS = ["access_token", "fs_is_visit", "fs_state", "fs_cancelled_at", "fs_done_at"]
# The visit pages' 404 and 410: short pages built without a query or the site's layout, so
# that a stranger's guesses cost little and every route (page, JSON, files) answers the same.
SHORT_PAGE = Markup(
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"/>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
    "<title>{title}</title></head>"
    '<body style="font-family: sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem">'
    "<h1>{title}</h1><p>{text}</p>{contact}</body></html>"
)
CONTACT = Markup("<p><strong>{name}</strong></p>")
CONTACT_PHONE = Markup('<p><a href="tel:{phone}">{label}</a></p>')
CONTACT_EMAIL = Markup('<p><a href="mailto:{email}">{label}</a></p>')
# What a successful POST says once the customer is back on the page (?done=<key>).
DONE_MESSAGES = ("rescheduled", "cancelled", "notes", "rated", "disputed", "confirmed")
# The browser's own random key: it lets the browser that rated edit its rating for a while.
# HttpOnly (never in the page or scripts), sent only to the visit pages.
RATER_COOKIE = "fs_rater"
RATER_COOKIE_PATH = "/my/visits"


class FieldServicePortal(CustomerPortal):
    """The customer's visit page: one token link, read by GET, changed only by POST forms."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "fs_visit_count" in counters:
            values["fs_visit_count"] = self._fs_my_visits().search_count(self._fs_my_domain())
        return values

    def _fs_my_visits(self):
        # sudo: portal users get no rule on tasks (it would open internal fields to RPC); the
        # domain of _fs_my_domain limits the list to visits of the user's own company.
        return request.env["project.task"].sudo()

    def _fs_my_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("fs_is_visit", "=", True), ("partner_id", "child_of", partner.id)]

    def _fs_visit(self, visit_id, access_token):
        """The visit (sudo, from core's check), or the request ends: a missing visit, a wrong,
        mutated or another visit's token and another customer's login all get the same 404;
        a link that served its purpose gets the expired page (410)."""
        if request.env.user._is_public():
            # A visitor without login can only hold the token: check it the way core's
            # _document_check_access ends (this visit's own token, constant-time compare)
            # without first trying, and failing, read access as the public user.
            # sudo: the token, compared with this visit's, is the visitor's credential.
            tasks = request.env["project.task"].sudo()
            found = tasks.with_context(active_test=False).search_fetch(
                [("id", "=", visit_id)], LINK_FIELDS, limit=1
            )
            token = found.access_token
            if not (access_token and token and found.fs_is_visit and consteq(token, access_token)):
                self._fs_not_found()
            visit_sudo = tasks.browse(found.id)
        else:
            try:
                visit_sudo = self._document_check_access("project.task", visit_id, access_token)
            except (AccessError, MissingError):
                self._fs_not_found()
            if not visit_sudo.fs_is_visit:
                self._fs_not_found()
        visit_sudo = self._fs_speak_customer_language(visit_sudo)
        if visit_sudo._fs_portal_link_expired():
            self._fs_expired(visit_sudo)
        return visit_sudo

    def _fs_speak_customer_language(self, visit_sudo):
        """The visit's pages speak the customer's language (the one of their messages) when
        it is installed; otherwise the browser's, as for any page."""
        lang = visit_sudo.fs_site_id.lang or visit_sudo.partner_id.lang
        data = request.env["res.lang"]._get_data(code=lang) if lang else None
        if not data or not data.code or lang == request.env.lang:
            return visit_sudo
        request.update_context(lang=lang)
        if hasattr(request, "lang"):  # http_routing's page language (the <html lang>)
            request.lang = data
        return visit_sudo.with_context(lang=lang)

    def _fs_short_page(self, status, title, text, contact=""):
        page = SHORT_PAGE.format(title=title, text=text, contact=contact)
        headers = [("Content-Type", "text/html; charset=utf-8"), *TOKEN_HEADERS]
        abort(request.make_response(page, headers=headers, status=status))

    def _fs_not_found(self):
        self._fs_short_page(
            404,
            request.env._("Link not found"),
            request.env._(
                "This link does not open any visit. Please use the link in our latest message "
                "to you, or call us."
            ),
        )

    def _fs_expired(self, visit_sudo):
        """The short "this link has expired" page (410): how to reach us, nothing personal."""
        company = visit_sudo.company_id or visit_sudo.project_id.company_id or request.env.company
        contact = CONTACT.format(name=company.name)
        if company.phone:
            label = request.env._("Call us: %(phone)s", phone=company.phone)
            contact += CONTACT_PHONE.format(phone=company.phone, label=label)
        if company.email:
            label = request.env._("Write to us: %(email)s", email=company.email)
            contact += CONTACT_EMAIL.format(email=company.email, label=label)
        self._fs_short_page(
            410,
            request.env._("This link has expired"),
            request.env._(
                "This visit's page is no longer online. For anything about it, please contact us."
            ),
            contact,
        )

    def _fs_client(self):
        """Where this request comes from: kept with the customer's changes (audit)."""
        http_request = request.httprequest
        return {
            "remote_addr": http_request.remote_addr,
            # As the browser sent it, minus control characters (PostgreSQL refuses NUL).
            "user_agent": without_control(http_request.user_agent.string),
        }

    def _fs_too_many_changes(self, visit_sudo, access_token):
        """The visit page with a "try again later" (HTTP 429) once the visit took its hourly
        number of changes, else None."""
        if visit_sudo._fs_portal_changes_left():
            return None
        error = request.env._(
            "You have made many changes in a short time. Please try again later, or call us."
        )
        return self._fs_page(visit_sudo, access_token, error=error, status=429)

    def _fs_log(self, visit_sudo, action, accepted):
        visit_sudo._fs_portal_log_post(action, accepted, **self._fs_client())

    def _fs_url(self, visit_id, access_token, suffix="", **params):
        if access_token:
            params["access_token"] = access_token
        query = f"?{urlencode(params)}" if params else ""
        return f"/my/visits/{visit_id}{suffix}{query}"

    def _fs_render(self, template, values, status=200):
        response = request.render(template, values, status=status)
        response.headers.extend(TOKEN_HEADERS)
        return response

    def _fs_redirect(self, visit_id, access_token, done):
        response = request.redirect(self._fs_url(visit_id, access_token, done=done), code=303)
        response.headers.extend(TOKEN_HEADERS)
        return response

    def _fs_change(self, visit_id, access_token, done, change, form=None):
        """A customer's change (POST): ``change(visit_sudo)`` calls one checked model method.

        Its UserError is shown on the visit page with what they typed (``form``), nothing
        written; success redirects (303). Each change counts towards the hourly limit.
        """
        visit_sudo = self._fs_visit(visit_id, access_token)
        if refused := self._fs_too_many_changes(visit_sudo, access_token):
            return refused
        try:
            change(visit_sudo)
        except UserError as error:
            self._fs_log(visit_sudo, done, False)
            return self._fs_page(visit_sudo, access_token, error=error.args[0], form=form)
        self._fs_log(visit_sudo, done, True)
        return self._fs_redirect(visit_id, access_token, done)

    def _fs_rater_key(self):
        return valid_rater_key(request.httprequest.cookies.get(RATER_COOKIE))

    def _fs_page(self, visit_sudo, access_token, error=None, done=None, form=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update(visit_sudo._fs_portal_values())
        values.update(visit_sudo._fs_portal_feedback_values(self._fs_rater_key()))
        values.update(
            page_name="fs_visit",
            no_breadcrumbs=not request.env.user.has_group("base.group_portal"),
            access_token=access_token or "",
            urls={
                "page": self._fs_url(visit_sudo.id, access_token),
                "eta": self._fs_url(visit_sudo.id, access_token, "/eta"),
                "ics": self._fs_url(visit_sudo.id, access_token, "/visit.ics"),
                "avatar": self._fs_url(visit_sudo.id, access_token, "/technician/avatar"),
                "reschedule": self._fs_url(visit_sudo.id, access_token, "/reschedule"),
                "cancel": f"/my/visits/{visit_sudo.id}/cancel",
                "notes": f"/my/visits/{visit_sudo.id}/notes",
                "report": self._fs_url(visit_sudo.id, access_token, "/report.pdf"),
                "rate": f"/my/visits/{visit_sudo.id}/rate",
                "dispute": f"/my/visits/{visit_sudo.id}/dispute",
                "confirm": f"/my/visits/{visit_sudo.id}/confirm",
            },
            error=error,
            # What the customer typed in a refused form (``name``: which form), shown again.
            form=form or {},
            done=done if done in DONE_MESSAGES else None,
        )
        if values["live"]["state"] == vs.EN_ROUTE:  # the live map: its first data and its tiles
            values.update(
                map_json=json.dumps(values["live"]["map"] or None),
                map_tiles=visit_sudo._fs_portal_map_tiles(),
            )
        return self._fs_render("field_service_feedback.portal_my_visit", values, status)

    # ---- pages (GET: they never change anything) ------------------------------------------

    @http.route(
        ["/my/visits", "/my/visits/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_visits(self, page=1, **kw):
        visits = self._fs_my_visits()
        domain = self._fs_my_domain()
        pager = portal_pager(
            url="/my/visits",
            total=visits.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        visits = visits.search(
            domain,
            order="fs_window_start desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        labels = dict(visits._fields["fs_state"]._description_selection(request.env))
        # Whitelisted values only; the links carry each visit's token (the page's credential).
        rows = [
            {
                "url": visit.get_portal_url(),
                "title": visit.fs_job_type_id.name or request.env._("Visit"),
                "window": visit.fs_window_display or "",
                "state": visit.fs_state,
                "state_label": labels.get(visit.fs_state, ""),
            }
            for visit in visits
        ]
        values = self._prepare_portal_layout_values()
        values.update(page_name="fs_visits", visits=rows, pager=pager, default_url="/my/visits")
        return self._fs_render("field_service_feedback.portal_my_visits", values)

    @http.route(
        "/my/visits/<int:visit_id>", type="http", auth="public", methods=["GET"], website=True
    )
    def portal_my_visit(self, visit_id, access_token=None, done=None, **kw):
        visit_sudo = self._fs_visit(visit_id, access_token)
        return self._fs_page(visit_sudo, access_token, done=done)

    @http.route(
        "/my/visits/<int:visit_id>/eta", type="http", auth="public", methods=["GET"], readonly=True
    )
    def portal_my_visit_eta(self, visit_id, access_token=None, **kw):
        visit_sudo = self._fs_visit(visit_id, access_token)
        return request.make_json_response(visit_sudo._fs_portal_eta_values(), headers=TOKEN_HEADERS)

    @http.route("/my/visits/<int:visit_id>/visit.ics", type="http", auth="public", methods=["GET"])
    def portal_my_visit_ics(self, visit_id, access_token=None, **kw):
        visit_sudo = self._fs_visit(visit_id, access_token)
        try:
            body = visit_sudo._fs_portal_ics()
        except UserError:
            raise request.not_found()
        return request.make_response(
            body.encode(),
            headers=[
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Disposition", f'attachment; filename="visit-{visit_id}.ics"'),
                *TOKEN_HEADERS,
            ],
        )

    @http.route(
        "/my/visits/<int:visit_id>/technician/avatar",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
    )
    def portal_my_visit_avatar(self, visit_id, access_token=None, **kw):
        visit_sudo = self._fs_visit(visit_id, access_token)
        # sudo: the technician's picture is shown to this visit's customer; the employee id
        # never leaves the server (the URL names the visit).
        technician = visit_sudo.fs_technician_id.sudo()
        if not technician:
            raise request.not_found()
        stream = request.env["ir.binary"]._get_image_stream_from(technician, "avatar_128")
        response = stream.get_response()
        response.headers.extend(TOKEN_HEADERS)
        return response

    @http.route(
        "/my/visits/<int:visit_id>/reschedule",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_visit_reschedule_form(self, visit_id, access_token=None, **kw):
        visit_sudo = self._fs_visit(visit_id, access_token)
        return self._fs_reschedule_page(visit_sudo, access_token)

    def _fs_reschedule_page(self, visit_sudo, access_token, error=None):
        values = self._prepare_portal_layout_values()
        problem = visit_sudo._fs_portal_change_problem()
        values.update(
            page_name="fs_visit",
            no_breadcrumbs=True,
            visit_id=visit_sudo.id,
            title=visit_sudo.fs_job_type_id.name or request.env._("Your visit"),
            window=visit_sudo.fs_window_display or "",
            change_problem=problem,
            days=[] if problem else visit_sudo._fs_portal_slot_choices(),
            schedule_version=visit_sudo.fs_schedule_version,
            access_token=access_token or "",
            back_url=self._fs_url(visit_sudo.id, access_token),
            brand_style=visit_sudo._fs_portal_brand_style(),
            error=error,
        )
        return self._fs_render("field_service_feedback.portal_my_visit_reschedule", values)

    # ---- changes (POST with CSRF; one checked model method each) -----------------------

    @http.route(
        "/my/visits/<int:visit_id>/reschedule",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_visit_reschedule(
        self, visit_id, access_token=None, slot=None, version=None, **kw
    ):
        visit_sudo = self._fs_visit(visit_id, access_token)
        if refused := self._fs_too_many_changes(visit_sudo, access_token):
            return refused
        try:
            visit_sudo._fs_portal_reschedule(slot, version)
        except UserError as error:
            self._fs_log(visit_sudo, "rescheduled", False)
            return self._fs_reschedule_page(visit_sudo, access_token, error=error.args[0])
        self._fs_log(visit_sudo, "rescheduled", True)
        # The move gave the visit a new token: the page is reached with that one from now on.
        new_token = visit_sudo.access_token if access_token else None
        return self._fs_redirect(visit_id, new_token, "rescheduled")

    @http.route(
        "/my/visits/<int:visit_id>/cancel",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_visit_cancel(self, visit_id, access_token=None, reason=None, **kw):
        return self._fs_change(
            visit_id,
            access_token,
            "cancelled",
            lambda visit: visit._fs_portal_cancel(reason),
            form={"name": "cancel", "reason": echo(reason)},
        )

    @http.route(
        "/my/visits/<int:visit_id>/notes",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_visit_notes(self, visit_id, access_token=None, access_notes=None, **kw):
        return self._fs_change(
            visit_id,
            access_token,
            "notes",
            lambda visit: visit._fs_portal_set_access_notes(access_notes),
            form={"name": "notes", "access_notes": echo(access_notes)},
        )

    # ---- after the visit: service report, rating, questions; before it: confirm ------------

    @http.route("/my/visits/<int:visit_id>/report.pdf", type="http", auth="public", methods=["GET"])
    def portal_my_visit_report(self, visit_id, access_token=None, **kw):
        visit_sudo = self._fs_visit(visit_id, access_token)
        if visit_sudo.fs_state != vs.DONE:
            raise request.not_found()
        content, kind = visit_sudo._fs_service_report_file()
        if kind == "pdf":
            headers = [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", f'inline; filename="service-report-{visit_id}.pdf"'),
            ]
        else:  # no PDF engine on this server: the printable web version
            headers = [("Content-Type", "text/html; charset=utf-8")]
        return request.make_response(content, headers=[*headers, *TOKEN_HEADERS])

    @http.route(
        "/my/visits/<int:visit_id>/rate", type="http", auth="public", methods=["POST"], website=True
    )
    def portal_my_visit_rate(
        self, visit_id, access_token=None, stars=None, nps=None, comment=None, **kw
    ):
        visit_sudo = self._fs_visit(visit_id, access_token)
        if refused := self._fs_too_many_changes(visit_sudo, access_token):
            return refused
        key = self._fs_rater_key() or secrets.token_urlsafe(32)
        try:
            visit_sudo._fs_submit_rating(stars, nps, comment, key, client=self._fs_client())
        except UserError as error:
            self._fs_log(visit_sudo, "rated", False)
            form = {"name": "rate", "stars": stars, "nps": nps, "comment": echo(comment)}
            return self._fs_page(visit_sudo, access_token, error=error.args[0], form=form)
        self._fs_log(visit_sudo, "rated", True)
        response = self._fs_redirect(visit_id, access_token, "rated")
        response.set_cookie(
            RATER_COOKIE,
            key,
            max_age=visit_sudo._fs_rating_edit_seconds(),
            path=RATER_COOKIE_PATH,
            secure=request.httprequest.scheme == "https",
            httponly=True,
            samesite="Lax",
        )
        return response

    @http.route(
        "/my/visits/<int:visit_id>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_visit_dispute(
        self, visit_id, access_token=None, line_kind=None, line_ref=None, reason=None, **kw
    ):
        return self._fs_change(
            visit_id,
            access_token,
            "disputed",
            lambda visit: visit._fs_open_dispute(line_kind, line_ref, reason),
            form={
                "name": "dispute",
                "line_kind": line_kind,
                "line_ref": line_ref,
                "reason": echo(reason),
            },
        )

    @http.route(
        "/my/visits/<int:visit_id>/confirm",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_visit_confirm(self, visit_id, access_token=None, **kw):
        return self._fs_change(
            visit_id, access_token, "confirmed", lambda visit: visit._fs_customer_confirm()
        )


class FieldServiceTaskPortal(ProjectCustomerPortal):
    """Core's task page is the office's view of a task (description, staff, chatter): a
    visit's link, and any visitor of a visit there, go to the visit page instead."""

    @http.route()
    def portal_my_task(self, task_id, report_type=None, access_token=None, **kw):
        # sudo: one flag decides which page shows the task; the visit page checks the token.
        if request.env["project.task"].sudo().browse(task_id).exists().fs_is_visit:
            query = f"?{urlencode({'access_token': access_token})}" if access_token else ""
            response = request.redirect(f"/my/visits/{task_id}{query}", code=303)
            response.headers.extend(TOKEN_HEADERS)
            return response
        return super().portal_my_task(
            task_id, report_type=report_type, access_token=access_token, **kw
        )
