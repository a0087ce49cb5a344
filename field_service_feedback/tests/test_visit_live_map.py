import html as html_lib
import json
import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.field_service_cx.tools import windows
from odoo.tests import tagged

from ..tools import live_map
from .common import VisitPageCase

# Tours and pages never load tiles from the network: a host that cannot exist.
BLOCKED_TILES = "https://tiles.invalid/{z}/{x}/{y}.png"
# The van about 4.5 km from the customer (12 rue de la Paix, Paris), at a point whose digits
# cannot come from anything else on the page; and about 600 m from the customer.
FAR = (48.841234, 2.381234)
NEAR = (48.874123, 2.331612)
# A string of Leaflet's code (a class it gives the map), in no other script of ours.
LEAFLET = "leaflet-container"
MAP_DATA = re.compile(r'data-map="([^"]*)"')


def digits(point):
    """What would give the point away in a page or a JSON answer (4 decimals: ~10 m)."""
    return [f"{point[0]:.4f}", f"{point[1]:.4f}"]


@tagged("post_install", "-at_install")
class TestVisitLiveMap(VisitPageCase):
    """The customer's map: a position only on the way, coarse until the last leg, none stale.

    The van's position comes from ``_fs_live_position`` (cx); here it is replaced by one that
    answers in every state, so that the page's own rule is what keeps the position out.
    """

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param(live_map.TILE_URL_PARAM, BLOCKED_TILES)

    def van_at(self, point, minutes_ago=0):
        """A position received from Anna's phone for the visit (as cx stores it)."""
        self.env["fs.technician.position"].create(
            {
                "technician_id": self.anna.id,
                "visit_id": self.visit.id,
                "latitude": point[0],
                "longitude": point[1],
                "accuracy": 12,
                "recorded_at": fields.Datetime.now() - timedelta(minutes=minutes_ago),
            }
        )

    def provider_always_answers(self, point):
        """cx's ``_fs_live_position`` replaced by one that answers in every state: the page's
        own rule must keep the position out."""
        position = {
            "latitude": point[0],
            "longitude": point[1],
            "recorded_at": fields.Datetime.now(),
            "stale": False,
        }
        Task = type(self.env["project.task"])
        patcher = patch.object(Task, "_fs_live_position", lambda task: position)
        patcher.start()
        self.addCleanup(patcher.stop)

    def on_the_way(self, minutes=20):
        self.visit.action_fs_on_my_way()
        self.visit.fs_eta = fields.Datetime.now().replace(microsecond=0) + timedelta(
            minutes=minutes
        )

    def answers(self):
        """The page's HTML and the live poll's JSON (as text and parsed)."""
        page = self.url_open(self.visit_url())
        self.assertEqual(page.status_code, 200)
        eta = self.url_open(self.visit_url(suffix="/eta"))
        self.assertEqual(eta.status_code, 200)
        return page.text, eta.text, eta.json()

    def page_map(self, html):
        found = MAP_DATA.search(html)
        self.assertTrue(found, "the page carries the map's data")
        return json.loads(html_lib.unescape(found.group(1)))

    def assert_no_position(self, point, *texts):
        for text in texts:
            for part in digits(point):
                self.assertNotIn(part, text)
            for part in digits(live_map.grid_point(point)):
                self.assertNotIn(part, text, "not even rounded")

    # ---- no position outside "on the way" -------------------------------------------------

    def test_no_position_before_on_my_way(self):
        self.van_at(FAR)
        self.provider_always_answers(FAR)
        for state in ("scheduled", "confirmed"):
            with self.subTest(state=state):
                if state == "confirmed":
                    self.visit.action_fs_confirm()
                self.assertEqual(self.visit.fs_state, state)
                html, text, data = self.answers()
                self.assertIs(data["map"], False)
                self.assertNotIn("o_fs_visit_map", html)
                self.assert_no_position(FAR, html, text)
                # Nor the customer's own point: there is no map to put it on.
                self.assert_no_position(self.HOME, html, text)

    def test_no_position_after_arrival(self):
        self.van_at(NEAR)
        self.provider_always_answers(NEAR)
        self.on_the_way(minutes=2)
        self.visit.action_fs_arrive()
        html, text, data = self.answers()
        self.assertEqual(data["state"], "on_site")
        self.assertIs(data["map"], False)
        self.assertNotIn("o_fs_visit_map", html)
        self.assert_no_position(NEAR, html, text)
        done = self.finish(self.create_visit(fs_technician_id=self.anna.id))
        done._portal_ensure_token()
        page = self.url_open(self.visit_url(done))
        eta = self.url_open(self.visit_url(done, "/eta"))
        self.assertEqual(eta.json()["state"], "done")
        self.assertIs(eta.json()["map"], False)
        self.assertNotIn("o_fs_visit_map", page.text)
        self.assert_no_position(NEAR, page.text, eta.text)

    # ---- on the way ------------------------------------------------------------------------

    HOME = (48.8687, 2.3316)

    def test_on_the_way_the_van_is_rounded_to_the_grid(self):
        self.van_at(FAR)
        self.on_the_way(minutes=20)
        html, text, data = self.answers()
        grid = list(live_map.grid_point(FAR))
        self.assertEqual(
            data["map"],
            {
                "van": grid,
                "exact": False,
                "home": list(self.HOME),
                "arrival_text": "Arriving about "
                + windows.format_hour(self.visit.fs_eta, self.visit._fs_portal_zone(), "en_US"),
                "note": "The van's position is approximate (about 500 m) until it is a few "
                "minutes away.",
            },
        )
        self.assertEqual(self.page_map(html), data["map"], "the page starts from the same data")
        self.assertIn('data-tile-url="https://tiles.invalid/{z}/{x}/{y}.png"', html)
        self.assertIn("Arriving about", html)
        for part in digits(FAR):
            self.assertNotIn(part, html)
            self.assertNotIn(part, text)
        self.assertGreater(live_map.distance_km(FAR, tuple(grid)), 0.01)

    def test_on_the_last_leg_the_van_is_exact(self):
        self.van_at(FAR)
        self.on_the_way(minutes=4)
        html, _text, data = self.answers()
        # Exact to about a metre (5 decimals), not snapped to the grid.
        exact = [round(FAR[0], 5), round(FAR[1], 5)]
        self.assertEqual((data["map"]["van"], data["map"]["exact"]), (exact, True))
        self.assertEqual(self.page_map(html)["van"], exact)
        self.assertEqual(data["map"]["note"], "")
        # About 600 m away the exact point shows too, whatever the ETA says.
        self.van_at(NEAR)
        self.visit.fs_eta = fields.Datetime.now() + timedelta(minutes=15)
        _html, _text, data = self.answers()
        exact = [round(NEAR[0], 5), round(NEAR[1], 5)]
        self.assertEqual((data["map"]["van"], data["map"]["exact"]), (exact, True))

    def test_a_stale_position_shows_no_van_and_the_planned_time(self):
        self.van_at(FAR, minutes_ago=10)
        self.on_the_way(minutes=20)
        html, text, data = self.answers()
        self.assertIsNone(data["map"]["van"])
        self.assertEqual(data["map"]["home"], list(self.HOME), "the address stays on the map")
        self.assertIn("the map shows your address and the planned time", data["map"]["note"])
        self.assertIn("the planned time", html)
        self.assert_no_position(FAR, html, text)

    def test_no_shared_position_and_no_address_point_means_no_map(self):
        self.on_the_way(minutes=20)
        _html, _text, data = self.answers()
        self.assertIsNone(data["map"]["van"])
        self.assertIn("not shared right now", data["map"]["note"])
        self.customer.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        html, _text, data = self.answers()
        self.assertIs(data["map"], False)
        self.assertIn("o_fs_visit_map_card card mb-3 d-none", html, "hidden until data comes")

    def test_leaflet_loads_only_where_a_map_is_drawn(self):
        page = self.url_open(self.visit_url()).text
        scripts = re.findall(r'src="(/web/assets/[^"]+\.js)"', page)
        self.assertTrue(scripts, "the page's own bundles")
        for script in scripts:
            self.assertNotIn(LEAFLET, self.url_open(script).text, f"Leaflet in {script}")
        bundle = self.url_open("/web/bundle/field_service_feedback.assets_visit_map").json()
        library = [item["src"] for item in bundle if item["type"] == "script"]
        self.assertEqual(len(library), 1)
        self.assertIn(LEAFLET, self.url_open(library[0]).text, "the map's own bundle has it")

    def test_the_map_uses_the_dispatchers_tile_setting(self):
        self.van_at(FAR)
        self.on_the_way()
        params = self.env["ir.config_parameter"]
        params.set_param(live_map.TILE_URL_PARAM, "https://tiles.example.com/{z}/{x}/{y}.png")
        params.set_param(live_map.TILE_ATTRIBUTION_PARAM, "© Example tiles")
        html, _text, _data = self.answers()
        self.assertIn('data-tile-url="https://tiles.example.com/{z}/{x}/{y}.png"', html)
        self.assertIn('data-tile-attribution="© Example tiles"', html)
        params.set_param(live_map.TILE_URL_PARAM, "https://tiles.example.com/")  # unusable
        html, _text, _data = self.answers()
        self.assertIn(f'data-tile-url="{live_map.DEFAULT_TILE_URL}"', html)


