import json
from collections import Counter
from datetime import timedelta

from odoo import fields
from odoo.addons.field_service_cx.tools import visit_states as vs
from odoo.addons.field_service_cx.tools import windows
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..tools import route_map
from .common import PARIS, RoutingCase
from .test_route_map import BLOCKED_TILES

# Where the phones say they are; the last one belongs to a visit that is not on the way.
ANNA_ON_THE_ROAD = (48.8123457, 2.3123457)
DAN_ON_SITE = (48.7654321, 2.2654321)


class LiveMapCase(RoutingCase):
    """Today: Anna drives to Site 0 and her phone shares its position; Bob drives to Site 2
    from Site 1, where he just finished, without a position; Carla left the depot for Site 3
    without one; Dan works on site (his phone's last position must never show)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_dispatcher.tz = "Europe/Paris"
        cls.today = windows.to_local(fields.Datetime.now(), PARIS).date()
        depot = cls.anna.fs_start_partner_id
        cls.carla, cls.dan = env["hr.employee"].create(
            [
                {
                    "name": name,
                    "fs_is_technician": True,
                    "resource_calendar_id": cls.anna.resource_calendar_id.id,
                    "fs_start_partner_id": depot.id,
                }
                for name in ("Carla Tech", "Dan Tech")
            ]
        )
        cls.to_anna = cls.today_visit(cls.sites[0], cls.anna, vs.EN_ROUTE, eta=(10, 40))
        cls.bob_before = cls.today_visit(cls.sites[1], cls.bob, vs.DONE, sequence=1)
        cls.to_bob = cls.today_visit(cls.sites[2], cls.bob, vs.EN_ROUTE, sequence=2, eta=(11, 5))
        cls.to_carla = cls.today_visit(cls.sites[3], cls.carla, vs.EN_ROUTE)
        cls.at_dan = cls.today_visit(cls.sites[4], cls.dan, vs.ON_SITE)
        cls.dan_later = cls.today_visit(cls.sites[5], cls.dan, vs.SCHEDULED, sequence=3)
        Position = env["fs.technician.position"].sudo()
        now = fields.Datetime.now()
        cls.anna_position = Position.create(
            {
                "technician_id": cls.anna.id,
                "visit_id": cls.to_anna.id,
                "latitude": ANNA_ON_THE_ROAD[0],
                "longitude": ANNA_ON_THE_ROAD[1],
                "recorded_at": now - timedelta(seconds=30),
            }
        )
        Position.create(
            {
                "technician_id": cls.dan.id,
                "visit_id": cls.at_dan.id,
                "latitude": DAN_ON_SITE[0],
                "longitude": DAN_ON_SITE[1],
                "recorded_at": now - timedelta(seconds=20),
            }
        )

    @classmethod
    def today_visit(cls, site, technician, state, sequence=0, eta=None):
        visit = cls.create_visit(
            name=f"{site.name} ({technician.name})",
            partner_id=site.id,
            fs_job_type_id=False,
            fs_service_minutes=60,
            fs_window_start=cls.local(8, day=cls.today),
            fs_window_end=cls.local(20, day=cls.today),
            fs_technician_id=technician.id,
            fs_route_sequence=sequence,
            fs_eta=cls.local(*eta, day=cls.today) if eta else False,
        )
        visit.fs_state = state
        return visit

    def live_map(self, user=None):
        return self.env["fs.route.map"].with_user(user or self.user_dispatcher).fs_live_map()


@tagged("post_install", "-at_install")
class TestLiveMap(LiveMapCase):
    def vans(self, data):
        ours = (self.anna | self.bob | self.carla | self.dan).ids
        return {
            row["technician"]: row
            for row in data["vehicles"] + data["not_located"]
            if row["technician_id"] in ours
        }

    def test_only_the_technicians_on_the_way_at_their_position_or_fallback(self):
        data = self.live_map()
        vans = self.vans(data)
        self.assertEqual(sorted(vans), ["Anna Tech", "Bob Tech", "Carla Tech"], "Dan is on site")
        anna, bob, carla = vans["Anna Tech"], vans["Bob Tech"], vans["Carla Tech"]
        self.assertEqual(
            (anna["source"], anna["lat"], anna["lng"]), (route_map.LIVE, *ANNA_ON_THE_ROAD)
        )
        self.assertEqual(
            anna["recorded"], windows.format_hour(self.anna_position.recorded_at, PARIS, "en_US")
        )
        self.assertEqual((anna["visit_id"], anna["customer"]), (self.to_anna.id, "Site 0"))
        self.assertEqual((anna["window"], anna["eta"]), ("08:00–20:00", "10:40"))
        self.assertEqual(
            anna["to"],
            {"lat": self.sites[0].partner_latitude, "lng": self.sites[0].partner_longitude},
        )
        site_1 = self.sites[1]
        self.assertEqual(
            (bob["source"], bob["lat"], bob["lng"], bob["recorded"]),
            (route_map.PREVIOUS_STOP, site_1.partner_latitude, site_1.partner_longitude, ""),
        )
        self.assertEqual((bob["visit_id"], bob["eta"]), (self.to_bob.id, "11:05"))
        depot = self.anna.fs_start_partner_id
        self.assertEqual(
            (carla["source"], carla["lat"], carla["lng"]),
            (route_map.START, depot.partner_latitude, depot.partner_longitude),
        )
        # Each van's next visit is drawn as its technician's stop.
        stops = {r["technician_id"]: [s["visit_id"] for s in r["stops"]] for r in data["routes"]}
        self.assertEqual(stops[self.anna.id], self.to_anna.ids)
        self.assertNotIn(self.dan.id, stops)
        json.dumps(data)

    def test_no_position_of_a_visit_not_on_the_way(self):
        text = json.dumps(self.live_map())
        self.assertIn(str(ANNA_ON_THE_ROAD[0]), text)
        for value in DAN_ON_SITE:
            self.assertNotIn(str(value), text, "Dan's phone position stays out")
        # Anna arrives: her position leaves the map with her van.
        self.to_anna.fs_state = vs.ON_SITE
        data = self.live_map()
        self.assertNotIn(str(ANNA_ON_THE_ROAD[0]), json.dumps(data))
        self.assertNotIn(self.anna.id, [row["technician_id"] for row in data["vehicles"]])

    def test_a_stale_position_is_shown_as_such(self):
        self.anna_position.recorded_at = fields.Datetime.now() - timedelta(minutes=10)
        anna = self.vans(self.live_map())["Anna Tech"]
        self.assertEqual((anna["source"], anna["lat"]), (route_map.STALE, ANNA_ON_THE_ROAD[0]))

    def test_a_van_with_no_known_place_is_listed_not_drawn(self):
        self.carla.fs_start_partner_id = self.env["res.partner"].create({"name": "Nowhere"})
        self.carla.company_id.partner_id.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        data = self.live_map()
        self.assertIn(self.carla.id, [row["technician_id"] for row in data["not_located"]])
        self.assertNotIn(self.carla.id, [row["technician_id"] for row in data["vehicles"]])

    def test_only_dispatchers_open_the_live_map(self):
        with self.assertRaises(AccessError):
            self.live_map(self.user_anna)

    def test_reading_the_live_map_takes_the_same_queries_whatever_its_vans(self):
        def queries():
            return self.queries_of(self.live_map)[0]

        queries()  # warm the caches the map does not own (ACLs, rules, views)
        few = queries()
        self.dan_later.fs_state = vs.EN_ROUTE  # Dan leaves for his next visit...
        self.at_dan.fs_state = vs.DONE
        self.env["fs.technician.position"].sudo().create(
            {
                "technician_id": self.dan.id,
                "visit_id": self.dan_later.id,
                "latitude": 48.8,
                "longitude": 2.3,
                "recorded_at": fields.Datetime.now(),
            }
        )
        self.today_visit(self.sites[5], self.bob, vs.SCHEDULED, sequence=3)  # ...Bob has one more
        queries()  # once for what creating them left pending (recomputes, caches)
        many = queries()
        self.assertIn(self.dan.id, [row["technician_id"] for row in self.live_map()["vehicles"]])
        extra = Counter(many) - Counter(few)
        self.assertEqual(len(many), len(few), "\n".join(extra))


@tagged("post_install", "-at_install")
class TestLiveMapTour(HttpCase, LiveMapCase):
    """The demo dispatcher opens Field Service › Dispatch › Live map at desktop width."""

    browser_size = "1440x900"

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("leaflet.tile_url", BLOCKED_TILES)

    def test_the_dispatcher_sees_the_vans_on_the_way(self):
        self.start_tour("/odoo", "fs_dispatch_live_map", login=self.demo_dispatcher.login)
