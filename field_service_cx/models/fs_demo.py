import base64
import io
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import skills as skill_rules
from ..tools import visit_states as vs
from ..tools import windows

# The same seed gives the same week: names, slots and states only move with the install day.
DEMO_SEED = 69007
DEMO_ZONE = ZoneInfo("Europe/Paris")
DEMO_DAYS = 5
# Local windows offered to customers (hours).
SLOTS = [(8, 10), (10, 12), (13, 15), (15, 17)]
VISITS_PER_DAY = [20, 12, 9, 8, 7]
TECHNICIANS = ["marc", "sophie", "karim", "julie", "thomas", "nadia", "lucas", "emilie"]
# Job types and how often customers ask for them.
JOB_TYPES = {
    "boiler_service": 5,
    "boiler_breakdown": 2,
    "electrical_fault": 3,
    "leak_repair": 3,
    "heat_pump_service": 2,
    "appliance_repair": 3,
}
# What customers call about, per job type: the visit's title (the Lyon office writes French).
ISSUES = {
    "boiler_service": [
        "Entretien annuel de la chaudière",
        "Entretien chaudière et attestation",
        "Entretien annuel de la chaudière mixte",
    ],
    "boiler_breakdown": [
        "La chaudière affiche le défaut E133",
        "Plus d'eau chaude depuis hier",
        "La chaudière perd de la pression",
        "La veilleuse s'éteint",
    ],
    "electrical_fault": [
        "Le différentiel saute quand le four est allumé",
        "Plus de courant dans les prises de la cuisine",
        "Lumières qui clignotent dans le salon",
    ],
    "leak_repair": [
        "Fuite sous l'évier de la cuisine",
        "Tuyau qui goutte dans la salle de bains",
        "Tache d'eau au plafond sous la salle de bains",
    ],
    "heat_pump_service": [
        "Entretien annuel de la pompe à chaleur",
        "Pompe à chaleur bruyante pendant le dégivrage",
        "Contrôle de la pompe à chaleur avant l'hiver",
    ],
    "appliance_repair": [
        "Le lave-linge ne vidange plus",
        "Le lave-linge fuit par le hublot",
        "Le lave-vaisselle s'arrête en cours de cycle",
    ],
}
# Van stock: what each van lacks (so "parts missing" shows) on top of a random fill.
VAN_GAPS = {"marc": ["FS-TCP"], "sophie": ["FS-RCD"], "lucas": ["FS-CF15", "FS-CU15"]}
WAREHOUSE_GAPS = ["FS-R32", "FS-GVL"]
PRODUCT_CODES = [
    "FS-GSK",
    "FS-TCP",
    "FS-GVL",
    "FS-IGN",
    "FS-RCD",
    "FS-MCB16",
    "FS-WAGO",
    "FS-CF15",
    "FS-CU15",
    "FS-PTFE",
    "FS-HPF",
    "FS-R32",
    "FS-DPMP",
    "FS-DSEAL",
]
ACCESS_NOTES = [
    "Digicode 4821B, 3e étage à gauche.",
    "Chien dans le jardin : sonner et attendre le propriétaire.",
    "Se garer dans la cour ; la clé est à la boulangerie d'à côté.",
    "Interphone au nom de la société, 2e étage.",
    "La chaudière est à la cave : demander la clé au gardien.",
    "Entrée latérale par la ruelle ; la porte principale est bloquée par des travaux.",
    "Cliente âgée : appeler dix minutes avant d'arriver.",
    "Ascenseur en panne, 5e étage.",
]
WORK_DONE = [
    "Entretien effectué et testé ; tout est dans les normes.",
    "Pièce défectueuse remplacée et testée en charge.",
    "Réparé et contrôlé contre les fuites ; résultat montré au client.",
]
# Unscheduled visits (customer number): the last customer has no coordinates yet.
TO_SCHEDULE = [
    (40, "boiler_service"),
    (7, "leak_repair"),
    (18, "appliance_repair"),
    (31, "electrical_fault"),
]
# The local time by which the demo day's first visits can honestly be done or under way.
LIVE_FROM = time(11, 30)


