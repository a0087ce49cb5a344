from fs_routing_tools.route_map import (
    LIVE,
    ODOO_COLORS,
    PREVIOUS_STOP,
    ROUTE_PALETTE,
    STALE,
    START,
    MapPoint,
    MapTechnician,
    MapVan,
    MapVisit,
    day_routes,
    live_vans,
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


# ---- the live map's vans ---------------------------------------------------------------------
HERE = MapPoint(45.75, 4.85)
BEFORE = MapPoint(45.72, 4.82, "Previous stop")


def van(technician, **values):
    return MapVan(
        technician=technician,
        visit=visit(
            50 + technician.id, technician, eta="10:40", window="10:00–12:00", customer="Claire"
        ),
        **values,
    )


def test_a_van_at_its_position_else_its_previous_stop_else_its_start():
    data = live_vans(
        [
            van(NADIA, position=HERE, recorded="10:31"),
            van(EMILIE, previous_stop=BEFORE),
            van(MARC),  # no position, no previous stop, no start: listed, not drawn
            van(MapTechnician(9, "Zoe", start=DEPOT), position=HERE, stale=True, recorded="10:02"),
        ]
    )
    drawn = {row["technician"]: row for row in data["vehicles"]}
    assert list(drawn) == ["Émilie", "Nadia", "Zoe"]
    assert (drawn["Nadia"]["source"], drawn["Nadia"]["lat"], drawn["Nadia"]["recorded"]) == (
        LIVE,
        45.75,
        "10:31",
    )
    assert (drawn["Émilie"]["source"], drawn["Émilie"]["lat"]) == (PREVIOUS_STOP, 45.72)
    assert drawn["Émilie"]["recorded"] == ""
    assert drawn["Zoe"]["source"] == STALE
    assert [row["technician"] for row in data["not_located"]] == ["Marc"]
    nadia = drawn["Nadia"]
    assert (nadia["eta"], nadia["window"], nadia["customer"]) == ("10:40", "10:00–12:00", "Claire")
    assert nadia["to"] == {"lat": SITE.latitude, "lng": SITE.longitude}
    assert nadia["color"] == technician_color(NADIA.id)
    # Each drawn van's next visit is its technician's only stop on the map.
    assert [(r["name"], [s["visit_id"] for s in r["stops"]]) for r in data["routes"]] == [
        ("Émilie", [50 + EMILIE.id]),
        ("Nadia", [50 + NADIA.id]),
        ("Zoe", [59]),
    ]


def test_a_van_without_position_at_its_start():
    [row] = live_vans([van(NADIA)])["vehicles"]
    assert (row["source"], row["lat"], row["lng"]) == (START, DEPOT.latitude, DEPOT.longitude)
