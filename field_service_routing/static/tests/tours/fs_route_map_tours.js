/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// What the map must show, set by the test before the tour starts (window.fsMapExpected):
// {stops, lines, technicians: [names], first: {customer, window, name}}.
function expected() {
    if (!window.fsMapExpected) {
        throw new Error("the test did not say what the map must show");
    }
    return window.fsMapExpected;
}

function assertEqual(actual, wanted, what) {
    if (actual !== wanted) {
        throw new Error(`${what}: ${JSON.stringify(actual)} instead of ${JSON.stringify(wanted)}`);
    }
}

// Markers, one line per technician and the legend's names, as the test computed them.
const mapShowsTheDay = (root) => [
    {
        content: "the markers are drawn",
        trigger: `${root} .o_fs_map_stop`,
    },
    {
        content: "the tiles are blocked: the map says so and still draws",
        trigger: `${root} .o_fs_map_tiles_failed`,
    },
    {
        content: "one numbered marker per geolocated visit, one line per technician",
        trigger: `${root} path.leaflet-interactive.o_fs_map_route`,
        run() {
            const { stops, lines } = expected();
            assertEqual(document.querySelectorAll(`${root} .o_fs_map_stop`).length, stops, "markers");
            assertEqual(
                document.querySelectorAll(`${root} path.leaflet-interactive.o_fs_map_route`).length,
                lines,
                "route lines"
            );
        },
    },
    {
        content: "the legend lists the technicians by name",
        trigger: `${root} .o_fs_map_legend .o_fs_map_legend_name`,
        run() {
            const names = [...document.querySelectorAll(`${root} .o_fs_map_legend_name`)].map((el) =>
                el.textContent.trim()
            );
            assertEqual(JSON.stringify(names), JSON.stringify(expected().technicians), "legend");
        },
    },
];

// A dispatcher opens Field Service › Dispatch › Map (on a weekend: the next day with visits),
// sees every technician's route of the demo day with tiles blocked, clicks the first stop, reads
// its customer and window in the popup and opens the visit from it.
registry.category("web_tour.tours").add("fs_dispatch_map_demo_day", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on the dispatch board",
            trigger: ".o_fs_board .o_fs_board_axis",
        },
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="field_service_cx.menu_fs_root"]',
            run: "click",
        },
        {
            trigger: '.o_main_navbar button[data-menu-xmlid="field_service_cx.menu_fs_dispatch"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="field_service_routing.menu_fs_dispatch_map"]',
            run: "click",
        },
        {
            content: "the map of a day opens",
            trigger: ".o_fs_dispatch_map .o_fs_map_day_title",
            run() {
                document.querySelector(".o_fs_dispatch_map .o_fs_map_next_busy")?.click();
            },
        },
        {
            content: "the demo day",
            trigger: ".o_fs_dispatch_map input.o_fs_map_date",
            run() {
                assertEqual(this.anchor.value, expected().date, "day shown");
            },
        },
        ...mapShowsTheDay(".o_fs_dispatch_map"),
        {
            content: "click the first technician's first stop",
            trigger: ".o_fs_dispatch_map .o_fs_map_stop",
            run: "click",
        },
        {
            content: "the popup shows the customer and the window",
            trigger: ".leaflet-popup .o_fs_map_popup .o_fs_map_popup_window",
            run() {
                const { first } = expected();
                const popup = document.querySelector(".leaflet-popup .o_fs_map_popup");
                assertEqual(
                    popup.querySelector(".o_fs_map_popup_customer").textContent,
                    first.customer,
                    "customer"
                );
                assertEqual(
                    popup.querySelector(".o_fs_map_popup_window").lastChild.textContent,
                    first.window,
                    "window"
                );
            },
        },
        {
            trigger: ".leaflet-popup a.o_fs_map_open_visit",
            run: "click",
        },
        {
            content: "the visit opens in the visit form",
            trigger: ".o_form_view .o_field_widget[name='name'] textarea, .o_form_view .o_field_widget[name='name'] input",
            run() {
                assertEqual(this.anchor.value, expected().first.name, "visit opened");
            },
        },
        {
            trigger: ".o_breadcrumb:contains(Map)",
        },
    ],
});

