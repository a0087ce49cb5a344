import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from odoo.tests import TransactionCase, tagged

from ..models import fs_travel_matrix


class _OsrmStub(BaseHTTPRequestHandler):
    """A local stand-in for OSRM's table service: 100 s and 1 km between different points."""

    calls = 0

    def do_GET(self):
        type(self).calls += 1
        count = self.path.split("/driving/")[1].split("?")[0].count(";") + 1
        table = [[0 if i == j else 100.4 for j in range(count)] for i in range(count)]
        distances = [[0 if i == j else 1000.0 for j in range(count)] for i in range(count)]
        body = json.dumps({"code": "Ok", "durations": table, "distances": distances}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Silent: the stub's requests are not worth a line in the test log."""


@tagged("post_install", "-at_install")
class TestTravelMatrix(TransactionCase):
    POINTS = [(48.85, 2.35), (48.86, 2.36), (48.87, 2.30)]

    def setUp(self):
        super().setUp()
        fs_travel_matrix._cache.clear()
        _OsrmStub.calls = 0  # other tests' stubs (e.g. the live-position ETA) counted too
        self.company = self.env.company
        self.company.fs_travel_stop_overhead_min = 2

    def test_embedded_estimate_by_default(self):
        durations, distances, note = self.env["fs.travel.matrix"]._fs_matrices(
            self.POINTS, self.company
        )
        self.assertEqual(durations[0][0], 0)
        self.assertGreater(durations[0][1], 120, "a leg costs at least the stop overhead")
        self.assertGreater(distances[0][2], 3000)
        self.assertIn("Embedded estimate", note)

    def test_osrm_answers_and_is_cached(self):
        server = HTTPServer(("127.0.0.1", 0), _OsrmStub)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self.company.fs_osrm_url = f"http://127.0.0.1:{server.server_port}"
            matrices = self.env["fs.travel.matrix"]
            durations, distances, note = matrices._fs_matrices(self.POINTS, self.company)
            matrices._fs_matrices(self.POINTS, self.company)
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(durations[0][1], 100 + 120)
        self.assertEqual(distances[1][2], 1000)
        self.assertIn("OSRM", note)
        self.assertEqual(_OsrmStub.calls, 1, "the second identical request is served from cache")

    def test_unreachable_osrm_falls_back_visibly(self):
        server = HTTPServer(("127.0.0.1", 0), _OsrmStub)
        port = server.server_port
        server.server_close()
        self.company.fs_osrm_url = f"http://127.0.0.1:{port}"
        durations, _distances, note = self.env["fs.travel.matrix"]._fs_matrices(
            self.POINTS, self.company
        )
        self.assertIn("could not answer", note)
        self.assertIn("embedded estimate was used", note)
        self.assertGreater(durations[0][1], 0)
