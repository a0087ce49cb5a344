import random
import threading
import time
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger


def retry_on_concurrency(func, cr, tries=5):
    """What Odoo's request and cron layers do around a transaction: roll back and run again
    after a serialization failure (``odoo.service.model.retrying`` reloads the registry, which
    the test runner keeps locked, so threads use this copy)."""
    for tryno in range(1, tries + 1):
        try:
            result = func()
            cr.flush()
            return result  # the cursor commits when its block ends
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            cr.rollback()
            if tryno == tries:
                raise
            time.sleep(random.uniform(0.0, 0.2 * tryno))


@tagged("post_install", "-at_install")
class TestMessagesRace(BaseCase):
    """The messages cron queues a visit's confirmation while the customer moves the visit, on
    two real database connections: the old window's message must not stay in the mail queue.

    The data is committed for real, then removed.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            project = env["project.project"].create(
                {
                    "name": "Messages race (test)",
                    "fs_is_field_service": True,
                    "company_id": env.company.id,
                }
            )
            customer = env["res.partner"].create(
                {
                    "name": "Rita Race",
                    "email": "rita.race@example.com",
                    "tz": "Europe/Paris",
                    "fs_quiet_from": 0.0,
                    "fs_quiet_until": 0.0,  # no quiet hours: the confirmation is due now
                }
            )
            start = datetime.now().replace(microsecond=0) + timedelta(days=5)
            visit = env["project.task"].create(
                {
                    "name": "Race visit",
                    "project_id": project.id,
                    "partner_id": customer.id,
                    "fs_window_start": start,
                    "fs_window_end": start + timedelta(hours=2),
                }
            )
            self.ids = {"project": project.id, "customer": customer.id, "visit": visit.id}
            self.start = start
        self.addCleanup(self._drop_world)

    def _drop_world(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["project.task"].browse(self.ids["visit"]).unlink()
            env["project.project"].browse(self.ids["project"]).unlink()
            env["res.partner"].browse(self.ids["customer"]).unlink()

    def _race(self, first_action, second_action):
        """``first_action`` runs and holds its transaction open while ``second_action`` runs
        on another connection; each is retried like Odoo retries a request or a cron job.
        Returns the attempts of each."""
        first_done = threading.Event()
        attempts = {"first": 0, "second": 0}
        errors = []

        def run(name, action, hold):
            try:
                with self.registry.cursor() as cr:
                    # The test runner holds the registry lock: give the cursor its transaction.
                    cr.transaction = api.Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})

                    def attempt():
                        attempts[name] += 1
                        action(env)
                        if hold:
                            env.flush_all()
                            first_done.set()
                            time.sleep(1.5)  # the other connection meets our locks meanwhile

                    retry_on_concurrency(attempt, cr)
            except Exception as error:  # reported by the test below
                errors.append(error)
            finally:
                first_done.set()

        first = threading.Thread(target=run, args=("first", first_action, True))
        first.start()
        first_done.wait(30)
        second = threading.Thread(target=run, args=("second", second_action, False))
        second.start()
        first.join(60)
        second.join(60)
        self.assertFalse(errors)
        return attempts

    def test_a_move_while_the_cron_queues_the_old_confirmation_withdraws_it(self):
        visit_id, new_start = self.ids["visit"], self.start + timedelta(days=2)

        def cron(env):
            # The cron's batch on this visit's due rows (the database may hold others): claimed
            # (locked, as the cron's UPDATE does), then sent.
            rows = env["fs.visit.message"].search(
                [
                    ("task_id", "=", visit_id),
                    ("state", "=", "planned"),
                    ("due_at", "<=", fields.Datetime.now()),
                ]
            )
            rows.write({"state": "sending"})
            rows.flush_recordset()
            rows._fs_send()

        def customer_moves(env):
            env["project.task"].browse(visit_id).with_context(fs_promise_source="customer").write(
                {"fs_window_start": new_start, "fs_window_end": new_start + timedelta(hours=2)}
            )

        with mute_logger("odoo.sql_db"):  # the serialization failure the move retries
            attempts = self._race(cron, customer_moves)
        self.assertEqual(attempts["second"], 2, "the move met the cron's lock, then ran again")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            visit = env["project.task"].browse(visit_id)
            old, new = visit.fs_promise_ids.sorted("id")
            confirmation = visit.fs_message_ids.filtered(lambda row: row.kind == "confirmation")
            self.assertEqual(confirmation.version, old.id)
            self.assertEqual(confirmation.state, "voided")
            self.assertEqual(confirmation.mail_id.state, "cancel", "out of the mail queue")
            outgoing = env["mail.mail"].search(
                [("model", "=", "project.task"), ("res_id", "=", visit_id)]
            )
            self.assertEqual(outgoing.filtered(lambda m: m.state == "outgoing"), env["mail.mail"])
            moved = visit.fs_message_ids.filtered(lambda row: row.kind == "rescheduled")
            self.assertEqual((moved.version, moved.state), (new.id, "planned"))
