import json
from datetime import timedelta

from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from ..models.fs_route_map import DEFAULT_TILE_ATTRIBUTION, DEFAULT_TILE_URL
from ..tools.route_map import ODOO_COLORS
from .common import RoutingCase

# Tours never load tiles from the network: a host that cannot exist (the test browser answers
# 404 for anything outside localhost), so the map draws without its background.
BLOCKED_TILES = "https://tiles.invalid/{z}/{x}/{y}.png"


def tour_code(tour, expected, start_url):
    """start_tour's code with what the map must show stored for the tour's checks."""
    options = {
        "stepDelay": 0,
        "keepWatchBrowser": False,
        "debug": False,
        "startUrl": start_url,
        "delayToCheckUndeterminisms": 0,
    }
    return (
        f"window.fsMapExpected = {json.dumps(expected)}; "
        f"odoo.startTour({json.dumps(tour)}, {json.dumps(options)})"
    )


def drawn_ids(data):
    return [stop["visit_id"] for route in data["routes"] for stop in route["stops"]]


@tagged("post_install", "-at_install")
class TestRouteMapData(RoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.lang = "en_US"
        cls.user_dispatcher.tz = "Europe/Paris"
        anna, bob = cls.anna, cls.bob
        cls.second = cls.visit_at(cls.sites[0], 10, 12, fs_technician_id=anna.id)
        cls.first = cls.visit_at(cls.sites[1], 8, 10, fs_technician_id=anna.id)
        cls.bobs = cls.visit_at(cls.sites[2], 9, 11, fs_technician_id=bob.id)
        cls.nowhere = cls.env["res.partner"].create(
            {"name": "No address yet", "tz": "Europe/Paris"}
        )
        cls.unlocated = cls.visit_at(cls.nowhere, 13, 15, fs_technician_id=anna.id)
        cls.unassigned = cls.visit_at(cls.sites[3], 13, 15)
        cls.cancelled = cls.visit_at(cls.sites[4], 15, 17, fs_technician_id=bob.id)
        cls.cancelled.fs_state = vs.CANCELLED
        # As an applied plan leaves them: Anna's route is the 08:00 visit, then the 10:00 one.
        cls.first.write({"fs_route_sequence": 1, "fs_eta": cls.local(8, 25)})
        cls.second.write({"fs_route_sequence": 2, "fs_eta": cls.local(10, 5)})

    def day_map(self, day=None, user=None):
        """The map of ``day`` with only this test's technicians and visits (the database may
        hold the demo week too)."""
        day = day or self.plan_day
        Map = self.env["fs.route.map"].with_user(user or self.user_dispatcher)
        data = Map.fs_day_map(str(day))
        ours = (self.anna | self.bob).ids
        visits = self.env["project.task"].search([("project_id", "=", self.project.id)]).ids
        data["routes"] = [r for r in data["routes"] if r["technician_id"] in ours]
        for key in ("unassigned", "not_located"):
            data[key] = [v for v in data[key] if v["visit_id"] in visits]
        return data

    def test_routes_grouped_by_technician_in_route_order(self):
        data = self.day_map()
        self.assertEqual(data["date"], str(self.plan_day))
        self.assertEqual([r["name"] for r in data["routes"]], ["Anna Tech", "Bob Tech"])
        anna, bob = data["routes"]
        self.assertEqual([s["visit_id"] for s in anna["stops"]], (self.first | self.second).ids)
        self.assertEqual([s["sequence"] for s in anna["stops"]], [1, 2])
        first = anna["stops"][0]
        self.assertEqual(
            (first["customer"], first["window"], first["eta"], first["name"]),
            ("Site 1", "08:00–10:00", "08:25", self.first.name),
        )
        self.assertEqual((first["lat"], first["lng"]), (48.82, 2.315))
        self.assertEqual(anna["start"]["label"], "Depot")
        self.assertEqual([s["visit_id"] for s in bob["stops"]], self.bobs.ids)
        self.assertEqual(bob["stops"][0]["eta"], "", "no plan applied: no ETA")
        self.assertEqual(data["tiles"]["url"], DEFAULT_TILE_URL)
        json.dumps(data)  # JSON-ready as it is

    def test_unlocated_visits_are_listed_apart_and_not_drawn(self):
        data = self.day_map()
        self.assertNotIn(self.unlocated.id, drawn_ids(data))
        self.assertEqual(
            [(v["visit_id"], v["technician"]) for v in data["not_located"]],
            [(self.unlocated.id, "Anna Tech")],
        )
        self.assertEqual([v["visit_id"] for v in data["unassigned"]], self.unassigned.ids)
        shown = drawn_ids(data) + [v["visit_id"] for v in data["unassigned"] + data["not_located"]]
        self.assertNotIn(self.cancelled.id, shown, "a cancelled visit is off the map")

    def test_colours_are_stable_per_technician(self):
        both = {r["name"]: r["color"] for r in self.day_map()["routes"]}
        self.assertNotEqual(both["Anna Tech"], both["Bob Tech"])
        # Another day where Anna works alone: she keeps her colour.
        other_day = self.plan_day + timedelta(days=7)
        self.create_visit(
            partner_id=self.sites[5].id,
            fs_technician_id=self.anna.id,
            fs_window_start=self.local(8, day=other_day),
            fs_window_end=self.local(10, day=other_day),
        )
        alone = self.day_map(other_day)["routes"]
        self.assertEqual(
            [(r["name"], r["color"]) for r in alone], [("Anna Tech", both["Anna Tech"])]
        )
        self.anna.color = 4  # the colour HR gave her wins
        self.assertEqual(self.day_map()["routes"][0]["color"], ODOO_COLORS[4])

    def test_queries_do_not_grow_with_the_visits(self):
        def queries():
            return self.queries_of(self.day_map)[0]

        queries()  # warm the caches the map does not own (ACLs, rules, views)
        few = queries()
        for n in range(6):
            self.visit_at(self.sites[n], 8 + n, 9 + n, fs_technician_id=self.bob.id)
        queries()  # once for what creating them left pending (recomputes, caches)
        many = queries()
        self.assertEqual(len(many), len(few), "\n".join(set(many) ^ set(few)))

    def test_only_dispatchers_open_the_map(self):
        with self.assertRaisesRegex(AccessError, "Only dispatchers"):
            self.day_map(user=self.user_anna)

    def test_the_nearest_days_with_visits(self):
        far = self.plan_day + timedelta(days=150)  # beyond the demo week, if there is one
        self.create_visit(
            partner_id=self.sites[5].id,
            fs_window_start=self.local(8, day=far),
            fs_window_end=self.local(10, day=far),
        )
        self.assertEqual(self.day_map(far - timedelta(days=3))["next_busy_date"], str(far))
        self.assertEqual(self.day_map(far + timedelta(days=3))["previous_busy_date"], str(far))
        self.assertFalse(self.day_map(far)["next_busy_date"])

    def test_plan_map_follows_the_solved_stops(self):
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 5}
        )
        plan.action_plan()
        self.run_solver_cron()
        self.assertEqual(plan.state, "solved")
        routes = plan.map_data["routes"]
        for route in routes:
            stops = plan.stop_ids.filtered(
                lambda s, r=route: s.technician_id.id == r["technician_id"]
            ).sorted("sequence")
            self.assertEqual([s["visit_id"] for s in route["stops"]], stops.task_id.ids)
            self.assertTrue(all(s["eta"] for s in route["stops"]), "the plan's arrivals")
        self.assertNotIn(self.unlocated.id, drawn_ids(plan.map_data))


