from datetime import datetime, timedelta

from odoo import http
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase


class FieldServiceCase(TransactionCase):
    """A small field-service world: one project, two technicians, one job type with a kit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Read every manifest once here: a browser's first parallel requests reading them in
        # several threads can hit Python 3.11's "AST constructor recursion depth mismatch".
        len(http.root.statics)
        env = cls.env
        cls.env.user.tz = "Europe/Paris"
        cls.company = env.company
        cls.company.partner_id.tz = "Europe/Paris"
        cls.skill_type = env["hr.skill.type"].create(
            {
                "name": "Trades (test)",
                "skill_level_ids": [
                    (0, 0, {"name": "Junior", "level_progress": 25}),
                    (0, 0, {"name": "Senior", "level_progress": 75}),
                ],
            }
        )
        cls.junior, cls.senior = cls.skill_type.skill_level_ids.sorted("level_progress")
        cls.gas, cls.electric = env["hr.skill"].create(
            [
                {"name": "Gas (test)", "skill_type_id": cls.skill_type.id},
                {"name": "Electric (test)", "skill_type_id": cls.skill_type.id},
            ]
        )
        cls.project = env["project.project"].create(
            {
                "name": "Field visits (test)",
                "company_id": cls.company.id,
                "fs_is_field_service": True,
                "privacy_visibility": "followers",
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Claire Martin",
                "street": "12 rue de la Paix",
                "city": "Paris",
                "country_id": env.ref("base.fr").id,
                "tz": "Europe/Paris",
                "partner_latitude": 48.8687,
                "partner_longitude": 2.3316,
                "email": "claire@example.com",
                "mobile": "06 12 34 56 78",
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.van_anna = env["stock.location"].create(
            {"name": "Van Anna", "usage": "internal", "location_id": warehouse.view_location_id.id}
        )
        cls.valve = env["product.product"].create({"name": "Valve (test)", "is_storable": True})
        cls.user_anna = mail_new_test_user(
            env,
            login="fs_anna_tech",
            name="Anna Tech",
            groups="field_service_cx.group_fs_technician",
        )
        cls.user_bob = mail_new_test_user(
            env, login="fs_bob_tech", name="Bob Tech", groups="field_service_cx.group_fs_technician"
        )
        cls.user_dispatcher = mail_new_test_user(
            env,
            login="fs_dina_dispatch",
            name="Dina Dispatch",
            groups="field_service_cx.group_fs_dispatcher",
        )
        # Who tours log in as: the demo's dispatcher (the user people walk the product as) when
        # the demo is installed, else the test world's.
        cls.demo_dispatcher = (
            env.ref("field_service_cx.user_camille_demo", False) or cls.user_dispatcher
        )
        cls.anna, cls.bob = env["hr.employee"].create(
            [
                {
                    "name": "Anna Tech",
                    "user_id": cls.user_anna.id,
                    "fs_is_technician": True,
                    "fs_van_location_id": cls.van_anna.id,
                    "employee_skill_ids": [
                        (
                            0,
                            0,
                            {
                                "skill_type_id": cls.skill_type.id,
                                "skill_id": cls.gas.id,
                                "skill_level_id": cls.senior.id,
                            },
                        ),
                    ],
                },
                {
                    "name": "Bob Tech",
                    "user_id": cls.user_bob.id,
                    "fs_is_technician": True,
                    "employee_skill_ids": [
                        (
                            0,
                            0,
                            {
                                "skill_type_id": cls.skill_type.id,
                                "skill_id": cls.gas.id,
                                "skill_level_id": cls.junior.id,
                            },
                        ),
                    ],
                },
            ]
        )
        cls.job_type = env["fs.job.type"].create(
            {
                "name": "Boiler service (test)",
                "service_minutes": 60,
                "requires_signature": False,
                "required_skill_ids": [
                    (
                        0,
                        0,
                        {
                            "skill_type_id": cls.skill_type.id,
                            "skill_id": cls.gas.id,
                            "skill_level_id": cls.senior.id,
                        },
                    ),
                ],
                "kit_line_ids": [(0, 0, {"product_id": cls.valve.id, "quantity": 2})],
                "checklist_line_ids": [
                    (0, 0, {"name": "Check flue", "required": True}),
                    (0, 0, {"name": "Photo of the boiler plate", "required": False}),
                ],
            }
        )
        cls.day = (datetime.now() + timedelta(days=2)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )

    @classmethod
    def create_visit(cls, **values):
        defaults = {
            "name": "Boiler service – Claire",
            "project_id": cls.project.id,
            "partner_id": cls.customer.id,
            "fs_job_type_id": cls.job_type.id,
            "fs_window_start": cls.day.replace(hour=8),
            "fs_window_end": cls.day.replace(hour=10),
        }
        return cls.env["project.task"].create(dict(defaults, **values))
