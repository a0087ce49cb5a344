from fs_routing_tools.route_svg import MapRoute, routes_svg


def test_one_line_per_technician_and_numbered_stops():
    svg = routes_svg(
        [
            MapRoute("Anna", (45.76, 4.83), [(45.75, 4.85), (45.74, 4.86)]),
            MapRoute("Bob <b>", (45.70, 4.80), [(45.72, 4.81)]),
        ]
    )
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 3
    assert "Bob &lt;b&gt;: stop 1" in svg and "<b>" not in svg


def test_points_stay_inside_the_picture():
    svg = routes_svg([MapRoute("A", (0.0, 0.0), [(1.0, 1.0), (-1.0, 2.0)])], 200, 100, 10)
    import re

    for x, y in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg):
        assert 0 <= float(x) <= 200 and 0 <= float(y) <= 100


def test_no_points_no_map():
    assert routes_svg([]) == ""
