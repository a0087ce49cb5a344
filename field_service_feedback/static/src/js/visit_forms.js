/** @odoo-module */

import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * The reschedule form is sent once. A move gives the visit a new link, so a second click
 * (double click, impatient tap) would reach the server with the replaced link and land on
 * "page not found" although the move succeeded.
 */
publicWidget.registry.FsVisitSubmitOnce = publicWidget.Widget.extend({
    selector: ".o_fs_reschedule_form",
    events: { submit: "_onSubmit" },

    _onSubmit(ev) {
        if (this.sent) {
            ev.preventDefault();
            return;
        }
        this.sent = true;
        for (const button of this.el.querySelectorAll("button[type=submit]")) {
            button.classList.add("disabled");
            button.setAttribute("aria-disabled", "true");
        }
    },
});
