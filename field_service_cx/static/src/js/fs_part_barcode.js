/** @odoo-module */

import { Component, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// Add a part by its barcode or reference: a scanner (keyboard wedge: the code, then Enter) or
// the technician types it. The part is added to the visit, or one more is counted as used.
// Where the browser can read barcodes from the camera (BarcodeDetector), a button scans.
export class FsPartBarcode extends Component {
    static template = "field_service_cx.FsPartBarcode";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.input = useRef("code");
        this.video = useRef("video");
        this.state = useState({ busy: false, scanning: false });
        this.canScan = "BarcodeDetector" in window && !!navigator.mediaDevices?.getUserMedia;
    }

    async onKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            await this.add(this.input.el.value);
        }
    }

    async add(code) {
        code = (code || "").trim();
        if (!code || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const record = this.props.record;
            if (await record.save()) {
                const added = await this.orm.call(record.resModel, "action_fs_add_part_by_code", [
                    [record.resId],
                    code,
                ]);
                if (!added.line_id) {
                    this.notification.add(added.message, { type: "danger" });
                    return;
                }
                this.input.el.value = "";
                await record.load();
                this.notification.add(added.message, { type: "success" });
            }
        } finally {
            this.state.busy = false;
            this.input.el?.focus();
        }
    }

    async scan() {
        let stream;
        try {
            stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        } catch {
            this.notification.add(_t("The camera is not available: type the code instead."), {
                type: "warning",
            });
            return;
        }
        this.state.scanning = true;
        const detector = new window.BarcodeDetector();
        const video = this.video.el;
        video.srcObject = stream;
        await video.play();
        const stop = () => {
            stream.getTracks().forEach((track) => track.stop());
            this.state.scanning = false;
        };
        const started = Date.now();
        while (this.state.scanning && Date.now() - started < 20000) {
            const codes = await detector.detect(video);
            if (codes.length) {
                stop();
                await this.add(codes[0].rawValue);
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        stop();
    }

    cancelScan() {
        this.state.scanning = false;
    }
}

registry.category("view_widgets").add("fs_part_barcode", { component: FsPartBarcode });
