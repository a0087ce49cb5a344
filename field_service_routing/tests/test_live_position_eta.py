import threading
from datetime import datetime, timedelta
from http.server import HTTPServer

from freezegun import freeze_time

from odoo.tests import tagged

from ..models import fs_travel_matrix
from ..solver import HaversineProvider
from .common import RoutingCase
from .test_travel_matrix import _OsrmStub


class _RoadStub(_OsrmStub):
    """The same OSRM stand-in, counting its own calls (the original's count is its tests')."""

    calls = 0


# Monday 2 March 2026, 10:00 in Paris (09:00 UTC): a working morning.
MONDAY_10H = datetime(2026, 3, 2, 9, 0)
ON_THE_ROAD = (48.7787, 2.3316)


@tagged("post_install", "-at_install")
class TestLivePositionEta(RoutingCase):
    """Each live position re-times the rest of the leg with the company's travel provider."""

    def setUp(self):
        super().setUp()
        fs_travel_matrix._cache.clear()
        self.company.write(
            {"fs_travel_speed_kmh": 30.0, "fs_travel_detour_factor": 1.5, "fs_osrm_url": False}
        )
        self.visit = self.create_visit(
            fs_technician_id=self.anna.id,
            fs_window_start=MONDAY_10H + timedelta(hours=1),
            fs_window_end=MONDAY_10H + timedelta(hours=3),
            fs_eta=MONDAY_10H + timedelta(hours=1, minutes=30),
        )
        with freeze_time(MONDAY_10H):
            self.visit.with_user(self.user_anna).action_fs_on_my_way()

    def share(self):
        with freeze_time(MONDAY_10H):
            return self.visit.with_user(self.user_anna).fs_share_position(*ON_THE_ROAD, 20.0)

    def test_embedded_provider_with_the_company_settings(self):
        self.share()
        provider = HaversineProvider(
            detour_factor=1.5,
            speed_kmh=30.0,
            stop_overhead_s=round(self.company.fs_travel_stop_overhead_min * 60),
        )
        durations, _distances = provider.matrix(
            [ON_THE_ROAD, (self.customer.partner_latitude, self.customer.partner_longitude)]
        )
        self.assertEqual(self.visit.fs_eta, MONDAY_10H + timedelta(seconds=durations[0][1]))
        # Not cx's fallback (40 km/h, × 1.3): the routing provider's settings count.
        self.assertGreater(self.visit.fs_eta, MONDAY_10H + timedelta(minutes=30))

    def test_osrm_road_time_when_configured(self):
        server = HTTPServer(("127.0.0.1", 0), _RoadStub)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self.company.fs_osrm_url = f"http://127.0.0.1:{server.server_port}"
            self.company.fs_travel_stop_overhead_min = 0
            self.share()
        finally:
            server.shutdown()
            server.server_close()
        # The stub answers 100.4 s between any two points.
        self.assertEqual(self.visit.fs_eta, MONDAY_10H + timedelta(seconds=100))
        self.assertEqual(self.visit.fs_eta_live_at, MONDAY_10H)
        self.assertEqual(_RoadStub.calls, 1)
