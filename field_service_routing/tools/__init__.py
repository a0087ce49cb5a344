"""Pure helpers of field_service_routing (no Odoo import)."""
