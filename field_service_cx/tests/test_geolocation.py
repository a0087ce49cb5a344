from datetime import timedelta
from unittest.mock import patch

import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import base_geocoder
from ..tools import geo
from .common import FieldServiceCase


class FakeResponse:
    def __init__(self, payload, status_code=200):
        self.payload = payload
        self.status_code = status_code

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} Client Error")

    def json(self):
        return self.payload


class FakeNominatim:
    """Stands in for requests.get at the geocoder's boundary; records every call."""

    def __init__(self, answers):
        self.answers = answers  # {street: payload, Response or exception}
        self.calls = []

    def __call__(self, url, params=None, headers=None, timeout=None):
        self.calls.append({"url": url, "params": params, "headers": headers, "timeout": timeout})
        street = params["q"].split(",")[0]
        answer = self.answers.get(street, [])
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, FakeResponse) else FakeResponse(answer)


@tagged("post_install", "-at_install")
class TestGeolocation(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].set_param(
            "base_geolocalize.geo_provider",
            env.ref("base_geolocalize.geoprovider_open_street").id,
        )
        Partner = env["res.partner"]
        # Sites already waiting (e.g. demo data) are out of this test's way.
        Partner.search(Partner._fs_geo_pending_domain()).fs_geo_failed_at = fields.Datetime.now()
        base = {"zip": "69002", "city": "Lyon", "country_id": env.ref("base.fr").id}
        cls.sites = Partner.create(
            [
                dict(base, name=f"Site {index}", street=f"{index} Rue Mercière")
                for index in range(1, 6)
            ]
        )
        cls.twin = Partner.create(dict(base, name="Same address", street="1 Rue Mercière"))
        cls.not_a_site = Partner.create(dict(base, name="No visit", street="9 Quai Rambaud"))
        for site in cls.sites | cls.twin:
            cls.create_visit(partner_id=site.id, fs_job_type_id=False)

    def setUp(self):
        super().setUp()
        self.clock, self.slept = [1000.0], []
        # A fake clock for the 1 request/s pace: the test measures it without waiting.
        pace = geo.Throttle(1.0, clock=lambda: self.clock[0], sleep=self._sleep)
        patcher = patch.object(base_geocoder, "NOMINATIM_PACE", pace)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _sleep(self, seconds):
        self.slept.append(seconds)
        self.clock[0] += seconds

    def _run(self, answers, **kwargs):
        fake = FakeNominatim(answers)
        with patch.object(base_geocoder.requests, "get", fake):
            done = self.env["res.partner"]._cron_fs_geolocate_sites(**kwargs)
        return fake, done

    def test_cron_fills_coordinates_once_per_address_politely(self):
        answers = {f"{i} Rue Mercière": [{"lat": f"45.76{i}", "lon": "4.83"}] for i in range(1, 6)}
        fake, done = self._run(answers)
        self.assertEqual(done, 6)
        self.assertEqual(len(fake.calls), 5, "the twin address is asked once")
        self.assertEqual(self.twin.partner_latitude, self.sites[0].partner_latitude)
        self.assertAlmostEqual(self.sites[2].partner_latitude, 45.763)
        self.assertTrue(all(visit.fs_site_geolocated for visit in self.sites.fs_visit_ids))
        self.assertFalse(self.not_a_site.partner_latitude, "only visit sites are geolocated")
        call = fake.calls[0]
        self.assertTrue(call["timeout"], "every request has a timeout")
        self.assertEqual(call["params"]["countrycodes"], "fr")
        self.assertIn("Field Service CX", call["headers"]["User-Agent"])
        self.assertEqual(len(self.slept), 4, "one request per second: 4 waits between 5 calls")

    def test_no_match_and_zero_zero_are_failures_not_retried_until_the_address_changes(self):
        answers = {"1 Rue Mercière": [], "2 Rue Mercière": [{"lat": "0", "lon": "0.0"}]}
        answers.update({f"{i} Rue Mercière": [{"lat": "45.7", "lon": "4.8"}] for i in (3, 4, 5)})
        self._run(answers)
        failed = self.sites[:2] | self.twin
        self.assertTrue(all(failed.mapped("fs_geo_failed_at")))
        self.assertIn("No match for this address: 1 Rue Mercière", self.sites[0].fs_geo_failure)
        self.assertEqual(failed.mapped("partner_latitude"), [0.0, 0.0, 0.0], "(0, 0) is no result")
        fake, done = self._run(answers)
        self.assertEqual((done, fake.calls), (0, []), "failures wait instead of being retried")
        self.sites[0].street = "1 bis Rue Mercière"
        self.assertFalse(self.sites[0].fs_geo_failed_at, "a new address deserves a new try")
        fake, _done = self._run({"1 bis Rue Mercière": [{"lat": "45.76", "lon": "4.83"}]})
        self.assertEqual(len(fake.calls), 1)
        self.assertAlmostEqual(self.sites[0].partner_longitude, 4.83)
        self.assertFalse(self.sites[0].fs_geo_failure)

    def test_failures_are_retried_after_a_while(self):
        self._run({})
        self.assertTrue(self.sites[0].fs_geo_failed_at)
        self.sites.fs_geo_failed_at = fields.Datetime.now() - timedelta(days=31)
        fake, _done = self._run({})
        self.assertEqual(len(fake.calls), 5)

    def test_unreachable_geocoder_stops_the_batch_without_marking_anyone(self):
        answers = {"1 Rue Mercière": requests.Timeout("read timed out")}
        with self.assertLogs("odoo.addons.field_service_cx.models.res_partner", "WARNING"):
            fake, done = self._run(answers)
        self.assertEqual((len(fake.calls), done), (1, 0))
        self.assertFalse(any((self.sites | self.twin).mapped("fs_geo_failed_at")))
        too_many = {"1 Rue Mercière": FakeResponse([], status_code=429)}
        with self.assertLogs("odoo.addons.field_service_cx.models.res_partner", "WARNING"):
            fake, done = self._run(too_many)
        self.assertEqual((len(fake.calls), done), (1, 0))

    def test_batch_size_is_respected_and_checked(self):
        fake, done = self._run({}, batch_size=2)
        self.assertEqual((done, len(fake.calls)), (2, 2))
        fake, done = self._run({}, batch_size=4)
        self.assertEqual((done, len(fake.calls)), (4, 4))
        fake, done = self._run({}, batch_size=4)
        self.assertEqual((done, fake.calls), (0, []), "nothing left to try")
        with self.assertRaises(UserError):
            self.env["res.partner"]._cron_fs_geolocate_sites(batch_size=0)

    def test_cron_reports_progress_so_it_runs_again(self):
        cron = self.env.ref("field_service_cx.ir_cron_fs_geolocate_sites")
        self.assertTrue(cron.active)
        cron_env, progress = cron._add_progress()
        fake = FakeNominatim({})
        with patch.object(base_geocoder.requests, "get", fake):
            cron_env.env["res.partner"]._cron_fs_geolocate_sites(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, 4))

    def test_new_visit_without_coordinates_triggers_the_cron(self):
        cron = self.env.ref("field_service_cx.ir_cron_fs_geolocate_sites")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        self.create_visit(fs_job_type_id=False)  # the customer has coordinates
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before)
        self.create_visit(partner_id=self.not_a_site.id, fs_job_type_id=False)
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
