import re
from datetime import timedelta

import polib

from odoo import fields
from odoo.addons.field_service_cx.tools import reminders, sms_links
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import VisitPageCase

ADDONS = ("field_service_cx", "field_service_routing", "field_service_feedback")
# Each language, its .po file and how it writes 10:00 and 15:30 (24-hour, its own notation).
# Segments of every SMS kind: one where the alphabet allows (GSM-7); Hungarian needs UCS-2
# (70 characters a segment), where the booking (window and technician) takes three.
SMS_SEGMENTS = {"en_US": 1, "fr_FR": 1, "fi_FI": 1, "de_DE": 1, "hu_HU": 2}
# Hungarian is sent as UCS-2 (67 characters a part): the messages naming the technician take 3.
SMS_SEGMENTS_EXCEPT = {("hu_HU", "confirmation"): 3, ("hu_HU", "technician"): 3}
LANGS = {
    "fr_FR": ("fr", "10:00", "15:30"),
    "fi_FI": ("fi", "10.00", "15.30"),
    "hu_HU": ("hu", "10:00", "15:30"),
    "de_DE": ("de", "10:00", "15:30"),
}
# Where a customer reads our words: messages, their visit pages, the report, the link pages.
CUSTOMER_PLACES = re.compile(
    r"mail\.template,(body_html|subject)|sms\.template,body"
    r"|selection__project_task__fs_state__|selection__fs_visit_photo__kind__"
    r"|selection__fs_visit_dispute__state__"
    r"|arch_db:field_service_feedback\.(portal_|visit_|service_report|report_fs_service)"
    r"|code:addons/field_service_cx/models/project_task_messages\.py"
    r"|code:addons/field_service_feedback/(controllers/portal\.py|models/project_task"
    r"|models/fs_visit_dispute)"
)
MARKUP = re.compile(r"\{\{.*?\}\}|<[^>]*>|%\(\w+\)[-.\d]*\w|%s")


def customer_msgids():
    """{addon: the English strings of our .pot a customer may read}."""
    found = {}
    for addon in ADDONS:
        pot = polib.pofile(file_path(f"{addon}/i18n/{addon}.pot"))
        found[addon] = [
            entry.msgid
            for entry in pot
            if any(CUSTOMER_PLACES.search(place) for place, _line in entry.occurrences)
        ]
    return found


def english_phrases(msgids):
    """Phrases of two words or more of those strings, as they would show in a page."""
    phrases = set()
    for msgid in msgids:
        for piece in re.split(r"[.:;?!,()\n·]", MARKUP.sub("\n", msgid)):
            words = piece.split()
            if sum(word.isalpha() for word in words) >= 2:  # words, not a sample phone number
                phrases.add(" ".join(words))
    return phrases


