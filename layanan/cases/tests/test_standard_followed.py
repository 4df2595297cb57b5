"""The standard that binds an application is the version in force when it is handed in: a
draft started under an earlier version follows the new one when submitted (answers and
documents the new version still asks for kept, its steps rebuilt, an event on the timeline),
while one submitted before the change keeps its version to the end. Through the API and the
citizen's check page."""

from __future__ import annotations

import copy

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases.models import Application, Step
from layanan.cases.tests.test_api import ApiTestCase
from layanan.test import CHARTER_CONTENT, PDF, charter_content

PHOTO = {"key": "pas_foto", "name": "Pas foto orang tua", "kind": "document"}


def with_photo() -> dict[str, object]:
    """Version 2: a photo is also required and the form no longer asks the child's sex."""
    requirements = [*copy.deepcopy(CHARTER_CONTENT["requirements"]), PHOTO]
    form = [f for f in copy.deepcopy(CHARTER_CONTENT["form"]) if f["key"] != "jenis_kelamin"]
    return charter_content(requirements=requirements, form=form)


class FollowingTheStandardInForce(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.kept = self.submitted_number()  # handed in under version 1
        self.draft_number = self.draft()
        self.assertEqual(self.upload(self.draft_number).status_code, 201)
        self.adopt(self.akta, with_photo())

    def detail(self, number: str) -> dict[str, object]:
        response = self.call("get", f"/api/v1/applications/{number}", "siti")
        self.assertEqual(response.status_code, 200, response.content)
        body: dict[str, object] = response.json()
        return body

    def test_a_draft_is_submitted_under_the_version_in_force(self) -> None:
        self.assertEqual(self.detail(self.draft_number)["charter_version"], 1)
        refused = self.call(
            "post",
            f"/api/v1/applications/{self.draft_number}/submit",
            "siti",
            headers={"Accept-Language": "en"},
        )
        self.assertEqual(refused.status_code, 400, refused.content)
        self.assertIn("now follows version 2", refused.json()["message"])
        self.assertEqual(list(refused.json()["fields"]), ["pas_foto"])
        moved = Application.objects.get(number=self.draft_number)
        self.assertEqual(moved.charter.version, 2)
        self.assertEqual(moved.status, "draft")
        # the answer the new form no longer asks is gone; the others and the letter stay
        self.assertNotIn("jenis_kelamin", moved.answers)
        self.assertEqual(moved.answers["nama_anak"], "Putri")
        self.assertEqual(
            list(moved.documents.filter(replaced=False).values_list("requirement", flat=True)),
            ["surat_lahir"],
        )
        event = moved.events.get(kind="standard_followed")
        self.assertEqual(event.data["from_version"], 1)
        self.assertEqual(event.data["charter_version"], 2)
        self.assertEqual(event.data["answers_dropped"], ["jenis_kelamin"])
        self.assertEqual(
            sorted(Step.objects.filter(application=moved).values_list("key", flat=True)),
            ["terbit", "verifikasi"],
        )
        photo = self.call(
            "post",
            f"/api/v1/applications/{self.draft_number}/documents",
            "siti",
            data={"requirement": "pas_foto", "file": SimpleUploadedFile("foto.pdf", PDF)},
        )
        self.assertEqual(photo.status_code, 201, photo.content)
        submitted = self.call("post", f"/api/v1/applications/{self.draft_number}/submit", "siti")
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertEqual(submitted.json()["charter_version"], 2)
        self.assertEqual(submitted.json()["status"], "in_progress")
        self.assertEqual(moved.events.filter(kind="standard_followed").count(), 1)

    def test_an_application_handed_in_earlier_keeps_its_version(self) -> None:
        self.call("post", f"/api/v1/applications/{self.draft_number}/submit", "siti")
        kept = self.detail(self.kept)
        self.assertEqual(kept["charter_version"], 1)
        self.assertFalse(
            Application.objects.get(number=self.kept).events.filter(kind="standard_followed")
        )

    def test_the_check_page_says_the_standard_changed(self) -> None:
        self.login(self.siti)
        response = self.client.post(
            f"/permohonan/{self.draft_number}/periksa/",
            {"declaration": "on"},
            headers={"Accept-Language": "id"},
        )
        self.assertContains(response, "sekarang mengikuti versi 2", status_code=400)
        self.assertContains(response, "Pas foto orang tua", status_code=400)
