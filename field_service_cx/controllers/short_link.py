import hmac

from odoo import http
from odoo.http import request

from ..tools import sms_links


class FsShortLink(http.Controller):
    @http.route("/v/<string:code>", type="http", auth="public", methods=["GET"], readonly=True)
    def visit_short_link(self, code):
        """An SMS's short link: 303 to the visit's own page (with its token), else 404.

        GET changes nothing; the code is checked against the visit's current token, so a link
        from before a reschedule (rotated token) is refused like the long one.
        """
        visit_id = sms_links.parse_short_code(code)
        # sudo: the code, compared with the one of this visit's token, is the credential.
        visit = request.env["project.task"].sudo().browse(visit_id).exists() if visit_id else None
        if not visit or not visit.fs_is_visit or not visit.access_token:
            raise request.not_found()
        if not hmac.compare_digest(visit._fs_short_code(), code):
            raise request.not_found()
        response = request.redirect(visit.get_portal_url(), code=303, local=True)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
