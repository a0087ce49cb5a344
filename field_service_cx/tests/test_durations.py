from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from ..models.fs_job_type import FsJobType
from ..tools import durations, windows
from .common import FieldServiceCase

PARIS = windows.find_zone("Europe/Paris")[0]


class DurationsCase(FieldServiceCase):
    """Done visits with arrival and done times: Anna did the repair 12 times, Bob 3 times."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("field_service_cx.fixed_windows", "")
        cls.repair, cls.fresh = cls.env["fs.job.type"].create(
            [
                {"name": "Leak repair (test)", "service_minutes": 60},
                {"name": "Brand new job (test)", "service_minutes": 45},
            ]
        )
        cls.now = datetime.now().replace(microsecond=0)
        # Anna: 12 repairs of 50..105 minutes; Bob: 3 of 200; 4 of the new job type.
        cls.anna_minutes = [50, 55, 60, 62, 64, 66, 70, 75, 80, 90, 100, 105]
        cls.history = cls._done_visits(cls.repair, cls.anna, cls.anna_minutes)
        cls.history |= cls._done_visits(cls.repair, cls.bob, [200, 200, 200])
        cls.history |= cls._done_visits(cls.fresh, cls.anna, [20, 20, 20, 20])

    @classmethod
    def _done_visits(cls, job_type, technician, minutes, days_ago=10):
        visits = cls.env["project.task"]
        for index, length in enumerate(minutes):
            start = (cls.now - timedelta(days=days_ago + index)).replace(hour=8, minute=0, second=0)
            visit = cls.create_visit(
                fs_job_type_id=job_type.id,
                fs_technician_id=technician.id,
                fs_window_start=start,
                fs_window_end=start + timedelta(hours=2),
            )
            arrived = start + timedelta(minutes=20)
            visit.write(
                {
                    "fs_state": "done",
                    "fs_arrived_at": arrived,
                    "fs_done_at": arrived + timedelta(minutes=length),
                }
            )
            visits |= visit
        return visits


@tagged("post_install", "-at_install")
class TestDurationsFromHistory(DurationsCase):
    """Issue #17, item 1: the nightly cron measures on-site times, the planner uses them."""

    def _upcoming(self, job_type, technician=None, **values):
        start = (self.now + timedelta(days=3)).replace(hour=8, minute=0, second=0)
        return self.create_visit(
            fs_job_type_id=job_type.id,
            fs_technician_id=technician.id if technician else False,
            fs_window_start=start,
            fs_window_end=start + timedelta(hours=2),
            **values,
        )

    def test_the_cron_measures_p50_p80_and_sample_sizes(self):
        self.assertEqual(self.repair.duration_summary, "Not measured yet")
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        all_minutes = [*self.anna_minutes, 200, 200, 200]
        self.assertEqual(self.repair.duration_count, 15)
        self.assertAlmostEqual(self.repair.duration_p50, durations.quantile(all_minutes, 0.5))
        self.assertAlmostEqual(self.repair.duration_p80, durations.quantile(all_minutes, 0.8))
        self.assertEqual(self.repair.duration_p50, 75)
        self.assertEqual(self.repair.duration_summary, "P50 / P80: 75 / 124 min from 15 visits")
        lines = {line.employee_id: line for line in self.repair.duration_technician_ids}
        self.assertEqual(set(lines), {self.anna, self.bob})
        self.assertEqual((lines[self.anna].sample_count, lines[self.anna].used), (12, True))
        self.assertEqual((lines[self.bob].sample_count, lines[self.bob].used), (3, False))
        self.assertAlmostEqual(lines[self.anna].p50_minutes, 68.0)
        self.assertIn("too few", self.fresh.duration_summary)
        self.assertIn("from 4 visits", self.fresh.duration_summary)

    def test_only_the_rolling_period_counts(self):
        self._done_visits(self.repair, self.anna, [500] * 6, days_ago=120)
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        self.assertEqual(self.repair.duration_count, 15, "done 120+ days ago: outside 90 days")
        self.env["ir.config_parameter"].sudo().set_param(
            "field_service_cx.duration_period_days", "200"
        )
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        self.assertEqual(self.repair.duration_count, 21)

    def test_the_planner_takes_the_measured_duration_and_new_job_types_their_constant(self):
        before = self._upcoming(self.repair, self.bob)
        by_hand = self._upcoming(self.repair, self.bob, fs_service_minutes=45)
        self.assertEqual((before.fs_service_minutes, by_hand.fs_service_minutes), (60, 45))
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        # P80 of the job type (124) for Bob (3 visits only), Anna's own P80 (88).
        self.assertEqual(self.repair._fs_service_minutes(), 124)
        self.assertEqual(self.repair._fs_service_minutes(self.bob), 124)
        self.assertEqual(self.repair._fs_service_minutes(self.anna), 88)
        self.assertEqual(self.repair.planned_minutes, 124)
        self.assertEqual(self._upcoming(self.repair, self.anna).fs_service_minutes, 88)
        self.assertEqual(self._upcoming(self.repair).fs_service_minutes, 124)
        self.assertEqual(before.fs_service_minutes, 124, "the planned visit follows the figure")
        self.assertEqual(by_hand.fs_service_minutes, 45, "a duration set by hand is kept")
        self.assertEqual(self.history[0].fs_service_minutes, 60, "done visits keep theirs")
        # Four visits of the new job type: its constant.
        self.assertEqual(self.fresh._fs_service_minutes(self.anna), 45)
        self.assertEqual(self._upcoming(self.fresh, self.anna).fs_service_minutes, 45)
        # The setting: plan with the median instead.
        self.env["ir.config_parameter"].sudo().set_param(
            "field_service_cx.duration_quantile", "p50"
        )
        self.assertEqual(self.repair._fs_service_minutes(), 75)
        self.assertEqual(self.repair._fs_service_minutes(self.anna), 68)

    def _working_day(self):
        calendar = self.env["resource.calendar"].create(
            {"name": "Technicians (test)", "tz": "Europe/Paris"}
        )  # 8-12 and 13-17
        (self.anna | self.bob).write({"resource_calendar_id": calendar.id, "tz": "Europe/Paris"})
        day = (self.now + timedelta(days=2)).date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def _offers(self, day):
        return self.env["project.task"]._fs_offer_windows(
            site=self.customer,
            company=self.env.company,
            required={},
            service_minutes=None,  # each technician with their own figure
            parts={},
            days=[day],
            window_minutes=120,
            earliest=self.now,
            job_type=self.repair,
        )

    def test_the_booking_offers_windows_for_the_measured_duration(self):
        day = self._working_day()

        def offered_hours():
            offers = self._offers(day)
            return {(windows.to_local(o.start, PARIS).hour, o.technician) for o in offers}, offers

        hours, _offers = offered_hours()
        self.assertEqual({hour for hour, _tech in hours}, {8, 10, 13, 15})
        # Measured: Bob plans 124 min, Anna 88: 10:00 + 124 min ends after noon for Bob only.
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        hours, offers = offered_hours()
        self.assertIn((10, self.anna.id), hours)
        ten = next(o for o in offers if windows.to_local(o.start, PARIS).hour == 10)
        self.assertEqual(ten.technicians, (self.anna.id,), "Bob's 124 minutes overrun noon")
        # Honest windows: nothing booked before, so each window is half an hour from its start.
        for offer in offers:
            self.assertEqual(offer.end - offer.start, timedelta(minutes=30))

    def test_a_window_behind_booked_visits_is_wider(self):
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        day = self._working_day()

        def paris(hour, minute=0):
            return windows.to_utc(datetime.combine(day, datetime.min.time()), PARIS) + timedelta(
                hours=hour, minutes=minute
            )

        # Anna's morning: three repairs from 8:00 (her P50 68 min, P80 88 min each).
        for minute in (0, 30, 60):
            self._upcoming(self.repair, self.anna).write(
                {"fs_window_start": paris(8, minute), "fs_window_end": paris(8, minute + 30)}
            )
        ten = next(o for o in self._offers(day) if o.start >= paris(10))
        self.assertEqual(ten.technicians, (self.anna.id,))
        # Behind three jobs of about 68 minutes the arrival spreads over more than an hour.
        self.assertGreaterEqual(ten.start, paris(10))
        self.assertGreater(ten.end - ten.start, timedelta(minutes=60))
        self.assertEqual(ten.start.minute % 15, 0)
        self.assertEqual(ten.end.minute % 15, 0)
        # The afternoon's empty start (Anna's first stop after lunch, or Bob's day) is narrow.
        afternoon = next(o for o in self._offers(day) if o.start >= paris(15))
        self.assertEqual(afternoon.end - afternoon.start, timedelta(minutes=30))

    def test_a_failing_job_type_does_not_stop_the_batch(self):
        original = FsJobType._fs_store_durations

        def store(job_type, stats, per_technician):
            if job_type == self.repair:
                raise ValueError("broken on purpose")
            return original(job_type, stats, per_technician)

        with (
            patch.object(FsJobType, "_fs_store_durations", store),
            self.assertLogs("odoo.addons.field_service_cx.models.fs_job_type", "WARNING"),
        ):
            done = self.env["fs.job.type"]._cron_fs_recompute_durations()
        self.assertFalse(self.repair.duration_count, "the broken one is left as it was")
        self.assertEqual(self.fresh.duration_count, 4, "the others are measured")
        self.assertGreaterEqual(done, 1)

    def test_the_cron_reads_each_batch_in_one_query(self):
        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.env["fs.job.type"]._cron_fs_recompute_durations()
            return self.env.cr.sql_log_count - before

        queries()  # warm the caches
        self._done_visits(self.repair, self.bob, [200] * 5, days_ago=30)
        few = queries()
        self._done_visits(self.repair, self.bob, [200] * 20, days_ago=40)
        # No query per visit: 20 more visits cost no more queries than a cache's noise (±2).
        self.assertLess(abs(queries() - few), 5)
        self.assertEqual(self.repair.duration_count, 40)


@tagged("post_install", "-at_install")
class TestDurationsTour(HttpCase, DurationsCase):
    """The demo's dispatcher reads a job type's measured durations, at desktop width."""

    browser_size = "1440x900"

    def test_dispatcher_reads_the_measured_durations_of_a_job_type(self):
        self.env["fs.job.type"]._cron_fs_recompute_durations()
        self.start_tour("/odoo", "fs_job_type_durations", login=self.demo_dispatcher.login)
