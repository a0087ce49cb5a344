import random
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.addons.field_service_cx.models.fs_demo import (
    DEMO_ZONE,
    ISSUES,
    JOB_TYPES,
    SLOTS,
)
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.addons.field_service_cx.tools import windows

# The same seed gives the same history: only the dates move with the install day.
HISTORY_SEED = 69008
HISTORY_WEEKS = 8
VISITS_PER_DAY = (6, 10)
HISTORY_CUSTOMERS = 180
# A customer comes back only after the repeat period (30 days), unless the visit is a repeat.
CUSTOMER_GAP = timedelta(days=31)
FIRST_NAMES = [
    "Alice", "Bruno", "Céline", "David", "Élodie", "François", "Gaëlle", "Hugo", "Inès",
    "Jérôme", "Laura", "Mathieu", "Nathalie", "Olivier", "Pauline", "Quentin", "Romain",
    "Sandrine", "Théo", "Valérie",
]  # fmt: skip
LAST_NAMES = [
    "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel",
]  # fmt: skip
STREETS = [
    "Rue de la République", "Avenue Jean Jaurès", "Rue Paul Bert", "Cours Lafayette",
    "Rue Garibaldi", "Boulevard des Belges", "Rue de Créqui", "Avenue Berthelot",
]  # fmt: skip
COMMENTS = {
    5: ["On time and very clear explanations.", "Friendly, tidy, fixed at once.", ""],
    4: ["Good job, a bit late.", "Fine, the report was useful.", ""],
    3: ["The fix works but I waited a long time.", "OK."],
    2: ["Late, and I had to call twice.", "The part was missing, a second visit is needed."],
    1: ["Nobody told me the technician would be two hours late."],
}
DISPUTE_REASONS = [
    ("part", "Valve (charged)", "The valve was not replaced, only cleaned."),
    ("time", "Labour 1.5 h", "The technician stayed less than an hour."),
]


