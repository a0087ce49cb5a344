/** @odoo-module */

import { Component, onMounted, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

const { DateTime } = luxon;

// How often the phone's latest position is sent while on the way (the server keeps it 3 min
// fresh: a few misses and the customer's ETA falls back to the planned one).
export const SEND_EVERY_MS = 30000;

// On the way to the technician's own visit, in working hours: the phone's position is sent
// every 30 s (browser geolocation, with the technician's consent) until the widget leaves the
// screen, which it does on "Arrived", done, not home or when the technician leaves the visit.
// The screen says what is shared, with whom and until when, and when the browser refused.
export class FsPositionShare extends Component {
    static template = "field_service_cx.FsPositionShare";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ status: "asking", sentAt: "", eta: "", message: "" });
        this.watchId = null;
        this.timer = null;
        this.coords = null;
        this.sending = false;
        onMounted(() => this.start());
        onWillUnmount(() => this.stop());
    }

    get sharing() {
        return this.props.record.data.fs_position_sharing;
    }

    get customer() {
        const partner = this.props.record.data.partner_id;
        return (partner && partner[1]) || _t("the customer");
    }

    get notice() {
        return _t(
            "Your location is shared with %(customer)s until you arrive — only while you are on the way, only in working hours.",
            { customer: this.customer }
        );
    }

    get statusText() {
        const state = this.state;
        switch (state.status) {
            case "shared":
                return state.eta
                    ? _t("Location sent at %(time)s: arriving about %(eta)s.", {
                          time: state.sentAt,
                          eta: state.eta,
                      })
                    : _t("Location sent at %(time)s.", { time: state.sentAt });
            case "denied":
                return _t(
                    "Your browser refused to share your location: nothing is shared. To show the customer where you are, allow location for this site in the browser's settings."
                );
            case "unavailable":
                return _t("Your phone cannot find its location right now: it keeps trying.");
            case "unsupported":
                return _t("This browser cannot share a location: nothing is shared.");
            case "refused":
                return state.message;
            default:
                return _t("Asking your phone for its location…");
        }
    }

    start() {
        if (this.sharing !== "on") {
            return;
        }
        const geolocation = navigator.geolocation;
        if (!geolocation) {
            this.state.status = "unsupported";
            return;
        }
        this.watchId = geolocation.watchPosition(
            (position) => this.onFix(position),
            (error) => this.onFixError(error),
            { enableHighAccuracy: true, maximumAge: SEND_EVERY_MS, timeout: 60000 }
        );
        this.timer = setInterval(() => this.send(), SEND_EVERY_MS);
    }

    stop() {
        if (this.watchId !== null && navigator.geolocation) {
            navigator.geolocation.clearWatch(this.watchId);
        }
        this.watchId = null;
        clearInterval(this.timer);
        this.timer = null;
    }

    onFix(position) {
        const first = !this.coords;
        this.coords = position.coords;
        if (first) {
            this.send();
        }
    }

    onFixError(error) {
        if (error.code === 1) {
            // PERMISSION_DENIED: the technician (or the phone) said no; ask no more.
            this.state.status = "denied";
            this.stop();
        } else if (this.state.status !== "shared") {
            this.state.status = "unavailable";
        }
    }

    async send() {
        if (!this.coords || this.sending || this.timer === null) {
            return;
        }
        const { latitude, longitude, accuracy } = this.coords;
        this.sending = true;
        try {
            const result = await this.orm.silent.call(
                "project.task",
                "fs_share_position",
                [[this.props.record.resId], latitude, longitude, accuracy ?? false]
            );
            this.state.status = "shared";
            this.state.sentAt =
                result.sent_at || DateTime.now().toLocaleString(DateTime.TIME_SIMPLE);
            this.state.eta = result.eta || "";
        } catch (error) {
            // The server refused (e.g. the visit moved on, the working day ended): say why, stop.
            this.state.status = "refused";
            this.state.message =
                error?.data?.message || _t("Your location could not be shared.");
            this.stop();
        } finally {
            this.sending = false;
        }
    }
}

registry.category("view_widgets").add("fs_position_share", {
    component: FsPositionShare,
    fieldDependencies: [
        { name: "fs_position_sharing", type: "selection" },
        { name: "partner_id", type: "many2one" },
    ],
});
