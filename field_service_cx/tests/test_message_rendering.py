from unittest.mock import patch

from odoo.addons.base.models.ir_qweb import IrQWeb
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.mail_template import COMPILE_ONCE
from ..tools import reminders
from .common import FieldServiceCase

FIELDS = ["subject", "body_html", "email_from", "reply_to"]


@tagged("post_install", "-at_install")
class TestMessageRendering(FieldServiceCase):
    """The cron's compile-once rendering gives exactly core's output, with one compilation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job_type.customer_preparation = "Please clear access to the boiler."
        with_everything = cls.create_visit(
            fs_technician_id=cls.anna.id,
            fs_work_summary="<p>Boiler serviced, & a valve replaced.</p>",
        )
        with_everything.write(
            {
                "fs_eta": cls.day.replace(hour=8, minute=40),
                "fs_not_home_at": cls.day.replace(hour=9),
            }
        )
        without_technician = cls.create_visit(
            fs_window_start=cls.day.replace(hour=13), fs_window_end=cls.day.replace(hour=15)
        )
        other_customer = cls.customer.copy(
            {"name": "Zoé <b>O'Brien</b>", "email": "zoe@example.com"}
        )
        other_site = cls.create_visit(partner_id=other_customer.id)
        cls.visits = with_everything | without_technician | other_site

    def render(self, template, compile_once):
        template = template.with_context(**{COMPILE_ONCE: compile_once})
        return template._generate_template(self.visits.ids, FIELDS)

    def test_every_template_renders_as_core_does_with_one_compilation(self):
        for kind, _label in reminders.KINDS:
            template = self.env.ref(f"field_service_cx.mail_template_fs_{kind}")
            with self.subTest(kind=kind):
                expected = self.render(template, compile_once=False)
                with patch.object(
                    IrQWeb, "_compile", autospec=True, side_effect=IrQWeb._compile
                ) as compile_:
                    fast = self.render(template, compile_once=True)
                self.assertEqual(compile_.call_count, 1, "compiled once for the batch")
                self.assertEqual(fast, expected)
                for visit in self.visits:
                    self.assertTrue(fast[visit.id]["body_html"].strip(), "a body per visit")

    def test_each_visit_gets_its_own_values(self):
        template = self.env.ref("field_service_cx.mail_template_fs_on_the_way")
        bodies = self.render(template, compile_once=True)
        first, second, third = (bodies[visit.id]["body_html"] for visit in self.visits)
        self.assertIn("Anna", first)
        self.assertNotIn("Anna", second, "t-set of one visit does not leak into the next")
        self.assertIn("Zoé &lt;b&gt;O&#39;Brien&lt;/b&gt;", third, "names are escaped")
        self.assertIn(self.visits[2].access_token, third)

    def test_a_template_error_is_a_clear_user_error(self):
        template = self.env.ref("field_service_cx.mail_template_fs_reminder")
        template.body_html = "<div><t t-out=\"object._fs_message_values()['nope']\"/></div>"
        with (
            mute_logger("odoo.addons.field_service_cx.models.mail_template"),
            self.assertRaisesRegex(UserError, "Failed to render the QWeb template"),
        ):
            self.render(template, compile_once=True)

    def test_restricted_renderers_keep_cores_checks(self):
        """A renderer core would restrict gets core's refusal, not the fast path.

        Core never restricts mail.template (its content is checked when saved); a model that
        does restrict must keep doing so under the cron's flag.
        """
        self.env["ir.config_parameter"].set_param("mail.restrict.template.rendering", True)
        template = self.env.ref("field_service_cx.mail_template_fs_reminder")
        restricted = template.with_user(self.user_dispatcher).with_context(**{COMPILE_ONCE: True})
        self.assertFalse(restricted._fs_rendering_restricted(), "mail.template: as core")
        with patch.object(type(template), "_unrestricted_rendering", False):
            self.assertTrue(restricted._fs_rendering_restricted())
            with (
                mute_logger("odoo.addons.mail.models.mail_render_mixin"),
                self.assertRaisesRegex(AccessError, "allowed to edit templates"),
            ):
                restricted._render_template_qweb(
                    template.body_html, "project.task", self.visits.ids
                )
