"""The charter admin: YAML components checked by the same reader as the import."""

import yaml
from django.urls import reverse

from layanan.charters.models import Charter
from layanan.test import BaseTestCase, charter_content


class CharterAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.root)

    def post_new(self, components: str) -> object:
        return self.client.post(
            reverse("admin:charters_charter_add"),
            {"service": self.akta.pk, "change_note": "baru", "components": components},
        )

    def test_a_new_draft_is_saved_from_yaml(self) -> None:
        response = self.post_new(yaml.safe_dump(charter_content(executors=7)))
        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        draft = Charter.objects.get(service=self.akta, version=2)
        self.assertEqual((draft.status, draft.content["executors"]), ("draft", 7))

    def test_an_incomplete_draft_is_saved_with_the_problems_listed(self) -> None:
        response = self.client.post(
            reverse("admin:charters_charter_add"),
            {
                "service": self.akta.pk,
                "change_note": "",
                "components": yaml.safe_dump(charter_content(procedure={"stages": []})),
            },
            follow=True,
        )
        self.assertContains(response, "procedure.stages")
        self.assertTrue(Charter.objects.filter(service=self.akta, version=2).exists())

    def test_broken_yaml_is_refused_next_to_the_field(self) -> None:
        response = self.post_new("legal_basis: [unclosed")
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        self.assertContains(response, "YAML")  # type: ignore[arg-type]
        self.assertFalse(Charter.objects.filter(service=self.akta, version=2).exists())

    def test_adopting_from_the_admin_reports_every_problem(self) -> None:
        bad = charter_content(time_limit={"amount": 1, "unit": "working_days"})
        self.post_new(yaml.safe_dump(bad))
        draft = Charter.objects.get(service=self.akta, version=2)
        response = self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "adopt", "_selected_action": [draft.pk]},
            follow=True,
        )
        self.assertContains(response, "akta-kelahiran v2")
        self.assertContains(response, "time_limit: ")
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")

    def test_adopting_a_valid_draft_from_the_admin(self) -> None:
        self.post_new(yaml.safe_dump(charter_content(executors=9)))
        draft = Charter.objects.get(service=self.akta, version=2)
        self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "adopt", "_selected_action": [draft.pk]},
        )
        draft.refresh_from_db()
        self.akta_v1.refresh_from_db()
        self.assertEqual((draft.status, self.akta_v1.status), ("adopted", "superseded"))

    def test_an_adopted_version_is_read_only_in_the_admin(self) -> None:
        url = reverse("admin:charters_charter_change", args=[self.akta_v1.pk])
        page = self.client.get(url)
        self.assertNotContains(page, 'name="components"')
        self.client.post(url, {"change_note": "rewrite", "components": "{}"})
        self.akta_v1.refresh_from_db()
        self.assertEqual(self.akta_v1.change_note, "")
        delete = self.client.post(
            reverse("admin:charters_charter_delete", args=[self.akta_v1.pk]), {"post": "yes"}
        )
        self.assertEqual(delete.status_code, 403)
        self.assertTrue(Charter.objects.filter(pk=self.akta_v1.pk).exists())

    def test_a_new_version_can_start_from_the_one_in_force(self) -> None:
        self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "new_version", "_selected_action": [self.akta_v1.pk]},
        )
        draft = Charter.objects.get(service=self.akta, version=2)
        self.assertEqual(draft.content, self.akta_v1.content)

    def test_every_admin_list_and_add_page_renders(self) -> None:
        for model in ("agency", "unit", "officerrole", "calendarday"):
            for view in ("changelist", "add"):
                with self.subTest(model=model, view=view):
                    url = reverse(f"admin:agencies_{model}_{view}")
                    self.assertEqual(self.client.get(url).status_code, 200)
        for model in ("service", "charter"):
            for view in ("changelist", "add"):
                url = reverse(f"admin:charters_{model}_{view}")
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(
            self.client.get(
                reverse("admin:charters_service_change", args=[self.akta.pk])
            ).status_code,
            200,
        )
