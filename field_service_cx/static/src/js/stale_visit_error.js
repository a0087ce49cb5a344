/** @odoo-module */

import { WarningDialog } from "@web/core/errors/error_dialogs";
import { registry } from "@web/core/registry";

// A visit changed meanwhile (field_service_cx/exceptions.py): a UserError subclass, shown
// like one (its sentence tells what the visit is now and to reload), not as a server crash.
registry
    .category("error_dialogs")
    .add("odoo.addons.field_service_cx.exceptions.StaleVisitError", WarningDialog);