@tagged("post_install", "-at_install")
class TestCustomerLanguages(VisitPageCase):
    """Customers of fr/fi/hu/de read everything of ours in their language, times 24-hour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(list(ADDONS), list(LANGS), overwrite=True)
        cls.msgids = customer_msgids()
        cls.phrases = english_phrases(msgid for ids in cls.msgids.values() for msgid in ids)
        cls.company.write(
            {
                "name": "Lyon Confort Services",
                "phone": "+33 4 72 00 00 00",
                "email": "bonjour@lyon-confort.example.com",
            }
        )
        # A window at 10:00–15:30 Paris time (the site's zone), whatever the day.
        offset = cls.visit._fs_zone()[0].utcoffset(cls.day)
        start = cls.day.replace(hour=10) - offset
        cls.visit.write(
            {
                "fs_access_notes": "Digicode 1234",  # the customer's own words
                "fs_window_start": start,
                "fs_window_end": start + timedelta(hours=5, minutes=30),
                "fs_eta": start + timedelta(minutes=40),
                "fs_not_home_at": start,
            }
        )

    def assert_in_language(self, text, code, where):
        """No English phrase of ours in ``text``, and no 12-hour clock."""
        left = sorted(phrase for phrase in self.phrases if phrase in text)
        self.assertFalse(left, f"{where} in {code} still has English: {left}")
        self.assertNotRegex(text, r"\d(:\d\d)? ?[AP]M\b", f"{where} in {code}: 12-hour time")

    # ---- the translations themselves ------------------------------------------------------

    def test_every_customer_string_is_translated_in_each_language(self):
        for addon, msgids in self.msgids.items():
            self.assertTrue(msgids or addon == "field_service_routing", addon)
            for code, (po_name, _ten, _half) in LANGS.items():
                po = polib.pofile(file_path(f"{addon}/i18n/{po_name}.po"))
                translated = {entry.msgid for entry in po if entry.msgstr}
                missing = [msgid[:60] for msgid in msgids if msgid not in translated]
                with self.subTest(addon=addon, lang=code):
                    self.assertFalse(missing, f"untranslated in {addon}/{po_name}.po")

    # ---- messages -------------------------------------------------------------------------

    def test_every_message_in_each_language(self):
        for code, (_po, ten, _half) in LANGS.items():
            self.customer.lang = code
            for kind, _label in reminders.KINDS:
                mail = self.env.ref(f"field_service_cx.mail_template_fs_{kind}")
                sms = self.env.ref(f"field_service_cx.sms_template_fs_{kind}")
                with self.subTest(lang=code, kind=kind):
                    rendered = mail._generate_template(
                        self.visit.ids, ["subject", "body_html", "email_from"]
                    )[self.visit.id]
                    body = sms._render_field("body", self.visit.ids, compute_lang=True)[
                        self.visit.id
                    ]
                    text = f"{rendered['subject']}\n{rendered['body_html']}\n{body}"
                    self.assert_in_language(text, code, f"{kind} message")
                    self.assertTrue(body.startswith("Lyon Confort Services: "), body)
                    self.assertIn("bonjour@lyon-confort.example.com", rendered["email_from"])
                    if kind in ("confirmation", "reminder", "rescheduled", "cancelled"):
                        self.assertIn(ten, text, "the window in the language's 24-hour time")

    def test_each_sms_fits_its_segments_in_each_language(self):
        """A long weekday and month, the company's real host name: still one segment."""
        self.env["ir.config_parameter"].set_param(
            "web.base.url", "https://lyon-confort.example.com"
        )
        start = fields.Datetime.to_datetime("2030-11-27 13:00:00")  # a Wednesday in November
        visit = self.create_visit(
            fs_technician_id=self.anna.id,
            fs_window_start=start,
            fs_window_end=start + timedelta(hours=2),
            fs_eta=start + timedelta(minutes=30),
            fs_not_home_at=start + timedelta(minutes=40),
        )
        for code, segments in SMS_SEGMENTS.items():
            self.customer.lang = code
            for kind, _label in reminders.KINDS:
                sms = self.env.ref(f"field_service_cx.sms_template_fs_{kind}")
                body = visit._fs_sms_bodies(sms)[visit.id]
                with self.subTest(lang=code, kind=kind):
                    expected = SMS_SEGMENTS_EXCEPT.get((code, kind), segments)
                    self.assertEqual(sms_links.sms_segments(body)[1], expected, body)
                    self.assertNotIn("access_token", body, "the short link, not the page's")

    def test_short_link_opens_the_page_and_dies_with_the_token(self):
        code = self.visit._fs_short_code()
        response = self.url_open(f"/v/{code}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn(self.visit_url(), response.headers["Location"])
        wrong = code[:-1] + ("y" if code.endswith("x") else "x")  # one character off
        self.assertEqual(self.url_open(f"/v/{wrong}", allow_redirects=False).status_code, 404)
        self.assertEqual(self.url_open("/v/nonsense", allow_redirects=False).status_code, 404)
        self.visit.access_token = "rotated-by-a-reschedule"
        self.assertEqual(self.url_open(f"/v/{code}", allow_redirects=False).status_code, 404)

    def test_company_name_never_blank(self):
        """A visit of a project without company still speaks as a company."""
        self.project.company_id = False
        self.visit.company_id = False
        sms = self.env.ref("field_service_cx.sms_template_fs_rescheduled")
        body = sms._render_field("body", self.visit.ids)[self.visit.id]
        self.assertTrue(body.startswith(f"{self.env.company.name}: "), body)

    # ---- pages ----------------------------------------------------------------------------

    def page(self):
        response = self.url_open(self.visit_url())
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_visit_page_in_each_state_and_language(self):
        for code, (_po, ten, half) in LANGS.items():
            self.customer.lang = code
            with self.subTest(lang=code, state="scheduled"):
                text = self.page()
                self.assert_in_language(text, code, "scheduled page")
                self.assertIn(f"{ten}–{half}", text)
        self.customer.lang = "fr_FR"
        self.visit.fs_eta = fields.Datetime.now() + timedelta(minutes=20)
        self.visit._fs_move("en_route")
        text = self.page()
        self.assert_in_language(text, "fr_FR", "on the way page")
        self.assertIn("En route, arrivée vers", text)

    def test_done_and_cancelled_pages_in_each_language(self):
        done = self.finish(self.create_visit(fs_technician_id=self.anna.id))
        done._portal_ensure_token()
        cancelled = self.create_visit()
        cancelled._portal_ensure_token()
        cancelled._fs_move("cancelled", {"fs_cancel_reason": "Déménagement"})
        missed = self.create_visit(fs_technician_id=self.anna.id)
        missed._portal_ensure_token()
        missed.action_fs_on_my_way()
        missed.action_fs_arrive()
        missed._fs_move("not_home", {"fs_not_home_reason": "Personne"})
        for code in LANGS:
            self.customer.lang = code
            for visit, state in ((done, "done"), (cancelled, "cancelled"), (missed, "not_home")):
                with self.subTest(lang=code, state=state):
                    response = self.url_open(self.visit_url(visit))
                    self.assertEqual(response.status_code, 200)
                    self.assert_in_language(response.text, code, f"{state} page")
                    self.assertNotIn("o_fs_preparation", response.text, "nothing to prepare")
                    if state == "not_home":
                        self.assertIn("o_fs_not_home", response.text)
                    if state == "cancelled":
                        self.assertIn("o_fs_book_again", response.text)
                        self.assertIn("+33 4 72 00 00 00", response.text)

    def test_report_in_each_language(self):
        done = self.finish(self.create_visit(fs_technician_id=self.anna.id))
        for code in LANGS:
            self.customer.lang = code
            with self.subTest(lang=code):
                html, _kind = (
                    self.env["ir.actions.report"]
                    .with_context(lang=code)
                    ._render_qweb_html("field_service_feedback.action_report_fs_service", done.ids)
                )
                self.assert_in_language(html.decode(), code, "service report")

    def test_token_pages_offer_no_sign_in(self):
        self.customer.lang = "fr_FR"
        self.assertNotIn('href="/web/login"', self.page())
