import io
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.addons.field_service_cx.tests.common import FieldServiceCase
from odoo.addons.field_service_feedback.models.digest_digest import FS_DIGEST_KPIS
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged


def at(day, hour, minute=0):
    """Naive UTC on a day of the first week of March 2026 (Paris is UTC+1 then)."""
    return datetime(2026, 3, day, hour, minute)


@tagged("post_install", "-at_install")
class TestKpis(FieldServiceCase):
    """Seven visits whose KPIs are worked out by hand in the comments below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The visits below were done in March 2026: keep their ratings inside the window.
        cls.env["ir.config_parameter"].set_param(
            "field_service_feedback.rating_window_days", "36500"
        )
        Partner = cls.env["res.partner"]
        sites = Partner.create([{"name": f"KPI site {n}", "tz": "Europe/Paris"} for n in range(6)])

        def visit(name, site, start, end, **values):
            return cls.create_visit(
                name=name,
                partner_id=site.id,
                fs_window_start=start,
                fs_window_end=end,
                fs_technician_id=cls.anna.id,
                **values,
            )

        def finish(task, en_route, arrived, done):
            task.write(
                {
                    "fs_state": "done",
                    "fs_en_route_at": en_route,
                    "fs_arrived_at": arrived,
                    "fs_done_at": done,
                }
            )

        # V1: on time against both promises, 20 min planned and actual travel, 5 stars, NPS 10.
        cls.v1 = visit("V1", sites[0], at(2, 8), at(2, 10), fs_planned_travel_minutes=20)
        finish(cls.v1, at(2, 8, 40), at(2, 9), at(2, 10))
        cls.v1._fs_submit_rating("5", "10", "", "k1")
        # V2: moved by the customer to 13–15, arrives 14:00: on time (latest) but not (original);
        # 2 stars, NPS 3 (a detractor), and a disputed line.
        cls.v2 = visit("V2", sites[1], at(2, 8), at(2, 10))
        cls.v2.with_context(fs_promise_source="customer").write(
            {"fs_window_start": at(2, 13), "fs_window_end": at(2, 15)}
        )
        finish(cls.v2, False, at(2, 14), at(2, 15))
        cls.v2._fs_submit_rating("2", "3", "late", "k2")
        cls.env["fs.visit.dispute"].create(
            {
                "task_id": cls.v2.id,
                "line_kind": "time",
                "line_label": "Arrival",
                "reason": "later than said",
            }
        )
        # V3: arrives 12:30 for 10–12 (late); a rating was asked, none given; V5 repeats it.
        cls.v3 = visit("V3", sites[2], at(2, 10), at(2, 12))
        finish(cls.v3, False, at(2, 12, 30), at(2, 12, 45))
        cls.v3._fs_rating_request()
        # V4: nobody home (reached the door, not arrived).
        cls.v4 = visit("V4", sites[3], at(3, 8), at(3, 10))
        cls.v4.write({"fs_state": "not_home"})
        # V5: same site as V3 three days later: a repeat (not arrived yet).
        cls.v5 = visit("V5", sites[2], at(5, 8), at(5, 10))
        # V6: cancelled: counted only as cancelled.
        cls.v6 = visit("V6", sites[4], at(3, 13), at(3, 15), fs_planned_travel_minutes=50)
        cls.v6.write({"fs_state": "cancelled", "fs_arrived_at": at(3, 14)})
        # V7: delay alert at 12:00 moves 13–15 to 15:00–15:30 (180 min notice), arrives 15:10.
        cls.v7 = visit("V7", sites[5], at(4, 13), at(4, 15))
        # A delay alert records a new promise; the booked window stays as it was.
        cls.env["fs.visit.promise"].create(
            {
                "task_id": cls.v7.id,
                "window_start": at(4, 15),
                "window_end": at(4, 15, 30),
                "promised_at": at(4, 12),
                "source": "delay",
            }
        )
        cls.v7.fs_promise_ids.filtered(lambda p: p.source == "booking").promised_at = at(1, 9)
        finish(cls.v7, False, at(4, 15, 10), at(4, 16))
        (cls.v1 | cls.v2 | cls.v3 | cls.v4 | cls.v5 | cls.v6).fs_promise_ids.promised_at = at(1, 9)
        cls.v2.fs_promise_ids.filtered(lambda p: p.source == "customer").promised_at = at(1, 10)
        cls.env.flush_all()
        cls.dashboard = cls.env["fs.kpi.dashboard"].create(
            {
                "date_from": date(2026, 3, 2),
                "date_to": date(2026, 3, 8),
                "technician_id": cls.anna.id,
            }
        )

    def kpis(self):
        return {
            key: value for key, _label, _unit, value, _prev, _trend in self.dashboard._fs_kpis()
        }

    def test_every_kpi_against_hand_computed_values(self):
        values = self.kpis()
        expected = {
            "on_time_rate": 75.0,  # V1, V2, V7 of 4 arrivals (V1, V2, V3, V7)
            "on_time_original_rate": 25.0,  # only V1 kept its first window
            "first_time_fix_rate": 75.0,  # V1, V2, V7 of 4 done; V3 was repeated by V5
            "repeat_rate": 25.0,  # V5 of 4 done
            "travel_planned_per_job": 20.0,  # V1 only (V6 is cancelled)
            "travel_actual_per_job": 20.0,  # V1: 08:40 → 09:00
            "rating_rate": 200 / 3,  # V1, V2 rated of 3 asked (V3 not answered)
            "average_rating": 3.5,
            "nps": 0.0,  # one promoter, one detractor
            "dispute_rate": 25.0,  # V2 of 4 done
            "resched_customer_rate": 100 / 6,  # V2 of 6 visits not cancelled
            "resched_company_rate": 0.0,
            "not_home_rate": 20.0,  # V4 of 5 that reached the door
            "confirmation_rate": None,  # no reminder sent in this dataset
            "delay_notice": 180.0,  # V7: alert at 12:00, the window replaced ended at 15:00
        }
        for key, value in expected.items():
            if value is None:
                self.assertIsNone(values[key], key)
            else:
                self.assertAlmostEqual(values[key], value, places=6, msg=key)

    def test_previous_period_and_trend(self):
        rows = {row[0]: row for row in self.dashboard._fs_kpis()}
        self.assertIsNone(rows["on_time_rate"][4], "nothing the week before")
        self.assertIsNone(rows["on_time_rate"][5])

    def dashboard_data(self, **params):
        params = {"preset": "custom", "date_from": "2026-03-02", "date_to": "2026-03-08"} | params
        return self.env["fs.kpi.dashboard"].fs_dashboard_data(params)

    def test_client_dashboard_cards_count_the_visits_they_open(self):
        data = self.dashboard_data(technician_id=self.anna.id)
        cards = {card["key"]: card for card in data["cards"]}
        self.assertEqual(cards["on_time_rate"]["display"], "75.0 %")
        self.assertEqual(cards["on_time_rate"]["previous_display"], "—")
        self.assertEqual(cards["confirmation_rate"]["display"], "—")
        self.assertEqual(cards["on_time_rate"]["count"], 4)
        self.assertEqual(data["previous"], ["2026-02-23", "2026-03-01"])
        Task = self.env["project.task"]
        for key, visits in (
            ("on_time_rate", self.v1 | self.v2 | self.v3 | self.v7),
            ("first_time_fix_rate", self.v1 | self.v2 | self.v3 | self.v7),
            ("not_home_rate", self.v1 | self.v2 | self.v3 | self.v4 | self.v7),
            ("average_rating", self.v1 | self.v2),
        ):
            action = self.env["fs.kpi.dashboard"].fs_open_visits(
                {
                    "preset": "custom",
                    "date_from": "2026-03-02",
                    "date_to": "2026-03-08",
                    "technician_id": self.anna.id,
                },
                key,
            )
            self.assertEqual(action["res_model"], "project.task")
            self.assertEqual(Task.search(action["domain"]), visits, key)
            self.assertEqual(len(visits), cards[key]["count"], key)

    def test_client_dashboard_weekly_trends_by_the_users_week_start(self):
        self.env["res.lang"]._lang_get(self.env.user.lang).week_start = "1"  # Monday
        data = self.dashboard_data(technician_id=self.anna.id)
        on_time = next(t for t in data["trends"] if t["key"] == "on_time_rate")
        self.assertEqual(len(on_time["weeks"]), 8, "eight weeks up to the period's last")
        self.assertEqual(on_time["values"][-1], 75.0, "the week of 2 March holds V1–V7")
        self.assertEqual(on_time["values"][:-1], [None] * 7, "no data is not 0 %")
        self.assertEqual(
            [t["key"] for t in data["trends"]],
            [
                "on_time_rate",
                "first_time_fix_rate",
                "repeat_rate",
                "travel_actual_per_job",
                "nps",
                "rating_rate",
                "dispute_rate",
            ],
        )
        self.env["res.lang"]._lang_get(self.env.user.lang).week_start = "7"  # Sunday
        data = self.dashboard_data(technician_id=self.anna.id)
        on_time = next(t for t in data["trends"] if t["key"] == "on_time_rate")
        # Sunday weeks: 1–7 March holds V1–V7, 8 March (the period's last day) starts a new one.
        self.assertEqual(on_time["values"][-2:], [75.0, None])

    @freeze_time("2026-03-04 12:00:00")
    def test_client_dashboard_presets_never_reach_the_future(self):
        data = self.dashboard_data(preset="this_week")
        self.assertLessEqual(data["date_to"], "2026-03-04")
        data = self.dashboard_data(date_to="2026-03-31")
        self.assertEqual(data["date_to"], "2026-03-04", "a custom period is cut at today")
        with self.assertRaisesRegex(UserError, "starts and ends by today"):
            self.dashboard_data(date_from="2026-03-08", date_to="2026-03-02")

    def test_filters_narrow_the_data(self):
        self.dashboard.technician_id = self.bob
        self.assertIsNone(self.kpis()["on_time_rate"])

    def test_dashboard_reads_in_three_queries(self):
        """Filters, the user's companies, one grouped read per period, however many visits."""
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=4):
            self.dashboard._fs_kpis()

    def test_coaching_per_job_type_and_technician(self):
        rows = self.env["fs.kpi.dashboard"].fs_coaching(
            {"preset": "custom", "date_from": "2026-03-02", "date_to": "2026-03-08"}
        )
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual((row["job_type"], row["technician"]), (self.job_type.name, "Anna Tech"))
        self.assertEqual((row["done"], row["first_time_fix"], row["repeats"]), (4, "75.0 %", 1))
        self.assertEqual(row["reasons"], [(self.job_type.name, 1)], "V5 came back for V3")
        action = self.env["fs.kpi.dashboard"].fs_open_job_type(row["job_type_id"])
        self.assertEqual((action["res_model"], action["res_id"]), ("fs.job.type", self.job_type.id))

    @freeze_time("2026-03-06 15:00:00")
    def test_friday_reviews_start_with_disputes_then_repeats(self):
        self.env["res.lang"]._lang_get(self.env.user.lang).week_start = "1"  # Monday
        action = self.env["fs.kpi.dashboard"].fs_friday_reviews({"technician_id": self.anna.id})
        picked = action["domain"][0][2]
        self.assertEqual(picked[:2], [self.v2.id, self.v3.id], "disputed and 2 stars, repeated")
        self.assertEqual(set(picked), set((self.v1 | self.v2 | self.v3 | self.v7).ids))
        again = self.env["fs.kpi.dashboard"].fs_friday_reviews({"technician_id": self.anna.id})
        self.assertEqual(again["domain"][0][2], picked, "the same list all week")

    def test_analysis_rates_per_technician_equal_the_dashboards(self):
        """Pivot cells are ratios of the group's sums, not averages of per-visit rates."""
        # V1 asked twice more: 2 rated of 5 asked is 40 %; the average of per-visit rates
        # (1/3, 1/1, 0/1) would be 44.4 %.
        self.env["rating.rating"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("project.task"),
                    "res_id": self.v1.id,
                    "partner_id": self.v1.partner_id.id,
                }
                for _n in range(2)
            ]
        )
        self.env.flush_all()
        rates = ["on_time_rate", "first_time_fix_rate", "nps", "average_rating", "rating_rate"]
        domain = [("visit_date", ">=", "2026-03-02"), ("visit_date", "<=", "2026-03-08")]
        groups = self.env["fs.kpi.visit"].read_group(
            domain, [f"{name}:avg" for name in rates], ["technician_id"]
        )
        anna = next(g for g in groups if g["technician_id"][0] == self.anna.id)
        values = self.kpis()
        for name in rates:
            self.assertAlmostEqual(anna[name], values[name], places=6, msg=name)
        # An average of per-visit on-time flags would also be 75; NPS would not (+100, −100).
        self.assertAlmostEqual(anna["nps"], 0.0)
        self.assertAlmostEqual(anna["rating_rate"], 40.0, msg="2 rated of 5 asked")
        empty = self.env["fs.kpi.visit"].read_group(
            [*domain, ("technician_id", "=", self.anna.id), ("arrived", "=", 0)],
            ["on_time_rate:avg"],
            [],
        )
        self.assertFalse(empty[0]["on_time_rate"], "no arrivals: no rate, not 0 %")

    def test_workbook_file_name_says_the_period_and_filter(self):
        self.assertEqual(
            self.dashboard._fs_workbook_filename(),
            "field-service-kpis_2026-03-02_2026-03-08_Anna-Tech.xlsx",
        )
        action = self.env["fs.kpi.dashboard"].fs_export_xlsx(
            {"preset": "custom", "date_from": "2026-03-02", "date_to": "2026-03-08"}
        )
        exported = self.env["fs.kpi.dashboard"].browse(int(action["url"].split("/")[3]))
        self.assertEqual(
            exported._fs_workbook_filename(), "field-service-kpis_2026-03-02_2026-03-08.xlsx"
        )

    def test_workbook_opens_and_holds_the_dashboard_numbers(self):
        book = openpyxl.load_workbook(io.BytesIO(self.dashboard._fs_workbook()))
        self.assertEqual(
            book.sheetnames, ["Summary", "By technician", "By team", "By job type", "By week"]
        )
        summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=4, values_only=True)}
        self.assertAlmostEqual(summary["On-time arrival (latest promise)"], 75.0)
        self.assertAlmostEqual(summary["NPS"], 0.0)
        self.assertIsNone(summary["Reminder confirmation"])
        sheet = book["By technician"]
        header = [cell.value for cell in sheet[1]]
        anna = next(
            row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "Anna Tech"
        )
        self.assertEqual(anna[header.index("Done")], 4)
        self.assertAlmostEqual(anna[header.index("First-time fix")], 75.0)
        self.assertEqual(sheet.freeze_panes, "B2")
        self.assertTrue(book["Summary"]._charts, "the weekly chart is on the summary sheet")

    def test_workbook_speaks_the_managers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["field_service_feedback"], ["de_DE"], overwrite=True
        )
        german = self.dashboard.with_context(lang="de_DE")
        book = openpyxl.load_workbook(io.BytesIO(german._fs_workbook()))
        self.assertEqual(
            book.sheetnames,
            ["Übersicht", "Nach Techniker", "Nach Team", "Nach Auftragsart", "Nach Woche"],
        )
        summary = book["Übersicht"]
        self.assertIn("Außendienst-KPIs", summary["A1"].value)
        self.assertEqual(
            [cell.value for cell in summary[3]][:3],
            ["KPI", "Dieser Zeitraum", "Vorheriger Zeitraum"],
        )
        labels = [row[0] for row in summary.iter_rows(min_row=4, values_only=True)]
        self.assertIn("Pünktliche Ankunft (letzte Zusage)", labels)
        header = [cell.value for cell in book["Nach Techniker"][1]]
        self.assertEqual(header[:3], ["Techniker", "Termine", "Erledigt"])
        self.assertEqual(
            summary._charts[0].title.tx.rich.p[0].r[0].t, "Pünktliche Ankunft und NPS nach Woche"
        )

    # -- The weekly digest ---------------------------------------------------------------

    def fs_digest(self):
        digest = self.env.ref("field_service_feedback.digest_fs_weekly")
        digest.company_id = self.env.company
        return digest

    @freeze_time("2026-03-06 12:00:00")
    def test_digest_values_equal_the_dashboards_for_every_kpi_and_timeframe(self):
        """Read in core's order (per timeframe and field: current, invalidate, previous,
        invalidate): no value leaks from one period into another."""
        digest = self.fs_digest()
        Dashboard = self.env["fs.kpi.dashboard"]
        checked = 0
        for _label, periods in digest._compute_timeframes(self.env.company):
            expected = [
                Dashboard._fs_period_kpis(*digest._fs_digest_days(*period), self.env.company)
                for period in periods
            ]
            for name, key in FS_DIGEST_KPIS.items():
                for (start, end), values in zip(periods, expected, strict=True):
                    period = digest.with_context(start_datetime=start, end_datetime=end)
                    value = period[f"{name}_value"]
                    period.invalidate_model([f"{name}_value"])
                    self.assertAlmostEqual(value, values[key] or 0.0, msg=(name, start))
                    checked += 1
        self.assertEqual(checked, 6 * 15)

    @freeze_time("2026-03-06 12:00:00")
    def test_digest_mail_shows_the_dashboard_values_and_dashes_without_data(self):
        """24 h = 5 March (V5 only: nothing arrived), 7 and 30 days hold V1–V7."""
        manager = self.fs_manager()
        digest = self.fs_digest()
        rows = {row["kpi_name"]: row for row in digest._compute_kpis(self.env.company, manager)}
        on_time = rows["kpi_fs_on_time"]
        self.assertEqual(on_time["kpi_col1"]["value"], "—", "nobody arrived on 5 March")
        self.assertIn("100.0 %", on_time["kpi_col1"]["col_subtitle"], "4 March: V7 on time")
        self.assertEqual(on_time["kpi_col2"]["value"], "75.0 %")
        self.assertIn("—", on_time["kpi_col2"]["col_subtitle"], "nothing the week before")
        self.assertEqual(on_time["kpi_col3"]["value"], "75.0 %")
        self.assertEqual(rows["kpi_fs_first_time_fix"]["kpi_col2"]["value"], "75.0 %")
        self.assertEqual(rows["kpi_fs_nps"]["kpi_col2"]["value"], "+0")
        self.assertEqual(rows["kpi_fs_average_rating"]["kpi_col1"]["value"], "—")
        self.assertEqual(rows["kpi_fs_average_rating"]["kpi_col2"]["value"], "3.50 ★")
        self.assertEqual(rows["kpi_fs_confirmation"]["kpi_col3"]["value"], "—")
        self.assertEqual(len(rows), 15, "only the field-service KPIs")
        self.assertFalse(digest._compute_tips(self.env.company, manager))

    def fs_manager(self):
        return mail_new_test_user(
            self.env,
            login="kpi_manager",
            email="kpi.manager@example.com",
            groups="base.group_user,field_service_cx.group_fs_manager",
        )

    def test_digest_is_weekly_and_goes_to_managers_only(self):
        manager = self.fs_manager()
        digest = self.fs_digest()
        self.assertEqual(digest.periodicity, "weekly")
        digest.user_ids = manager | self.user_dispatcher
        self.env["mail.mail"].search([]).unlink()
        digest.action_send_manual()
        mails = self.env["mail.mail"].search([])
        self.assertEqual(mails.mapped("email_to"), [manager.email_formatted])
        self.assertNotIn("play.google.com", mails.body_html, "no app banner")
        self.assertIn("On-time arrival (latest promise)", mails.body_html)

    def test_each_role_lands_on_its_screen(self):
        dashboard = self.env.ref("field_service_feedback.action_fs_kpi_dashboard_client")
        board = self.env.ref("field_service_cx.action_fs_dispatch_calendar")
        self.assertEqual(self.fs_manager().action_id.id, dashboard.id)
        # The calendar, or the board of field_service_routing when it is installed.
        dispatch_home = self.env.ref(
            next(
                home
                for group, home in self.env["res.users"]._fs_role_homes()
                if group == "field_service_cx.group_fs_dispatcher"
            )
        )
        self.assertEqual(self.user_dispatcher.action_id.id, dispatch_home.id)
        # Users homed before this addon was installed (the demo's) are moved once it is.
        helene = self.env.ref("field_service_cx.user_helene_demo", raise_if_not_found=False)
        if helene:
            self.assertEqual(helene.action_id.id, dashboard.id)
        manager = mail_new_test_user(
            self.env, login="kpi_manager_2", groups="field_service_cx.group_fs_manager"
        )
        manager.action_id = board.id  # as homed by field_service_cx alone
        self.env["res.users"]._fs_set_home_action_all()
        self.assertEqual(manager.action_id.id, dashboard.id)


