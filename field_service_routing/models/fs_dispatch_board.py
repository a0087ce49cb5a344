from datetime import datetime, time, timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.addons.field_service_cx.tools import booking, geo, windows
from odoo.addons.field_service_cx.tools import skills as skill_rules
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import AccessError, UserError

from ..tools import risk_fix

# The board's hours when nobody works that day (local).
DEFAULT_HOURS = (8, 18)
# A dropped visit that had no window gets one this long, from where it was dropped.
DROP_WINDOW_MINUTES = 120
BOARD_STATES = (*vs.PLANNED_STATES, vs.DONE, vs.NOT_HOME)
# A visit under way or closed stays where it happened.
MOVABLE_STATES = (vs.TO_SCHEDULE, vs.SCHEDULED, vs.CONFIRMED)


class FsDispatchBoard(models.AbstractModel):
    """The dispatch board's server side: one call gives the lanes, blocks, travel and queue of
    some days; one call moves a visit, with the booking rule's checks (``tools.booking``)."""

    _name = "fs.dispatch.board"
    _description = "Dispatch board"

    # ---- reading the board -----------------------------------------------------------------

    @api.model
    def fs_board_data(self, day=False, days=1):
        """Everything the board draws for ``days`` local days from ``day`` (ISO, default today).

        Times are minutes from the local midnight of their day (``day`` index in ``days``).
        """
        self._fs_check_dispatcher()
        company = self.env.company
        zone = self._fs_board_zone()
        first = fields.Date.to_date(day) or windows.to_local(fields.Datetime.now(), zone).date()
        dates = [first + timedelta(days=offset) for offset in range(max(1, min(int(days), 7)))]
        range_start, _end = windows.local_day_bounds(dates[0], zone)
        _start, range_end = windows.local_day_bounds(dates[-1], zone)
        # sudo: dispatchers may not read employees; only names, skills and hours leave.
        technicians = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [("fs_is_technician", "=", True), ("company_id", "in", [*self.env.companies.ids])],
                order="name",
            )
        )
        aware = (range_start.replace(tzinfo=windows.UTC), range_end.replace(tzinfo=windows.UTC))
        working = technicians._fs_work_intervals(*aware)
        visits = self.env["project.task"].search(
            [
                ("fs_is_visit", "=", True),
                ("fs_state", "in", BOARD_STATES),
                ("fs_technician_id", "in", technicians.ids),
                ("fs_window_start", "<", range_end),
                ("fs_window_end", ">", range_start),
            ]
        )
        if len(dates) > 1:  # a week shows the days someone works or has visits
            active = {
                windows.to_local(s, zone).date() for spans in working.values() for s, _e in spans
            }
            active |= {windows.to_local(v._fs_board_start(), zone).date() for v in visits}
            dates = [value for value in dates if value in active] or dates
        day_index = {value: index for index, value in enumerate(dates)}
        blocks = [self._fs_board_block(visit, zone, day_index) for visit in visits]
        blocks = [block for block in blocks if block]
        hours = self._fs_board_hours(working, blocks, zone)
        fixes = self._fs_board_fixes(visits, technicians, working, zone, day_index)
        fixed = {row["visit_id"] for row in fixes if row["fix"]}
        for block in blocks:
            if block["id"] in fixed:
                block["badges"].append({"kind": "fix", "label": self.env._("Suggested fix")})
        return {
            "days": [
                {
                    "date": fields.Date.to_string(value),
                    "label": windows.format_day(value, self.env.lang),
                }
                for value in dates
            ],
            "today": fields.Date.to_string(windows.to_local(fields.Datetime.now(), zone).date()),
            "hours": hours,
            "lanes": self._fs_board_lanes(technicians, working, zone, day_index),
            "blocks": blocks,
            "travel": self._fs_board_travel(visits, blocks, dates, company),
            "queue": self._fs_board_queue(),
            "fixes": fixes,
            "form_view_id": self.env.ref("field_service_cx.project_task_view_form_fs").id,
        }

    @api.model
    def _fs_check_dispatcher(self):
        """The board reads every technician's day (through sudo): dispatchers only."""
        if not self.env.user.has_group("field_service_cx.group_fs_dispatcher"):
            raise AccessError(self.env._("Only dispatchers can use the dispatch board."))

    @api.model
    def _fs_board_zone(self):
        zone, _note = windows.resolve_zone(self.env.company.partner_id.tz, self.env.user.tz)
        return zone

    @api.model
    def _fs_minutes(self, moment, zone):
        """(local date, minutes from its midnight) of a naive UTC datetime."""
        local = windows.to_local(moment, zone)
        return local.date(), local.hour * 60 + local.minute

    @api.model
    def _fs_board_block(self, visit, zone, day_index):
        start = visit._fs_board_start()
        day, start_min = self._fs_minutes(start, zone)
        if day not in day_index:
            return None
        window_day, window_start = self._fs_minutes(visit.fs_window_start, zone)
        _end_day, window_end = self._fs_minutes(visit.fs_window_end, zone)
        if window_day != day:
            window_start, window_end = start_min, start_min
        states = dict(visit._fields["fs_state"]._description_selection(self.env))
        badges = []
        if visit.fs_is_late_risk:
            badges.append({"kind": "late", "label": self.env._("Late / at risk")})
        if not visit.fs_parts_ready:
            badges.append(
                {
                    "kind": "parts",
                    "label": self.env._("Parts missing"),
                    "title": visit.fs_parts_missing or "",
                }
            )
        if visit.fs_help_channel_id and visit.fs_state in vs.PLANNED_STATES:
            badges.append(
                {
                    "kind": "help",
                    "label": self.env._("Help asked"),
                    "title": self.env._(
                        "Help asked at %(time)s: open the conversation",
                        time=windows.format_hour(
                            visit.fs_help_asked_at or fields.Datetime.now(), zone, self.env.lang
                        ),
                    ),
                    "channel_id": visit.fs_help_channel_id.id,
                }
            )
        return {
            "id": visit.id,
            "lane_id": visit.fs_technician_id.id,
            "day": day_index[day],
            "start": start_min,
            "end": start_min + (visit.fs_service_minutes or 0),
            "window_start": window_start,
            "window_end": window_end if window_end > window_start else 24 * 60,
            "window": visit.fs_window_display or "",
            "name": visit.name,
            "customer": visit.partner_id.name or "",
            "job_type": visit.fs_job_type_id.name or "",
            "state": visit.fs_state,
            "state_label": states.get(visit.fs_state, ""),
            "movable": visit.fs_state in MOVABLE_STATES,
            "version": visit.fs_schedule_version,
            "badges": badges,
        }

    @api.model
    def _fs_board_hours(self, working, blocks, zone):
        """[first hour, last hour] of the axis: the technicians' hours and the visits drawn."""
        starts, ends = [], []
        for spans in working.values():
            for span_start, span_end in spans:
                starts.append(self._fs_minutes(span_start, zone)[1])
                ends.append(self._fs_minutes(span_end, zone)[1] or 24 * 60)
        for block in blocks:
            starts.append(min(block["start"], block["window_start"]))
            ends.append(max(block["end"], block["window_end"]))
        if not starts:
            return list(DEFAULT_HOURS)
        return [min(starts) // 60, min(24, -(-max(ends) // 60))]

    @api.model
    def _fs_board_lanes(self, technicians, working, zone, day_index):
        skills = {tech.id: [] for tech in technicians}
        # sudo: the lane header shows what each technician can do (names and levels only).
        for line in (
            self.env["hr.employee.skill"]
            .sudo()
            .search([("employee_id", "in", technicians.ids)], order="skill_id")
        ):
            skills[line.employee_id.id].append(f"{line.skill_id.name} ({line.skill_level_id.name})")
        lanes = []
        for tech in technicians:
            spans = {}
            for span_start, span_end in working[tech.id]:
                day, start = self._fs_minutes(span_start, zone)
                _day, end = self._fs_minutes(span_end, zone)
                if day in day_index:
                    spans.setdefault(day_index[day], []).append([start, end or 24 * 60])
            lanes.append(
                {
                    "id": tech.id,
                    "name": tech.name,
                    "avatar": f"/web/image/hr.employee.public/{tech.id}/avatar_128",
                    "skills": ", ".join(skills[tech.id]),
                    "work": [[day, spans.get(day, [])] for day in sorted(day_index.values())],
                    "hours": [
                        self._fs_hours_label(spans.get(day, []))
                        for day in sorted(day_index.values())
                    ],
                }
            )
        return lanes

    @api.model
    def _fs_hours_label(self, spans):
        """'08:00–16:00' (first start to last end) or 'Off'."""
        if not spans:
            return self.env._("Off")
        first, last = min(s for s, _e in spans), max(e for _s, e in spans)
        return f"{first // 60:02d}:{first % 60:02d}–{last // 60:02d}:{last % 60:02d}"

    @api.model
    def _fs_board_travel(self, visits, blocks, dates, company):
        """Travel between consecutive visits of a lane's day: the plan's when the day plan
        chained them so, else the travel-time provider's estimate."""
        by_id = {visit.id: visit for visit in visits}
        lanes = {}
        for block in blocks:
            lanes.setdefault((block["lane_id"], block["day"]), []).append(block)
        stops = self.env["fs.route.stop"].search(
            [
                ("plan_id.date", "in", dates),
                ("plan_id.state", "in", ("solved", "applied")),
                ("task_id", "in", visits.ids),
                ("technician_id", "!=", False),
            ],
            order="plan_id desc, technician_id, sequence",
        )
        planned = {}  # (previous visit, visit) -> minutes, from the newest plan
        previous = {}
        for stop in stops:
            key = (stop.plan_id.id, stop.technician_id.id)
            if key in previous:
                planned.setdefault((previous[key], stop.task_id.id), stop.travel_minutes)
            previous[key] = stop.task_id.id
        pairs = []
        for day_blocks in lanes.values():
            day_blocks.sort(key=lambda block: block["start"])
            pairs.extend(pairwise(day_blocks))
        points, index = [], {}
        for before, after in pairs:
            for block in (before, after):
                if (before["id"], after["id"]) not in planned and block["id"] not in index:
                    visit = by_id[block["id"]]
                    index[block["id"]] = len(points)
                    points.append((visit.fs_site_latitude, visit.fs_site_longitude))
        durations = ()
        if points:
            durations, _distances, _note = self.env["fs.travel.matrix"]._fs_matrices(
                points, company
            )
        travel = []
        for before, after in pairs:
            minutes = planned.get((before["id"], after["id"]))
            if minutes is None:
                minutes = durations[index[before["id"]]][index[after["id"]]] / 60
            travel.append(
                {
                    "lane_id": before["lane_id"],
                    "day": before["day"],
                    "from": before["end"],
                    "to": after["start"],
                    "minutes": round(minutes),
                    "tight": after["start"] - before["end"] < round(minutes),
                }
            )
        return travel

    @api.model
    def _fs_board_queue(self):
        """Open visits nobody was given yet, the oldest request first."""
        queue = self.env["project.task"].search(
            [
                ("fs_is_visit", "=", True),
                ("fs_state", "in", (vs.TO_SCHEDULE, vs.SCHEDULED, vs.CONFIRMED)),
                ("fs_technician_id", "=", False),
            ],
            order="fs_window_start, create_date, id",
            limit=200,
        )
        return [
            {
                "id": visit.id,
                "name": visit.name,
                "customer": visit.partner_id.name or "",
                "job_type": visit.fs_job_type_id.name or "",
                "skills": ", ".join(
                    f"{line.skill_id.name} ({line.skill_level_id.name})"
                    for line in visit.fs_required_skill_ids
                ),
                "window": visit.fs_window_display or self.env._("No window yet"),
                "minutes": visit.fs_service_minutes,
                "version": visit.fs_schedule_version,
            }
            for visit in queue
        ]

    @api.model
    def fs_board_open_help(self, visit_id):
        """The "Help asked" badge: the dispatcher joins the visit's help conversation
        (``project.task._fs_join_help``) and gets its id to open it beside the board."""
        self._fs_check_dispatcher()
        visit = self.env["project.task"].browse(int(visit_id)).exists()
        if not visit:
            raise UserError(self.env._("This visit no longer exists; reload the board."))
        return {"channel_id": visit._fs_join_help().id}

    # ---- a suggested fix for every risk -------------------------------------------------------

    @api.model
    def _fs_board_fixes(self, visits, technicians, working, zone, day_index):
        """For each movable visit at risk: the least painful other qualified technician who can
        keep its window (``tools.risk_fix``), with the minutes it adds to their route and saves
        on the current one, or no fix. One travel matrix for them all."""
        at_risk = visits.filtered(
            lambda v: v.fs_is_late_risk and v.fs_state in MOVABLE_STATES and v.fs_window_start
        )
        if not at_risk:
            return []
        company = self.env.company
        lang = self.env.lang
        now = fields.Datetime.now()
        _grace, margin = self.env["project.task"]._fs_live_minutes()
        held = technicians._fs_held_skills()
        planned = visits.filtered(lambda v: v.fs_state in vs.PLANNED_STATES)
        points, index = [], {}

        def place(key, partner):
            """The travel matrix's index of a partner's point (None when not geolocated)."""
            if key not in index:
                lat, lng = partner.partner_latitude, partner.partner_longitude
                if not partner or not geo.is_real_point(lat, lng):
                    index[key] = None
                else:
                    index[key] = len(points)
                    points.append((lat, lng))
            return index[key]

        def stop(visit):
            start = visit._fs_board_start()
            return risk_fix.DayStop(
                start,
                start + timedelta(minutes=visit.fs_service_minutes or 0),
                place(("visit", visit.id), visit.fs_site_id),
            )

        def home(tech):
            return place(("home", tech.id), tech.fs_start_partner_id or tech.company_id.partner_id)

        rows = []
        for visit in at_risk:
            day = windows.to_local(visit._fs_board_start(), zone).date()
            if day not in day_index:  # its window reaches into the shown days, its visit not
                continue
            day_start, day_end = windows.local_day_bounds(day, zone)
            same_day = (planned - visit).filtered(
                lambda v, s=day_start, e=day_end: s <= v._fs_board_start() < e
            )
            required = visit.fs_required_skill_ids._fs_as_requirements()
            candidates, spans, busy = [], {}, {}
            for tech in technicians - visit.fs_technician_id:
                spans[tech.id] = [
                    (s, e) for s, e in working[tech.id] if s < day_end and e > day_start
                ]
                stops = tuple(stop(v) for v in same_day if v.fs_technician_id == tech)
                busy[tech.id] = [(s.start, s.end) for s in stops]
                candidates.append(
                    risk_fix.Candidate(
                        technician=tech.id,
                        name=tech.name,
                        working=tuple(spans[tech.id]),
                        stops=stops,
                        home=home(tech),
                        missing=tuple(skill_rules.missing_skills(required, held[tech.id])),
                    )
                )
            current = technicians.browse(visit.fs_technician_id.id)
            own = tuple(stop(v) for v in same_day if v.fs_technician_id == current)
            # Every point is known before the one travel matrix is built.
            rows.append(
                (visit, day, candidates, spans, busy, (current, own, home(current), stop(visit)))
            )
        durations = ()
        if len(points) > 1:
            durations, _distances, _note = self.env["fs.travel.matrix"]._fs_matrices(
                points, company
            )

        def travel(origin, target):
            if origin is None or target is None or origin == target:
                return 0.0
            return durations[origin][target] / 60

        fixes = []
        for visit, day, candidates, spans, busy, (current, own, current_home, visit_stop) in rows:
            window = (visit.fs_window_start, visit.fs_window_end)
            service = visit.fs_service_minutes or 0

            def accept(tech_id, start, window=window, service=service, spans=spans, busy=busy):
                # The booking rule's own check (time off is already out of the spans).
                return not booking.placement_problem(
                    start=start,
                    service_minutes=service,
                    window=window,
                    missing=(),
                    attendance=spans[tech_id],
                    working=spans[tech_id],
                    busy=busy[tech_id],
                )

            found = risk_fix.suggest_fixes(
                candidates,
                place=visit_stop.place,
                window=window,
                service_minutes=service,
                latest_start=window[1] - timedelta(minutes=margin),
                now=now,
                travel=travel,
                accept=accept,
            )
            row = {
                "visit_id": visit.id,
                "name": visit.name,
                "customer": visit.partner_id.name or "",
                "window": visit.fs_window_display or "",
                "lane_id": current.id,
                "version": visit.fs_schedule_version,
                "fix": False,
                "message": (
                    self.env._("No other qualified technician can keep the window.")
                    if window[1] - timedelta(minutes=margin) >= now
                    else self.env._(
                        "Too late to keep the window: agree a new one with the customer."
                    )
                ),
            }
            if found:
                best = found[0]
                freed = round(risk_fix.freed_minutes(own, current_home, visit_stop, travel))
                local = windows.to_local(best.start, zone)
                row["fix"] = {
                    "lane_id": best.technician,
                    "technician": best.name,
                    "day": day_index[day],
                    "minute": local.hour * 60 + local.minute,
                    "time": windows.format_hour(best.start, zone, lang),
                    "added_minutes": best.added_minutes,
                    "freed_minutes": freed,
                }
                row["message"] = self.env._(
                    "Give it to %(technician)s at %(time)s: +%(added)s min on %(technician)s's "
                    "route, −%(freed)s min on %(current)s's.",
                    technician=best.name,
                    time=row["fix"]["time"],
                    added=best.added_minutes,
                    freed=freed,
                    current=current.name,
                )
            fixes.append(row)
        return fixes

    # ---- moving a visit --------------------------------------------------------------------

    @api.model
    def fs_board_move(self, visit_id, technician_id, day, minute, version):
        """A board drop: ``{"moved": True, "version"}``, or ``{"moved": False, "message"}`` with
        the translated reason when refused (a refusal is the board's answer, not a server error:
        nothing is written and nothing logged)."""
        self._fs_check_dispatcher()
        try:
            with self.env.cr.savepoint():
                version = self._fs_board_move(visit_id, technician_id, day, minute, version)
        except UserError as refusal:  # includes StaleVisitError
            return {"moved": False, "message": refusal.args[0]}
        return {"moved": True, "version": version}

    @api.model
    def _fs_board_move(self, visit_id, technician_id, day, minute, version):
        """Give a visit to a technician at ``minute`` of the local ``day``; its new version.

        Refused (UserError, nothing written) when the technician lacks a skill, does not work
        then or is off, the start is outside the customer's window, or the visit changed since
        the board read ``version`` (StaleVisitError).
        """
        visit = self.env["project.task"].browse(int(visit_id)).exists()
        if not visit or not visit.fs_is_visit:
            raise UserError(self.env._("This visit no longer exists; reload the board."))
        # sudo: dispatchers may not read employees; their skills and hours decide the move.
        technician = self.env["hr.employee"].sudo().browse(int(technician_id)).exists()
        if not technician or not technician.fs_is_technician:
            raise UserError(self.env._("Drop the visit on a technician's lane."))
        if visit.fs_state not in MOVABLE_STATES:
            raise UserError(
                self.env._(
                    "%(visit)s is %(state)s: it can no longer be moved.",
                    visit=visit.name,
                    state=dict(visit._fields["fs_state"]._description_selection(self.env))[
                        visit.fs_state
                    ].lower(),
                )
            )
        zone = self._fs_board_zone()
        local_day = fields.Date.to_date(day)
        start = windows.to_utc(
            datetime.combine(local_day, time()) + timedelta(minutes=int(minute)), zone
        )
        visit._fs_take_booking_lock({technician.id, *visit.fs_technician_id.ids})
        visit._fs_check_schedule_version(int(version))
        self._fs_check_placement(visit, technician, start, zone)
        values = {"fs_technician_id": technician.id, "fs_eta": start}
        if not visit.fs_window_start:
            values.update(
                fs_window_start=start,
                fs_window_end=start + timedelta(minutes=DROP_WINDOW_MINUTES),
            )
        visit.write(values)
        self._fs_board_resequence(visit)
        return visit.fs_schedule_version

    @api.model
    def _fs_check_placement(self, visit, technician, start, zone):
        """The booking rule's checks of one placement; a translated UserError naming why."""
        required = visit.fs_required_skill_ids._fs_as_requirements()
        missing = skill_rules.missing_skills(required, technician._fs_held_skills()[technician.id])
        day_start, day_end = windows.local_day_bounds(windows.to_local(start, zone).date(), zone)
        aware = (day_start.replace(tzinfo=windows.UTC), day_end.replace(tzinfo=windows.UTC))
        working = technician._fs_work_intervals(*aware)[technician.id]
        attendance = technician._fs_attendance_intervals(*aware)[technician.id]
        window = (visit.fs_window_start, visit.fs_window_end) if visit.fs_window_start else None
        others = self.env["project.task"].search(
            [
                ("id", "!=", visit.id),
                ("fs_is_visit", "=", True),
                ("fs_technician_id", "=", technician.id),
                ("fs_state", "in", vs.PLANNED_STATES),
                ("fs_window_start", "<", day_end),
                ("fs_window_end", ">", day_start),
            ]
        )
        busy = {
            other: (
                other._fs_board_start(),
                other._fs_board_start() + timedelta(minutes=other.fs_service_minutes or 0),
            )
            for other in others
        }
        problem = booking.placement_problem(
            start=start,
            service_minutes=visit.fs_service_minutes or 0,
            window=window,
            missing=missing,
            attendance=attendance,
            working=working,
            busy=list(busy.values()),
        )
        if not problem:
            return
        if problem == booking.SKILLS:
            lines = visit.fs_required_skill_ids.filtered(lambda line: line.skill_id.id in missing)
            message = self.env._(
                "%(technician)s lacks the skill %(skills)s.",
                technician=technician.name,
                skills=", ".join(
                    f"{line.skill_id.name} ({line.skill_level_id.name})" for line in lines
                ),
            )
        elif problem == booking.WINDOW:
            message = self.env._(
                "%(time)s is outside the customer's window %(window)s.",
                time=windows.format_hour(start, zone, self.env.lang),
                window=self._fs_hours_range(*window, zone),
            )
        elif problem == booking.TIME_OFF:
            message = self.env._(
                "%(technician)s is off at %(time)s (time off).",
                technician=technician.name,
                time=windows.format_hour(start, zone, self.env.lang),
            )
        elif problem == booking.BUSY:
            end = start + timedelta(minutes=visit.fs_service_minutes or 0)
            other, (other_start, other_end) = next(
                (other, span) for other, span in busy.items() if span[0] < end and start < span[1]
            )
            message = self.env._(
                "%(technician)s already has %(visit)s at %(hours)s.",
                technician=technician.name,
                visit=other.name,
                hours=self._fs_hours_range(other_start, other_end, zone),
            )
        else:
            message = self.env._(
                "%(time)s is outside %(technician)s's working hours %(hours)s "
                "(the visit lasts %(minutes)s min).",
                time=windows.format_hour(start, zone, self.env.lang),
                technician=technician.name,
                hours=", ".join(self._fs_hours_range(s, e, zone) for s, e in attendance)
                or self.env._("none that day"),
                minutes=visit.fs_service_minutes or 0,
            )
        raise UserError(message)

    @api.model
    def _fs_hours_range(self, start, end, zone):
        lang = self.env.lang
        return f"{windows.format_hour(start, zone, lang)}–{windows.format_hour(end, zone, lang)}"

    @api.model
    def _fs_board_resequence(self, visit):
        """Number the technician's visits of that day in the order of their planned starts."""
        day_visits = self.env["project.task"].search(
            [
                ("fs_is_visit", "=", True),
                ("fs_technician_id", "=", visit.fs_technician_id.id),
                ("fs_visit_date", "=", visit.fs_visit_date),
                ("fs_state", "in", vs.PLANNED_STATES),
            ]
        )
        for sequence, task in enumerate(
            day_visits.sorted(lambda task: (task._fs_board_start(), task.id)), start=1
        ):
            if task.fs_route_sequence != sequence:
                task.fs_route_sequence = sequence
