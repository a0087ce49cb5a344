import base64
import io
import re
from datetime import timedelta

from PIL import Image

from odoo import Command, fields
from odoo.addons.field_service_cx.tests.common import FieldServiceCase
from odoo.tests import HttpCase

# A form's CSRF token, or the page's own (a page without forms still has it in its script).
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|csrf_token: "([^"]+)"')


def every_day_calendar(env, name):
    """A Paris calendar working 07:00–19:00 every day, so slots never depend on the weekday."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "Europe/Paris",
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": f"Day {day}",
                        "dayofweek": str(day),
                        "hour_from": 7,
                        "hour_to": 19,
                        "day_period": "morning",
                    }
                )
                for day in range(7)
            ],
        }
    )


class VisitPageCase(HttpCase, FieldServiceCase):
    """Field-service world + a visit with a token, technicians working every day 07–19 Paris."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.calendar = every_day_calendar(env, "Every day 07-19 (test)")
        (cls.anna | cls.bob).write(
            {
                "resource_calendar_id": cls.calendar.id,
                "work_phone": "+33 1 99 88 77 66",
                "mobile_phone": "+33 6 99 88 77 66",
                "work_email": "anna.private@example.com",
            }
        )
        cls.job_type.customer_preparation = "Clear the way to the boiler."
        # The van holds the kit, so parts are ready and only the cut-off limits new windows.
        env["stock.quant"]._update_available_quantity(cls.valve, cls.van_anna, 10)
        cls.visit = cls.create_visit(
            fs_technician_id=cls.anna.id,
            description="<p>INTERNAL-SECRET price 480 EUR</p>",
            fs_access_notes="Gate code 1234",
        )
        cls.token = cls.visit._portal_ensure_token()

    def visit_url(self, visit=None, suffix="", token=None):
        visit = visit or self.visit
        token = visit.access_token if token is None else token
        query = f"?access_token={token}" if token else ""
        return f"/my/visits/{visit.id}{suffix}{query}"

    def csrf(self, visit=None):
        page = self.url_open(self.visit_url(visit))
        self.assertEqual(page.status_code, 200)
        match = CSRF.search(page.text)
        return match.group(1) or match.group(2)

    def post(self, visit, suffix, data):
        visit.invalidate_recordset(["access_token", "fs_schedule_version"])  # set by requests
        data = dict(data, csrf_token=self.csrf(visit), access_token=visit.access_token)
        if suffix == "/reschedule":  # what the form's hidden field carries
            data.setdefault("version", visit.fs_schedule_version)
        return self.url_open(
            f"/my/visits/{visit.id}{suffix}", data=data, allow_redirects=False, timeout=30
        )

    def first_free_slot(self, visit=None):
        slots = (visit or self.visit)._fs_portal_slots()
        self.assertTrue(slots, "the test world must offer free windows")
        return slots[0]

    @staticmethod
    def utc_text(value):
        return fields.Datetime.to_string(value)

    def hours_from_now(self, hours):
        return fields.Datetime.now().replace(microsecond=0) + timedelta(hours=hours)

    # ---- a done visit with a full service report --------------------------------------------

    @staticmethod
    def png(color="red", size=(64, 48)):
        buffer = io.BytesIO()
        Image.new("RGB", size, color).save(buffer, format="PNG")
        return base64.b64encode(buffer.getvalue())

    @classmethod
    def finish(cls, visit, **report):
        """Take ``visit`` through the day (on the way, arrived, done) with a full report."""
        visit.fs_checklist_line_ids.filtered("required").is_done = True
        visit.fs_part_ids[:1].quantity_used = 1
        visit.write(
            dict(
                {
                    "fs_work_summary": "<p>Cleaned the burner and replaced one valve.</p>",
                    "fs_recommendations": "Bleed the radiators before winter.",
                    "fs_next_service_date": fields.Date.today() + timedelta(days=365),
                    "fs_signature": cls.png("black", (120, 40)),
                    "fs_signed_by": "Claire Martin",
                    "fs_signed_at": fields.Datetime.now(),
                    "fs_photo_ids": [
                        Command.create(
                            {"kind": "before", "caption": "Sooty burner", "image": cls.png("gray")}
                        ),
                        Command.create(
                            {"kind": "after", "caption": "Clean burner", "image": cls.png("white")}
                        ),
                    ],
                },
                **report,
            )
        )
        visit.action_fs_on_my_way()
        visit.action_fs_arrive()
        visit.action_fs_done()
        return visit


class FinishedVisitCase(FieldServiceCase):
    """A visit of Anna's with its checklist ticked, ready to be taken through the day."""

    def setUp(self):
        super().setUp()
        self.visit = self.create_visit(fs_technician_id=self.anna.id)
        self.visit.fs_checklist_line_ids.is_done = True

    def finish(self, visit=None):
        visit = visit or self.visit
        visit.action_fs_on_my_way()
        visit.action_fs_arrive()
        visit.action_fs_done()