@tagged("post_install", "-at_install")
class TestKpiDashboardTour(HttpCase):
    browser_size = "1440x900"

    def test_manager_drills_down_from_the_on_time_card(self):
        helene = self.env.ref("field_service_cx.user_helene_demo")
        data = (
            self.env["fs.kpi.dashboard"]
            .with_user(helene)
            .fs_dashboard_data({"preset": "last_4_weeks"})
        )
        on_time = next(card for card in data["cards"] if card["key"] == "on_time_rate")
        self.assertGreater(on_time["count"], 0, "the demo history has arrivals to open")
        self.start_tour("/odoo", "fs_kpi_dashboard_drill_down", login="helene")

    def test_workbook_download_is_named_after_the_period_and_filter(self):
        helene = self.env.ref("field_service_cx.user_helene_demo")
        technician = self.env["hr.employee"].search([("fs_is_technician", "=", True)], limit=1)
        action = (
            self.env["fs.kpi.dashboard"]
            .with_user(helene)
            .fs_export_xlsx({"preset": "last_week", "technician_id": technician.id})
        )
        self.authenticate("helene", "helene")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        disposition = response.headers["Content-Disposition"]
        self.assertIn("field-service-kpis_", disposition)
        self.assertIn(technician.name.split()[0], disposition)
