from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import geo, windows
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import AccessError

from ..tools import route_map

# What the map uses when the tile settings are empty (web_leaflet_lib stores "False" then).
DEFAULT_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
# web_leaflet_lib's own attribution on install (it names no contributors).
LIBRARY_ATTRIBUTION = "&copy; <a href='http://www.openstreetmap.org/copyright'>OpenStreetMap</a>"
TILE_URL_PARAM = "leaflet.tile_url"
TILE_ATTRIBUTION_PARAM = "leaflet.copyright"
# Looked ahead and back for the day switcher's "next day with visits".
BUSY_DAY_HORIZON_DAYS = 60


class FsRouteMap(models.AbstractModel):
    """The routes map's data: the day's (or a plan's) routes per technician, as JSON-ready dicts
    for the web client's FsRouteMap component (Leaflet)."""

    _name = "fs.route.map"
    _description = "Routes map data"

    # ---- the dispatcher's map of a day ------------------------------------------------------

    @api.model
    def fs_day_map(self, day=False):
        """The visits of ``day`` (default: today) of the user's companies, per technician in
        route order (the applied plan's stop numbers, else the windows), with the tile settings
        and the nearest days with visits for the day switcher."""
        self._fs_check_dispatcher()
        day = fields.Date.to_date(day) if day else fields.Date.context_today(self)
        Task = self.env["project.task"]
        base = [
            ("fs_is_visit", "=", True),
            ("fs_state", "!=", vs.CANCELLED),
            ("company_id", "in", self.env.companies.ids),
        ]
        visits = Task.search([*base, ("fs_visit_date", "=", day)])
        data = self._fs_payload(
            visits,
            technician=lambda visit: visit.fs_technician_id,
            order=lambda visit: (
                visit.fs_route_sequence or 10**6,
                visit.fs_window_start or fields.Datetime.now(),
            ),
            eta=lambda visit: visit.fs_eta,
        )
        horizon = timedelta(days=BUSY_DAY_HORIZON_DAYS)
        later = Task.search_fetch(
            [*base, ("fs_visit_date", ">", day), ("fs_visit_date", "<=", day + horizon)],
            ["fs_visit_date"],
            order="fs_visit_date",
            limit=1,
        )
        earlier = Task.search_fetch(
            [*base, ("fs_visit_date", "<", day), ("fs_visit_date", ">=", day - horizon)],
            ["fs_visit_date"],
            order="fs_visit_date desc",
            limit=1,
        )
        data.update(
            date=fields.Date.to_string(day),
            date_display=windows.format_day(day, self.env.lang),
            next_busy_date=fields.Date.to_string(later.fs_visit_date) if later else False,
            previous_busy_date=fields.Date.to_string(earlier.fs_visit_date) if earlier else False,
        )
        return data

    # ---- the dispatcher's live map ----------------------------------------------------------

    @api.model
    def fs_live_map(self):
        """The vans of the technicians on the way now (today's visits "On the way" of the
        user's companies): each at its latest position, else at its previous stop of the day,
        else at its start, with the visit it drives to (customer, window, ETA). Positions of
        visits not on the way are never read."""
        self._fs_check_dispatcher()
        lang = self.env.lang
        today = fields.Date.context_today(self)
        Task = self.env["project.task"]
        base = [
            ("fs_is_visit", "=", True),
            ("company_id", "in", self.env.companies.ids),
            ("fs_visit_date", "=", today),
            ("fs_technician_id", "!=", False),
        ]
        on_the_way = Task.search([*base, ("fs_state", "=", vs.EN_ROUTE)])
        # The day's stops already reached or closed: where a van without a position was last.
        reached = Task.search(
            [
                *base,
                ("fs_technician_id", "in", on_the_way.fs_technician_id.ids),
                ("fs_state", "in", (vs.ON_SITE, *vs.CLOSED_STATES)),
                ("fs_state", "!=", vs.CANCELLED),
            ]
        )
        # Where the vans without a position were last, read at once (not one partner per van).
        reached.fs_site_id.fetch(["name", "partner_latitude", "partner_longitude"])
        live = on_the_way._fs_live_positions()  # only visits on the way have one; one query
        vans, seen = [], set()
        for visit in on_the_way.sorted(
            lambda v: (v.fs_en_route_at or v.fs_window_start, v.id), reverse=True
        ):
            # sudo: dispatchers may not read employees; names, colours and start points are
            # shown (read for every van at once: the record keeps its prefetch).
            employee = visit.fs_technician_id.sudo()
            if employee.id in seen:  # one van per technician: the visit they left for last
                continue
            seen.add(employee.id)
            zone, _note = visit._fs_zone()
            position = live.get(visit.id)
            before = reached.filtered(
                lambda v, visit=visit: v.fs_technician_id == visit.fs_technician_id
                and (v.fs_route_sequence or 0, v._fs_board_start())
                <= (visit.fs_route_sequence or 0, visit._fs_board_start())
            ).sorted(lambda v: (v.fs_route_sequence or 0, v._fs_board_start(), v.id))
            start, end = visit.fs_window_start, visit.fs_window_end
            vans.append(
                route_map.MapVan(
                    technician=route_map.MapTechnician(
                        id=employee.id,
                        name=employee.name,
                        color_index=employee.color,
                        start=self._fs_point(
                            employee.fs_start_partner_id or employee.company_id.partner_id
                        ),
                    ),
                    visit=route_map.MapVisit(
                        id=visit.id,
                        name=visit.name,
                        point=self._fs_point(visit.fs_site_id),
                        technician_id=employee.id,
                        customer=visit.partner_id.name or "",
                        window=(
                            f"{windows.format_hour(start, zone, lang)}–"
                            f"{windows.format_hour(end, zone, lang)}"
                            if start and end
                            else ""
                        ),
                        eta=windows.format_hour(visit.fs_eta, zone, lang) if visit.fs_eta else "",
                        state=visit.fs_state,
                    ),
                    position=(
                        route_map.MapPoint(position["latitude"], position["longitude"])
                        if position
                        else None
                    ),
                    stale=bool(position and position.get("stale")),
                    recorded=(
                        windows.format_hour(
                            fields.Datetime.to_datetime(position["recorded_at"]), zone, lang
                        )
                        if position and position.get("recorded_at")
                        else ""
                    ),
                    previous_stop=self._fs_point(before[-1:].fs_site_id) if before else None,
                )
            )
        data = route_map.live_vans(vans)
        visit_form = self.env.ref(
            "field_service_cx.project_task_view_form_fs_visit", raise_if_not_found=False
        )
        now = fields.Datetime.now()
        data.update(
            tiles=self._fs_tiles(),
            visit_view_id=visit_form.id if visit_form else False,
            date=fields.Date.to_string(today),
            date_display=windows.format_day(today, lang),
            updated=windows.format_hour(now, self._fs_user_zone(), lang),
        )
        return data

    @api.model
    def _fs_user_zone(self):
        zone, _note = windows.resolve_zone(self.env.company.partner_id.tz, self.env.user.tz)
        return zone

    # ---- a day plan's map -------------------------------------------------------------------

    @api.model
    def _fs_plan_map(self, plan):
        """The routes of ``plan`` as solved (its stops' order and arrivals, applied or not)."""
        stops = plan.stop_ids.filtered("technician_id")
        by_visit = {stop.task_id.id: stop for stop in stops}
        return self._fs_payload(
            stops.task_id,
            technician=lambda visit: by_visit[visit.id].technician_id,
            order=lambda visit: (by_visit[visit.id].sequence,),
            eta=lambda visit: by_visit[visit.id].arrival,
        )

    # ---- shared ---------------------------------------------------------------------------

    @api.model
    def _fs_payload(self, visits, technician, order, eta):
        """Routes, unassigned and unlocated visits, and the tiles; ``technician``, ``order`` and
        ``eta`` read each visit's plan or its own values."""
        lang = self.env.lang
        technicians = self.env["hr.employee"].browse()
        for visit in visits:
            technicians |= technician(visit)
        map_technicians = [
            route_map.MapTechnician(
                id=employee.id,
                name=employee.name,
                color_index=employee.color,
                start=self._fs_point(
                    employee.fs_start_partner_id or employee.company_id.partner_id
                ),
            )
            for employee in technicians
        ]
        map_visits = []
        for visit in visits:
            zone, _note = visit._fs_zone()
            start, end, arrival = visit.fs_window_start, visit.fs_window_end, eta(visit)
            map_visits.append(
                route_map.MapVisit(
                    id=visit.id,
                    name=visit.name,
                    point=self._fs_point(visit.fs_site_id),
                    technician_id=technician(visit).id or None,
                    order=order(visit),
                    customer=visit.partner_id.name or "",
                    window=(
                        f"{windows.format_hour(start, zone, lang)}–"
                        f"{windows.format_hour(end, zone, lang)}"
                        if start and end
                        else ""
                    ),
                    eta=windows.format_hour(arrival, zone, lang) if arrival else "",
                    state=visit.fs_state or "",
                )
            )
        data = route_map.day_routes(map_visits, map_technicians)
        visit_form = self.env.ref(
            "field_service_cx.project_task_view_form_fs_visit", raise_if_not_found=False
        )
        data.update(tiles=self._fs_tiles(), visit_view_id=visit_form.id if visit_form else False)
        return data

    @api.model
    def _fs_point(self, partner):
        lat, lng = partner.partner_latitude, partner.partner_longitude
        if not partner or not geo.is_real_point(lat, lng):
            return None
        return route_map.MapPoint(lat, lng, partner.name)

    @api.model
    def _fs_tiles(self):
        """The tile server the map loads its background from (Settings › Field Service)."""
        # sudo: the tile settings are system parameters every map user needs to read.
        params = self.env["ir.config_parameter"].sudo()
        url = params.get_param(TILE_URL_PARAM) or ""
        attribution = params.get_param(TILE_ATTRIBUTION_PARAM) or ""
        return {
            "url": url if url.strip() not in ("", "False") else DEFAULT_TILE_URL,
            "attribution": attribution.strip() or DEFAULT_TILE_ATTRIBUTION,
        }

    @api.model
    def _fs_init_tiles(self):
        """On install: OpenStreetMap's tiles and attribution where nothing is set yet (the
        library leaves "False"); a tile server someone chose is kept."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: install-time system settings
        if (params.get_param(TILE_URL_PARAM) or "").strip() in ("", "False"):
            params.set_param(TILE_URL_PARAM, DEFAULT_TILE_URL)
        attribution = (params.get_param(TILE_ATTRIBUTION_PARAM) or "").strip()
        if not attribution or attribution == LIBRARY_ATTRIBUTION:
            params.set_param(TILE_ATTRIBUTION_PARAM, DEFAULT_TILE_ATTRIBUTION)

    def _fs_check_dispatcher(self):
        if not self.env.user.has_group("field_service_cx.group_fs_dispatcher"):
            raise AccessError(self.env._("Only dispatchers can open the routes map."))
