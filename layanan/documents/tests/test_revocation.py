"""Revocation by the agency's signing officer; a revoked document reads revoked everywhere."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.accounts.models import DataAccess
from layanan.documents.models import IssuedDocument
from layanan.documents.tests.helpers import DocumentTestCase


class RevocationTests(DocumentTestCase):
    def test_the_signing_officer_revokes_with_a_reason_and_every_check_says_revoked(self):
        document = self.issued()
        content = self.download(document)
        self.login(self.budi)
        form = self.client.get(f"/dokumen/{document.code}/cabut/")
        self.assertEqual(form.status_code, 200)
        response = self.client.post(
            f"/dokumen/{document.code}/cabut/", {"reason": "Salah ketik nama anak."}
        )
        self.assertRedirects(
            response, f"/verifikasi/{document.code}/", fetch_redirect_response=False
        )
        document.refresh_from_db()
        self.assertEqual(document.state, "revoked")
        self.assertEqual(document.revoked_by, self.budi)
        self.client.logout()
        self.assertContains(self.client.get(f"/verifikasi/{document.code}/"), "Dicabut")
        self.assertEqual(
            self.client.get(f"/api/v1/verify/{document.code}").json()["status"], "revoked"
        )
        by_file = self.client.post("/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", content)})
        self.assertEqual(by_file.json()["status"], "revoked")
        event = document.application.events.get(kind="document_revoked")
        self.assertEqual(event.note, "Salah ketik nama anak.")
        self.assertEqual(event.actor, self.budi)
        self.login(self.siti)
        own = self.client.get(f"/permohonan/{document.application.number}/")
        self.assertContains(own, "Dicabut")
        self.assertContains(own, "Salah ketik nama anak.")
        # the applicant's page says when it was revoked and that it no longer counts, and the
        # copy offered for download is named as revoked
        self.assertContains(own, "dokumen ini tidak berlaku lagi")
        self.assertContains(own, "Unduh salinan yang sudah dicabut (PDF)")

    def test_an_empty_reason_is_a_message_next_to_the_field(self):
        document = self.issued()
        self.login(self.budi)
        response = self.client.post(f"/dokumen/{document.code}/cabut/", {"reason": "  "})
        self.assertContains(response, "Tuliskan alasan pencabutan.", status_code=400)
        document.refresh_from_db()
        self.assertEqual(document.state, "issued")

    def test_only_the_agencys_approvers_may_revoke(self):
        document = self.issued()
        for user in (self.siti, self.charlie, self.ani):  # applicant, elsewhere, supervisor
            self.login(user)
            response = self.client.post(f"/dokumen/{document.code}/cabut/", {"reason": "x"})
            self.assertEqual(response.status_code, 404, user.username)
        document.refresh_from_db()
        self.assertEqual(document.state, "issued")

    def test_over_the_api(self):
        document = self.issued()
        url = f"/api/v1/documents/{document.code}/revoke"
        budi = {"Authorization": f"Bearer {self.token('budi')}"}
        charlie = {"Authorization": f"Bearer {self.token('charlie')}"}
        refused = self.client.post(
            url, {"reason": "x"}, content_type="application/json", headers=charlie
        )
        self.assertEqual(refused.status_code, 404)
        empty = self.client.post(url, {"reason": ""}, content_type="application/json", headers=budi)
        self.assertEqual(empty.status_code, 400)
        self.assertIn("reason", empty.json()["fields"])
        done = self.client.post(
            url, {"reason": "Dicabut."}, content_type="application/json", headers=budi
        )
        self.assertEqual(done.status_code, 200)
        self.assertEqual(done.json()["status"], "revoked")
        again = self.client.post(
            url, {"reason": "Dicabut."}, content_type="application/json", headers=budi
        )
        self.assertEqual(again.status_code, 409)
        self.assertEqual(IssuedDocument.objects.get(pk=document.pk).state, "revoked")


class DownloadTests(DocumentTestCase):
    def test_only_the_applicant_and_the_agencys_officers_download(self):
        document = self.issued()
        self.assertEqual(self.client.get(f"/dokumen/{document.code}/unduh/").status_code, 302)
        for user, expected in ((self.agus, 404), (self.charlie, 404), (self.budi, 200)):
            self.login(user)
            response = self.client.get(f"/dokumen/{document.code}/unduh/")
            self.assertEqual(response.status_code, expected, user.username)
        # budi's download is in siti's access log
        self.assertTrue(
            DataAccess.objects.filter(
                citizen=self.siti, place=DataAccess.Place.OFFICE_DOCUMENT
            ).exists()
        )

    def test_the_application_api_lists_the_documents_issued_and_serves_the_file(self):
        document = self.issued()
        token = self.token("siti")
        headers = {"Authorization": f"Bearer {token}"}
        number = document.application.number
        body = self.client.get(f"/api/v1/applications/{number}", headers=headers).json()
        self.assertEqual(
            body["documents_issued"],
            [
                {
                    "code": document.code,
                    "title": "Kutipan akta kelahiran",
                    "status": "valid",
                    "issued_at": body["documents_issued"][0]["issued_at"],
                    "download_url": f"https://layanan.test/api/v1/documents/{document.code}/file",
                    "verify_url": f"https://layanan.test/verifikasi/{document.code}/",
                    "sha256": document.sha256,
                }
            ],
        )
        file = self.client.get(f"/api/v1/documents/{document.code}/file", headers=headers)
        self.assertEqual(file.status_code, 200)
        self.assertEqual(file["Content-Type"], "application/pdf")
        other = {"Authorization": f"Bearer {self.token('agus')}"}
        self.assertEqual(
            self.client.get(f"/api/v1/documents/{document.code}/file", headers=other).status_code,
            404,
        )
