from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo.addons.field_service_cx.tests.common import FieldServiceCase
from odoo.addons.field_service_cx.tools import windows

PARIS = ZoneInfo("Europe/Paris")


class RoutingCase(FieldServiceCase):
    """Two technicians on a Paris calendar, customers spread over Paris, a working day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        calendar = env["resource.calendar"].create(
            {"name": "Paris 40h (test)", "tz": "Europe/Paris"}
        )
        depot = env["res.partner"].create(
            {"name": "Depot", "partner_latitude": 48.8566, "partner_longitude": 2.3522}
        )
        (cls.anna | cls.bob).write(
            {"resource_calendar_id": calendar.id, "fs_start_partner_id": depot.id}
        )
        cls.bob.employee_skill_ids.skill_level_id = cls.senior
        cls.plan_day = (datetime.now() + timedelta(days=3)).date()
        while cls.plan_day.weekday() >= 5:
            cls.plan_day += timedelta(days=1)
        cls.sites = env["res.partner"].create(
            [
                {
                    "name": f"Site {n}",
                    "tz": "Europe/Paris",
                    "partner_latitude": 48.80 + 0.02 * n,
                    "partner_longitude": 2.30 + 0.015 * (n % 3),
                }
                for n in range(6)
            ]
        )

    @classmethod
    def local(cls, hour, minute=0, day=None):
        """Naive UTC for a local Paris time on the plan day."""
        return windows.to_utc(datetime.combine(day or cls.plan_day, time(hour, minute)), PARIS)

    @classmethod
    def visit_at(cls, site, start_hour, end_hour, **values):
        return cls.create_visit(
            name=f"Visit {site.name} {start_hour}h",
            partner_id=site.id,
            fs_window_start=cls.local(start_hour),
            fs_window_end=cls.local(end_hour),
            **values,
        )

    def queries_of(self, call):
        """(the SQL queries ``call()`` runs on records read afresh, its result); the
        framework's caches stay warm."""
        self.env.invalidate_all()
        seen = []
        execute = self.cr.execute

        def logged(query, params=None, log_exceptions=True):
            seen.append(str(query)[:160])
            return execute(query, params, log_exceptions)

        self.cr.execute = logged
        try:
            result = call()
        finally:
            self.cr.execute = execute
        return seen, result

    def run_solver_cron(self):
        """The cron's two steps: mark the plan solving, then solve it."""
        Plan = self.env["fs.route.plan"]
        Plan._cron_solve_plans()
        Plan._cron_solve_plans()
