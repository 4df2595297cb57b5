"""A product made outside Layanan: the signing officer uploads it, and it is signed after
Layanan's cover letter (with the code and QR code) as one document."""

from __future__ import annotations

import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from fpdf import FPDF
from pypdf import PdfReader

from layanan.cases.uploads import check_upload
from layanan.documents import issuing, signing
from layanan.documents.models import IssuedDocument
from layanan.documents.tests.helpers import DocumentTestCase
from layanan.test import charter_content


def made_elsewhere(text: str = "SURAT IZIN DARI APLIKASI LAIN") -> bytes:
    sheet = FPDF()
    sheet.add_page()
    sheet.set_font("Helvetica", size=14)
    sheet.cell(text=text)
    return bytes(sheet.output())


class UploadedProductTests(DocumentTestCase):
    def use_charter(self, issued_as: str, **product: str) -> None:
        self.adopt(
            self.akta,
            charter_content(
                product={"name": "Kutipan akta kelahiran", "issued_as": issued_as, **product}
            ),
        )

    def waiting(self) -> IssuedDocument:
        application = self.completed()
        issuing.run()
        return IssuedDocument.objects.get(application=application)

    def upload(self, document: IssuedDocument, content: bytes, name: str = "izin.pdf"):
        return self.client.post(
            f"/dokumen/{document.code}/unggah/", {"file": SimpleUploadedFile(name, content)}
        )

    def test_the_cover_letter_and_the_file_are_signed_together(self):
        self.use_charter("both", body="Surat pengantar untuk {pemohon}.")
        document = self.waiting()
        self.assertEqual(document.state, "pending")
        self.assertTrue(document.awaits_upload)
        issuing.run()  # nothing to sign before the file is there
        document.refresh_from_db()
        self.assertEqual(document.state, "pending")
        self.login(self.budi)
        step_page = self.client.get(f"/kantor/langkah/{document.application.number}/terbit/")
        self.assertContains(step_page, f"/dokumen/{document.code}/unggah/")
        response = self.upload(document, made_elsewhere())
        self.assertEqual(response.status_code, 302)
        issuing.run()
        document.refresh_from_db()
        self.assertEqual(document.state, "issued")
        self.assertEqual(document.uploaded_by, self.budi)
        content = self.download(document)
        pages = PdfReader(io.BytesIO(content)).pages
        self.assertEqual(len(pages), 2)
        self.assertIn("Surat pengantar untuk Siti Rahayu.", pages[0].extract_text())
        self.assertIn(document.code, pages[0].extract_text())
        self.assertIn("1 halaman", pages[0].extract_text())
        self.assertIn("SURAT IZIN DARI APLIKASI LAIN", pages[1].extract_text())
        verdict = signing.validate(content, trust_roots=signing.read_pem_bundle(self.root_pem()))
        self.assertTrue(verdict.valid, verdict)
        answer = self.client.post(
            "/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", content)}
        ).json()
        self.assertEqual(answer["status"], "valid")

    def test_uploaded_alone_gets_a_cover_that_says_what_is_attached(self):
        self.use_charter("uploaded")
        document = self.waiting()
        self.login(self.budi)
        self.upload(document, made_elsewhere())
        issuing.run()
        document.refresh_from_db()
        text = PdfReader(io.BytesIO(self.download(document))).pages[0].extract_text()
        self.assertIn("Bersama ini Dinas Kependudukan", text)

    def test_only_the_agencys_approvers_give_the_file_and_only_once(self):
        self.use_charter("both")
        document = self.waiting()
        for user in (self.siti, self.charlie, self.ani):
            self.login(user)
            self.assertEqual(self.upload(document, made_elsewhere()).status_code, 404)
        self.login(self.budi)
        self.assertEqual(self.upload(document, made_elsewhere()).status_code, 302)
        self.assertEqual(self.upload(document, made_elsewhere("LAIN")).status_code, 404)

    def test_a_file_that_is_not_a_pdf_is_a_message_next_to_the_field(self):
        self.use_charter("both")
        document = self.waiting()
        self.login(self.budi)
        response = self.upload(document, b"bukan pdf", name="izin.txt")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-message", status_code=400)
        empty = self.client.post(f"/dokumen/{document.code}/unggah/", {})
        self.assertContains(empty, "Pilih berkas PDF", status_code=400)
        document.refresh_from_db()
        self.assertTrue(document.awaits_upload)

    def test_a_generated_product_needs_no_upload(self):
        document = self.issued()
        self.assertFalse(document.needs_upload)
        self.login(self.budi)
        self.assertEqual(self.upload(document, made_elsewhere()).status_code, 404)

    def test_over_the_api(self):
        self.use_charter("both")
        document = self.waiting()
        siti = {"Authorization": f"Bearer {self.token('siti')}"}
        number = document.application.number
        listed = self.client.get(f"/api/v1/applications/{number}", headers=siti).json()
        self.assertEqual(listed["documents_issued"][0]["status"], "pending")
        self.assertEqual(listed["documents_issued"][0]["code"], document.code)
        url = f"/api/v1/documents/{document.code}/upload"
        budi = {"Authorization": f"Bearer {self.token('budi')}"}
        charlie = {"Authorization": f"Bearer {self.token('charlie')}"}
        pdf_file = SimpleUploadedFile("izin.pdf", made_elsewhere())
        self.assertEqual(
            self.client.post(url, {"file": pdf_file}, headers=charlie).status_code, 404
        )
        refused = self.client.post(
            url, {"file": SimpleUploadedFile("izin.txt", b"teks")}, headers=budi
        )
        self.assertEqual(refused.status_code, 400)
        self.assertIn("file", refused.json()["fields"])
        given = self.client.post(
            url, {"file": SimpleUploadedFile("izin.pdf", made_elsewhere())}, headers=budi
        )
        self.assertEqual(given.status_code, 200, given.content)
        self.assertEqual(given.json()["state"], "pending")
        again = self.client.post(
            url, {"file": SimpleUploadedFile("izin.pdf", made_elsewhere())}, headers=budi
        )
        self.assertEqual(again.status_code, 404)
        issuing.run()
        document.refresh_from_db()
        self.assertEqual(document.state, "issued")

    def test_the_pdf_is_checked_outside_the_transaction_and_a_failed_write_leaves_no_file(self):
        self.use_charter("uploaded")
        document = self.waiting()
        self.login(self.budi)
        blocks_at_start = len(connection.atomic_blocks)
        blocks_during_check: list[int] = []
        real_check = check_upload

        def checking(*args, **kwargs):
            blocks_during_check.append(len(connection.atomic_blocks))
            return real_check(*args, **kwargs)

        storage = document.upload.storage
        with (
            mock.patch("layanan.documents.actions.check_upload", checking),
            mock.patch.object(IssuedDocument, "save", side_effect=DatabaseError("disk full")),
            self.assertRaises(DatabaseError),
        ):
            self.upload(document, made_elsewhere())
        self.assertEqual(blocks_during_check, [blocks_at_start])  # no transaction of its own
        self.assertFalse(storage.exists(f"issued/uploads/{document.code}.pdf"))
        document.refresh_from_db()
        self.assertTrue(document.awaits_upload)
