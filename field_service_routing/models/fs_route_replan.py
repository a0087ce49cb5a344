from dataclasses import replace

from odoo import fields, models
from odoo.addons.field_service_cx.tools import visit_states as vs

from ..solver.eta import Leg, project_arrivals
from ..solver.isolated import solve_isolated

REPLAN_TIME_LIMIT_S = 1.0


class FsRouteReplan(models.AbstractModel):
    """The rest of one technician's day, re-ordered and re-timed from where they are now."""

    _name = "fs.route.replan"
    _description = "Re-plan a technician's day"

    def _fs_replan(self, employee, day, visits, now):
        """Store new stop numbers and honest ETAs on ``visits`` (the technician's open ones)."""
        company = employee.company_id or self.env.company
        on_site = visits.filtered(lambda v: v.fs_state == vs.ON_SITE)[:1]
        en_route = visits.filtered(lambda v: v.fs_state == vs.EN_ROUTE)[:1]
        remaining = visits - on_site
        origin, departure = self._fs_position(employee, day, on_site, en_route, now)
        built = self.env["fs.route.problem"]._fs_build(
            day, company, remaining, employee, now=departure, start_partners={employee.id: origin}
        )
        if not built.problem.technicians:
            return visits.browse()
        # The visit under way comes first whatever the solver would prefer; it orders the rest.
        under_way = [str(en_route.id)] if en_route and str(en_route.id) in built.task_ids else []
        movable = replace(
            built.problem,
            visits=tuple(v for v in built.problem.visits if v.id not in under_way),
        )
        answer = solve_isolated(movable, time_limit_s=REPLAN_TIME_LIMIT_S, deterministic=True)
        ordered = under_way + [stop.visit_id for route in answer.routes for stop in route.stops]
        late = sorted(
            (left.visit_id for left in answer.unassigned if left.visit_id in built.task_ids),
            key=lambda key: remaining.browse(built.task_ids[key]).fs_window_start,
        )
        by_key = {str(visit.id): visit for visit in remaining}
        problem_visits = {visit.id: visit for visit in built.problem.visits}
        legs = [
            Leg(
                key,
                problem_visits[key].location,
                problem_visits[key].service_s,
                problem_visits[key].time_windows[0].start,
                problem_visits[key].time_windows[0].end,
            )
            for key in ordered + late
        ]
        tech = built.problem.technicians[0]
        projected = project_arrivals(
            tech.shift.start, tech.start_location, legs, built.problem.duration_matrix
        )
        changed = visits.browse()
        first = 2 if on_site else 1
        for sequence, arrival in enumerate(projected, start=first):
            visit = by_key[arrival.visit_id]
            eta = built.moment(arrival.arrival)
            values = {"fs_route_sequence": sequence, "fs_eta": eta}
            if visit.fs_eta != eta or visit.fs_route_sequence != sequence:
                visit.write(values)
                changed |= visit
        if on_site:
            on_site.fs_route_sequence = 1
        changed._fs_routing_etas_changed()
        return changed

    def _fs_position(self, employee, day, on_site, en_route, now):
        """Where the technician is (a partner) and when they can leave it."""
        if on_site:
            done_by = fields.Datetime.add(
                on_site.fs_arrived_at or now, minutes=on_site.fs_service_minutes
            )
            return on_site.fs_site_id, max(now, done_by)
        last_done = self.env["project.task"].search(
            [
                ("fs_technician_id", "=", employee.id),
                ("fs_visit_date", "=", day),
                ("fs_state", "in", (vs.DONE, vs.NOT_HOME, vs.UNFINISHED)),
            ],
            order="fs_done_at desc, fs_not_home_at desc, fs_unfinished_at desc",
            limit=1,
        )
        origin = last_done.fs_site_id or employee.fs_start_partner_id
        if en_route and en_route.fs_en_route_at:
            return origin, min(now, en_route.fs_en_route_at)
        return origin, now
