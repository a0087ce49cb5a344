/** @odoo-module */

import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

// A dispatcher opens the dispatch calendar: today's visit is drawn and each technician is a
// filter; unticking the technician hides their visits.
registry.category("web_tour.tours").add("fs_dispatch_calendar", {
    url: "/odoo/action-field_service_cx.action_fs_dispatch_calendar",
    steps: () => [
        {
            trigger: ".o_calendar_renderer .o_event:contains('Calendar boiler service')",
        },
        {
            trigger:
                ".o_calendar_filter[data-name='fs_technician_id'] .o_calendar_filter_item:contains('Anna Tech') input",
            run: "click",
        },
        {
            trigger: ".o_calendar_renderer:not(:has(.o_event:contains('Calendar boiler service')))",
        },
    ],
});

// A dispatcher opens a visit without a technician; meanwhile someone else gives it to Anna
// (another browser: an RPC behind the form's back); the dispatcher picks Bob and saves: the
// save is refused with "changed meanwhile" instead of overwriting Anna.
registry.category("web_tour.tours").add("fs_visit_form_stale", {
    steps: () => [
        {
            trigger: ".o_notebook_headers a[name='fs_visit']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='fs_technician_id'] input",
            async run() {
                const visitId = parseInt(window.location.pathname.split("/").pop());
                const call = (model, method, args) =>
                    rpc(`/web/dataset/call_kw/${model}/${method}`, {
                        model,
                        method,
                        args,
                        kwargs: {},
                    });
                const [anna] = await call("hr.employee", "search_read", [
                    [["name", "=", "Anna Tech"]],
                    ["id"],
                ]);
                await call("project.task", "write", [[visitId], { fs_technician_id: anna.id }]);
            },
        },
        {
            trigger: ".o_field_widget[name='fs_technician_id'] input",
            run: "edit Bob",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Bob Tech')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".modal .modal-body:contains('changed meanwhile'):contains('Please reload')",
        },
        {
            trigger: ".modal:not(:contains('Oops')) .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});

// A dispatcher has the dispatch calendar open; meanwhile someone else gives the visit to Bob
// (another browser); the dispatcher drags the visit, as shown, to the afternoon: the move is
// refused with "changed meanwhile" and the calendar reloads the visit as it is now; dragged
// again, it moves.
registry.category("web_tour.tours").add("fs_dispatch_calendar_stale", {
    url: "/odoo/action-field_service_cx.action_fs_dispatch_calendar",
    steps: () => {
        let visitId;
        const call = (model, method, args) =>
            rpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs: {} });
        return [
            {
                trigger: ".o_calendar_renderer .o_event:contains('Calendar stale move')",
                async run() {
                    visitId = parseInt(this.anchor.closest("[data-event-id]").dataset.eventId);
                    const [bob] = await call("hr.employee", "search_read", [
                        [["name", "=", "Bob Tech"]],
                        ["id"],
                    ]);
                    await call("project.task", "write", [[visitId], { fs_technician_id: bob.id }]);
                },
            },
            {
                trigger: ".o_calendar_renderer .o_event:contains('Calendar stale move')",
                run: "drag_and_drop .fc-timegrid-slot-lane[data-time='14:00:00']",
            },
            {
                trigger:
                    ".modal .modal-body:contains('changed meanwhile'):contains('Please reload')",
            },
            {
                trigger: ".modal .modal-footer .btn-primary",
                run: "click",
            },
            {
                trigger:
                    "body:not(:has(.modal)) .o_calendar_renderer .o_event:contains('Calendar stale move')",
                run: "drag_and_drop .fc-timegrid-slot-lane[data-time='14:00:00']",
            },
            {
                // Reloaded on the current version, the same move is saved.
                trigger: ".o_calendar_renderer .o_event:contains('Calendar stale move')",
                async run() {
                    for (let tries = 0; tries < 50; tries++) {
                        const [visit] = await call("project.task", "read", [
                            [visitId],
                            ["fs_schedule_version"],
                        ]);
                        if (visit.fs_schedule_version === 3) {
                            return;
                        }
                        await new Promise((resolve) => setTimeout(resolve, 100));
                    }
                    throw new Error("the move made on the reloaded calendar was not saved");
                },
            },
        ];
    },
});
