{
    "name": "Field Service CX – Customer feedback",
    "summary": "The customer's visit page, reschedule, rating and NPS, service report, KPIs",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "author": "Field Service CX contributors",
    "license": "LGPL-3",
    "depends": ["field_service_cx", "portal", "rating", "digest", "web_leaflet_lib"],
    "external_dependencies": {"python": ["qrcode", "xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/fs_feedback_security.xml",
        "data/fs_feedback_data.xml",
        "views/fs_feedback_views.xml",
        "views/fs_kpi_views.xml",
        "views/fs_visit_portal_post_views.xml",
        "views/res_config_settings_views.xml",
        "data/fs_kpi_digest.xml",
        "data/ir_config_parameter.xml",
        "data/res_users_data.xml",
        "views/visit_portal_templates.xml",
        "report/visit_sheet_report.xml",
        "report/service_report.xml",
        "views/res_partner_views.xml",
    ],
    "demo": ["demo/fs_demo_history.xml"],
    "assets": {
        "web.assets_frontend": [
            "field_service_feedback/static/src/js/visit_live.js",
            "field_service_feedback/static/src/js/visit_map.js",
            "field_service_feedback/static/src/js/visit_forms.js",
            "field_service_feedback/static/src/scss/visit_page.scss",
            "field_service_feedback/static/src/scss/service_report.scss",
        ],
        "web.assets_backend": [
            "field_service_feedback/static/src/kpi_dashboard/*",
        ],
        # The customer's live map's library (the dispatcher's map's), loaded by visit_map.js
        # only on a visit page on the way: 199 KB minified (50 KB gzipped) kept off every
        # other page of the site.
        "field_service_feedback.assets_visit_map": [
            "web_leaflet_lib/static/lib/leaflet/*",
        ],
        "web.report_assets_common": [
            "field_service_feedback/static/src/scss/service_report.scss",
        ],
        "web.assets_tests": [
            "field_service_feedback/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
