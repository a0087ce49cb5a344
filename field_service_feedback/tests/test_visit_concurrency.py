import random
import threading
import time
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from .common import every_day_calendar


def retry_on_concurrency(func, cr, tries=5):
    """What Odoo's request layer (``odoo.service.model.retrying``) does around every request:
    roll back and run again after a serialization failure. That function itself reloads the
    registry, which the test runner keeps locked, so threads in a test use this copy."""
    for tryno in range(1, tries + 1):
        try:
            result = func()
            cr.flush()
            return result
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            cr.rollback()
            if tryno == tries:
                raise
            time.sleep(random.uniform(0.0, 0.2 * tryno))


@tagged("post_install", "-at_install")
class TestConcurrentBooking(BaseCase):
    """Two customers take the last place of a window at the same time, on two real database
    connections (a TransactionCase or HttpCase cursor is shared and would serialize them).

    The data is committed for real, then removed. Odoo runs each request in a REPEATABLE READ
    transaction and retries it after a serialization failure; each thread does the same around
    the model method that the reschedule POST calls.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.ids = self._make_world(env)
        self.addCleanup(self._drop_world)

    def _make_world(self, env):
        calendar = every_day_calendar(env, "Every day 07-19 (concurrency test)")
        skill_type = env["hr.skill.type"].create(
            {
                "name": "Rare trade (concurrency test)",
                "skill_level_ids": [Command.create({"name": "Expert", "level_progress": 100})],
            }
        )
        skill = env["hr.skill"].create({"name": "Rare", "skill_type_id": skill_type.id})
        technician = env["hr.employee"].create(
            {
                "name": "Cora Concurrency",
                "fs_is_technician": True,
                "resource_calendar_id": calendar.id,
                "employee_skill_ids": [
                    Command.create(
                        {
                            "skill_type_id": skill_type.id,
                            "skill_id": skill.id,
                            "skill_level_id": skill_type.skill_level_ids.id,
                        }
                    )
                ],
            }
        )
        job_type = env["fs.job.type"].create(
            {
                "name": "Rare job (concurrency test)",
                "service_minutes": 60,
                "required_skill_ids": [
                    Command.create(
                        {
                            "skill_type_id": skill_type.id,
                            "skill_id": skill.id,
                            "skill_level_id": skill_type.skill_level_ids.id,
                        }
                    )
                ],
            }
        )
        project = env["project.project"].create(
            {"name": "Concurrency (test)", "fs_is_field_service": True}
        )
        customers = env["res.partner"].create(
            [
                {"name": "Customer One (concurrency)", "tz": "Europe/Paris"},
                {"name": "Customer Two (concurrency)", "tz": "Europe/Paris"},
            ]
        )
        visits = env["project.task"].create(
            [
                {
                    "name": f"Rare job for {customer.name}",
                    "project_id": project.id,
                    "partner_id": customer.id,
                    "fs_job_type_id": job_type.id,
                }
                for customer in customers
            ]
        )
        return {
            "calendar": calendar.id,
            "skill_type": skill_type.id,
            "technician": technician.id,
            "work_contact": technician.work_contact_id.id,
            "job_type": job_type.id,
            "project": project.id,
            "customers": customers.ids,
            "visits": visits.ids,
        }

    def _drop_world(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ids = self.ids
            env["project.task"].browse(ids["visits"]).unlink()
            env["project.project"].browse(ids["project"]).unlink()
            env["fs.job.type"].browse(ids["job_type"]).unlink()
            env["hr.employee"].browse(ids["technician"]).unlink()
            env["res.partner"].browse([*ids["customers"], ids["work_contact"]]).unlink()
            env["hr.skill.type"].browse(ids["skill_type"]).unlink()
            env["resource.calendar"].browse(ids["calendar"]).unlink()

    def _first_slot(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            visit = env["project.task"].browse(self.ids["visits"][0])
            day = datetime.now().date() + timedelta(days=3)
            slots = [s for s in visit._fs_portal_slots() if s.start.date() == day]
            self.assertTrue(slots)
            return slots[0]

    def _race(self, first_action, second_action):
        """Run ``first_action`` then, while its transaction still holds its locks,
        ``second_action``, each on its own connection and retried like a request.

        Returns ({"first"/"second": "done" or the UserError's text}, attempts of the second).
        """
        first_wrote = threading.Event()
        results, attempts = {}, {"first": 0, "second": 0}

        def run(name, action, hold_after_write):
            with self.registry.cursor() as cr:
                # The test runner holds the registry lock: give the cursor its transaction
                # directly instead of letting Environment look the registry up by name.
                cr.transaction = api.Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})

                def attempt():
                    attempts[name] += 1
                    action(env)
                    if hold_after_write:
                        first_wrote.set()
                        # keep the lock while the other request reaches it
                        time.sleep(1.5)

                try:
                    retry_on_concurrency(attempt, cr)
                    results[name] = "done"
                except UserError as error:
                    cr.rollback()
                    results[name] = error.args[0]
                finally:
                    first_wrote.set()

        first = threading.Thread(target=run, args=("first", first_action, True))
        first.start()
        first_wrote.wait(30)
        second = threading.Thread(target=run, args=("second", second_action, False))
        second.start()
        first.join(60)
        second.join(60)
        return results, attempts["second"]

    def _booked(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            booked = env["project.task"].search_read(
                [("id", "in", self.ids["visits"])], ["fs_window_start", "fs_technician_id"]
            )
            return {
                row["id"]: (
                    row["fs_window_start"],
                    row["fs_technician_id"] and row["fs_technician_id"][0],
                )
                for row in booked
            }

    def test_two_customers_one_place(self):
        slot = self._first_slot()
        one, two = self.ids["visits"]

        def customer(visit_id):
            return (
                lambda env: env["project.task"]
                .browse(visit_id)
                ._fs_portal_reschedule(str(slot.start), "1")
            )

        results, second_attempts = self._race(customer(one), customer(two))
        self.assertEqual(results["first"], "done")
        self.assertIn("no longer available", results["second"])
        # the second request really raced: it failed on the lock once, then was refused
        self.assertEqual(second_attempts, 2)
        booked = self._booked()
        self.assertEqual(booked[one], (slot.start, self.ids["technician"]))
        self.assertFalse(booked[two][0])

    def test_dispatcher_and_customer_one_place(self):
        """A dispatcher giving the technician a visit in the window, in the back office, at
        the moment a customer books it: the customer's request waits, retries, is refused."""
        slot = self._first_slot()
        one, two = self.ids["visits"]

        def dispatcher(env):
            env["project.task"].browse(two).write(
                {
                    "fs_window_start": slot.start,
                    "fs_window_end": slot.end,
                    "fs_technician_id": self.ids["technician"],
                }
            )

        def customer(env):
            env["project.task"].browse(one)._fs_portal_reschedule(str(slot.start), "1")

        results, second_attempts = self._race(dispatcher, customer)
        self.assertEqual(results["first"], "done")
        self.assertIn("no longer available", results["second"])
        self.assertEqual(second_attempts, 2, "the customer's request met the lock once")
        booked = self._booked()
        self.assertEqual(booked[two], (slot.start, self.ids["technician"]))
        self.assertFalse(booked[one][0])

    def test_dispatcher_moves_the_visit_its_customer_is_rescheduling(self):
        """Both read version 1; the dispatcher saves first: the customer's request meets the
        visit's row lock, is retried, and is refused as stale instead of overwriting."""
        slot = self._first_slot()
        one = self.ids["visits"][0]
        dispatcher_start = slot.start + timedelta(days=1)

        def dispatcher(env):
            env["project.task"].browse(one).write(
                {
                    "fs_window_start": dispatcher_start,
                    "fs_window_end": dispatcher_start + timedelta(hours=2),
                    "fs_schedule_version_read": 1,
                }
            )

        def customer(env):
            env["project.task"].browse(one)._fs_portal_reschedule(str(slot.start), "1")

        results, second_attempts = self._race(dispatcher, customer)
        self.assertEqual(results["first"], "done")
        self.assertIn("This visit changed meanwhile", results["second"])
        self.assertEqual(second_attempts, 2, "the customer's request met the row lock once")
        self.assertEqual(self._booked()[one][0], dispatcher_start)

    def test_customer_reschedules_the_visit_a_dispatcher_is_moving(self):
        """The other order: the customer saves first, the dispatcher's save is refused."""
        slot = self._first_slot()
        one = self.ids["visits"][0]
        dispatcher_start = slot.start + timedelta(days=1)

        def customer(env):
            env["project.task"].browse(one)._fs_portal_reschedule(str(slot.start), "1")

        def dispatcher(env):
            env["project.task"].browse(one).write(
                {
                    "fs_window_start": dispatcher_start,
                    "fs_window_end": dispatcher_start + timedelta(hours=2),
                    "fs_schedule_version_read": 1,
                }
            )

        results, second_attempts = self._race(customer, dispatcher)
        self.assertEqual(results["first"], "done")
        self.assertIn("changed meanwhile", results["second"])
        self.assertIn("Please reload", results["second"])
        self.assertEqual(second_attempts, 2, "the dispatcher's save met the row lock once")
        self.assertEqual(self._booked()[one], (slot.start, self.ids["technician"]))