class FsDemoHistory(models.AbstractModel):
    """Eight weeks of past visits, so that the manager's reports show something on a demo.

    Arrivals mostly in the window (some late, a few saved by a delay alert), ratings and NPS,
    repeats, disputes, reschedules, reminders and confirmations, a customer not at home, a
    few cancellations. Deterministic; built once, before the demo week (which starts today).
    """

    _name = "fs.demo.history"
    _description = "Field service demo history"

    @api.model
    def _fs_generate_history(self):
        project = self.env.ref("field_service_cx.project_field_service_demo", False)
        if not project:
            return False
        today = windows.to_local(fields.Datetime.now(), DEMO_ZONE).date()
        Task = self.env["project.task"]
        if Task.search_count(
            [("project_id", "=", project.id), ("fs_visit_date", "<", today)], limit=1
        ):
            return False  # built already (demo files load again on update)
        rng = random.Random(HISTORY_SEED)
        customers = self._fs_history_customers(rng)
        plan = self._fs_history_plan(rng, today, customers)
        visits = self._fs_history_create(rng, project, plan)
        self._fs_history_close(rng, visits)
        self._fs_history_messages(rng, visits)
        self._fs_history_ratings(rng, visits)
        # The booking hooks planned messages for these past visits: none is to be sent.
        visits.fs_message_ids.filtered(lambda m: m.state == "planned").unlink()
        # The job types' durations from this history: the nightly cron's first run, now.
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        return True

    @api.model
    def _fs_history_customers(self, rng):
        lyon = self.env.ref("field_service_cx.customer_01_demo")
        return self.env["res.partner"].create(
            [
                {
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                    "zip": f"6900{rng.randint(1, 9)}",
                    "city": "Lyon",
                    "country_id": lyon.country_id.id,
                    "tz": "Europe/Paris",
                    "email": f"customer{index:03d}@example.com",
                    "mobile": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "partner_latitude": 45.74 + rng.uniform(-0.03, 0.03),
                    "partner_longitude": 4.85 + rng.uniform(-0.04, 0.04),
                    "fs_preferred_channel": rng.choice(["email", "email", "sms", "both"]),
                }
                for index in range(HISTORY_CUSTOMERS)
            ]
        )

    @api.model
    def _fs_history_plan(self, rng, today, customers):
        """[(day, slot, job type key, technician, customer, repeat of index or None)]."""
        demo = self.env["fs.demo"]
        technicians = demo._fs_demo_technicians()
        job_types, qualified = demo._fs_demo_job_types(technicians)
        eligible = {key: sorted(ids) for key, ids in qualified.items()}
        last_visit = {}
        plan = []
        first_day = today - timedelta(weeks=HISTORY_WEEKS)
        day = first_day
        while day < today:
            if day.weekday() < 5:
                for _visit in range(rng.randint(*VISITS_PER_DAY)):
                    repeat_of = None
                    # Now and then, a recent visit at the same site did not fix it.
                    recent = [
                        index
                        for index, item in enumerate(plan)
                        if 2 <= (day - item[0]).days <= 8 and item[5] is None
                    ]
                    if recent and rng.random() < 0.06:
                        repeat_of = rng.choice(recent)
                        key, customer = plan[repeat_of][2], plan[repeat_of][4]
                    else:
                        key = rng.choices(list(JOB_TYPES), weights=list(JOB_TYPES.values()))[0]
                        free = [
                            c
                            for c in customers
                            if day - last_visit.get(c.id, first_day - CUSTOMER_GAP) >= CUSTOMER_GAP
                        ]
                        if not free:
                            continue
                        customer = rng.choice(free)
                    last_visit[customer.id] = day
                    technician = technicians.browse(rng.choice(eligible[key]))
                    plan.append(
                        (day, rng.randrange(len(SLOTS)), key, technician, customer, repeat_of)
                    )
            day += timedelta(days=1)
        return [(*item, job_types[item[2]]) for item in plan]

    @api.model
    def _fs_history_create(self, rng, project, plan):
        """Book the visits days before; one in eight was moved later by the customer or us."""
        vals_list, moves = [], []
        for day, slot, key, technician, customer, _repeat_of, job_type in plan:
            start = windows.to_utc(datetime.combine(day, time(SLOTS[slot][0])), DEMO_ZONE)
            end = windows.to_utc(datetime.combine(day, time(SLOTS[slot][1])), DEMO_ZONE)
            draw = rng.random()
            moved = "customer" if draw < 0.08 else "company" if draw < 0.12 else None
            booked = timedelta(days=1) if moved else timedelta(0)  # first booked a day later
            vals_list.append(
                {
                    "name": rng.choice(ISSUES[key]),
                    "project_id": project.id,
                    "partner_id": customer.id,
                    "fs_job_type_id": job_type.id,
                    "fs_technician_id": technician.id,
                    "fs_window_start": start + booked,
                    "fs_window_end": end + booked,
                    "fs_route_sequence": slot + 1,
                }
            )
            moves.append((moved, start, end))
        visits = self.env["fs.demo"]._fs_demo_create_visits(vals_list)
        for visit, (moved, start, end) in zip(visits, moves, strict=True):
            visit.fs_promise_ids.write({"promised_at": start - timedelta(days=rng.randint(4, 14))})
            if moved:
                visit.with_context(fs_promise_source=moved, tracking_disable=True).write(
                    {"fs_window_start": start, "fs_window_end": end}
                )
                visit.fs_promise_ids.sorted("id")[-1].promised_at = start - timedelta(days=2)
        return visits

    @api.model
    def _fs_history_close(self, rng, visits):
        """States and times: mostly done in the window, some late, a few not home or cancelled."""
        done = self.env["project.task"]
        quiet = visits.with_context(tracking_disable=True)
        for visit in quiet:
            start = visit.fs_window_start
            draw = rng.random()
            if draw < 0.04:
                visit.write(
                    {
                        "fs_state": vs.CANCELLED,
                        "state": "1_canceled",
                        "fs_cancelled_at": start - timedelta(days=1),
                        "fs_cancel_reason": "The customer found another company.",
                    }
                )
                continue
            travel = rng.randint(8, 40)
            late = rng.random() < 0.12
            offset = rng.randint(125, 170) if late else min(118, max(0, int(rng.gauss(45, 30))))
            arrived = start + timedelta(minutes=offset)
            values = {
                "fs_en_route_at": arrived - timedelta(minutes=travel),
                "fs_arrived_at": arrived,
                "fs_planned_travel_minutes": max(5, travel + rng.randint(-8, 6)),
                "fs_planned_travel_km": round(travel * rng.uniform(0.35, 0.6), 1),
            }
            if late and rng.random() < 0.5:
                # A delay alert went out half an hour in: the new window held.
                eta = arrived.replace(second=0)
                self.env["fs.visit.promise"].create(
                    {
                        "task_id": visit.id,
                        "window_start": eta - timedelta(minutes=15),
                        "window_end": eta + timedelta(minutes=15),
                        "promised_at": start + timedelta(minutes=rng.randint(20, 80)),
                        "source": "delay",
                    }
                )
            if draw < 0.08:
                values.update(
                    {
                        "fs_state": vs.NOT_HOME,
                        "state": "01_in_progress",
                        "fs_not_home_at": arrived + timedelta(minutes=10),
                        "fs_not_home_reason": "Nobody answered; called twice and left a card.",
                    }
                )
            else:
                service = visit.fs_service_minutes or 60
                values.update(
                    {
                        "fs_state": vs.DONE,
                        "state": "1_done",
                        "fs_done_at": arrived + timedelta(minutes=service + rng.randint(-10, 30)),
                    }
                )
                done |= visit
            visit.write(values)
        self.env["fs.demo"]._fs_demo_close_done(rng, done)
        # Repeats are found from finished visits: look again now that they are finished.
        for name in ("fs_repeat_of_id", "fs_is_repeat"):
            self.env.add_to_compute(visits._fields[name], visits)
        visits.flush_recordset()
        # A few customers questioned a line of their report.
        for visit in done.filtered(lambda v: rng.random() < 0.03):
            line_kind, label, reason = rng.choice(DISPUTE_REASONS)
            dispute = self.env["fs.visit.dispute"].create(
                {"task_id": visit.id, "line_kind": line_kind, "line_label": label, "reason": reason}
            )
            if rng.random() < 0.7:
                dispute.write(
                    {
                        "state": "resolved",
                        "resolution": "Checked with the technician: we refunded the line.",
                        "resolved_at": visit.fs_done_at + timedelta(days=2),
                    }
                )
        return done

    @api.model
    def _fs_history_messages(self, rng, visits):
        """The reminder the day before went out; most customers confirmed their visit."""
        rows = []
        confirmed = []
        for visit in visits.filtered(lambda v: v.fs_state != vs.CANCELLED):
            if rng.random() > 0.85:
                continue
            due = visit.fs_window_start - timedelta(hours=15)
            rows.append(
                {
                    "task_id": visit.id,
                    "partner_id": visit.fs_site_id.id,
                    "kind": "reminder",
                    "step": "1d@18:00",
                    "key": "reminder:1d@18:00",
                    "version": visit.fs_promise_ids.sorted("id")[:1].id,
                    "state": "sent",
                    "due_at": due,
                    "sent_at": due,
                    "channel": "email",
                }
            )
            if rng.random() < 0.7:
                confirmed.append((visit, due + timedelta(minutes=rng.randint(5, 240))))
        self.env["fs.visit.message"].create(rows)
        for visit, moment in confirmed:
            visit.fs_customer_confirmed_at = moment

    @api.model
    def _fs_history_ratings(self, rng, visits):
        """Three in four done visits asked for a rating; two in three of those answered."""
        for visit in visits.filtered(lambda v: v.fs_state == vs.DONE):
            if rng.random() > 0.75:
                continue
            rating = visit._fs_rating_request()
            if rng.random() > 0.65:
                continue
            late = visit.fs_arrived_at > visit.fs_promise_ids.sorted("id")[:1].window_end
            weights = [2, 3, 6, 15, 30] if late else [1, 1, 3, 10, 40]
            stars = rng.choices([1, 2, 3, 4, 5], weights=weights)[0]
            nps = {5: rng.randint(9, 10), 4: rng.randint(7, 9), 3: rng.randint(5, 7)}.get(
                stars, rng.randint(0, 4)
            )
            rating.write(
                {
                    "rating": stars,
                    "feedback": rng.choice(COMMENTS[stars]),
                    "consumed": True,
                    "fs_nps": nps,
                    "fs_submitted_at": visit.fs_done_at + timedelta(hours=rng.randint(1, 30)),
                    "fs_followup_state": "done" if nps <= 6 else "none",
                }
            )
