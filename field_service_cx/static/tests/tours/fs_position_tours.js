/** @odoo-module */

import { registry } from "@web/core/registry";

// The phone's geolocation, faked at the device boundary: the technician allowed it, and the
// phone is about 10 km south of the customer. The tour checks when the screen stops watching.
function fakeGeolocation() {
    const watches = new Set();
    let next = 1;
    window.__fsGeolocation = { watching: watches, started: 0 };
    Object.defineProperty(navigator, "geolocation", {
        configurable: true,
        value: {
            watchPosition(success) {
                const id = next++;
                watches.add(id);
                window.__fsGeolocation.started++;
                setTimeout(() => {
                    if (watches.has(id)) {
                        success({
                            coords: { latitude: 48.7787, longitude: 2.3316, accuracy: 12 },
                            timestamp: Date.now(),
                        });
                    }
                }, 20);
                return id;
            },
            clearWatch(id) {
                watches.delete(id);
            },
            getCurrentPosition(success) {
                success({
                    coords: { latitude: 48.7787, longitude: 2.3316, accuracy: 12 },
                    timestamp: Date.now(),
                });
            },
        },
    });
}

// The technician, on a phone: On my way → the screen says what is shared with whom and until
// when → a position is sent (arriving about …) → Arrived → the notice is gone, nothing watched.
registry.category("web_tour.tours").add("fs_technician_shares_position", {
    url: "/odoo",
    steps: () => [
        {
            content: "lands on My day; the phone allows its location",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour position visit")',
            run: fakeGeolocation,
        },
        {
            content: "nothing is shared before On my way",
            trigger: ".o_fs_day:not(:has(.o_fs_position_share))",
        },
        {
            content: "open the visit",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour position visit")',
            run: "click",
        },
        {
            trigger: '.o_fs_visit .o_fs_visit_title:contains("Tour position visit")',
        },
        {
            trigger: ".o_fs_visit:not(:has(.o_fs_position_share))",
        },
        {
            trigger: '.o_fs_next button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("On the way")',
        },
        {
            content: "the screen says plainly what is shared, with whom, until when",
            trigger:
                '.o_fs_position_notice:contains("Your location is shared with Claire Martin until you arrive"):contains("only in working hours")',
        },
        {
            content: "a position was sent and re-timed the arrival",
            trigger: '.o_fs_position_status.o_fs_position_shared:contains("arriving about")',
        },
        {
            trigger: '.o_fs_next button[name="action_fs_arrive"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("On site")',
        },
        {
            content: "the notice is gone and the phone is no longer watched",
            trigger: ".o_fs_visit:not(:has(.o_fs_position_share))",
            run() {
                const geolocation = window.__fsGeolocation;
                if (geolocation.started !== 1 || geolocation.watching.size) {
                    throw new Error(
                        `watched ${geolocation.started} time(s), ${geolocation.watching.size} still open`
                    );
                }
            },
        },
    ],
});

// The browser refused the location (the technician said no): the screen says nothing is
// shared and how to allow it; the server is never asked.
registry.category("web_tour.tours").add("fs_technician_refuses_position", {
    url: "/odoo",
    steps: () => [
        {
            trigger: '.o_fs_day .o_kanban_record:contains("Tour position visit")',
            run() {
                Object.defineProperty(navigator, "geolocation", {
                    configurable: true,
                    value: {
                        watchPosition(success, error) {
                            setTimeout(() => error({ code: 1, message: "User denied" }), 20);
                            return 1;
                        },
                        clearWatch() {},
                    },
                });
            },
        },
        {
            trigger: '.o_fs_day .o_kanban_record:contains("Tour position visit") button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            content: "on My day's card too: the refusal is said, nothing is shared",
            trigger:
                '.o_fs_day .o_kanban_record:contains("Tour position visit") .o_fs_position_denied:contains("Your browser refused to share your location: nothing is shared")',
        },
    ],
});
