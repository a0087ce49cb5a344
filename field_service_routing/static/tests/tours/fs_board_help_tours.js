/** @odoo-module */

import { registry } from "@web/core/registry";

// The dispatcher's board shows "Help asked" on the visit of a technician who asked; a click on
// the badge opens the conversation beside the board, with the visit's link in it.
registry.category("web_tour.tours").add("fs_board_help_asked", {
    url: "/odoo",
    steps: () => [
        {
            content: "the dispatcher lands on the board",
            trigger: ".o_fs_board .o_fs_board_axis",
        },
        {
            content: "the visit's block says help was asked",
            trigger:
                ".o_fs_board_block:contains('Help board boiler') .o_fs_board_help:contains('Help asked')",
            run: "click",
        },
        {
            content: "the conversation opens with the visit's context",
            trigger:
                ".o-mail-ChatWindow .o-mail-Message:contains('Stuck on a valve') a:contains('Help board boiler')",
        },
    ],
});