@tagged("post_install", "-at_install")
class TestRouteMapSettings(RoutingCase):
    def test_tile_server_is_a_setting_with_openstreetmap_by_default(self):
        params = self.env["ir.config_parameter"]
        params.set_param("leaflet.tile_url", "False")  # what web_leaflet_lib stores without demo
        self.env["fs.route.map"]._fs_init_tiles()
        self.assertEqual(params.get_param("leaflet.tile_url"), DEFAULT_TILE_URL)
        self.assertEqual(params.get_param("leaflet.copyright"), DEFAULT_TILE_ATTRIBUTION)
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.fs_map_tile_url, DEFAULT_TILE_URL)
        settings.fs_map_tile_url = "https://tiles.example.com/{z}/{x}/{y}.png"
        settings.fs_map_tile_attribution = "© Example tiles"
        settings.save().execute()
        tiles = self.env["fs.route.map"].with_user(self.user_dispatcher).fs_day_map()["tiles"]
        self.assertEqual(
            tiles,
            {"url": "https://tiles.example.com/{z}/{x}/{y}.png", "attribution": "© Example tiles"},
        )
        self.env["fs.route.map"]._fs_init_tiles()
        self.assertEqual(params.get_param("leaflet.tile_url"), tiles["url"], "a choice is kept")

    def test_a_tile_url_without_its_placeholders_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "must start with https://"):
            self.env["res.config.settings"].create(
                {"fs_map_tile_url": "https://tiles.example.com/"}
            )
        settings = self.env["res.config.settings"].create({"fs_map_tile_url": False})
        settings.execute()
        tiles = self.env["fs.route.map"]._fs_tiles()
        self.assertEqual(tiles["url"], DEFAULT_TILE_URL, "emptied: OpenStreetMap again")


