/** @odoo-module */
// The plan form reloads itself when the background solve moves its plan on (bus), so the
// dispatcher sees "Solved" and the routes without reloading the page.
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onWillUnmount } from "@odoo/owl";

export const PLAN_STATE_NOTIFICATION = "field_service_routing/plan_state";

export class FsPlanLive extends Component {
    static props = { ...standardWidgetProps };
    static template = "field_service_routing.FsPlanLive";

    setup() {
        const bus = useService("bus_service");
        const onState = (payload) => this.onState(payload);
        bus.subscribe(PLAN_STATE_NOTIFICATION, onState);
        onWillUnmount(() => bus.unsubscribe(PLAN_STATE_NOTIFICATION, onState));
    }

    async onState({ id, state }) {
        const record = this.props.record;
        if (id !== record.resId || record.data.state === state) {
            return;
        }
        // Unsaved edits stay: save them with the new state rather than lose them.
        if (record.dirty) {
            await record.save();
        }
        await record.load();
    }
}

export const fsPlanLive = { component: FsPlanLive };
registry.category("view_widgets").add("fs_plan_live", fsPlanLive);
