/** @odoo-module */
// Live status: the technicians' rows reload when a visit's state, ETA or flags change (bus),
// so the dispatcher never reloads the page to see who is late.
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { onWillUnmount } from "@odoo/owl";

export const LIVE_NOTIFICATION = "field_service_cx/live";

export class FsLiveStatusController extends ListController {
    setup() {
        super.setup();
        const bus = useService("bus_service");
        const onLive = () => this.model.load();
        bus.subscribe(LIVE_NOTIFICATION, onLive);
        onWillUnmount(() => bus.unsubscribe(LIVE_NOTIFICATION, onLive));
    }
}

registry.category("views").add("fs_live_status_list", {
    ...listView,
    Controller: FsLiveStatusController,
});
