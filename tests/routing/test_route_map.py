from fs_routing_tools.route_map import (
    ODOO_COLORS,
    ROUTE_PALETTE,
    MapPoint,
    MapTechnician,
    MapVisit,
    day_routes,
    technician_color,
    tile_url_is_valid,
)

DEPOT = MapPoint(45.76, 4.83, "Depot")
NADIA = MapTechnician(7, "Nadia", start=DEPOT)
EMILIE = MapTechnician(3, "Émilie", color_index=4)
MARC = MapTechnician(12, "Marc")


SITE = MapPoint(45.7, 4.8)


def visit(visit_id, technician=None, order=(), point=SITE, **values):
    return MapVisit(
        id=visit_id,
        name=f"Visit {visit_id}",
        point=point,
        technician_id=technician.id if technician else None,
        order=order,
        **values,
    )


def test_routes_per_technician_in_route_order_numbered_from_one():
    data = day_routes(
        [
            visit(1, NADIA, (3,)),
            visit(2, EMILIE, (1,)),
            visit(3, NADIA, (1,)),
            visit(4, NADIA, (2,), customer="Claire", window="08:00–10:00", eta="08:25"),
        ],
        [NADIA, EMILIE, MARC],
    )
    assert [route["name"] for route in data["routes"]] == ["Émilie", "Nadia"]  # no visit: no Marc
    nadia = data["routes"][1]
    assert [stop["visit_id"] for stop in nadia["stops"]] == [3, 4, 1]
    assert [stop["sequence"] for stop in nadia["stops"]] == [1, 2, 3]
    assert nadia["start"] == {"lat": 45.76, "lng": 4.83, "label": "Depot"}
    assert data["routes"][0]["start"] is None
    middle = nadia["stops"][1]
    assert (middle["customer"], middle["window"], middle["eta"]) == (
        "Claire",
        "08:00–10:00",
        "08:25",
    )


def test_visits_without_coordinates_are_listed_apart_and_not_drawn():
    data = day_routes(
        [
            visit(1, NADIA, (1,)),
            visit(2, NADIA, (2,), point=None),
            visit(3, None, (3,), point=None),
        ],
        [NADIA],
    )
    assert [stop["visit_id"] for stop in data["routes"][0]["stops"]] == [1]
    assert [(v["visit_id"], v["technician"]) for v in data["not_located"]] == [
        (2, "Nadia"),
        (3, ""),
    ]
    assert all(v["lat"] is None and v["lng"] is None for v in data["not_located"])


def test_visits_without_technician_are_drawn_apart_unnumbered():
    data = day_routes([visit(1, None), visit(2, MARC)], [MARC])
    assert [v["visit_id"] for v in data["unassigned"]] == [1]
    assert data["unassigned"][0]["sequence"] is None
    assert [route["technician_id"] for route in data["routes"]] == [MARC.id]


def test_a_technician_keeps_their_colour_whoever_else_works_that_day():
    alone = day_routes([visit(1, NADIA)], [NADIA])["routes"][0]["color"]
    crowded = day_routes([visit(1, MARC), visit(2, NADIA), visit(3, EMILIE)], [MARC, NADIA, EMILIE])
    assert {route["name"]: route["color"] for route in crowded["routes"]}["Nadia"] == alone
    assert technician_color(3, 4) == ODOO_COLORS[4], "the colour HR gave comes first"
    assert technician_color(7, 0) == ROUTE_PALETTE[7 % len(ROUTE_PALETTE)]
    assert technician_color(7, 99) == technician_color(7, 0), "unknown index: the id's colour"
    ids = range(1, len(ROUTE_PALETTE) + 1)
    assert len({technician_color(i) for i in ids}) == len(ROUTE_PALETTE), "neighbours differ"


def test_tile_url_templates():
    assert tile_url_is_valid("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert tile_url_is_valid("/tiles/{z}/{x}/{y}.png")
    assert not tile_url_is_valid("https://tile.example.com/{z}/{x}.png")
    assert not tile_url_is_valid("javascript:alert(1)//{z}{x}{y}")
    assert not tile_url_is_valid("")
