from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import FieldServiceCase


def always_calendar(env, name):
    """Working hours on every day, all day: on duty whenever the test runs."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "Europe/Paris",
            "attendance_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"Day {day}",
                        "dayofweek": str(day),
                        "hour_from": 0,
                        "hour_to": 24,
                        "day_period": "morning",
                    },
                )
                for day in range(7)
            ],
        }
    )


class HelpCase(FieldServiceCase):
    """Dina (dispatcher) works all day every day; Olga (dispatcher) never works; Ed is an expert."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_olga = mail_new_test_user(
            env,
            login="fs_olga_dispatch",
            name="Olga Off-duty",
            groups="field_service_cx.group_fs_dispatcher",
        )
        cls.user_ed = mail_new_test_user(
            env, login="fs_ed_expert", name="Ed Expert", groups="base.group_user"
        )
        # Each one's own address (the test users share one, and Discuss notifies no one whose
        # address is the author's).
        for user, email in (
            (cls.user_anna, "anna@example.com"),
            (cls.user_bob, "bob@example.com"),
            (cls.user_dispatcher, "dina@example.com"),
            (cls.user_olga, "olga@example.com"),
            (cls.user_ed, "ed@example.com"),
        ):
            user.email = email
        never = env["resource.calendar"].create(
            {"name": "Never (test)", "tz": "Europe/Paris", "attendance_ids": []}
        )
        env["hr.employee"].create(
            [
                {
                    "name": "Dina Dispatch",
                    "user_id": cls.user_dispatcher.id,
                    "resource_calendar_id": always_calendar(env, "Always (test)").id,
                },
                {
                    "name": "Olga Off-duty",
                    "user_id": cls.user_olga.id,
                    "resource_calendar_id": never.id,
                },
            ]
        )
        now = datetime.now().replace(microsecond=0)
        cls.visit = cls.create_visit(
            name="Help boiler",
            fs_technician_id=cls.anna.id,
            fs_window_start=now,
            fs_window_end=now + timedelta(hours=2),
        )
        cls.visit.fs_checklist_line_ids.filtered("required").is_done = True

    def ask(self, visit=None, note=None, user=None):
        visit = (visit or self.visit).with_user(user or self.user_anna)
        return visit._fs_ask_help(note)