// A dispatcher opens a solved day plan and its Map tab: the routes draw with tiles blocked.
registry.category("web_tour.tours").add("fs_route_plan_map_tab", {
    url: "/odoo/action-field_service_routing.action_fs_route_plans",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name='project_id']:contains('Field visits (test)')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link[name='map']",
            run: "click",
        },
        ...mapShowsTheDay(".o_fs_route_map_plan"),
    ],
});

// The dispatcher opens Field Service › Dispatch › Live map: the vans of the technicians on the
// way are drawn (tiles blocked) with their name and ETA; the list below says where each comes
// from (a live position, or the previous stop when the phone shares none); the Routes toggle
// goes back to the day's routes and Live comes back.
registry.category("web_tour.tours").add("fs_dispatch_live_map", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on the dispatch board",
            trigger: ".o_fs_board .o_fs_board_axis",
        },
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="field_service_cx.menu_fs_root"]',
            run: "click",
        },
        {
            trigger: '.o_main_navbar button[data-menu-xmlid="field_service_cx.menu_fs_dispatch"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="field_service_routing.menu_fs_live_map"]',
            run: "click",
        },
        {
            content: "the vans are drawn, the map says its background is missing",
            trigger: ".o_fs_live_map .o_fs_map_vehicle_live",
        },
        {
            trigger: ".o_fs_live_map .o_fs_map_tiles_failed",
        },
        {
            content: "Anna's van shows her name and ETA",
            trigger: ".o_fs_live_map .o_fs_map_vehicle_tip:contains('Anna Tech · ETA 10:40')",
        },
        {
            content: "Bob's van, without a live position, at his previous stop",
            trigger: ".o_fs_live_map .o_fs_map_vehicle_previous_stop",
        },
        {
            trigger: ".o_fs_live_map .o_fs_map_vehicle_tip:contains('Bob Tech · ETA 11:05')",
        },
        {
            trigger: ".o_fs_live_van:contains('Bob Tech'):contains('Site 2') .o_fs_live_van_place:contains('no live position: shown at the previous stop')",
        },
        {
            trigger: ".o_fs_live_van:contains('Anna Tech'):contains('Site 0') .o_fs_live_van_place:contains('live position at')",
        },
        {
            content: "Dan works on site: no van for him",
            trigger: ".o_fs_live_map:not(:has(.o_fs_live_van:contains('Dan Tech'))):not(:has(.o_fs_map_vehicle_tip:contains('Dan Tech')))",
        },
        {
            content: "a click on Anna's van: her next visit and where she is",
            trigger: ".o_fs_live_map .o_fs_map_vehicle_live",
            run() {
                const markers = [...document.querySelectorAll(".o_fs_live_map .o_fs_map_vehicle_live")];
                const anna = markers.find((el) => el.title === "Anna Tech");
                anna.dispatchEvent(new MouseEvent("click", { bubbles: true }));
            },
        },
        {
            trigger: ".leaflet-popup .o_fs_map_vehicle_popup:contains('Site 0'):contains('10:40')",
        },
        {
            content: "back to the day's routes",
            trigger: ".o_fs_dispatch_map .o_fs_map_mode_routes",
            run: "click",
        },
        {
            trigger: ".o_fs_dispatch_map .o_fs_map_day_title:not(:contains('Live'))",
        },
        {
            trigger: ".o_fs_dispatch_map .o_fs_map_mode_live",
            run: "click",
        },
        {
            trigger: ".o_fs_live_map .o_fs_map_vehicle_tip:contains('Anna Tech · ETA 10:40')",
        },
    ],
});
