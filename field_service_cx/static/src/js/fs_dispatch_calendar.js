/** @odoo-module */

import { registry } from "@web/core/registry";
import { CalendarModel } from "@web/views/calendar/calendar_model";
import { calendarView } from "@web/views/calendar/calendar_view";

/**
 * The dispatch calendar states the schedule version it loaded when a visit is dragged or
 * resized, so a move over someone else's newer change (the customer rescheduled meanwhile)
 * is refused instead of silently winning; the calendar then reloads to show the visit as it is.
 */
export class FsDispatchCalendarModel extends CalendarModel {
    buildRawRecord(partialRecord, options = {}) {
        const rawRecord = super.buildRawRecord(partialRecord, options);
        const loaded = partialRecord.id && this.records[partialRecord.id];
        if (loaded && loaded.rawRecord.fs_schedule_version) {
            rawRecord.fs_schedule_version_read = loaded.rawRecord.fs_schedule_version;
        }
        return rawRecord;
    }

    async updateRecord(record, options = {}) {
        try {
            return await super.updateRecord(record, options);
        } catch (error) {
            await this.load();
            throw error;
        }
    }
}

registry.category("views").add("fs_dispatch_calendar", {
    ...calendarView,
    Model: FsDispatchCalendarModel,
});