@tagged("post_install", "-at_install")
class TestAskForHelp(HelpCase):
    def test_a_chat_with_the_dispatcher_on_duty_and_the_visits_context(self):
        action = self.visit.with_user(self.user_anna).action_fs_ask_help()
        self.assertEqual(action["res_model"], "fs.visit.help.wizard")
        wizard = (
            self.env["fs.visit.help.wizard"]
            .with_user(self.user_anna)
            .create({"task_id": self.visit.id, "note": "The flue is blocked"})
        )
        landing = wizard.action_confirm()
        channel = self.visit.fs_help_channel_id
        self.assertTrue(channel)
        self.assertEqual(channel.channel_type, "group")
        self.assertEqual(
            (landing["tag"], landing["context"]["active_id"]),
            ("mail.action_discuss", f"discuss.channel_{channel.id}"),
        )
        members = channel.channel_member_ids.partner_id
        self.assertIn(self.user_anna.partner_id, members)
        self.assertIn(self.user_dispatcher.partner_id, members)
        self.assertNotIn(self.user_olga.partner_id, members)  # a dispatcher, but off duty
        self.assertNotIn(self.user_bob.partner_id, members)
        message = channel.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.user_anna.partner_id)
        # The dispatcher is notified (Discuss's own notification: his inbox or his e-mail).
        notified = message.notification_ids.res_partner_id
        self.assertIn(self.user_dispatcher.partner_id, notified)
        self.assertNotIn(self.user_anna.partner_id, notified)
        body = str(message.body)
        self.assertIn(f"/odoo/action-field_service_cx.action_fs_visits/{self.visit.id}", body)
        for text in (
            "Help boiler",
            "Claire Martin",
            "12 rue de la Paix, Paris",
            "Boiler service (test)",
            "Scheduled",
            "1 of 2 done",
            "The flue is blocked",
        ):
            self.assertIn(text, body)
        self.assertTrue(self.visit.fs_help_asked_at)

    def test_a_second_ask_reuses_the_visits_conversation(self):
        first = self.ask(note="First question")
        self.visit.fs_state = "on_site"
        second = self.ask(note="Second question")
        self.assertEqual(first, second)
        self.assertEqual(self.env["discuss.channel"].search_count([("name", "=", first.name)]), 1)
        bodies = first.message_ids.filtered(lambda m: m.message_type == "comment").mapped("body")
        self.assertEqual(len(bodies), 2)
        self.assertTrue(
            any("Second question" in str(body) and "On site" in str(body) for body in bodies)
        )

    def test_the_job_types_experts_win_when_set(self):
        self.job_type.help_user_ids = self.user_ed
        helpers, source = self.visit.with_user(self.user_anna)._fs_help_helpers()
        self.assertEqual((helpers, source), (self.user_ed, "experts"))
        channel = self.ask()
        self.assertEqual(
            channel.channel_member_ids.partner_id,
            self.user_anna.partner_id | self.user_ed.partner_id,
        )

    def test_on_duty_means_a_dispatcher_working_now(self):
        on_duty = self.visit._fs_help_on_duty(datetime.now())
        self.assertIn(self.user_dispatcher.id, on_duty)
        self.assertNotIn(self.user_olga.id, on_duty)
        self.assertNotIn(self.user_anna.id, on_duty)  # a technician is not the office

    def test_nobody_on_duty_falls_back_to_the_office(self):
        self.project.user_id = self.user_olga  # the project's manager hears for the office
        Task = type(self.env["project.task"])
        with patch.object(Task, "_fs_help_on_duty", return_value=[]):
            channel = self.ask()
        self.assertEqual(
            channel.channel_member_ids.partner_id,
            self.user_anna.partner_id | self.user_olga.partner_id,
        )

    def test_a_technician_asks_only_on_his_own_visits(self):
        self.visit.message_subscribe(self.user_bob.partner_id.ids)  # Bob can read it
        with self.assertRaises(AccessError):
            self.visit.with_user(self.user_bob).action_fs_ask_help()
        with self.assertRaises(AccessError):
            self.ask(user=self.user_bob)
        self.assertFalse(self.visit.fs_help_channel_id)

    def test_no_access_to_another_technicians_conversation(self):
        channel = self.ask()
        with self.assertRaises(AccessError):
            channel.with_user(self.user_bob).read(["name"])
        self.assertEqual(channel.with_user(self.user_anna).read(["name"])[0]["name"], channel.name)

    def test_a_dispatcher_opens_the_conversation_from_the_visit(self):
        self.job_type.help_user_ids = self.user_ed  # Dina is not asked, so not a member
        channel = self.ask()
        self.assertNotIn(self.user_dispatcher.partner_id, channel.channel_member_ids.partner_id)
        action = self.visit.with_user(self.user_dispatcher).action_fs_open_help()
        self.assertEqual(action["context"]["active_id"], f"discuss.channel_{channel.id}")
        self.assertIn(self.user_dispatcher.partner_id, channel.channel_member_ids.partner_id)
        with self.assertRaises(AccessError):  # a technician does not join this way
            self.visit.with_user(self.user_anna).action_fs_open_help()
        other = self.create_visit(name="Quiet boiler", fs_technician_id=self.anna.id)
        with self.assertRaises(UserError):
            other.with_user(self.user_dispatcher).action_fs_open_help()

    def test_a_closed_visit_does_not_ask(self):
        self.visit.fs_state = "done"
        with self.assertRaises(UserError):
            self.ask()
        self.assertFalse(self.visit.fs_help_channel_id)


@tagged("post_install", "-at_install")
class TestAskForHelpTour(HttpCase, HelpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_the_technician_lands_in_the_conversation_from_the_visit(self):
        """As the demo's technician (Marc) when the demo is installed, else the test world's."""
        user = self.env.ref("field_service_cx.user_marc_demo", False) or self.user_anna
        self.visit.fs_required_skill_ids.unlink()  # whatever skills the demo's technician holds
        self.visit.fs_technician_id = user.employee_id
        self.start_tour(
            "/odoo/action-field_service_cx.action_fs_my_day",
            "fs_technician_asks_for_help",
            login=user.login,
        )
        channel = self.visit.fs_help_channel_id
        self.assertIn(user.partner_id, channel.channel_member_ids.partner_id)
        self.assertIn(self.user_dispatcher.partner_id, channel.channel_member_ids.partner_id)
        self.assertIn("Gas leak smell", str(channel.message_ids[:1].body))
