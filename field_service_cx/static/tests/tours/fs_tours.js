/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A dispatcher opens Field Service and finds the visit list with today's visit in it.
registry.category("web_tour.tours").add("fs_dispatcher_visits", {
    url: "/odoo",
    steps: () => [
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
