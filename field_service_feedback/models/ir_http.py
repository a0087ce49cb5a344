import re

from werkzeug.exceptions import HTTPException

from odoo import models
from odoo.http import request

from ..tools.visit_page import NOINDEX

# The customer's visit pages: every answer there says "do not index", errors included.
VISIT_PATH = re.compile(r"/my/visits(/|$)")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """Errors raised before our controller answers (a missing CSRF token, an unknown
        route under /my/visits) carry the visit pages' X-Robots-Tag too."""
        response = super()._handle_error(exception)
        if VISIT_PATH.match(request.httprequest.path):
            if isinstance(response, HTTPException):
                response = response.get_response(request.httprequest.environ)
            response.headers["X-Robots-Tag"] = NOINDEX
        return response
