from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestRights(FieldServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit_anna = cls.create_visit(name="Anna's visit", fs_technician_id=cls.anna.id)
        cls.visit_other = cls.create_visit(name="Unassigned visit")

    def test_technician_sees_only_their_visits(self):
        Task = self.env["project.task"].with_user(self.user_anna)
        found = Task.search([("fs_is_visit", "=", True)])
        self.assertEqual(found, self.visit_anna)
        with self.assertRaises(AccessError):
            self.visit_other.with_user(self.user_anna).read(["name"])

    def test_technician_does_field_work_but_not_planning(self):
        visit = self.visit_anna.with_user(self.user_anna)
        visit.action_fs_on_my_way()
        visit.fs_access_notes = "Dog in the garden"
        visit.fs_checklist_line_ids[0].with_user(self.user_anna).is_done = True
        self.assertEqual(self.visit_anna.fs_state, "en_route")
        with self.assertRaisesRegex(AccessError, "Window start"):
            visit.fs_window_start = self.day.replace(hour=15)
        with self.assertRaises(AccessError):
            self.visit_other.fs_checklist_line_ids[0].with_user(self.user_anna).is_done = True

    def test_dispatcher_plans_every_visit(self):
        visit = self.visit_other.with_user(self.user_dispatcher)
        visit.write({"fs_technician_id": self.anna.id, "fs_window_start": self.day.replace(hour=9)})
        self.assertEqual(self.visit_other.fs_state, "scheduled")
        self.assertEqual(
            self.env["project.task"]
            .with_user(self.user_dispatcher)
            .search_count([("fs_is_visit", "=", True)]),
            self.env["project.task"].search_count([("fs_is_visit", "=", True)]),
        )

    def test_only_managers_configure_job_types(self):
        with self.assertRaises(AccessError):
            self.job_type.with_user(self.user_dispatcher).write({"service_minutes": 30})
        self.assertEqual(self.job_type.with_user(self.user_anna).name, "Boiler service (test)")

    def test_portal_users_have_no_access_to_internal_models(self):
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "fs_portal",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        for model in (
            "fs.job.type",
            "fs.visit.part",
            "fs.visit.checklist.line",
            "fs.visit.promise",
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(portal).search([])

    def test_job_types_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other FS company"})
        foreign = self.env["fs.job.type"].create({"name": "Foreign job", "company_id": other.id})
        manager = self.env.ref("base.user_admin")
        visible = (
            self.env["fs.job.type"]
            .with_user(manager)
            .with_context(allowed_company_ids=[self.company.id])
        )
        self.assertNotIn(foreign, visible.search([]))
