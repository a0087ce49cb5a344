/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Dispatchers land on the dispatch board (the calendar without field_service_routing): the tour
// waits for it (leaving a screen while it still loads logs an error), which also checks the landing.
const landedOnTheBoard = {
    content: "the dispatcher lands on the dispatch board",
    trigger: ".o_calendar_container .o_calendar_widget, .o_fs_board .o_fs_board_axis",
};

// A dispatcher opens a lead from the CRM pipeline, clicks "Book visit", picks the job type,
// takes the first window offered (with its suggested technician) and books it: the visit
// opens with the customer, the window and the technician.
registry.category("web_tour.tours").add("fs_book_visit_from_lead", {
    url: "/odoo",
    steps: () => [
        landedOnTheBoard,
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        {
            trigger: '.o_kanban_record:contains("Tour boiler noise")',
            run: "click",
        },
        {
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_fs_book_visit"]',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="partner_id"] input:value("Claire Martin")',
        },
        {
            trigger: '.modal .o_field_widget[name="job_type_id"] input',
            run: "edit Boiler service (test)",
        },
        {
            trigger: '.o-autocomplete--dropdown-item a:contains("Boiler service (test)")',
            run: "click",
        },
        {
            trigger: '.modal .o_fs_book_slots .o_data_row:first td[name="technician_id"]:contains("Anna Tech")',
        },
        {
            trigger: '.modal .o_fs_book_slots .o_data_row:first td[name="chosen"] input',
            run: "click",
        },
        {
            trigger: '.modal .o_fs_book_slots .o_data_row:first td[name="chosen"] input:checked',
        },
        {
            trigger: '.modal-footer button[name="action_book"]',
            run: "click",
        },
        {
            trigger: 'body:not(:has(.modal)) .o_form_view .o_field_widget[name="partner_id"] input:value("Claire Martin")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="fs_technician_id"] input:value("Anna Tech")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="fs_window_display"]:contains(":00–")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="fs_state"]:contains("Scheduled")',
        },
        {
            trigger: '.o_breadcrumb .breadcrumb-item a:contains("Tour boiler noise")',
            run: "click",
        },
        {
            trigger: '.o_form_view button[name="action_fs_view_visits"] .o_stat_value:contains("1")',
        },
    ],
});

// A dispatcher clicks New in Field Service › Visits: the visit form asks for the customer
// (saving without one is refused), then saves once the customer is filled in.
registry.category("web_tour.tours").add("fs_new_visit_needs_a_customer", {
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
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: '.o_form_view .o_field_widget[name="project_id"] input:value("Field visits (test)")',
        },
        {
            trigger: '.o_form_view .o_notebook_headers .nav-item:first a[name="fs_visit"].active',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="name"] textarea, .o_form_view .o_field_widget[name="name"] input',
            run: "edit Tour new visit",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: '.o_form_view .o_field_widget[name="partner_id"].o_field_invalid',
        },
        {
            trigger: '.o_notification:contains("Customer")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="partner_id"] input',
            run: "edit Claire Mar",
        },
        {
            trigger: '.o-autocomplete--dropdown-item a:contains("Claire Martin")',
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: '.o_breadcrumb:contains("Tour new visit")',
        },
    ],
});
