/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The dispatcher lands on the dispatch board; a customer has just cancelled on their page
// (the test posted the form): the to-do waits in the Activities menu. Then the customer
// view, found by a phone number typed another way; then a visit cancelled with a reason.
registry.category("web_tour.tours").add("fs_office_hears_the_customer", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on the dispatch board",
            trigger: ".o_fs_board .o_fs_board_axis",
        },
        {
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMenu .o-mail-ActivityGroup:contains('Task')",
            run: "click",
        },
        {
            content: "the to-do waits in the visits' activity view",
            trigger: ".o_activity_view .o_data_row:contains('Tour cancelled visit') .o_activity_summary_cell:not(.o_activity_empty_cell) .o-mail-ActivityCell-deadline",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityListPopoverItem:contains('The customer cancelled the visit of')",
        },
        {
            trigger: ".o_activity_view .o_activity_record:contains('Tour cancelled visit')",
            run: "click",
        },
        {
            content: "on the visit: what the customer did, why, and the window",
            trigger: ".o-mail-Activity:contains('The customer cancelled the visit of') .o-mail-Activity-note:contains('We are moving house')",
        },
        // Field Service › Customers, a phone number written another way.
        stepUtils.showAppsMenuItem(),
        {
            trigger: '.o_app[data-menu-xmlid="field_service_cx.menu_fs_root"]',
            run: "click",
        },
        {
            trigger: '.o_menu_sections [data-menu-xmlid="field_service_cx.menu_fs_customers"]',
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            trigger: ".o_searchview_input",
            run: "edit +33 6 12 34 56 78",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Search Phone for')",
            run: "click",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:eq(1))) .o_data_row:contains('Claire Martin') td.o_data_cell",
            run: "click",
        },
        {
            content: "the Field service page comes first",
            trigger: ".o_notebook .nav-link.active:contains('Field service')",
        },
        {
            trigger: ".o_fs_customer_upcoming .o_data_row:contains('Tour visit to cancel')",
        },
        {
            trigger: ".o_fs_customer_past .o_data_row:contains('Tour finished visit'):contains('Done')",
        },
        {
            trigger: ".o_fs_customer_ratings .o_data_row:contains('Lovely work')",
        },
        {
            trigger: ".o_fs_customer_messages .o_data_row:contains('Booking confirmation')",
        },
        {
            trigger: "button[name='action_fs_view_visits'] .o_stat_value:contains('3')",
        },
        // Field Service › Dispatch › Visits: cancel one with a reason, from its form.
        {
            trigger: '.o_menu_sections [data-menu-xmlid="field_service_cx.menu_fs_dispatch"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="field_service_cx.menu_fs_visits"]',
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Visits')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour visit to cancel') td[name='name']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_cp_action_menus button",
            run: "click",
        },
        {
            content: "no Delete offered on a visit",
            trigger: ".o-dropdown--menu:not(:contains('Delete')) .o-dropdown-item",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name='action_fs_cancel']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='notify_customer'] input:checked",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Customer called: the boiler was replaced",
        },
        {
            trigger: ".modal-footer button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='fs_state']:contains('Cancelled')",
        },
    ],
});
