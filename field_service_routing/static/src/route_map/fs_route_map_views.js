/** @odoo-module **/
import { Component, onWillStart, useState } from "@odoo/owl";
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

/** Field Service › Dispatch › Map: every technician's route of a day, with a day switcher. */
export class FsDispatchMap extends Component {
    static template = "field_service_routing.FsDispatchMap";
    static components = { Layout, FsRouteMap };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.keepLast = new KeepLast();
        this.state = useState({ data: null });
        onWillStart(() => this.load(false));
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
        this.state.data = await this.keepLast.add(this.orm.call("fs.route.map", "fs_day_map", [day]));
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
