"""Pure rules of field_service_feedback: plain Python, no Odoo import, tested in tests/."""
