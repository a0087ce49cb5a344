"""Benchmark: the customer-messages cron on 5,000 due reminders (figures, not a test).

Run it in an Odoo shell on a database where field_service_cx is installed::

    python odoo-bin shell -d DB --addons-path=/opt/odoo/odoo/addons,. --no-http \\
        < bench/messages_bench.py

It books ``VISITS`` visits (their rows are planned by the normal hooks), makes one reminder of
each due now, then runs the cron's batch method the way the framework does (one batch per call)
until nothing is due, and prints the wall time and SQL queries per reminder, plus the spread of
queries per batch (constant per reminder means every full batch costs about the same).
Everything is rolled back at the end: the database is left as it was. Nothing leaves the
machine: mails and SMS are only queued (mail.mail / sms.sms rows), as in production.

Goal: 5,000 reminders in at most 60 s, a constant number of queries per reminder.
"""

import os
import time
from datetime import datetime, timedelta

VISITS = int(os.environ.get("FS_BENCH_VISITS", 5000))
BATCH = 200
SMS_SHARE = 5  # one customer in SMS_SHARE prefers SMS

env = globals()["env"]  # provided by `odoo-bin shell`
cr = env.cr
Task = env["project.task"]
Message = env["fs.visit.message"]

project = env["project.project"].create({"name": "Bench visits", "fs_is_field_service": True})
france = env.ref("base.fr")
customers = env["res.partner"].create(
    [
        {
            "name": f"Bench customer {index}",
            "email": f"bench{index}@example.com",
            "mobile": f"+3361234{index:04d}",
            "country_id": france.id,
            "tz": "Europe/Paris",
            "fs_preferred_channel": "sms" if index % SMS_SHARE == 0 else "email",
            "fs_quiet_from": 0.0,
            "fs_quiet_until": 0.0,  # no quiet hours: every reminder goes now
        }
        for index in range(500)
    ]
)
start_day = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=10)
t0 = time.perf_counter()
visits = Task.create(
    [
        {
            "name": f"Bench visit {index}",
            "project_id": project.id,
            "partner_id": customers[index % len(customers)].id,
            "fs_window_start": start_day + timedelta(minutes=index % 600),
            "fs_window_end": start_day + timedelta(minutes=index % 600, hours=2),
        }
        for index in range(VISITS)
    ]
)
env.flush_all()
print(f"booked {len(visits)} visits in {time.perf_counter() - t0:.1f} s")

# Keep one reminder per visit, due now; the rest (confirmations, other steps) out of the way.
now = datetime.now()
rows = Message.search([("task_id", "in", visits.ids)])
reminders = rows.filtered(lambda row: row.key == "reminder:7d")
(rows - reminders).write({"state": "voided", "reason": "bench"})
reminders.write({"due_at": now - timedelta(minutes=1), "expires_at": now + timedelta(days=1)})
env.flush_all()
env.invalidate_all()
print(f"{len(reminders)} reminders due")

per_batch = []
t0, cpu0 = time.perf_counter(), time.process_time()
queries0 = cr.sql_log_count
while True:
    before = cr.sql_log_count
    done = Message._cron_send_due(batch_size=BATCH)
    env.flush_all()
    if not done:
        break
    per_batch.append((done, cr.sql_log_count - before))
    env.invalidate_all()  # a new transaction per batch in the real cron
elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
queries = cr.sql_log_count - queries0
sent = Message.search_count([("id", "in", reminders.ids), ("state", "=", "queued")])
mails = env["mail.mail"].search_count(
    [("model", "=", "project.task"), ("res_id", "in", visits.ids)]
)
texts = env["sms.sms"].search_count([("mail_message_id.res_id", "in", visits.ids)])
full = [count / done for done, count in per_batch if done == BATCH]
print(f"queued {sent} reminders ({mails} e-mails, {texts} SMS) in {elapsed:.1f} s")
print(f"Odoo process CPU {cpu:.1f} s (the rest is PostgreSQL and waiting for a core)")
print(
    f"{elapsed / max(sent, 1) * 1000:.1f} ms and {queries / max(sent, 1):.1f} queries per reminder"
)
if full:
    print(f"queries per reminder in full batches: min {min(full):.1f}, max {max(full):.1f}")
cr.rollback()
print("rolled back")
