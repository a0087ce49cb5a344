/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Dispatchers land on the dispatch board (the calendar without field_service_routing): the tour
// waits for it (leaving a screen while it still loads logs an error), which also checks the landing.
const landedOnTheBoard = {
    content: "the dispatcher lands on the dispatch board",
    trigger: ".o_calendar_container .o_calendar_widget, .o_fs_board .o_fs_board_axis",
};

// A dispatcher opens Field Service and finds the visit list with today's visit in it.
registry.category("web_tour.tours").add("fs_dispatcher_visits", {
    url: "/odoo",
    steps: () => [
        landedOnTheBoard,
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
            trigger: '.dropdown-item[data-menu-xmlid="field_service_cx.menu_fs_visits"]',
            run: "click",
        },
        {
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("Tour boiler service")',
        },
        {
            trigger: '.o_list_view .o_data_row td[name="fs_state"]:contains("Scheduled")',
        },
    ],
});

// A technician, on a phone, works a visit from "My day": on my way, arrived, done.
registry.category("web_tour.tours").add("fs_technician_day_phone", {
    url: "/odoo/action-field_service_cx.action_fs_my_day",
    steps: () => [
        {
            trigger: '.o_fs_day .o_kanban_record:contains("Tour boiler service")',
        },
        {
            trigger: '.o_fs_day .o_kanban_record:contains("Gate code 1234")',
        },
        {
            trigger: '.o_fs_day .o_kanban_record button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            trigger: '.o_fs_day .o_kanban_record button[name="action_fs_arrive"]',
            run: "click",
        },
        {
            trigger: '.o_fs_day .o_kanban_record button[name="action_fs_done"]',
            run: "click",
        },
        {
            trigger: '.o_fs_day .o_kanban_record .badge:contains("Done")',
        },
    ],
});

// Nothing on the screen is wider than the phone: no sideways scrolling.
function noHorizontalOverflow(trigger, screen) {
    return {
        content: `no horizontal overflow on ${screen}`,
        trigger,
        run() {
            const width = document.documentElement.scrollWidth;
            if (width > window.innerWidth) {
                throw new Error(`${screen} is ${width}px wide on a ${window.innerWidth}px screen`);
            }
        },
    };
}

// A 1 × 1 PNG, what the phone's camera hands over in this tour.
const PHOTO_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

