"""The counter: a front-office officer files an application for a walk-in citizen."""

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.models import Application, Event
from layanan.cases.tests.test_api import ANSWERS, PDF
from layanan.test import BaseTestCase


class CounterTests(BaseTestCase):
    def setUp(self) -> None:
        OfficerRole.objects.create(user=self.budi, unit=self.loket, role=Role.FRONT_OFFICE)
        self.login(self.budi)

    def test_only_front_office_officers_open_the_counter(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get("/kantor/loket/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/kantor/loket/").status_code, 302)

    def test_filing_for_an_existing_citizen_then_submitting(self) -> None:
        response = self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "contact": "siti@example.test"}
        )
        application = Application.objects.get(applicant=self.siti)
        self.assertRedirects(response, f"/permohonan/{application.number}/isian/")
        self.assertEqual((application.channel, application.filed_by), ("loket", self.budi))
        self.client.post(f"/permohonan/{application.number}/isian/data/", ANSWERS)
        self.client.post(
            f"/permohonan/{application.number}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        self.client.post(f"/permohonan/{application.number}/periksa/", {"declaration": "on"})
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        submitted = Event.objects.get(application=application, kind="submitted")
        self.assertEqual(submitted.actor, self.budi)
        # Once submitted, only the citizen (and officers of the units) see it.
        self.assertEqual(self.client.get(f"/permohonan/{application.number}/").status_code, 404)
        self.login(self.siti)
        self.assertContains(self.client.get("/permohonan/"), application.number)

    def test_a_new_citizen_gets_an_account_without_a_password(self) -> None:
        missing = self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "contact": "0812 9999 0000"}
        )
        self.assertEqual(missing.status_code, 400)
        self.client.post(
            "/kantor/loket/",
            {
                "service": "akta-kelahiran",
                "contact": "0812 9999 0000",
                "full_name": "Tono",
                "nik": "3399011203800003",
            },
        )
        tono = User.objects.get(phone="081299990000")
        self.assertFalse(tono.has_usable_password())
        self.assertTrue(Application.objects.filter(applicant=tono, channel="loket").exists())

    def test_bad_input_is_400(self) -> None:
        for data in (
            {"service": "tidak-ada", "contact": "siti@example.test"},
            {"service": "akta-kelahiran", "contact": "bukan kontak"},
            {"service": "akta-kelahiran", "contact": "x@y.z", "full_name": "X", "nik": "1"},
        ):
            with self.subTest(data=data):
                self.assertEqual(self.client.post("/kantor/loket/", data).status_code, 400)
        self.assertFalse(Application.objects.exists())

    def test_the_filing_officer_cannot_withdraw_for_the_citizen(self) -> None:
        self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "contact": "siti@example.test"}
        )
        application = Application.objects.get(applicant=self.siti)
        response = self.client.post(f"/permohonan/{application.number}/tarik/")
        self.assertEqual(response.status_code, 404)
        application.refresh_from_db()
        self.assertEqual(application.status, "draft")
