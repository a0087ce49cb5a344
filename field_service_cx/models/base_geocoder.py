import logging

import requests

from odoo import api, models

from ..tools import geo

_logger = logging.getLogger(__name__)

NOMINATIM_URL = "https://nominatim.openstreetmap.org/search"
# Seconds to connect and to read: a geocoder that hangs must not hold a cron worker.
NOMINATIM_TIMEOUT = (5, 10)
# Nominatim's usage policy: at most one request per second, per application.
NOMINATIM_PACE = geo.Throttle(1.0)


class BaseGeocoder(models.AbstractModel):
    """Nominatim with a timeout, the usage policy's pace and an honest "no match"."""

    _inherit = "base.geocoder"

    @api.model
    def _call_openstreetmap(self, addr, **kw):
        """(latitude, longitude) for ``addr``, None when nothing matches.

        Network errors, timeouts and refusals (HTTP 4xx/5xx, e.g. 429 when over the limit)
        raise ``UserError`` through ``_raise_query_error``, as the core provider does; (0, 0)
        and malformed answers count as no match.
        """
        if not addr:
            return None
        params = {"format": "jsonv2", "q": addr, "limit": 1}
        if kw.get("fs_country_code"):
            params["countrycodes"] = kw["fs_country_code"].lower()
        # sudo: the public base URL identifies us to Nominatim, as its usage policy asks.
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        headers = {"User-Agent": f"Odoo Field Service CX ({base_url})".replace(" ()", "")}
        NOMINATIM_PACE.wait()
        try:
            response = requests.get(
                NOMINATIM_URL, params=params, headers=headers, timeout=NOMINATIM_TIMEOUT
            )
            response.raise_for_status()
            matches = response.json()
        except (requests.RequestException, ValueError) as error:
            self._raise_query_error(error)
        _logger.info("Nominatim called: %d match(es)", len(matches or []))
        try:
            latitude, longitude = float(matches[0]["lat"]), float(matches[0]["lon"])
        except (IndexError, KeyError, TypeError, ValueError):
            return None
        return (latitude, longitude) if geo.is_real_point(latitude, longitude) else None
