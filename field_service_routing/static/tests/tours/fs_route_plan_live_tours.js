/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A dispatcher opens today's draft plan from Field Service › Dispatch › Day plans and clicks
// "Plan the day": the form says it is planning, then — solved in the background, announced on
// the bus — shows "Solved" and the routes without any reload.
registry.category("web_tour.tours").add("fs_route_plan_solved_live", {
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
            trigger: '.dropdown-item[data-menu-xmlid="field_service_routing.menu_fs_route_plans"]',
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='project_id']:contains('Field visits (test)')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_plan']:contains('Plan the day')",
            run: "click",
        },
        {
            content: "the plan waits for the background solve",
            trigger: ".o_form_view .alert-info:contains('Planning in the background')",
        },
        {
            content: "the bus brings the solved plan: no reload",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Solved')",
            timeout: 60000,
        },
        {
            trigger: ".o_form_view:not(:has(.alert-info:contains('Planning in the background')))",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_apply']",
        },
        {
            content: "the routes are there",
            trigger: ".o_form_view .o_notebook .o_field_one2many[name='stop_ids'] .o_data_row:contains('Visit Site 0 9h')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='served_count']:contains('3')",
        },
    ],
});
