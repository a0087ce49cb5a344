/** @odoo-module */

import { registry } from "@web/core/registry";

// A dispatcher opens the dispatch calendar: today's visit is drawn and each technician is a
// filter; unticking the technician hides their visits.
registry.category("web_tour.tours").add("fs_dispatch_calendar", {
    url: "/odoo/action-field_service_cx.action_fs_dispatch_calendar",
    steps: () => [
        {
            trigger: ".o_calendar_renderer .o_event:contains('Calendar boiler service')",
        },
        {
            trigger:
                ".o_calendar_filter[data-name='fs_technician_id'] .o_calendar_filter_item:contains('Anna Tech') input",
            run: "click",
        },
        {
            trigger: ".o_calendar_renderer:not(:has(.o_event:contains('Calendar boiler service')))",
        },
    ],
});
