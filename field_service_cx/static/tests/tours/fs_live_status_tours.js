/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A dispatcher opens Field Service › Dispatch › Live status: Anna, whose visit should have
// started, is "Late to start"; Bob's visit is flagged at risk before its window ends; Bob's
// "On my way" shows by itself (bus); a click on Anna opens her day, visits in route order.
registry.category("web_tour.tours").add("fs_live_status", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on the dispatch board",
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
            trigger: '.dropdown-item[data-menu-xmlid="field_service_cx.menu_fs_technicians"]',
            run: "click",
        },
        {
            content: "Anna has not left for her first visit: late to start, not available",
            trigger:
                ".o_list_view .o_data_row:has(td[name='name']:contains('Anna Tech')) td[name='fs_status']:contains('Late to start')",
        },
        {
            trigger:
                ".o_list_view .o_data_row:has(td[name='name']:contains('Anna Tech')) td[name='fs_next_visit_id']:contains('Anna first')",
        },
        {
            trigger:
                ".o_list_view .o_data_row:has(td[name='name']:contains('Anna Tech')) td[name='fs_day_progress']:contains('0 / 2')",
        },
        {
            content: "Bob's visit is at risk while its window is still open",
            trigger:
                ".o_list_view .o_data_row:has(td[name='name']:contains('Bob Tech')) td[name='fs_at_risk_visit_id']:contains('Bob at risk')",
        },
        {
            content: "Bob's 'On my way' arrives through the bus: no reload",
            trigger:
                ".o_list_view .o_data_row:has(td[name='name']:contains('Bob Tech')) td[name='fs_status']:contains('On the way')",
            timeout: 30000,
        },
        {
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Anna Tech')",
            run: "click",
        },
        {
            content: "Anna's day, in route order",
            trigger: ".o_breadcrumb:contains('Anna Tech')",
        },
        {
            trigger: ".o_list_view .o_data_row:eq(0) td[name='name']:contains('Anna first')",
        },
        {
            trigger: ".o_list_view .o_data_row:eq(1) td[name='name']:contains('Anna second')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:eq(2)))",
        },
    ],
});
