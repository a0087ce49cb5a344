/** @odoo-module */

import { registry } from "@web/core/registry";

function expected() {
    return window.fsMapExpected || {};
}

// A customer, on a phone, opens the visit page from a token link (no login) while the
// technician is on the way: the map shows the van and the customer's home (tiles blocked:
// markers on a plain background), "Arriving about 10:40" and that the position is approximate;
// the page does not scroll sideways. The next live answer moves the van (its last leg).
registry.category("web_tour.tours").add("fs_visit_map_phone", {
    steps: () => [
        {
            trigger: ".o_fs_state_label:contains(On the way)",
        },
        {
            trigger: ".o_fs_visit_map .leaflet-marker-icon.o_fs_map_van.o_fs_map_van_coarse",
        },
        {
            trigger: ".o_fs_visit_map .leaflet-marker-icon.o_fs_map_home",
            run() {
                const markers = document.querySelectorAll(".o_fs_visit_map .leaflet-marker-icon");
                if (markers.length !== 2) {
                    throw new Error(`The map shows ${markers.length} markers, not the van and home`);
                }
                const map = document.querySelector(".o_fs_visit_map");
                const height = map.getBoundingClientRect().height;
                if (height < 180 || height > 360) {
                    throw new Error(`The map is ${height}px high on a phone`);
                }
                const page = document.documentElement;
                if (page.scrollWidth > window.innerWidth) {
                    throw new Error(`The page scrolls sideways (${page.scrollWidth}px)`);
                }
            },
        },
        {
            trigger: `.o_fs_map_eta:contains(${expected().arrival})`,
        },
        {
            trigger: ".o_fs_map_note:contains(approximate)",
        },
        {
            // The live poll's next answer, on the last leg: the exact van, no approximate area.
            trigger: ".o_fs_visit_map_card",
            run() {
                const data = JSON.parse(document.querySelector(".o_fs_visit_map_card").dataset.map);
                const detail = {
                    state: "en_route",
                    map: { ...data, van: data.home, exact: true, note: "" },
                };
                document.dispatchEvent(new CustomEvent("fs-visit-live", { detail }));
            },
        },
        {
            trigger: ".o_fs_visit_map .leaflet-marker-icon.o_fs_map_van.o_fs_map_van_exact",
            run() {
                const card = document.querySelector(".o_fs_visit_map_card");
                if (card.querySelector(".o_fs_map_van_area")) {
                    throw new Error("The exact van still has its approximate area");
                }
                if (!card.querySelector(".o_fs_map_note").classList.contains("d-none")) {
                    throw new Error("The exact van is still said to be approximate");
                }
                const markers = card.querySelectorAll(".leaflet-marker-icon");
                if (markers.length !== 2) {
                    throw new Error(`The map shows ${markers.length} markers after the update`);
                }
            },
        },
    ],
});
