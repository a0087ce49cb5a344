from odoo import fields
from odoo.addons.field_service_cx.tools import windows
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import PARIS, RoutingCase


class BoardHelpCase(RoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = cls.demo_dispatcher
        cls.today = windows.to_local(fields.Datetime.now(), PARIS).date()
        cls.visit = cls.create_visit(
            name="Help board boiler",
            partner_id=cls.sites[0].id,
            fs_window_start=cls.local(13, day=cls.today),
            fs_window_end=cls.local(15, day=cls.today),
            fs_technician_id=cls.anna.id,
        )
        cls.quiet = cls.create_visit(
            name="Quiet boiler",
            partner_id=cls.sites[1].id,
            fs_window_start=cls.local(8, day=cls.today),
            fs_window_end=cls.local(10, day=cls.today),
            fs_technician_id=cls.anna.id,
        )
        cls.channel = cls.visit.with_user(cls.user_anna)._fs_ask_help("Stuck on a valve")

    def blocks(self):
        board = self.env["fs.dispatch.board"].with_user(self.dispatcher)
        data = board.fs_board_data(fields.Date.to_string(self.today), 1)
        return {block["id"]: block for block in data["blocks"]}


@tagged("post_install", "-at_install")
class TestBoardHelp(BoardHelpCase):
    def test_the_visits_block_says_help_asked_with_its_conversation(self):
        blocks = self.blocks()
        badges = {badge["kind"]: badge for badge in blocks[self.visit.id]["badges"]}
        self.assertEqual(badges["help"]["label"], "Help asked")
        self.assertEqual(badges["help"]["channel_id"], self.channel.id)
        self.assertNotIn("help", {badge["kind"] for badge in blocks[self.quiet.id]["badges"]})

    def test_a_closed_visit_no_longer_shows_it(self):
        self.visit.fs_state = "done"
        badges = self.blocks()[self.visit.id]["badges"]
        self.assertNotIn("help", {badge["kind"] for badge in badges})

    def test_the_badge_lets_the_dispatcher_join_the_conversation(self):
        board = self.env["fs.dispatch.board"].with_user(self.user_dispatcher)
        answer = board.fs_board_open_help(self.visit.id)
        self.assertEqual(answer, {"channel_id": self.channel.id})
        self.assertIn(self.user_dispatcher.partner_id, self.channel.channel_member_ids.partner_id)
        read = self.channel.with_user(self.user_dispatcher).read(["name"])
        self.assertEqual(read[0]["name"], "Help: Help board boiler")
        with self.assertRaises(UserError):
            board.fs_board_open_help(self.quiet.id)

    def test_technicians_cannot_join_through_the_board(self):
        board = self.env["fs.dispatch.board"].with_user(self.user_bob)
        with self.assertRaises(AccessError):
            board.fs_board_open_help(self.visit.id)
        self.assertNotIn(self.user_bob.partner_id, self.channel.channel_member_ids.partner_id)


@tagged("post_install", "-at_install")
class TestBoardHelpTour(HttpCase, BoardHelpCase):
    browser_size = "1440x900"

    def test_the_dispatcher_opens_the_help_asked_from_the_board(self):
        self.start_tour("/odoo", "fs_board_help_asked", login=self.dispatcher.login)
        self.assertIn(self.dispatcher.partner_id, self.channel.channel_member_ids.partner_id)
