"""The citizen's pages: apply page by page, upload, check, submit, receipt, follow up."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.test import ANSWERS, PDF, BaseTestCase


class CitizenJourneyTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.siti)

    def start(self) -> Application:
        response = self.client.post("/layanan/akta-kelahiran/ajukan/")
        application = Application.objects.get(applicant=self.siti)
        self.assertRedirects(response, f"/permohonan/{application.number}/isian/")
        return application

    def test_the_start_page_needs_a_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get("/layanan/akta-kelahiran/ajukan/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/masuk/", response["Location"])

    def test_apply_answer_upload_check_submit(self) -> None:
        self.assertContains(
            self.client.get("/layanan/akta-kelahiran/"), "/layanan/akta-kelahiran/ajukan/"
        )
        application = self.start()
        tasks = self.client.get(f"/permohonan/{application.number}/isian/")
        self.assertContains(tasks, "govuk-task-list")
        page = self.client.get(f"/permohonan/{application.number}/isian/data/")
        self.assertContains(page, 'name="nik_ibu"')
        bad = self.client.post(
            f"/permohonan/{application.number}/isian/data/",
            {**ANSWERS, "nik_ibu": "3374013213900001"},
        )
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "govuk-error-summary", status_code=400)
        application.refresh_from_db()
        self.assertEqual(application.answers, {})
        saved = self.client.post(f"/permohonan/{application.number}/isian/data/", ANSWERS)
        self.assertRedirects(saved, f"/permohonan/{application.number}/isian/")
        early = self.client.post(
            f"/permohonan/{application.number}/periksa/", {"declaration": "on"}
        )
        self.assertEqual(early.status_code, 400)
        self.assertContains(early, "Unggah Surat keterangan lahir", status_code=400)
        upload = self.client.post(
            f"/permohonan/{application.number}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        self.assertEqual(upload.status_code, 302)
        check = self.client.get(f"/permohonan/{application.number}/periksa/")
        self.assertContains(check, "Putri")
        submitted = self.client.post(
            f"/permohonan/{application.number}/periksa/", {"declaration": "on"}
        )
        self.assertRedirects(submitted, f"/permohonan/{application.number}/tanda-terima/")
        receipt = self.client.get(f"/permohonan/{application.number}/tanda-terima/")
        self.assertContains(receipt, application.number)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        mine = self.client.get("/permohonan/")
        self.assertContains(mine, application.number)

    def test_a_refused_upload_is_400_and_stores_nothing(self) -> None:
        application = self.start()
        response = self.client.post(
            f"/permohonan/{application.number}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("x.pdf", b"<html></html>")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(application.documents.exists())

    def test_documents_download_as_attachments_only_to_those_allowed(self) -> None:
        application = self.start()
        self.client.post(
            f"/permohonan/{application.number}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        document = application.documents.get()
        url = f"/permohonan/{application.number}/dokumen/{document.pk}/"
        response = self.client.get(url)
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="lahir.pdf"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertEqual(len(document.sha256), 64)
        self.login(self.agus)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_another_citizen_sees_nothing(self) -> None:
        application = self.start()
        self.login(self.agus)
        for path in ("", "isian/", "periksa/", "tanda-terima/", "tarik/", "dokumen/"):
            with self.subTest(path=path):
                response = self.client.get(f"/permohonan/{application.number}/{path}")
                self.assertEqual(response.status_code, 404)

    def test_returned_then_corrected_then_withdrawn(self) -> None:
        application = self.start()
        self.client.post(f"/permohonan/{application.number}/isian/data/", ANSWERS)
        self.client.post(
            f"/permohonan/{application.number}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        self.client.post(f"/permohonan/{application.number}/periksa/", {"declaration": "on"})
        step = application.steps.get(key="verifikasi")
        actions.act_on_step(
            application=Application.objects.get(pk=application.pk),
            step=step,
            officer=self.budi,
            action="return",
            note="Foto surat lahir buram",
        )
        detail = self.client.get(f"/permohonan/{application.number}/")
        self.assertContains(detail, "Foto surat lahir buram")
        resent = self.client.post(
            f"/permohonan/{application.number}/periksa/", {"declaration": "on"}
        )
        self.assertRedirects(resent, f"/permohonan/{application.number}/")
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        self.client.post(f"/permohonan/{application.number}/tarik/")
        application.refresh_from_db()
        self.assertEqual(application.status, "withdrawn")


class TrackingPageTests(BaseTestCase):
    def test_anyone_with_the_number_sees_state_and_due_dates_without_personal_data(self) -> None:
        application = self.submitted()
        page = self.client.get(f"/lacak/{application.number}/")
        self.assertContains(page, "Loket Pelayanan")
        self.assertContains(page, "hari kerja")
        for secret in ("Siti", "Putri", "3374015508900001", "lahir.pdf"):
            self.assertNotContains(page, secret)

    def test_the_form_leads_there_and_catches_typos(self) -> None:
        application = self.submitted()
        typed = application.number.lower().replace("-", " ")
        self.assertRedirects(
            self.client.get("/lacak/", {"nomor": typed}), f"/lacak/{application.number}/"
        )
        self.assertEqual(self.client.get("/lacak/", {"nomor": "ABCD"}).status_code, 400)
        self.assertEqual(self.client.get("/lacak/2345-6789-AB/").status_code, 400)


class CounterOnlyServiceTests(BaseTestCase):
    def test_a_counter_only_service_has_no_online_form_and_no_api_draft(self) -> None:
        self.akta.channels = ["loket"]
        self.akta.save(update_fields=["channels"])
        self.assertNotContains(self.client.get("/layanan/akta-kelahiran/"), "/ajukan/")
        self.login(self.siti)
        self.assertEqual(self.client.post("/layanan/akta-kelahiran/ajukan/").status_code, 404)
        with self.assertRaises(actions.NotAllowed):
            actions.create_application(citizen=self.siti, service=self.akta, answers={})
        self.assertFalse(Application.objects.exists())
        filed, _created = actions.create_application(
            citizen=self.siti, service=self.akta, answers={}, channel="loket", filed_by=self.budi
        )
        self.assertEqual(filed.channel, "loket")
