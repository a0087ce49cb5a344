/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const lane = (name) => `.o_fs_board_lane[data-lane-name='${name}']`;

/**
 * Drags ``source`` (a block or a queue card) onto ``track`` at ``clientX`` with pointer events,
 * as a mouse does: pressed 5 px inside its left edge, so the drop starts at ``clientX - 5``.
 */
function dragTo(source, track, clientX) {
    const from = source.getBoundingClientRect();
    const x = from.left + 5;
    const y = from.top + from.height / 2;
    const init = { bubbles: true, button: 0, pointerId: 1, isPrimary: true };
    source.dispatchEvent(new PointerEvent("pointerdown", { ...init, clientX: x, clientY: y }));
    const to = track.getBoundingClientRect();
    const dropY = to.top + 4;
    const target = document.elementFromPoint(clientX, dropY) || track;
    target.dispatchEvent(new PointerEvent("pointermove", { ...init, clientX, clientY: dropY }));
    target.dispatchEvent(new PointerEvent("pointerup", { ...init, clientX, clientY: dropY }));
}

function tickX(label) {
    const tick = [...document.querySelectorAll(".o_fs_board_tick")].find(
        (el) => el.textContent.trim() === label
    );
    return tick.getBoundingClientRect().left + tick.getBoundingClientRect().width / 2 + 5;
}

// The dispatcher opens Field Service › Dispatch › Board: one lane per technician with the
// day's visits. They move a visit to another qualified technician at the same time (it stays
// there after the reload), try to give it to a technician lacking the skill (refused, with the
// reason, and it snaps back), drop a visit from the queue onto a lane, and open it.
registry.category("web_tour.tours").add("fs_dispatch_board_moves", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on their screen",
            trigger: ".o_calendar_container .o_calendar_widget, .o_fs_board .o_fs_board_axis",
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
            trigger: '.dropdown-item[data-menu-xmlid="field_service_routing.menu_fs_dispatch_board"]',
            run: "click",
        },
        {
            content: "lanes show technicians with their hours",
            trigger: `${lane("Anna Tech")} .o_fs_board_lane_hours:contains('08:00–17:00')`,
        },
        {
            trigger: `${lane("Carla Tech")} .o_fs_board_lane_name:contains('Carla Tech')`,
        },
        {
            content: "the visit sits in Anna's lane, the queue beside",
            trigger: `${lane("Anna Tech")} .o_fs_board_block:contains('Board tour boiler')`,
        },
        {
            trigger: ".o_fs_board_queue_card:contains('Board tour waiting')",
        },
        {
            content: "drag the visit to Carla (qualified), same time",
            trigger: `${lane("Anna Tech")} .o_fs_board_block:contains('Board tour boiler')`,
            run() {
                const block = this.anchor;
                const track = document.querySelector(`${lane("Carla Tech")} .o_fs_board_track`);
                dragTo(block, track, block.getBoundingClientRect().left + 5);
            },
        },
        {
            trigger: ".o_notification:contains('moved to Carla Tech')",
        },
        {
            content: "after the reload the visit is in Carla's lane",
            trigger: `${lane("Carla Tech")} .o_fs_board_block:contains('Board tour boiler')`,
        },
        {
            content: "drag it onto Bob, who lacks the skill",
            trigger: `${lane("Carla Tech")} .o_fs_board_block:contains('Board tour boiler')`,
            run() {
                const block = this.anchor;
                const track = document.querySelector(`${lane("Bob Tech")} .o_fs_board_track`);
                dragTo(block, track, block.getBoundingClientRect().left + 5);
            },
        },
        {
            content: "refused, with the reason",
            trigger: ".o_notification:contains('Bob Tech lacks the skill Gas (test) (Senior)')",
        },
        {
            content: "and it snapped back",
            trigger: `${lane("Carla Tech")} .o_fs_board_block:contains('Board tour boiler')`,
        },
        {
            trigger: `body:not(:has(${lane("Bob Tech")} .o_fs_board_block:contains('Board tour boiler')))`,
        },
        {
            content: "drag the waiting visit from the queue onto Anna at 15:00",
            trigger: ".o_fs_board_queue_card:contains('Board tour waiting')",
            run() {
                const track = document.querySelector(`${lane("Anna Tech")} .o_fs_board_track`);
                dragTo(this.anchor, track, tickX("15:00"));
            },
        },
        {
            trigger: `${lane("Anna Tech")} .o_fs_board_block:contains('Board tour waiting')`,
        },
        {
            trigger: ".o_fs_board_queue:not(:has(.o_fs_board_queue_card:contains('Board tour waiting')))",
        },
        {
            content: "a click on a block opens the visit",
            trigger: `${lane("Anna Tech")} .o_fs_board_block:contains('Board tour waiting')`,
            run() {
                const box = this.anchor.getBoundingClientRect();
                const init = { bubbles: true, button: 0, clientX: box.left + 5, clientY: box.top + 5 };
                this.anchor.dispatchEvent(new PointerEvent("pointerdown", init));
                this.anchor.dispatchEvent(new PointerEvent("pointerup", init));
            },
        },
        {
            trigger: ".o_form_view .o_field_widget[name='fs_site_id']",
        },
        {
            trigger: ".o_breadcrumb:contains('Board tour waiting')",
        },
    ],
});

// The dispatcher opens the board on tomorrow: Anna's "Fix tour" visit is forecast late, the
// board says so and suggests giving it to Bob at 10:00 (with the minutes it adds and saves);
// one click on Apply moves it to Bob's lane, and the suggestion is gone.
registry.category("web_tour.tours").add("fs_dispatch_board_fix", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on the board",
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
            trigger: '.dropdown-item[data-menu-xmlid="field_service_routing.menu_fs_dispatch_board"]',
            run: "click",
        },
        {
            trigger: ".o_fs_board .o_fs_board_next",
            run: "click",
        },
        {
            content: "tomorrow: the late visit sits in Anna's lane, flagged, with a suggested fix",
            trigger: `${lane("Anna Tech")} .o_fs_board_block:contains('Fix tour'):contains('Late / at risk'):contains('Suggested fix')`,
        },
        {
            content: "the fix: Bob at 10:00, the minutes it adds to his route and saves on Anna's",
            trigger: ".o_fs_board_fix:contains('Fix tour'):contains('Suggested fix') .o_fs_board_fix_text:contains('Give it to Bob Tech at 10:00: +'):contains(\"min on Anna Tech's\")",
        },
        {
            content: "one click applies it",
            trigger: ".o_fs_board_fix:contains('Fix tour') .o_fs_board_fix_apply",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Fix tour moved to Bob Tech')",
        },
        {
            content: "the block moved to Bob's lane",
            trigger: `${lane("Bob Tech")} .o_fs_board_block:contains('Fix tour')`,
        },
        {
            trigger: `body:not(:has(${lane("Anna Tech")} .o_fs_board_block:contains('Fix tour')))`,
        },
        {
            content: "kept in its window now: no longer at risk, no suggestion left",
            trigger: `body:not(:has(.o_fs_board_fix:contains('Fix tour')))`,
        },
    ],
});
