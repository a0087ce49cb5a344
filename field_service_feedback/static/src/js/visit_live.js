/** @odoo-module */

import publicWidget from "@web/legacy/js/public/public_widget";

const POLL_MS = 30000;
const CLOSED = ["done", "cancelled", "not_home", "unfinished"];

/**
 * The live box of the customer's visit page: asks the read-only ETA endpoint every 30 s and
 * updates the ETA and stop texts in place. The page shows the same information without
 * JavaScript; when the visit's state changes, the page is reloaded to show the new state.
 */
publicWidget.registry.FsVisitLive = publicWidget.Widget.extend({
    selector: ".o_fs_visit_live",

    start() {
        this.state = this.el.dataset.state;
        if (this.el.dataset.poll === "1" && this.el.dataset.etaUrl) {
            this.timer = setInterval(() => this._refresh(), POLL_MS);
        }
        return this._super(...arguments);
    },

    destroy() {
        clearInterval(this.timer);
        this._super(...arguments);
    },

    async _refresh() {
        if (document.hidden) {
            return;
        }
        let data;
        try {
            const response = await fetch(this.el.dataset.etaUrl, {
                credentials: "same-origin",
                cache: "no-store",
                headers: { Accept: "application/json" },
            });
            if (!response.ok) {
                return;
            }
            data = await response.json();
        } catch {
            return; // offline for a moment: the next tick tries again
        }
        // The live map (visit_map.js) follows the same answer.
        document.dispatchEvent(new CustomEvent("fs-visit-live", { detail: data }));
        if (data.state !== this.state) {
            clearInterval(this.timer);
            window.location.reload();
            return;
        }
        this._setText(".o_fs_eta_text", data.eta_text, "span");
        this._setText(".o_fs_stops_text", data.stops_text);
        this.el.classList.toggle("d-none", !data.eta_text && !data.stops_text);
        if (CLOSED.includes(data.state)) {
            clearInterval(this.timer);
        }
    },

    _setText(selector, text, inner) {
        const node = this.el.querySelector(selector);
        if (!node) {
            return;
        }
        (inner ? node.querySelector(inner) : node).textContent = text || "";
        node.classList.toggle("d-none", !text);
    },
});

export default publicWidget.registry.FsVisitLive;
