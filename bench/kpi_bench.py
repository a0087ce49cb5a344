"""Benchmark: the manager's dashboard and KPI workbook on 100,000 visits (figures, not a test).

Run it in an Odoo shell on a database where field_service_feedback is installed::

    python odoo-bin shell -d DB --addons-path=/opt/odoo/odoo/addons,. --no-http \\
        < bench/kpi_bench.py

It inserts ``VISITS`` visits over a year with SQL (windows, arrivals, promises, ratings,
disputes, repeats), computes the measures each visit stores, then times the dashboard's KPIs (this
period and the previous one), a year-wide dashboard, the grouped reads behind the workbook, and
the whole workbook. Everything is rolled back at the end: the database is left as it was.

Goals (issue #8): dashboard queries ≤ 2 s, workbook ≤ 30 s, on this machine.
"""

import time
from datetime import date, timedelta

VISITS = 100_000
TECHNICIANS = 40

env = globals()["env"]  # provided by `odoo-bin shell`
cr = env.cr


def timed(label, function, repeat=3):
    best = None
    for _ in range(repeat):
        env.invalidate_all()
        began = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<58} {best:7.3f} s (best of {repeat})")
    return result


began = time.perf_counter()
project = env["project.project"].create({"name": "Bench KPIs", "fs_is_field_service": True})
job_types = env["fs.job.type"].create([{"name": f"Bench job {n}"} for n in range(6)])
employees = env["hr.employee"].create(
    [{"name": f"Bench technician {n}", "fs_is_technician": True} for n in range(TECHNICIANS)]
)
site = env["res.partner"].create(
    {"name": "Bench site", "partner_latitude": 45.76, "partner_longitude": 4.83}
)
first_day = date.today() - timedelta(days=364)
cr.execute(
    """
    INSERT INTO project_task (name, state, active, project_id, company_id, fs_is_visit, fs_state,
                              fs_technician_id, fs_job_type_id, fs_site_id, fs_visit_date,
                              fs_window_start, fs_window_end, fs_en_route_at, fs_arrived_at,
                              fs_done_at, fs_planned_travel_minutes, fs_service_minutes)
    SELECT 'Bench visit ' || n, '01_in_progress', TRUE, %(project)s, %(company)s, TRUE,
           CASE WHEN n %% 50 = 0 THEN 'cancelled' WHEN n %% 40 = 0 THEN 'not_home' ELSE 'done' END,
           (%(employees)s)[1 + n %% %(tech_count)s], (%(job_types)s)[1 + n %% 6], %(site)s,
           day, start_at, start_at + interval '2 hours',
           start_at + ((n %% 7) * interval '5 minutes') - interval '25 minutes',
           CASE WHEN n %% 40 = 0 THEN NULL ELSE start_at + ((n %% 30) * interval '5 minutes') END,
           start_at + interval '3 hours', 10 + n %% 30, 60
      FROM (
            SELECT n, %(first_day)s::date + (n %% 365) AS day,
                   (%(first_day)s::date + (n %% 365))::timestamp + interval '7 hours'
                       + ((n %% 5) * interval '2 hours') AS start_at
              FROM generate_series(1, %(visits)s) AS n
      ) generated
    """,
    {
        "project": project.id,
        "company": env.company.id,
        "employees": employees.ids,
        "tech_count": TECHNICIANS,
        "job_types": job_types.ids,
        "site": site.id,
        "first_day": first_day,
        "visits": VISITS,
    },
)
cr.execute(
    """
    INSERT INTO fs_visit_promise (task_id, window_start, window_end, promised_at, source)
    SELECT id, fs_window_start, fs_window_end, fs_window_start - interval '5 days', 'booking'
      FROM project_task WHERE project_id = %(project)s
    UNION ALL
    SELECT id, fs_window_start + interval '1 hour', fs_window_end + interval '1 hour',
           fs_window_start - interval '1 day',
           CASE WHEN id %% 2 = 0 THEN 'customer' ELSE 'company' END
      FROM project_task WHERE project_id = %(project)s AND id %% 9 = 0
    UNION ALL
    SELECT id, fs_window_start + interval '90 minutes', fs_window_end + interval '1 hour',
           fs_window_start - interval '20 minutes', 'delay'
      FROM project_task WHERE project_id = %(project)s AND id %% 17 = 0;

    INSERT INTO rating_rating (res_model_id, res_model, res_id, rating, fs_nps, consumed,
                               access_token, partner_id)
    SELECT (SELECT id FROM ir_model WHERE model = 'project.task'), 'project.task', id,
           1 + id %% 5, CASE WHEN id %% 3 = 0 THEN -1 ELSE id %% 11 END, id %% 3 != 0,
           md5(id::text), %(partner)s
      FROM project_task WHERE project_id = %(project)s AND fs_state = 'done' AND id %% 2 = 0;

    INSERT INTO fs_visit_dispute (task_id, line_kind, line_label, reason, state)
    SELECT id, 'charge', 'Call-out fee', 'too high', 'open'
      FROM project_task WHERE project_id = %(project)s AND fs_state = 'done' AND id %% 97 = 0;

    UPDATE project_task t SET fs_repeat_of_id = t.id - 1, fs_is_repeat = TRUE
     WHERE project_id = %(project)s AND id %% 23 = 0;
    """,
    {"project": project.id, "partner": site.id},
)
print(
    f"{VISITS} visits, their promises, ratings and disputes inserted in "
    f"{time.perf_counter() - began:.1f} s"
)
# Rows inserted with SQL skip the ORM: compute the measures each visit stores, as the ORM
# does on every write in production (this also gives the per-visit cost of keeping them).
began = time.perf_counter()
Task = env["project.task"]
tasks = Task.search([("project_id", "=", project.id)])
for name in Task._fields:
    if name.startswith("fs_kpi_"):
        env.add_to_compute(Task._fields[name], tasks)
Task.flush_model()
elapsed = time.perf_counter() - began
print(
    f"stored KPI measures computed for {len(tasks)} visits in {elapsed:.1f} s "
    f"({1000 * elapsed / len(tasks):.2f} ms per visit)"
)
env.invalidate_all()
cr.execute("ANALYZE project_task")

Dashboard = env["fs.kpi.dashboard"]
month = Dashboard.create({"date_from": date.today() - timedelta(days=27), "date_to": date.today()})
year = Dashboard.create({"date_from": first_day, "date_to": date.today()})
one_tech = Dashboard.create(
    {"date_from": first_day, "date_to": date.today(), "technician_id": employees[0].id}
)
timed("dashboard, last 4 weeks (this + previous period)", month._fs_kpis)
for _key, label, unit, value, _previous, _trend in year._fs_kpis()[:3] + year._fs_kpis()[8:9]:
    print(f"    year's {label}: {month._fs_format_value(value, unit)}")
timed("dashboard, whole year (this + previous period)", year._fs_kpis)
timed("dashboard, whole year, one technician", one_tech._fs_kpis)
timed(
    "grouped read by technician, whole year",
    lambda: year._fs_counts(year._fs_domain(), ["technician_id"]),
)
timed(
    "grouped read by week, whole year",
    lambda: year._fs_counts(year._fs_domain(), ["visit_date:week"]),
)
content = timed("KPI workbook, whole year (5 sheets + chart)", year._fs_workbook, repeat=1)
print(f"workbook size: {len(content) / 1024:.0f} KiB")
cr.rollback()
print("rolled back: the database is as it was")
