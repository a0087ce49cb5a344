/** @odoo-module */

import { registry } from "@web/core/registry";

// A dispatcher opens a day plan whose solve failed, reads why, and plans the day again: the plan
// is queued for the background solve.
registry.category("web_tour.tours").add("fs_route_plan_failed_replan", {
    url: "/odoo/action-field_service_routing.action_fs_route_plans",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name='project_id']:contains('Field visits (test)')",
            run: "click",
        },
        {
            trigger: ".o_form_view .alert-danger:contains('The solver stopped with an error')",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_plan']:contains('Plan the day')",
            run: "click",
        },
        {
            trigger: ".o_form_view .alert-info:contains('Planning in the background')",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Queued')",
        },
    ],
});
