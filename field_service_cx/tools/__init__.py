"""Pure rules of field_service_cx: plain Python, no Odoo import, tested in tests/."""
