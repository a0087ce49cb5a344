/** @odoo-module */

import { Component, onWillStart, onWillUnmount, useExternalListener, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { deserializeDate, serializeDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";

const { DateTime } = luxon;
const SNAP_MINUTES = 15;
// Sent when a visit's state, ETA, technician or window changes, or its risk flags move (cx).
const LIVE_NOTIFICATION = "field_service_cx/live";
const DRAG_THRESHOLD_PX = 4;

/**
 * Where things sit on the time axis, as percentages of a lane's track: each day of the board
 * takes an equal column, and minutes run from the first to the last hour of the axis.
 */
class BoardScale {
    constructor(data) {
        this.days = data.days.length;
        this.first = data.hours[0] * 60;
        this.span = Math.max(60, data.hours[1] * 60 - this.first);
    }
    left(day, minute) {
        const inside = Math.min(Math.max(minute - this.first, 0), this.span);
        return ((day + inside / this.span) / this.days) * 100;
    }
    width(day, from, to) {
        return Math.max(this.left(day, to) - this.left(day, from), 0);
    }
    /** The (day, minute) under a fraction (0..1) of the track, snapped to the quarter hour. */
    at(fraction) {
        const position = Math.min(Math.max(fraction, 0), 0.9999) * this.days;
        const day = Math.floor(position);
        const minute = this.first + (position - day) * this.span;
        return { day, minute: Math.round(minute / SNAP_MINUTES) * SNAP_MINUTES };
    }
}

export class FsBoardBlock extends Component {
    static template = "field_service_routing.FsBoardBlock";
    static props = ["block", "scale", "onGrab"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.store = useService("mail.store");
    }

    /** "Help asked": join the visit's help conversation and open it beside the board. */
    async openHelp() {
        const { channel_id } = await this.orm.call("fs.dispatch.board", "fs_board_open_help", [
            this.props.block.id,
        ]);
        const thread = await this.store.Thread.getOrFetch({ model: "discuss.channel", id: channel_id });
        if (thread) {
            thread.open();
        } else {
            await this.action.doAction({
                type: "ir.actions.client",
                tag: "mail.action_discuss",
                context: { active_id: `discuss.channel_${channel_id}` },
            });
        }
    }

    get style() {
        const { block, scale } = this.props;
        const width = scale.width(block.day, block.start, block.end);
        return `left:${scale.left(block.day, block.start)}%;width:${Math.max(width, 0.4)}%`;
    }
    get windowStyle() {
        const { block, scale } = this.props;
        const left = scale.left(block.day, block.window_start);
        return `left:${left}%;width:${scale.width(block.day, block.window_start, block.window_end)}%`;
    }
    get title() {
        const { block } = this.props;
        const badges = block.badges.map((badge) => badge.title || badge.label);
        return [block.name, block.customer, block.job_type, block.window, block.state_label, ...badges]
            .filter(Boolean)
            .join("\n");
    }
}

export class FsBoardLane extends Component {
    static template = "field_service_routing.FsBoardLane";
    static components = { FsBoardBlock };
    static props = ["lane", "blocks", "travel", "scale", "days", "onGrab"];

    workStyle(day, span) {
        const { scale } = this.props;
        return `left:${scale.left(day, span[0])}%;width:${scale.width(day, span[0], span[1])}%`;
    }
    travelStyle(leg) {
        const { scale } = this.props;
        return `left:${scale.left(leg.day, leg.from)}%;width:${scale.width(leg.day, leg.from, leg.to)}%`;
    }
    get hoursLabel() {
        return [...new Set(this.props.lane.hours)].join(" · ");
    }
}

export class FsBoardQueue extends Component {
    static template = "field_service_routing.FsBoardQueue";
    static props = ["visits", "fixes", "onGrab", "onApplyFix"];
}

/** The dispatcher's board: one lane per technician, the day's visits and the unscheduled queue. */
export class FsDispatchBoard extends Component {
    static template = "field_service_routing.FsDispatchBoard";
    static components = { DateTimeInput, FsBoardLane, FsBoardQueue };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.root = useRef("root");
        const context = this.props.action?.context || {};
        const day = context.fs_board_day ? deserializeDate(context.fs_board_day) : DateTime.local();
        this.state = useState({ day: day.startOf("day"), mode: "day", data: null, drag: null });
        this.grab = null;
        this.keepLast = new KeepLast(); // a bus reload and a click's reload: the last one wins
        useExternalListener(window, "pointermove", this.onPointerMove);
        useExternalListener(window, "pointerup", this.onPointerUp);
        onWillStart(() => this.load());
        // A visit turning late (or kept again) shows or drops its suggested fix without a reload;
        // never in the middle of a drag.
        const bus = useService("bus_service");
        const onLive = () => !this.grab && this.load();
        bus.subscribe(LIVE_NOTIFICATION, onLive);
        onWillUnmount(() => bus.unsubscribe(LIVE_NOTIFICATION, onLive));
    }

    get firstDay() {
        return this.state.mode === "week" ? this.state.day.startOf("week") : this.state.day;
    }

    async load() {
        const days = this.state.mode === "week" ? 7 : 1;
        const data = await this.keepLast.add(
            this.orm.call("fs.dispatch.board", "fs_board_data", [serializeDate(this.firstDay), days])
        );
        this.scale = new BoardScale(data);
        this.state.data = data;
    }

    get ticks() {
        const [first, last] = this.state.data.hours;
        const step = this.state.mode === "week" ? 4 : 1;
        const ticks = [];
        this.state.data.days.forEach((_day, index) => {
            for (let hour = first; hour <= last - step / 2; hour += step) {
                ticks.push({
                    key: `${index}-${hour}`,
                    label: `${String(hour).padStart(2, "0")}:00`,
                    style: `left:${this.scale.left(index, hour * 60)}%`,
                });
            }
        });
        return ticks;
    }

    dayStyle(index) {
        const width = 100 / this.state.data.days.length;
        return `left:${index * width}%;width:${width}%`;
    }

    blocksOf(lane) {
        return this.state.data.blocks.filter((block) => block.lane_id === lane.id);
    }

    travelOf(lane) {
        return this.state.data.travel.filter((leg) => leg.lane_id === lane.id);
    }

    // ---- navigation ----------------------------------------------------------------------

    async go(step) {
        const unit = this.state.mode === "week" ? { weeks: step } : { days: step };
        this.state.day = step ? this.state.day.plus(unit) : DateTime.local().startOf("day");
        await this.load();
    }

    async setMode(mode) {
        this.state.mode = mode;
        await this.load();
    }

    async onDateChange(value) {
        if (value) {
            this.state.day = value.startOf("day");
            await this.load();
        }
    }

    // ---- dragging ------------------------------------------------------------------------

    /** A block or a queue card is pressed: it may become a drag or stay a click. */
    onGrab(ev, visit, fromQueue = false) {
        if (ev.button !== 0) {
            return;
        }
        const rect = ev.currentTarget.getBoundingClientRect();
        this.grab = {
            visit,
            fromQueue,
            x: ev.clientX,
            y: ev.clientY,
            offset: fromQueue ? 0 : ev.clientX - rect.left,
            moved: false,
            clickOnly: visit.movable === false, // under way or closed: it stays where it happened
        };
    }

    onPointerMove(ev) {
        const grab = this.grab;
        if (!grab || grab.clickOnly) {
            return;
        }
        if (!grab.moved && Math.hypot(ev.clientX - grab.x, ev.clientY - grab.y) < DRAG_THRESHOLD_PX) {
            return;
        }
        grab.moved = true;
        this.state.drag = {
            id: grab.visit.id,
            name: grab.visit.name,
            style: `left:${ev.clientX - grab.offset}px;top:${ev.clientY - 12}px`,
        };
    }

    async onPointerUp(ev) {
        const grab = this.grab;
        this.grab = null;
        this.state.drag = null;
        if (!grab) {
            return;
        }
        if (!grab.moved) {
            if (!grab.fromQueue || ev.target.closest(".o_fs_board_queue_card")) {
                await this.openVisit(grab.visit.id);
            }
            return;
        }
        const under = document.elementFromPoint(ev.clientX, ev.clientY) || ev.target;
        const track = under.closest?.(".o_fs_board_track") || ev.target.closest?.(".o_fs_board_track");
        if (!track) {
            return; // dropped outside the lanes: nothing moves
        }
        const rect = track.getBoundingClientRect();
        const { day, minute } = this.scale.at((ev.clientX - grab.offset - rect.left) / rect.width);
        await this.move(grab.visit, Number(track.dataset.laneId), day, minute);
    }

    async move(visit, laneId, day, minute) {
        const answer = await this.orm.call("fs.dispatch.board", "fs_board_move", [
            visit.id,
            laneId,
            this.state.data.days[day].date,
            minute,
            visit.version,
        ]);
        if (answer.moved) {
            const lane = this.state.data.lanes.find((lane) => lane.id === laneId);
            this.notification.add(
                _t("%(visit)s moved to %(technician)s.", { visit: visit.name, technician: lane.name }),
                { type: "success" }
            );
        } else {
            // Refused (skills, hours, time off, window) or stale: say why; the reload snaps it back.
            this.notification.add(answer.message, { title: _t("Not moved"), type: "danger" });
        }
        await this.load();
    }

    /** One click on a suggested fix: the same versioned move as a drop on the other lane. */
    async applyFix(row) {
        const { fix } = row;
        await this.move({ id: row.visit_id, name: row.name, version: row.version }, fix.lane_id, fix.day, fix.minute);
    }

    async openVisit(id) {
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "project.task",
            res_id: id,
            views: [[this.state.data.form_view_id, "form"]],
            target: "current",
        });
    }
}

registry.category("actions").add("fs_dispatch_board", FsDispatchBoard);
