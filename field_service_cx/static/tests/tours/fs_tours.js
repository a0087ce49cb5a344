/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Dispatchers land on the dispatch board: the tour waits for it (leaving a calendar while it
// still loads logs an error), which also checks the landing.
const landedOnTheBoard = {
    content: "the dispatcher lands on the dispatch board",
    trigger: ".o_calendar_container .o_calendar_widget",
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

// A technician logs in on a phone and works a two-visit day from the landing page: visit 1
// from "on my way" to "done" (checklist, a part, a photo, the signature), visit 2 not home.
registry.category("web_tour.tours").add("fs_technician_two_visit_day", {
    url: "/odoo",
    steps: () => [
        {
            content: "lands on My day",
            trigger: '.o_fs_day .o_kanban_record:contains("Tour visit one")',
        },
        {
            content: "the day's summary on top",
            trigger: '.o_fs_day .o_fs_day_summary:contains("2 visit(s) today, 2 to go")',
        },
        noHorizontalOverflow('.o_fs_day .o_kanban_record:contains("Tour visit two")', "My day"),
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
        noHorizontalOverflow(".o_fs_visit", "the visit, scheduled"),
        {
            trigger: '.o_fs_next button[name="action_fs_on_my_way"]',
            run: "click",
        },
        {
            trigger: '.o_fs_visit [name="fs_state"]:contains("On the way")',
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
