/** @odoo-module */

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { getDataURLFromFile } from "@web/core/utils/urls";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// One tap opens the phone's camera (a file input with `capture`); the photo is added to the
// visit as a before or after photo, its caption can be written afterwards by tapping it.
export class FsPhotoCapture extends Component {
    static template = "field_service_cx.FsPhotoCapture";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ busy: false });
        this.kinds = [
            { value: "before", label: _t("Before photo") },
            { value: "after", label: _t("After photo") },
        ];
    }

    async onPicked(kind, ev) {
        const file = ev.target.files[0];
        ev.target.value = "";
        if (!file) {
            return;
        }
        if (!file.type.startsWith("image/")) {
            this.notification.add(_t("Please take or pick a photo."), { type: "danger" });
            return;
        }
        this.state.busy = true;
        try {
            const dataUrl = await getDataURLFromFile(file);
            const record = this.props.record;
            if (await record.save()) {
                await this.orm.call(record.resModel, "action_fs_add_photo", [
                    [record.resId],
                    kind,
                    dataUrl.split(",")[1],
                ]);
                await record.load();
            }
        } finally {
            this.state.busy = false;
        }
    }
}

registry.category("view_widgets").add("fs_photo_capture", { component: FsPhotoCapture });