@tagged("post_install", "-at_install")
class TestRouteMapTours(HttpCase, RoutingCase):
    browser_size = "1440x900"

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("leaflet.tile_url", BLOCKED_TILES)

    def expected(self, data):
        lines = sum(1 for route in data["routes"] if len(route["stops"]) + bool(route["start"]) > 1)
        first = data["routes"][0]["stops"][0]
        return {
            "date": data.get("date"),
            "stops": len(drawn_ids(data)) + len(data["unassigned"]),
            "lines": lines,
            "technicians": [route["name"] for route in data["routes"]],
            "first": {k: first[k] for k in ("customer", "window", "name")},
        }

    def test_dispatcher_walks_the_demo_day_on_the_map(self):
        camille = self.env.ref("field_service_cx.user_camille_demo")
        Map = self.env["fs.route.map"].with_user(camille)
        data = Map.fs_day_map()
        if not data["routes"]:  # a weekend: the map offers the next day with visits
            data = Map.fs_day_map(data["next_busy_date"])
        day = data["date"]
        # What the map must show, counted apart from it: the day's geolocated open visits.
        visits = self.env["project.task"].search(
            [
                ("fs_is_visit", "=", True),
                ("fs_visit_date", "=", day),
                ("fs_state", "!=", vs.CANCELLED),
                ("company_id", "in", camille.company_ids.ids),
            ]
        )
        located = visits.filtered("fs_site_geolocated")
        self.assertGreater(len(located), 5, "the demo day has visits to draw")
        expected = self.expected(data)
        self.assertEqual(expected["stops"], len(located))
        self.assertCountEqual(expected["technicians"], located.fs_technician_id.mapped("name"))
        self.start_tour(
            "/odoo",
            "fs_dispatch_map_demo_day",
            login="camille",
            code=tour_code("fs_dispatch_map_demo_day", expected, "/odoo"),
        )

    def test_plan_map_tab_draws_with_tiles_blocked(self):
        for n, site in enumerate(self.sites[:4]):
            self.visit_at(site, 8 + 2 * (n % 2), 10 + 2 * (n % 2))
        plan = self.env["fs.route.plan"].create(
            {"date": self.plan_day, "project_id": self.project.id, "time_limit_s": 3}
        )
        plan.action_plan()
        self.run_solver_cron()
        self.assertEqual(plan.state, "solved")
        expected = self.expected(plan.map_data)
        self.assertEqual(expected["stops"], 4)
        url = "/odoo/action-field_service_routing.action_fs_route_plans"
        self.start_tour(
            url,
            "fs_route_plan_map_tab",
            login="fs_dina_dispatch",
            code=tour_code("fs_route_plan_map_tab", expected, url),
        )
