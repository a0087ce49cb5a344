import json

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import JsonRpcException, tagged

from .common import VisitPageCase

STAFF_EMAIL = "staff.follower@example.com"


@tagged("post_install", "-at_install")
class TestVisitTokenScope(VisitPageCase):
    """The visit's link opens the visit page and nothing else: core's chatter and task routes
    refuse its token (and core's hash/pid signed with it); staff keep their rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = mail_new_test_user(
            cls.env,
            login="fs_scope_staff",
            groups="base.group_user,project.group_project_user",
            name="Staff Follower",
            email=STAFF_EMAIL,
        )
        cls.visit.message_subscribe(cls.staff.partner_id.ids)
        cls.visit.message_post(body="Staff reply 4242", subtype_xmlid="mail.mt_comment")

    def credentials(self):
        partner = self.visit.partner_id
        return [
            {"token": self.token},
            {"hash": self.visit._sign_token(partner.id), "pid": partner.id},
        ]

    def thread(self, **extra):
        return {"thread_model": "project.task", "thread_id": self.visit.id, **extra}

    def test_thread_data_shows_no_follower_to_the_link(self):
        for credential in self.credentials():
            data = self.make_jsonrpc_request(
                "/mail/thread/data", self.thread(request_list=["followers"], **credential)
            )
            self.assertNotIn(STAFF_EMAIL, json.dumps(data), credential)
            self.assertNotIn("Staff Follower", json.dumps(data), credential)

    def test_message_post_refuses_the_link(self):
        for credential in self.credentials():
            with self.assertRaises(JsonRpcException, msg=credential):
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    self.thread(
                        post_data={"body": "Posted with the link", "message_type": "comment"},
                        **credential,
                    ),
                )
        self.assertFalse(
            self.env["mail.message"]
            .search([("model", "=", "project.task"), ("res_id", "=", self.visit.id)])
            .filtered(lambda message: "Posted with the link" in (message.body or ""))
        )

    def test_attachment_upload_refuses_the_link(self):
        csrf = self.csrf()
        for credential in self.credentials():
            response = self.url_open(
                "/mail/attachment/upload",
                data={
                    "thread_id": str(self.visit.id),
                    "thread_model": "project.task",
                    "csrf_token": csrf,
                    **{key: str(value) for key, value in credential.items()},
                },
                files={"ufile": ("evil.txt", b"uploaded with the link", "text/plain")},
            )
            self.assertEqual(response.status_code, 404, credential)
        self.assertFalse(
            self.env["ir.attachment"].search([("name", "=", "evil.txt")]),
        )

    def test_portal_chatter_refuses_the_link(self):
        for credential in self.credentials():
            init = self.make_jsonrpc_request("/portal/chatter_init", self.thread(**credential))
            self.assertNotIn("can_react", json.dumps(init), credential)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/chatter_fetch", self.thread(token=self.token))

    def test_reactions_refuse_the_link(self):
        message = self.visit.message_ids.filtered(lambda m: "Staff reply 4242" in (m.body or ""))
        for credential in self.credentials():
            with self.assertRaises(JsonRpcException, msg=credential):
                self.make_jsonrpc_request(
                    "/mail/message/reaction",
                    {"message_id": message.id, "content": "👍", "action": "add", **credential},
                )
        self.assertFalse(message.reaction_ids)

    def test_core_task_page_sends_the_link_to_the_visit_page(self):
        for suffix in ("", "&report_type=html", "&report_type=pdf"):
            response = self.url_open(
                f"/my/tasks/{self.visit.id}?access_token={self.token}{suffix}",
                allow_redirects=False,
            )
            self.assertNotIn("INTERNAL-SECRET", response.text, suffix)
            self.assertIn(response.status_code, (302, 303), suffix)
            self.assertTrue(
                response.headers["Location"].endswith(self.visit_url()),
                response.headers["Location"],
            )

    def test_the_visit_page_still_opens_with_the_token_and_staff_keep_the_chatter(self):
        page = self.url_open(self.visit_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("Boiler service (test)", page.text)
        self.authenticate("fs_scope_staff", "fs_scope_staff")
        data = self.make_jsonrpc_request(
            "/mail/thread/data", self.thread(request_list=["followers"])
        )
        self.assertIn(STAFF_EMAIL, json.dumps(data))
