/** @odoo-module */

import { registry } from "@web/core/registry";

// A technician on his phone asks for help from a visit and lands in the conversation, whose
// first message carries the visit's link and his note.
registry.category("web_tour.tours").add("fs_technician_asks_for_help", {
    url: "/odoo/action-field_service_cx.action_fs_my_day",
    steps: () => [
        {
            content: "open the visit from My day",
            trigger: '.o_fs_day .o_kanban_record:contains("Help boiler")',
            run: "click",
        },
        {
            trigger: '.o_fs_visit .o_fs_visit_title:contains("Help boiler")',
        },
        {
            content: "tap Ask for help",
            trigger: '.o_fs_visit button.o_fs_ask_help:contains("Ask for help")',
            run: "click",
        },
        {
            content: "a few words (optional)",
            trigger: ".modal .o_fs_help_note input",
            run: "edit Gas leak smell",
        },
        {
            trigger: ".modal .o_fs_help_send",
            run: "click",
        },
        {
            content: "lands in the conversation: the visit's link and the note",
            trigger:
                '.o-mail-Message:contains("Gas leak smell") a[href*="action_fs_visits"]:contains("Help boiler")',
        },
        {
            content: "the conversation is the visit's",
            trigger: '.o-mail-ChatWindow:contains("Help: Help boiler"), .o-mail-Discuss:contains("Help: Help boiler")',
        },
    ],
});
