"""The public verification page and API: valid, revoked or unknown; a file is checked byte
for byte; nothing personal is shown."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from layanan.documents.tests.helpers import DocumentTestCase, one_byte_changed
from layanan.test import PDF


class VerificationPageTests(DocumentTestCase):
    def test_anyone_sees_a_valid_document_without_personal_data(self):
        document = self.issued()
        page = self.client.get(f"/verifikasi/{document.code}/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Sah")
        self.assertContains(page, "Kutipan akta kelahiran")
        self.assertContains(page, "Dinas Kependudukan dan Pencatatan Sipil")
        self.assertContains(page, "S. R.")
        self.assertContains(page, document.sha256)
        self.assertNotContains(page, "Siti")
        self.assertNotContains(page, "Rahayu")
        self.assertNotContains(page, document.application.number)

    def test_a_typed_code_is_read_leniently(self):
        document = self.issued()
        lowered = document.code.lower().replace("-", " ")
        response = self.client.get("/verifikasi/", {"kode": lowered})
        self.assertRedirects(response, f"/verifikasi/{document.code}/")

    def test_a_malformed_code_is_a_message_next_to_the_field(self):
        response = self.client.get("/verifikasi/", {"kode": "12"})
        self.assertContains(response, "12 huruf dan angka", status_code=400)

    def test_an_unknown_code_says_unknown(self):
        page = self.client.get("/verifikasi/2345-6789-ABCD/")
        self.assertContains(page, "Tidak dikenal", status_code=404)

    def test_the_issued_file_matches_and_a_copy_with_one_byte_changed_does_not(self):
        document = self.issued()
        content = self.download(document)
        self.client.logout()
        same = self.client.post(
            f"/verifikasi/{document.code}/",
            {"berkas": SimpleUploadedFile("akta.pdf", content, "application/pdf")},
        )
        self.assertContains(same, "sama persis dengan yang diterbitkan")
        changed = self.client.post(
            f"/verifikasi/{document.code}/",
            {"berkas": SimpleUploadedFile("akta.pdf", one_byte_changed(content))},
        )
        self.assertContains(changed, "BUKAN dokumen yang diterbitkan")
        # the warning about the file comes before the code's green "Valid" panel, so that on a
        # phone a forged copy does not open on "Sah" with its warning below the fold
        text = changed.content.decode()
        self.assertLess(text.index("BUKAN dokumen"), text.index("govuk-panel--confirmation"))
        anywhere = self.client.post(
            "/verifikasi/", {"berkas": SimpleUploadedFile("akta.pdf", content)}
        )
        self.assertContains(anywhere, "Sah")
        self.assertContains(anywhere, document.code)
        unknown = self.client.post(
            "/verifikasi/", {"berkas": SimpleUploadedFile("a.pdf", one_byte_changed(content))}
        )
        self.assertContains(unknown, "Tidak dikenal")

    def test_a_file_that_is_not_a_pdf_is_a_message_next_to_the_field(self):
        response = self.client.post("/verifikasi/", {"berkas": SimpleUploadedFile("a.txt", b"hi")})
        self.assertContains(response, "Pilih berkas PDF", status_code=400)
        empty = self.client.post("/verifikasi/", {})
        self.assertContains(empty, "Pilih berkas PDF", status_code=400)

    def test_the_certificates_are_published_as_pem(self):
        self.issued()
        page = self.client.get("/verifikasi/sertifikat/")
        self.assertContains(page, "Demo Root CA Layanan")
        self.assertContains(page, "/verifikasi/sertifikat/disdukcapil.pem")
        agency = self.client.get("/verifikasi/sertifikat/disdukcapil.pem")
        self.assertTrue(agency.content.startswith(b"-----BEGIN CERTIFICATE-----"))
        everything = self.client.get("/verifikasi/sertifikat/semua.pem")
        # the root, Disdukcapil's and DPMPTSP's
        self.assertEqual(everything.content.count(b"BEGIN CERTIFICATE"), 3)
        self.assertNotIn(b"PRIVATE", everything.content)
        self.assertEqual(self.client.get("/verifikasi/sertifikat/tidak-ada.pem").status_code, 404)


class VerifyApiTests(DocumentTestCase):
    def test_by_code(self):
        document = self.issued()
        body = self.client.get(f"/api/v1/verify/{document.code}").json()
        self.assertEqual(
            body,
            {
                "status": "valid",
                "agency": "Dinas Kependudukan dan Pencatatan Sipil",
                "title": "Kutipan akta kelahiran",
                "issued_at": body["issued_at"],
                "sha256": document.sha256,
            },
        )
        self.assertTrue(body["issued_at"])
        unknown = self.client.get("/api/v1/verify/2345-6789-ABCD").json()
        self.assertEqual(unknown["status"], "unknown")
        self.assertIsNone(unknown["agency"])

    def test_by_file_valid_and_one_byte_changed_not(self):
        document = self.issued()
        content = self.download(document)
        self.client.logout()
        valid = self.client.post("/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", content)})
        self.assertEqual(valid.status_code, 200)
        self.assertEqual(valid.json()["status"], "valid")
        self.assertEqual(valid.json()["sha256"], document.sha256)
        changed = self.client.post(
            "/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", one_byte_changed(content))}
        )
        self.assertEqual(changed.json()["status"], "unknown")

    def test_a_file_that_is_not_a_pdf_is_400(self):
        response = self.client.post(
            "/api/v1/verify", {"file": SimpleUploadedFile("a.txt", b"hello")}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("file", response.json()["fields"])


@override_settings(LAYANAN_VERIFY_ADDRESS_LIMIT=2)
class VerificationLimitTests(DocumentTestCase):
    def test_checking_files_is_limited_per_client_on_the_page_and_the_api_together(self):
        for _ in range(2):
            pdf = SimpleUploadedFile("a.pdf", PDF)
            self.assertEqual(self.client.post("/api/v1/verify", {"file": pdf}).status_code, 200)
        api = self.client.post("/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", PDF)})
        self.assertEqual(api.status_code, 429)
        self.assertEqual(api.json()["code"], "rate_limited")
        self.assertGreater(int(api["Retry-After"]), 0)
        page = self.client.post("/verifikasi/", {"berkas": SimpleUploadedFile("a.pdf", PDF)})
        self.assertContains(page, "Terlalu banyak percobaan", status_code=429)
        self.assertGreater(int(page["Retry-After"]), 0)
        document = self.issued()
        own_page = self.client.post(
            f"/verifikasi/{document.code}/", {"berkas": SimpleUploadedFile("a.pdf", PDF)}
        )
        self.assertContains(own_page, "Terlalu banyak percobaan", status_code=429)