class FsDemo(models.AbstractModel):
    """Builds the demo week relative to the install day (the static records are XML)."""

    _name = "fs.demo"
    _description = "Field service demo week"

    @api.model
    def _fs_demo_french(self):
        """French for the Lyon demo (offline: Odoo ships its .po files), with the translations
        of what is installed; modules installed later load theirs themselves."""
        if self.env["res.lang"]._get_data(code="fr_FR").code:
            return False
        self.env["res.lang"]._activate_lang("fr_FR")
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        installed._update_translations("fr_FR")
        return True

    @api.model
    def _fs_demo_office_language(self):
        """English (UK) for the office and the technicians: English text (the tours read it)
        with dates as dd/mm/yyyy and 24-hour times, as in France."""
        if not self.env["res.lang"]._get_data(code="en_GB").code:
            self.env["res.lang"]._activate_lang("en_GB")
        return True

    @api.model
    def _fs_generate_demo(self):
        """Create the week's visits, van and depot stock and a time off; deterministic."""
        project = self.env.ref("field_service_cx.project_field_service_demo", False)
        if not project or self.env["project.task"].with_context(active_test=False).search_count(
            [("project_id", "=", project.id)], limit=1
        ):
            return False  # no demo, or already built (demo files load again on update)
        rng = random.Random(DEMO_SEED)
        now = fields.Datetime.now()
        today = windows.to_local(now, DEMO_ZONE).date()
        days = self._fs_demo_days(today)
        technicians = self._fs_demo_technicians()
        self._fs_demo_stock(rng, technicians)
        self._fs_demo_time_off(days)
        visits = self._fs_demo_visits(rng, project, technicians, days, now, today)
        self._fs_demo_close_done(rng, visits.filtered(lambda v: v.fs_state == vs.DONE))
        return True

    @api.model
    def _fs_demo_days(self, today):
        """Today (when a weekday) and the next working days."""
        days, day = [], today
        while len(days) < DEMO_DAYS:
            if day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days

    @api.model
    def _fs_demo_technicians(self):
        return self.env["hr.employee"].browse(
            [self._fs_demo_ref(f"employee_{login}_demo").id for login in TECHNICIANS]
        )

    @api.model
    def _fs_demo_job_types(self, technicians):
        """({key: job type}, {key: ids of the technicians qualified for it})."""
        job_types = {key: self._fs_demo_ref(f"job_type_{key}_demo") for key in JOB_TYPES}
        held = technicians._fs_held_skills()
        eligible = {
            key: set(
                skill_rules.eligible_technicians(
                    job_type.required_skill_ids._fs_as_requirements(), held
                )
            )
            for key, job_type in job_types.items()
        }
        return job_types, eligible

    @api.model
    def _fs_demo_ref(self, name):
        return self.env.ref(f"field_service_cx.{name}")

    @api.model
    def _fs_demo_product(self, code):
        return self._fs_demo_ref(f"product_{code.lower().replace('-', '_')}_demo")

    @api.model
    def _fs_demo_stock(self, rng, technicians):
        """Fill the vans with their kits (minus a few gaps) and the depot with most parts."""
        Quant = self.env["stock.quant"]
        job_types = self.env["fs.job.type"].browse(
            [self._fs_demo_ref(f"job_type_{key}_demo").id for key in JOB_TYPES]
        )
        held = technicians._fs_held_skills()
        for login, technician in zip(TECHNICIANS, technicians, strict=True):
            gaps = {self._fs_demo_product(code) for code in VAN_GAPS.get(login, [])}
            products = self.env["product.product"]
            for job_type in job_types:
                required = job_type.required_skill_ids._fs_as_requirements()
                if skill_rules.qualifies(required, held[technician.id]):
                    products |= job_type.kit_line_ids.product_id
            for product in products.sorted("default_code"):
                if product not in gaps:
                    Quant._update_available_quantity(
                        product, technician.fs_van_location_id, rng.randint(2, 4)
                    )
        depot = self.env.ref("stock.stock_location_stock")
        for code in PRODUCT_CODES:
            if code not in WAREHOUSE_GAPS:
                Quant._update_available_quantity(
                    self._fs_demo_product(code), depot, rng.randint(10, 30)
                )

    @api.model
    def _fs_demo_time_off(self, days):
        """Lucas is off for a day this week (a resource leave: no hr_holidays needed)."""
        lucas = self._fs_demo_ref("employee_lucas_demo")
        start, end = windows.local_day_bounds(days[2], DEMO_ZONE)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Paid time off",
                "resource_id": lucas.resource_id.id,
                "calendar_id": lucas.resource_calendar_id.id,
                "company_id": lucas.company_id.id,
                "date_from": start,
                "date_to": end,
                "time_type": "leave",
            }
        )

    @api.model
    def _fs_demo_visits(self, rng, project, technicians, days, now, today):
        customers = [self._fs_demo_ref(f"customer_{number:02d}_demo") for number in range(1, 41)]
        job_types, eligible = self._fs_demo_job_types(technicians)
        free = self._fs_demo_free_slots(technicians, days)
        scheduled_customers = [c for c in customers if c.partner_latitude or c.partner_longitude]
        rng.shuffle(scheduled_customers)
        # Today's first visits are done or under way only if the install comes after them:
        # installed earlier, the day is still ahead and every visit of it still to come.
        live = days[0] == today and windows.to_local(now, DEMO_ZONE).time() >= LIVE_FROM
        vals_list, cursor, attempts = [], 0, 0
        for day_index, (day, count) in enumerate(zip(days, VISITS_PER_DAY, strict=True)):
            placed = 0
            while placed < count:
                attempts += 1
                if attempts > 1000:
                    raise UserError(
                        self.env._("The demo week does not fit the technicians' hours.")
                    )
                key = rng.choices(list(JOB_TYPES), weights=list(JOB_TYPES.values()))[0]
                options = [
                    (technician, slot)
                    for technician in technicians
                    if technician.id in eligible[key]
                    # Today fills each day from its start, so that the morning has happened.
                    for slot in free[technician.id, day][: 1 if day_index == 0 else None]
                ]
                if not options:
                    continue
                technician, slot = rng.choice(options)
                free[technician.id, day].remove(slot)
                customer = scheduled_customers[cursor % len(scheduled_customers)]
                cursor += 1
                start = windows.to_utc(datetime.combine(day, time(SLOTS[slot][0])), DEMO_ZONE)
                end = windows.to_utc(datetime.combine(day, time(SLOTS[slot][1])), DEMO_ZONE)
                values = {
                    "name": rng.choice(ISSUES[key]),
                    "project_id": project.id,
                    "partner_id": customer.id,
                    "fs_job_type_id": job_types[key].id,
                    "fs_technician_id": technician.id,
                    "fs_window_start": start,
                    "fs_window_end": end,
                    "fs_route_sequence": slot + 1,
                    "fs_access_notes": rng.random() < 0.4 and rng.choice(ACCESS_NOTES),
                }
                values.update(self._fs_demo_state(rng, day_index, slot, live, start, now))
                vals_list.append(values)
                placed += 1
        # One cancellation and, when the week starts today, one customer not at home.
        vals_list[len(vals_list) // 2].update(
            fs_state=vs.CANCELLED,
            state="1_canceled",
            fs_cancelled_at=now - timedelta(hours=3),
            fs_cancel_reason="The customer sold the flat and no longer needs the visit.",
        )
        if live:
            first = next(v for v in vals_list if v["fs_state"] == vs.DONE)
            first.update(
                fs_state=vs.NOT_HOME,
                state="01_in_progress",
                fs_done_at=False,
                fs_not_home_at=first["fs_arrived_at"],
                fs_not_home_reason="Nobody answered; called twice and left a card.",
            )
        for number, key in TO_SCHEDULE:
            customer = customers[number - 1]
            vals_list.append(
                {
                    "name": rng.choice(ISSUES[key]),
                    "project_id": project.id,
                    "partner_id": customer.id,
                    "fs_job_type_id": job_types[key].id,
                }
            )
        return self._fs_demo_create_visits(vals_list)

    @api.model
    def _fs_demo_create_visits(self, vals_list):
        """Book the demo visits quietly (no tracking or chatter noise)."""
        return (
            self.env["project.task"]
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_auto_subscribe_no_notify=True,
                fs_promise_source="booking",
            )
            .create(vals_list)
        )

    @api.model
    def _fs_demo_free_slots(self, technicians, days):
        """{(technician id, day): [slot index]} inside working hours, time off removed."""
        start = windows.to_utc(datetime.combine(days[0], time.min), DEMO_ZONE)
        end = windows.to_utc(datetime.combine(days[-1], time.max), DEMO_ZONE)
        utc = windows.UTC
        intervals = technicians._fs_work_intervals(
            start.replace(tzinfo=utc), end.replace(tzinfo=utc)
        )
        free = {}
        for technician in technicians:
            for day in days:
                free[technician.id, day] = [
                    index
                    for index, (hour_from, hour_to) in enumerate(SLOTS)
                    if any(
                        span_start
                        <= windows.to_utc(datetime.combine(day, time(hour_from)), DEMO_ZONE)
                        and windows.to_utc(datetime.combine(day, time(hour_to)), DEMO_ZONE)
                        <= span_end
                        for span_start, span_end in intervals[technician.id]
                    )
                ]
        return free

    @api.model
    def _fs_demo_state(self, rng, day_index, slot, live, start, now):
        """The visit's state and the timestamps of the steps it went through."""
        if day_index == 0 and live and slot == 0:
            return self._fs_demo_stamps(vs.DONE, start, now)
        if day_index == 0 and live and slot == 1:
            state = rng.choice([vs.ON_SITE, vs.ON_SITE, vs.EN_ROUTE, vs.EN_ROUTE, vs.CONFIRMED])
            if state != vs.CONFIRMED:
                return self._fs_demo_stamps(state, start, now)
        if day_index <= 1 or rng.random() < 0.3:
            return {"fs_state": vs.CONFIRMED}
        return {"fs_state": vs.SCHEDULED}

    @api.model
    def _fs_demo_stamps(self, state, start, now):
        """Steps at plausible times, shifted back so that none is in the future."""
        steps = {"fs_en_route_at": start - timedelta(minutes=20)}
        if state in (vs.ON_SITE, vs.DONE):
            steps["fs_arrived_at"] = start + timedelta(minutes=10)
        if state == vs.DONE:
            steps["fs_done_at"] = start + timedelta(minutes=75)
        shift = max(max(steps.values()) - now + timedelta(minutes=5), timedelta(0))
        values = {name: moment - shift for name, moment in steps.items()}
        values["fs_state"] = state
        if state == vs.EN_ROUTE:
            # On the way: arriving at the window's start, or soon when that has passed.
            values["fs_eta"] = max(start, now + timedelta(minutes=15))
        if state == vs.DONE:
            values["state"] = "1_done"
        return values

    @api.model
    def _fs_demo_close_done(self, rng, visits):
        """Done visits have their checklist ticked, parts used, a summary and a signature."""
        visits.fs_checklist_line_ids.write({"is_done": True})
        for line in visits.fs_part_ids:
            line.quantity_used = line.quantity
        for visit in visits:
            values = {"fs_work_summary": f"<p>{rng.choice(WORK_DONE)}</p>"}
            if visit.fs_requires_signature:
                values.update(
                    fs_signature=self._fs_demo_signature(rng),
                    fs_signed_by=visit.partner_id.name,
                    fs_signed_at=visit.fs_done_at,
                )
            visit.write(values)

    @api.model
    def _fs_demo_signature(self, rng):
        """A scribble that looks like a signature (PNG, base64)."""
        image = Image.new("RGB", (360, 120), "white")
        draw = ImageDraw.Draw(image)
        points = [(20 + step * 16, 60 + rng.randint(-35, 35)) for step in range(20)]
        draw.line(points, fill=(20, 30, 90), width=3, joint="curve")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return base64.b64encode(buffer.getvalue())
