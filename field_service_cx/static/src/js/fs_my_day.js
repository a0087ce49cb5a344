/** @odoo-module */

import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";

// My day's header: how many visits, when to leave for the first one, the planned kilometres.
export class FsDaySummary extends Component {
    static template = "field_service_cx.FsDaySummary";
    static props = { list: Object };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ summary: null });
        onWillStart(() => this.load());
        onWillUpdateProps(() => this.load());
    }

    async load() {
        this.state.summary = await this.orm.call("project.task", "fs_my_day_summary", []);
    }
}

export class FsMyDayRenderer extends KanbanRenderer {
    static template = "field_service_cx.FsMyDayRenderer";
    static components = { ...KanbanRenderer.components, FsDaySummary };
}

registry.category("views").add("fs_my_day_kanban", {
    ...kanbanView,
    Renderer: FsMyDayRenderer,
});
