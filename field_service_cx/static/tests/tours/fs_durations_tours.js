/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A dispatcher opens Field Service › Configuration › Job types, opens the repair and reads
// its measured on-site time (P50 / P80 and the visits it comes from), then the technicians'
// own figures.
registry.category("web_tour.tours").add("fs_job_type_durations", {
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
            trigger: '.o_main_navbar button[data-menu-xmlid="field_service_cx.menu_fs_config"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="field_service_cx.menu_fs_job_types"]',
            run: "click",
        },
        {
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("Leak repair (test)")',
            run: "click",
        },
        {
            trigger:
                '.o_form_view .o_fs_duration_summary:contains("P50 / P80: 75 / 124 min from 15 visits")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="planned_minutes"]:contains("124")',
        },
        {
            trigger: '.o_notebook .nav-link:contains("Measured durations")',
            run: "click",
        },
        {
            trigger:
                '.o_fs_duration_technicians .o_data_row:contains("Anna Tech"):has(td[name="sample_count"]:contains("12"))',
        },
        {
            trigger: '.o_fs_duration_technicians .o_data_row:contains("Bob Tech")',
        },
    ],
});
