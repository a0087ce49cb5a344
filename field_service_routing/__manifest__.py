{
    "name": "Field Service CX – Routing",
    "summary": "OR-Tools day planning that protects windows, with ETAs and re-planning",
    "version": "18.0.1.0.0",
    "category": "Services/Field Service",
    "author": "Field Service CX contributors",
    "license": "LGPL-3",
    "depends": ["field_service_cx", "web_leaflet_lib"],
    "external_dependencies": {"python": ["ortools"]},
    "data": [
        "security/ir.model.access.csv",
        "security/field_service_routing_security.xml",
        "data/fs_route_cron.xml",
        "data/fs_route_map_data.xml",
        "views/fs_route_plan_views.xml",
        "views/fs_route_map_views.xml",
        "views/res_config_settings_views.xml",
        "data/res_users_data.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "field_service_routing/static/src/dispatch_board/*",
            "field_service_routing/static/src/route_map/*",
            "field_service_routing/static/src/js/fs_plan_live.js",
            "field_service_routing/static/src/js/fs_plan_live.xml",
        ],
        "web.assets_tests": [
            "field_service_routing/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
