/** @odoo-module **/
import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { Layout } from "@web/search/layout";
import { FsRouteMap } from "./fs_route_map";

/** The action opening one visit in the field-service visit form. */
function visitAction(visitId, viewId) {
    return {
        type: "ir.actions.act_window",
        res_model: "project.task",
        res_id: visitId,
        views: [[viewId || false, "form"]],
        context: { fs_visit_views: 1 },
    };
}

/** A day plan's Map tab: its solved routes (the plan's map_data field). */
export class FsRouteMapField extends Component {
    static template = "field_service_routing.FsRouteMapField";
    static components = { FsRouteMap };
    static props = { ...standardFieldProps };

    setup() {
        this.action = useService("action");
    }

    get data() {
        return this.props.record.data[this.props.name] || { routes: [] };
    }

    openVisit(visitId) {
        this.action.doAction(visitAction(visitId, this.data.visit_view_id));
    }
}

registry.category("fields").add("fs_route_map", {
    component: FsRouteMapField,
    supportedTypes: ["json"],
});

// The live map refreshes itself this often, and at once when a visit's live state changes (bus).
export const LIVE_REFRESH_MS = 30000;
const LIVE_NOTIFICATION = "field_service_cx/live";

/** Where a van is drawn, as the dispatcher reads it. */
function vanPlace(van) {
    switch (van.source) {
        case "live":
            return _t("live position at %(time)s", { time: van.recorded });
        case "stale":
            return _t("last position at %(time)s (no update since)", { time: van.recorded });
        case "previous_stop":
            return _t("no live position: shown at the previous stop");
        case "start":
            return _t("no live position: shown at the start of the day");
        default:
            return _t("no live position and no known place");
    }
}

/**
 * Field Service › Dispatch › Map: every technician's route of a day, with a day switcher; and
 * its Live view (Field Service › Dispatch › Live map, or the Live toggle): the vans of the
 * technicians on the way now, with their next visit and ETA, refreshed every 30 s and on
 * every live change of a visit.
 */
export class FsDispatchMap extends Component {
    static template = "field_service_routing.FsDispatchMap";
    static components = { Layout, FsRouteMap };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.keepLast = new KeepLast();
        const live = Boolean(this.props.action?.context?.fs_map_live);
        this.state = useState({ data: null, live });
        onWillStart(() => (live ? this.loadLive() : this.load(false)));
        this.timer = setInterval(() => this.state.live && this.loadLive(), LIVE_REFRESH_MS);
        const bus = useService("bus_service");
        const onLive = () => this.state.live && this.loadLive();
        bus.subscribe(LIVE_NOTIFICATION, onLive);
        onWillUnmount(() => {
            clearInterval(this.timer);
            bus.unsubscribe(LIVE_NOTIFICATION, onLive);
        });
    }

    async setLive(live) {
        this.state.live = live;
        this.state.data = null;
        await (live ? this.loadLive() : this.load(false));
    }

    async loadLive() {
        const data = await this.keepLast.add(this.orm.call("fs.route.map", "fs_live_map", []));
        if (this.state.live) {
            this.state.data = data;
        }
    }

    /** The vans as FsRouteMap vehicles: name and ETA always shown, details in the popup. */
    get vehicles() {
        return this.state.data.vehicles.map((van) => ({
            ...van,
            tip: van.eta
                ? _t("%(technician)s · ETA %(eta)s", { technician: van.technician, eta: van.eta })
                : van.technician,
            popup: [
                ["", van.technician],
                [_t("Next visit"), [van.customer, van.name].filter(Boolean).join(" · ")],
                [_t("Window"), van.window],
                [_t("ETA"), van.eta || _t("not known")],
                ["", vanPlace(van)],
            ],
        }));
    }

    get vans() {
        const data = this.state.data;
        return [...data.vehicles, ...data.not_located].map((van) => ({ ...van, place: vanPlace(van) }));
    }

    get liveSummary() {
        const count = this.state.data.vehicles.length + this.state.data.not_located.length;
        if (!count) {
            return _t("Nobody is on the way right now.");
        }
        return _t("%(count)s technicians on the way · updated at %(time)s", {
            count,
            time: this.state.data.updated,
        });
    }

    get display() {
        return { controlPanel: {} };
    }

    get stopCount() {
        const data = this.state.data;
        return data.routes.reduce((count, route) => count + route.stops.length, 0) + data.unassigned.length;
    }

    get summary() {
        const data = this.state.data;
        if (!this.stopCount && !data.not_located.length) {
            return _t("No visits this day.");
        }
        return _t("%(visits)s visits on the map, %(technicians)s technicians", {
            visits: this.stopCount,
            technicians: data.routes.length,
        });
    }

    async load(day) {
        const data = await this.keepLast.add(this.orm.call("fs.route.map", "fs_day_map", [day]));
        if (!this.state.live) {
            this.state.data = data;
        }
    }

    shift(days) {
        const day = luxon.DateTime.fromISO(this.state.data.date).plus({ days });
        this.load(day.toISODate());
    }

    openVisit(visitId) {
        this.action.doAction(visitAction(visitId, this.state.data.visit_view_id));
    }
}

registry.category("actions").add("fs_dispatch_map", FsDispatchMap);
