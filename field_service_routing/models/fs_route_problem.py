from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from itertools import pairwise

from odoo import models
from odoo.addons.field_service_cx.tools import skills as skill_rules
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.addons.field_service_cx.tools import windows

from ..solver import Break, Problem, Technician, TimeWindow, Visit

NOT_GEOLOCATED = "not_geolocated"
NO_TECHNICIAN_LOCATION = "no_technician_location"
INVALID_WINDOW = "invalid_window"
# Flexibility given to a lunch taken from the calendar's gap (e.g. 12:00–13:00 → 11:30–13:30).
BREAK_SLACK = timedelta(minutes=30)
PRIORITY_CONFIRMED = 50


@dataclass
class BuiltProblem:
    """A solver problem and what it takes to read its answer back into Odoo."""

    problem: Problem
    epoch: datetime
    zone: object
    task_ids: dict = field(default_factory=dict)
    employee_ids: dict = field(default_factory=dict)
    unassigned: list = field(default_factory=list)
    travel_note: str = ""

    def moment(self, seconds):
        """Seconds from the epoch as a naive UTC datetime."""
        return self.epoch + timedelta(seconds=seconds)


class FsRouteProblem(models.AbstractModel):
    """Odoo records in, a solver Problem out: the only place that knows both."""

    _name = "fs.route.problem"
    _description = "Route problem builder"

    def _fs_build(self, day, company, visits, technicians, now=None, start_partners=None):
        """A Problem for ``visits`` and ``technicians`` on ``day`` (a date, in the company's zone).

        ``now`` (naive UTC) re-plans the rest of a day: shifts start no earlier than ``now``;
        ``start_partners`` ({employee id: partner}) says where a technician is at that moment.
        Visits without coordinates and technicians without a start address are left out with
        their reason, never routed to (0, 0).
        """
        zone, _note = windows.resolve_zone(company.partner_id.tz, self.env.user.tz)
        epoch = windows.to_utc(datetime.combine(day, time.min), zone)
        built = BuiltProblem(problem=None, epoch=epoch, zone=zone)

        def seconds(moment):
            return int((moment - epoch).total_seconds())

        points = []

        def location(partner):
            points.append((partner.partner_latitude, partner.partner_longitude))
            return len(points) - 1

        day_start = datetime.combine(day, time.min).replace(tzinfo=zone)
        # sudo: working hours and time off of colleagues shape the plan; only intervals leave.
        intervals = technicians.sudo()._fs_work_intervals(day_start, day_start + timedelta(days=1))
        solver_techs = []
        for employee in technicians:
            spans = intervals.get(employee.id) or []
            if not spans:
                continue
            start_partner = (start_partners or {}).get(employee.id) or (
                employee.fs_start_partner_id or company.partner_id
            )
            if not self._fs_geolocated(start_partner):
                built.unassigned.append(
                    (employee, NO_TECHNICIAN_LOCATION, start_partner.display_name)
                )
                continue
            end_partner = employee.fs_end_partner_id or start_partner
            shift_start, shift_end = seconds(spans[0][0]), seconds(spans[-1][1])
            if now is not None:
                shift_start = max(shift_start, seconds(now))
            if shift_end <= shift_start:
                continue
            key = str(employee.id)
            built.employee_ids[key] = employee.id
            solver_techs.append(
                Technician(
                    id=key,
                    start_location=location(start_partner),
                    end_location=location(end_partner)
                    if self._fs_geolocated(end_partner)
                    else None,
                    shift=TimeWindow(shift_start, shift_end),
                    breaks=self._fs_breaks(spans, seconds, shift_start, shift_end),
                )
            )

        held = technicians._fs_held_skills()
        working = {key: held[employee_id] for key, employee_id in built.employee_ids.items()}
        solver_visits = []
        for visit in visits:
            start, end = visit.fs_window_start, visit.fs_window_end
            if not (start and end and end > start):
                # Written around the constraints (SQL, an import before them): leave it out alone.
                built.unassigned.append(
                    (visit, INVALID_WINDOW, f"{start or '?'} → {end or '?'} UTC")
                )
                continue
            if not visit.fs_site_geolocated:
                built.unassigned.append((visit, NOT_GEOLOCATED, visit.fs_site_id.display_name))
                continue
            required = visit.fs_required_skill_ids._fs_as_requirements()
            key = str(visit.id)
            built.task_ids[key] = visit.id
            pinned = visit.fs_route_pinned or visit.fs_state in (vs.EN_ROUTE, vs.ON_SITE)
            pinned_key = (
                str(visit.fs_technician_id.id) if pinned and visit.fs_technician_id else None
            )
            solver_visits.append(
                Visit(
                    id=key,
                    location=location(visit.fs_site_id),
                    service_s=max(visit.fs_service_minutes, 0) * 60,
                    time_windows=(
                        TimeWindow(seconds(visit.fs_window_start), seconds(visit.fs_window_end)),
                    ),
                    allowed_technicians=frozenset(
                        skill_rules.eligible_technicians(required, working)
                    ),
                    priority=PRIORITY_CONFIRMED if visit.fs_state == vs.CONFIRMED else 0,
                    pinned_technician=pinned_key if pinned_key in built.employee_ids else None,
                    pinned_sequence=None,
                )
            )
        self._fs_pin_sequences(solver_visits, visits)

        durations, distances, built.travel_note = self.env["fs.travel.matrix"]._fs_matrices(
            points or [(0.0, 0.0)], company
        )
        built.problem = Problem(
            visits=tuple(solver_visits),
            technicians=tuple(solver_techs),
            duration_matrix=durations,
            distance_matrix=distances,
            objective="duration",
        )
        return built

    @staticmethod
    def _fs_geolocated(partner):
        return bool(partner) and (partner.partner_latitude or partner.partner_longitude)

    @staticmethod
    def _fs_breaks(spans, seconds, shift_start, shift_end):
        """Each gap between working intervals (lunch) becomes a break, a little movable."""
        breaks = []
        for (_start, gap_start), (gap_end, _end) in pairwise(spans):
            duration = seconds(gap_end) - seconds(gap_start)
            low = max(seconds(gap_start - BREAK_SLACK), shift_start)
            high = min(seconds(gap_end + BREAK_SLACK), shift_end)
            if duration > 0 and high - low >= duration:
                breaks.append(Break(low, high, duration))
        return tuple(breaks)

    @staticmethod
    def _fs_pin_sequences(solver_visits, visits):
        """Pinned visits keep their technician and their order (by current stop number)."""
        by_id = {str(visit.id): visit for visit in visits}
        per_technician = {}
        for index, solver_visit in enumerate(solver_visits):
            if solver_visit.pinned_technician:
                per_technician.setdefault(solver_visit.pinned_technician, []).append(index)
        for indices in per_technician.values():
            indices.sort(
                key=lambda i: (
                    by_id[solver_visits[i].id].fs_route_sequence or 0,
                    by_id[solver_visits[i].id].fs_window_start,
                )
            )
            for sequence, i in enumerate(indices):
                solver_visits[i] = replace(solver_visits[i], pinned_sequence=sequence)
