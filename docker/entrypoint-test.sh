#!/bin/bash
# The Odoo tests of our addons on a fresh database, inside the compose stack.
set -e
ADDONS=field_service_cx,field_service_routing,field_service_feedback
DB="fs_test_$(date +%s)"
odoo --db_host=db --db_user=odoo --db_password=odoo -d "$DB" -i "$ADDONS" --test-enable \
    --test-tags=/field_service_cx,/field_service_routing,/field_service_feedback \
    --stop-after-init --http-port=8169
