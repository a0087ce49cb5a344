/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Managers land on their dashboard: the tour waits for it, which also checks the landing.
const landedOnTheDashboard = {
    content: "the manager lands on the dashboard",
    trigger: ".o_fs_kpi_dashboard_content",
};

// The manager opens the dashboard from the menu, picks "Last 4 full weeks", reads the on-time
// card's count of arrivals, clicks the card and lands on those visits.
registry.category("web_tour.tours").add("fs_kpi_dashboard_drill_down", {
    url: "/odoo",
    steps: () => [
        landedOnTheDashboard,
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='field_service_cx.menu_fs_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='field_service_cx.menu_fs_reporting']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='field_service_feedback.menu_fs_kpi_dashboard']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(Dashboard)",
        },
        {
            trigger: ".o_fs_kpi_presets button[data-preset=this_week]",
            run: "click",
        },
        {
            trigger: ".o_fs_kpi_presets button.active[data-preset=this_week]",
        },
        {
            trigger: ".o_fs_kpi_presets button[data-preset=last_4_weeks]",
            run: "click",
        },
        {
            trigger: ".o_fs_kpi_presets button.active[data-preset=last_4_weeks]",
        },
        {
            trigger: ".o_fs_kpi_trends canvas",
        },
        {
            trigger: ".o_fs_kpi_card[data-kpi=on_time_rate] .o_fs_kpi_count",
            run() {
                window.fsOnTimeCount = this.anchor.textContent.trim();
            },
        },
        {
            trigger: ".o_fs_kpi_card[data-kpi=on_time_rate]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            trigger: ".o_breadcrumb:contains(the visits behind it)",
        },
        {
            trigger: ".o_pager_limit",
            run() {
                const shown = this.anchor.textContent.trim();
                if (shown !== window.fsOnTimeCount) {
                    throw new Error(`list shows ${shown} visits, the card counted ${window.fsOnTimeCount}`);
                }
            },
        },
    ],
});
