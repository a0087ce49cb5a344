#!/bin/bash
# First start: create the demo database with our addons; later starts: just run Odoo.
set -e
ADDONS=field_service_cx,field_service_routing,field_service_feedback
DB_ARGS=(--db_host=db --db_user=odoo --db_password=odoo)
if ! psql "postgresql://odoo:odoo@db/${FS_DB}" -tAc \
        "SELECT 1 FROM ir_module_module WHERE name='field_service_cx' AND state='installed'" \
        2>/dev/null | grep -q 1; then
    odoo "${DB_ARGS[@]}" -d "$FS_DB" -i "$ADDONS" --stop-after-init
fi
exec odoo "${DB_ARGS[@]}" -d "$FS_DB" --db-filter="^${FS_DB}\$"
