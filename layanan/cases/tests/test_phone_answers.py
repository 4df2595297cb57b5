"""A charter's form field of type "phone": read in any writing, stored in E.164 form, shown as
people write it, refused with a message that names the field (web and API alike)."""

from __future__ import annotations

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.test import CHARTER_CONTENT, PASSWORD, BaseTestCase, charter_content

PHONE_QUESTION = {
    "key": "hp_pelapor",
    "label": {"id": "Nomor HP pelapor", "en": "Informant's mobile number"},
    "type": "phone",
}
ANSWERS = {"nama_anak": "Putri", "nik_ibu": "3374015508900001", "jenis_kelamin": "p"}


class PhoneAnswerTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.adopt(cls.akta, charter_content(form=[*CHARTER_CONTENT["form"], PHONE_QUESTION]))

    def setUp(self) -> None:
        self.login(self.siti)
        self.application, _created = actions.create_application(
            citizen=self.siti, service=self.akta, answers={}
        )
        self.page = f"/permohonan/{self.application.number}/isian/data/"

    def test_any_writing_is_stored_once_and_shown_as_people_write_it(self) -> None:
        response = self.client.post(self.page, {**ANSWERS, "hp_pelapor": "+62 812-3456 7890"})
        self.assertRedirects(response, f"/permohonan/{self.application.number}/isian/")
        self.application.refresh_from_db()
        self.assertEqual(self.application.answers["hp_pelapor"], "+6281234567890")
        check = self.client.get(f"/permohonan/{self.application.number}/periksa/")
        self.assertContains(check, "0812-3456-7890")
        self.assertContains(self.client.get(self.page), 'value="0812-3456-7890"')

    def test_a_short_number_is_refused_naming_the_field(self) -> None:
        response = self.client.post(self.page, {**ANSWERS, "hp_pelapor": "0812 3456"})
        self.assertContains(
            response,
            "Masukkan nomor HP pelapor dengan 10 sampai 13 angka, seperti 0812 3456 7890",
            status_code=400,
        )
        self.application.refresh_from_db()
        self.assertNotIn("hp_pelapor", Application.objects.get(pk=self.application.pk).answers)

    def test_the_api_refuses_it_too(self) -> None:
        token = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti", "password": PASSWORD},
            content_type="application/json",
        ).json()["token"]
        response = self.client.post(
            "/api/v1/applications",
            {"service": "akta-kelahiran", "answers": {**ANSWERS, "hp_pelapor": "+1 202 555 0100"}},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "id"},
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(
            response.json()["fields"]["hp_pelapor"],
            ["Masukkan nomor HP pelapor berupa nomor Indonesia, diawali 0 atau +62"],
        )
        self.assertEqual(Application.objects.filter(applicant=self.siti).count(), 1)
