{
    "name": "Field Service CX – Customer feedback",
    "summary": "The customer's visit page, reschedule, rating and NPS, service report, KPIs",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "author": "Field Service CX contributors",
    "license": "LGPL-3",
    "depends": ["field_service_cx", "portal", "rating"],
    "external_dependencies": {"python": ["qrcode", "xlsxwriter"]},
    "data": [],
    "installable": True,
}