@tagged("post_install", "-at_install")
class TestVisitLiveMapOnPhone(VisitPageCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_customer_sees_the_van_and_home_on_the_map(self):
        self.env["ir.config_parameter"].set_param(live_map.TILE_URL_PARAM, BLOCKED_TILES)
        self.visit.action_fs_on_my_way()
        self.env["fs.technician.position"].create(
            {
                "technician_id": self.anna.id,
                "visit_id": self.visit.id,
                "latitude": FAR[0],
                "longitude": FAR[1],
                "recorded_at": fields.Datetime.now(),
            }
        )
        self.visit.fs_eta = fields.Datetime.now() + timedelta(minutes=20)
        arrival = windows.format_hour(self.visit.fs_eta, self.visit._fs_portal_zone(), "en_US")
        expected = {"arrival": f"Arriving about {arrival}"}
        options = {
            "stepDelay": 0,
            "keepWatchBrowser": False,
            "debug": False,
            "startUrl": self.visit_url(),
            "delayToCheckUndeterminisms": 0,
        }
        # What the map must say, stored for the tour's checks (the time depends on now).
        code = (
            f"window.fsMapExpected = {json.dumps(expected)}; "
            f"odoo.startTour('fs_visit_map_phone', {json.dumps(options)})"
        )
        self.start_tour(self.visit_url(), "fs_visit_map_phone", login=None, code=code)
