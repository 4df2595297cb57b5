"""The charter admin: YAML components checked by the same reader as the import."""

import datetime as dt
from typing import Any

import yaml
from django.urls import reverse
from django.utils import timezone

from layanan.charters.actions import save_draft
from layanan.charters.models import Charter, Comment, Consultation
from layanan.test import BaseTestCase, charter_content, published_consultation


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

    def adopt_action(self, charter: Charter) -> Any:
        return self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "adopt", "_selected_action": [charter.pk]},
            follow=True,
        )

    def ended(self) -> Consultation:
        """A consultation whose comment period ended 30 days ago, without comments."""
        past = timezone.now() - dt.timedelta(days=30)
        return published_consultation(self.akta, by=self.root, now=past)

    def test_a_draft_is_not_adopted_without_a_public_consultation(self) -> None:
        self.post_new(yaml.safe_dump(charter_content(executors=9)))
        draft = Charter.objects.get(service=self.akta, version=2)
        response = self.adopt_action(draft)
        self.assertContains(response, "akta-kelahiran v2")
        self.assertContains(response, "hanya menjadi standar melalui konsultasi publik")
        self.assertContains(response, f'href="/kantor/standar/versi/{draft.pk}/"')
        draft.refresh_from_db()
        self.akta_v1.refresh_from_db()
        self.assertEqual((draft.status, self.akta_v1.status), ("draft", "adopted"))

    def test_a_draft_open_for_comments_is_read_only_and_not_adopted(self) -> None:
        consultation = published_consultation(self.akta, by=self.root)
        draft = consultation.charter
        url = reverse("admin:charters_charter_change", args=[draft.pk])
        self.assertNotContains(self.client.get(url), 'name="components"')
        response = self.adopt_action(draft)
        self.assertContains(response, "Masa tanggapan terbuka sampai")
        draft.refresh_from_db()
        self.assertEqual(draft.status, "consultation")

    def test_unanswered_comments_stop_the_admin_too(self) -> None:
        consultation = self.ended()
        Comment.objects.create(
            consultation=consultation, author=self.siti, target="fee", component="fee", text="x"
        )
        response = self.adopt_action(consultation.charter)
        self.assertContains(response, "1 komentar belum dijawab.")
        consultation.refresh_from_db()
        self.assertIsNone(consultation.adopted_at)

    def test_adopting_from_the_admin_reports_every_problem(self) -> None:
        consultation = self.ended()
        bad = charter_content(time_limit={"amount": 1, "unit": "working_days"})
        save_draft(service=self.akta, content=bad, by=self.root, charter=consultation.charter)
        response = self.adopt_action(consultation.charter)
        self.assertContains(response, "akta-kelahiran v2")
        self.assertContains(response, "time_limit: ")
        consultation.charter.refresh_from_db()
        self.assertEqual(consultation.charter.status, "consultation")

    def test_a_consulted_draft_with_every_comment_answered_is_adopted_today(self) -> None:
        consultation = self.ended()
        self.adopt_action(consultation.charter)
        consultation.refresh_from_db()
        draft = consultation.charter
        self.akta_v1.refresh_from_db()
        self.assertEqual((draft.status, self.akta_v1.status), ("adopted", "superseded"))
        self.assertIsNotNone(consultation.adopted_at)
        self.assertTrue(consultation.events.filter(kind="adopted", actor=self.root).exists())

    def test_the_admin_opens_no_consultation_itself(self) -> None:
        page = self.client.get(reverse("admin:charters_charter_changelist"))
        self.assertNotContains(page, 'value="consult"')
        self.post_new(yaml.safe_dump(charter_content(executors=9)))
        draft = Charter.objects.get(service=self.akta, version=2)
        self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "consult", "_selected_action": [draft.pk]},
        )
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")
        self.assertContains(
            self.client.get(reverse("admin:charters_charter_changelist")),
            f'href="/kantor/standar/versi/{draft.pk}/"',
        )

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
        self.assertTrue(Consultation.objects.filter(charter=draft).exists())
        again = self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "new_version", "_selected_action": [self.akta_v1.pk]},
            follow=True,
        )
        self.assertContains(again, "Versi 2 layanan ini sedang disusun.")
        self.assertEqual(self.akta.charters.count(), 2)

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
