from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestVisitLink(TransactionCase):
    def test_visits_link_to_their_own_page_with_a_token(self):
        project = self.env["project.project"].create({"name": "FS", "fs_is_field_service": True})
        other = self.env["project.project"].create({"name": "Office"})
        visit = self.env["project.task"].create({"name": "Visit", "project_id": project.id})
        task = self.env["project.task"].create({"name": "Task", "project_id": other.id})
        url = visit.get_portal_url()
        self.assertTrue(url.startswith(f"/my/visits/{visit.id}?"))
        self.assertIn(f"access_token={visit.access_token}", url)
        self.assertEqual(task.access_url, f"/my/tasks/{task.id}")