// A technician (the demo's Marc) logs in on a phone and works the day from the landing page:
// visit 1 from "on my way" to "done" (checklist, a part +1, a part by barcode, a photo, the
// signature), visit 2 not home, visit 3 can't finish (parts missing: follow-up and order).
registry.category("web_tour.tours").add("fs_technician_two_visit_day", {
    url: "/odoo",
    steps: () => [
        {
            content: "lands on My day",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour visit one")',
        },
        {
            content: "the day's summary on top",
            trigger: '.o_fs_day .o_fs_day_summary:contains("3 visit(s) today, 3 to go")',
        },
        noHorizontalOverflow('.o_fs_day .o_kanban_record:contains("Tour visit two")', "My day"),
        {
            content: "On my way to visit 2 while visit 1 is open: asked first",
            trigger:
                '.o_fs_day .o_kanban_record:contains("Tour visit two") button.o_fs_on_my_way_early',
            run: "click",
        },
        {
            content: "the question names the open visit",
            trigger: '.modal .o_fs_order_question:contains("Tour visit one")',
        },
        noHorizontalOverflow(".modal .o_fs_order_question", "the out-of-order question"),
        {
            content: "keep the order",
            trigger: '.modal .modal-footer button:contains("Keep my order")',
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "open visit 1",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour visit one")',
            run: "click",
        },
        {
            trigger: '.o_fs_visit .o_fs_visit_title:contains("Tour visit one")',
        },
        {
            content: "the brief: access notes, phone to call, address to navigate",
            trigger: '.o_fs_visit .o_fs_brief:contains("Gate code 1234") a[href^="tel:"]',
        },
        {
            trigger: '.o_fs_visit .o_fs_brief a[href*="maps"]',
        },
        {
            content: "the last visits here",
            trigger: '.o_fs_site_history:contains("Replaced the ignition electrode")',
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, scheduled"),
        {
            trigger: '.o_fs_next button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("On the way")',
        },
        {
            content: "Can't finish is reachable on the way",
            trigger: '.o_fs_next button[name="action_fs_cant_finish"]',
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, on the way"),
        {
            trigger: '.o_fs_next button[name="action_fs_arrive"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("On site")',
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, on site"),
        {
            content: "tick the required checklist item",
            trigger: '.o_fs_checklist .o_data_row:contains("Check flue") .o_boolean_toggle input',
            run: "click",
        },
        {
            trigger: '.o_fs_checklist .o_data_row:contains("Check flue") .o_boolean_toggle input:checked',
        },
        {
            content: "one valve used",
            trigger: '.o_fs_parts .o_kanban_record:contains("Valve (test)") button[name="action_fs_use_one"]',
            run: "click",
        },
        {
            trigger: '.o_fs_parts .o_kanban_record:contains("Valve (test)"):contains("Used 1")',
        },
        {
            content: "an unknown code is refused, clearly",
            trigger: ".o_fs_part_barcode input",
            run: "edit NOPE-42 && press Enter",
        },
        {
            trigger: '.o_notification:contains("No part has the code NOPE-42")',
        },
        {
            content: "the scanner types the seal's code, then Enter",
            trigger: ".o_fs_part_barcode input",
            run: "edit FS-TOUR-SEAL && press Enter",
        },
        {
            trigger: '.o_fs_parts .o_kanban_record:contains("Seal (tour)"):contains("Used 1")',
        },
        {
            content: "take a photo (the camera hands over a picture)",
            trigger: ".o_fs_photo_capture label.o_fs_photo_after",
            run() {
                const input = this.anchor.querySelector("input[type=file]");
                const bytes = Uint8Array.from(atob(PHOTO_PNG), (c) => c.charCodeAt(0));
                const files = new DataTransfer();
                files.items.add(new File([bytes], "boiler.png", { type: "image/png" }));
                input.files = files.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".o_fs_photos .o_kanban_record img",
        },
        {
            trigger: ".o_fs_summary textarea",
            run: "edit Cleaned the burner, replaced one valve.",
        },
        {
            trigger: '.o_fs_visit [name="fs_signed_by"] input',
            run: "edit Claire Martin",
        },
        {
            content: "the customer signs",
            trigger: ".o_fs_signature .o_signature",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_auto_button.active",
        },
        {
            trigger: '.modal .modal-footer button.btn-primary:contains("Adopt")',
            run: "click",
        },
        {
            trigger: ".o_fs_signature img",
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, signed"),
        {
            trigger: '.o_fs_next button[name="action_fs_done"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("Done")',
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, done"),
        {
            content: "back to My day",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "open visit 2",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour visit two")',
            run: "click",
        },
        {
            trigger: '.o_fs_visit .o_fs_visit_title:contains("Tour visit two")',
        },
        {
            trigger: '.o_fs_next button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            trigger: '.o_fs_next button[name="action_fs_not_home"]',
            run: "click",
        },
        {
            content: "the dialog says what it is for",
            trigger: '.modal .modal-title:contains("Customer not home")',
        },
        noHorizontalOverflow(".modal .modal-title", "the not-home dialog"),
        {
            trigger: '.modal [name="reason"] textarea',
            run: "edit Nobody answered the door or the phone",
        },
        {
            trigger: '.modal .modal-footer button[name="action_confirm"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("Customer not home")',
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, not home"),
        {
            content: "back to My day",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "open visit 3",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour visit three")',
            run: "click",
        },
        {
            trigger: '.o_fs_visit .o_fs_visit_title:contains("Tour visit three")',
        },
        {
            trigger: '.o_fs_next button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            trigger: '.o_fs_next button[name="action_fs_arrive"]',
            run: "click",
        },
        {
            trigger: '.o_fs_next button[name="action_fs_cant_finish"]',
            run: "click",
        },
        {
            content: "the dialog says what it is for",
            trigger: '.modal .modal-title:contains("Can\'t finish")',
        },
        {
            content: "the part short in the van is listed",
            trigger: '.modal .o_fs_unfinished_parts .o_data_row:contains("Pump (tour)")',
        },
        noHorizontalOverflow(".modal .o_fs_unfinished", "the can't-finish dialog"),
        {
            content: "parts missing",
            trigger: '.modal [name="reason"] input[data-value="parts"]',
            run: "click",
        },
        {
            content: "the parts will be ordered for the van, and a follow-up booked",
            trigger: '.modal [name="order_parts"] input:checked',
        },
        {
            trigger: '.modal [name="rebook"] input:checked',
        },
        {
            trigger: '.modal [name="note"] textarea',
            run: "edit The pump is the old model",
        },
        {
            trigger: '.modal .modal-footer button[name="action_confirm"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("Could not finish")',
        },
        {
            trigger: '.o_fs_visit .o_fs_unfinished_status:contains("Parts missing")',
        },
        noHorizontalOverflow(".o_fs_visit", "the visit, could not finish"),
    ],
});

// A French-speaking dispatcher reads the Field Service menus and the visit form in French.
registry.category("web_tour.tours").add("fs_dispatcher_in_french", {
    url: "/odoo",
    steps: () => [
        landedOnTheBoard,
        stepUtils.showAppsMenuItem(),
        {
            content: "the app is called Interventions terrain",
            trigger: '.o_app[data-menu-xmlid="field_service_cx.menu_fs_root"]:contains("Interventions terrain")',
            run: "click",
        },
        {
            trigger:
                '.o_main_navbar button[data-menu-xmlid="field_service_cx.menu_fs_dispatch"]:contains("Répartition")',
            run: "click",
        },
        {
            trigger:
                '.dropdown-item[data-menu-xmlid="field_service_cx.menu_fs_visits"]:contains("Interventions")',
            run: "click",
        },
        {
            content: "the list's columns and states are French",
            trigger: '.o_list_view .o_data_row td[name="fs_state"]:contains("Planifiée")',
        },
        {
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("Tour visite chaudière")',
            run: "click",
        },
        {
            content: "the visit form's groups and labels are French",
            trigger: '.o_form_view .o_horizontal_separator:contains("Créneau")',
        },
        {
            trigger: ".o_form_view .o_form_label:contains(\"Type d'intervention\")",
        },
        {
            trigger: '.o_form_view .o_form_label:contains("Début du créneau")',
        },
        {
            trigger: '.o_form_view .o_form_label:contains("Technicien")',
        },
        {
            trigger: '.o_form_view .o_notebook .nav-link:contains("Intervention")',
        },
    ],
});

// A Finnish-speaking technician reads My day (the day's summary included) and the visit in
// Finnish on the phone.
registry.category("web_tour.tours").add("fs_technician_in_finnish", {
    url: "/odoo",
    steps: () => [
        {
            content: "lands on My day, named in Finnish",
            trigger: '.o_breadcrumb:contains("Päiväni")',
        },
        {
            content: "the day's summary (an Owl template) is Finnish",
            trigger: '.o_fs_day .o_fs_day_summary:contains("käynti(ä) tänään")',
        },
        {
            trigger: '.o_fs_day .o_kanban_record button[name="action_fs_on_my_way"]:contains("Olen matkalla")',
        },
        {
            trigger: '.o_fs_day .o_kanban_record:contains("Tour kattilahuolto")',
            run: "click",
        },
        {
            trigger: '.o_fs_visit .o_fs_visit_title:contains("Tour kattilahuolto")',
        },
        {
            content: "the visit's labels are Finnish",
            trigger: '.o_fs_visit .o_form_label:contains("Asiakas")',
        },
        {
            trigger: '.o_fs_visit .o_form_label:contains("Navigoi")',
        },
        {
            trigger: '.o_fs_visit a[href*="maps"]:contains("Avaa kartalla")',
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("Aikataulutettu")',
        },
        {
            trigger: '.o_fs_next button[name="action_fs_on_my_way"]:contains("Olen matkalla")',
        },
    ],
});
