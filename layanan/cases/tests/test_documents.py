"""Uploading, replacing and removing documents before submission: messages name the
document, and a file nothing refers to any more leaves the disk."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases import actions
from layanan.cases.models import Application, Document, private_storage
from layanan.cases.tests.test_api import ANSWERS, PDF, ApiTestCase
from layanan.cases.tests.test_upload_inspection import png_bytes
from layanan.test import BaseTestCase

PNG = png_bytes()
OTHER_PDF = PDF + b"% another scan\n"


class DocumentPagesTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.siti)
        self.client.post("/layanan/akta-kelahiran/ajukan/")
        self.application = Application.objects.get(applicant=self.siti)
        self.url = f"/permohonan/{self.application.number}/dokumen/"

    def upload(self, content: bytes = PDF, name: str = "lahir.pdf") -> Document:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url,
                {"requirement": "surat_lahir", "file": SimpleUploadedFile(name, content)},
            )
        self.assertRedirects(response, self.url)
        return Document.objects.get(application=self.application, replaced=False)

    def test_a_missing_file_names_the_document_chosen(self) -> None:
        response = self.client.post(self.url, {"requirement": "surat_lahir"})
        self.assertContains(
            response,
            '<a href="#id_file">Pilih berkas Surat keterangan lahir untuk diunggah</a>',
            html=True,
            status_code=400,
        )
        nothing = self.client.post(self.url, {})
        self.assertContains(
            nothing,
            '<a href="#id_requirement_0">Pilih dokumen yang akan diunggah</a>',
            html=True,
            status_code=400,
        )
        self.assertContains(nothing, "Pilih berkas untuk diunggah", status_code=400)
        self.assertNotContains(nothing, "tidak wajib", status_code=400)
        self.assertFalse(Document.objects.exists())

    def test_a_refused_file_names_the_document(self) -> None:
        wrong = self.client.post(
            self.url,
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("a.pdf", b"<html>")},
        )
        self.assertContains(
            wrong,
            "Berkas Surat keterangan lahir harus berformat PDF, JPEG atau PNG",
            status_code=400,
        )
        empty = self.client.post(
            self.url, {"requirement": "surat_lahir", "file": SimpleUploadedFile("a.pdf", b"")}
        )
        self.assertContains(empty, "Berkas Surat keterangan lahir kosong", status_code=400)
        with self.settings(LAYANAN_MAX_UPLOAD_BYTES=2 * 1024 * 1024):
            big = self.client.post(
                self.url,
                {
                    "requirement": "surat_lahir",
                    "file": SimpleUploadedFile("a.pdf", PDF + b"0" * 3 * 1024 * 1024),
                },
            )
        self.assertContains(
            big, "Berkas Surat keterangan lahir harus lebih kecil dari 2 MB", status_code=400
        )
        self.assertFalse(Document.objects.exists())

    def test_replacing_a_draft_document_deletes_the_old_file(self) -> None:
        first = self.upload()
        old_name = first.file.name
        self.assertTrue(private_storage().exists(old_name))
        second = self.upload(PNG, "lahir.png")
        self.assertFalse(Document.objects.filter(pk=first.pk).exists())
        self.assertFalse(private_storage().exists(old_name))
        self.assertTrue(private_storage().exists(second.file.name))
        page = self.client.get(self.url)
        self.assertContains(page, "lahir.png")
        self.assertNotContains(page, "lahir.pdf")

    def test_removing_a_document_deletes_it_and_its_file(self) -> None:
        document = self.upload()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{self.url}{document.pk}/hapus/")
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertFalse(Document.objects.exists())
        self.assertFalse(private_storage().exists(document.file.name))
        self.assertTrue(self.application.events.filter(kind="document_removed").exists())
        page = self.client.get(self.url)
        self.assertContains(page, "Surat keterangan lahir telah dihapus.")
        again = self.client.post(f"{self.url}{document.pk}/hapus/")
        self.assertEqual(again.status_code, 404)

    def test_a_file_another_document_still_uses_stays_on_disk(self) -> None:
        document = self.upload()
        twin = Document.objects.create(
            application=self.application,
            requirement="surat_lahir_lama",
            file=document.file.name,
            original_name="salinan.pdf",
            content_type="application/pdf",
            size=document.size,
            sha256=document.sha256,
            uploaded_by=self.siti,
            replaced=True,
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"{self.url}{document.pk}/hapus/")
        self.assertTrue(private_storage().exists(twin.file.name))

    def test_only_the_applicant_removes_and_only_before_submission(self) -> None:
        document = self.upload()
        self.login(self.agus)
        self.assertEqual(self.client.post(f"{self.url}{document.pk}/hapus/").status_code, 404)
        self.login(self.siti)
        self.assertEqual(self.client.get(f"{self.url}{document.pk}/hapus/").status_code, 405)
        self.client.post(f"/permohonan/{self.application.number}/isian/data/", ANSWERS)
        self.client.post(f"/permohonan/{self.application.number}/periksa/", {"declaration": "on"})
        response = self.client.post(f"{self.url}{document.pk}/hapus/")
        self.assertRedirects(
            response, f"/permohonan/{self.application.number}/", fetch_redirect_response=False
        )
        self.assertTrue(Document.objects.filter(pk=document.pk, replaced=False).exists())
        self.assertTrue(private_storage().exists(document.file.name))

    def test_a_document_the_officers_saw_is_kept_when_replaced_after_a_return(self) -> None:
        seen = self.upload()
        self.client.post(f"/permohonan/{self.application.number}/isian/data/", ANSWERS)
        self.client.post(f"/permohonan/{self.application.number}/periksa/", {"declaration": "on"})
        application = Application.objects.get(pk=self.application.pk)
        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="return",
            note="Scan buram",
        )
        clearer = self.upload(OTHER_PDF, "lahir-jelas.pdf")
        seen.refresh_from_db()
        self.assertTrue(seen.replaced)  # the record of what the officer examined stays
        self.assertTrue(private_storage().exists(seen.file.name))
        # A file uploaded during the return and replaced again was never seen: it goes.
        self.upload(PNG, "lahir.png")
        self.assertFalse(Document.objects.filter(pk=clearer.pk).exists())
        self.assertFalse(private_storage().exists(clearer.file.name))


class DocumentApiTests(ApiTestCase):
    def test_a_refused_upload_names_the_document_in_fields(self) -> None:
        number = self.draft()
        response = self.upload(number, content=b"<svg></svg>", name="x.pdf")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["fields"],
            {"file": ["Berkas Surat keterangan lahir harus berformat PDF, JPEG atau PNG"]},
        )
        unknown = self.call(
            "post",
            f"/api/v1/applications/{number}/documents",
            "siti",
            data={"requirement": "akta_nikah", "file": SimpleUploadedFile("a.pdf", PDF)},
        )
        self.assertEqual(
            unknown.json()["fields"], {"requirement": ["Pilih dokumen yang akan diunggah"]}
        )
        self.assertFalse(Document.objects.exists())

    def test_the_same_bytes_uploaded_twice_are_stored_once(self) -> None:
        number = self.draft()
        self.upload(number)
        first = Document.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.upload(number).status_code, 201)
        second = Document.objects.get()
        self.assertNotEqual(first.pk, second.pk)
        self.assertEqual(first.file.name, second.file.name)
        self.assertTrue(private_storage().exists(second.file.name))

    def test_removing_over_the_api_before_submission_only(self) -> None:
        number = self.draft()
        self.upload(number)
        document = Document.objects.get()
        url = f"/api/v1/applications/{number}/documents/surat_lahir"
        self.assertEqual(self.call("delete", url, "agus").status_code, 404)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.call("delete", url, "siti")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Document.objects.exists())
        self.assertFalse(private_storage().exists(document.file.name))
        again = self.call("delete", url, "siti")
        self.assertEqual(again.status_code, 404)
        self.assertEqual(
            again.json()["fields"], {"requirement": ["Belum ada dokumen untuk persyaratan ini."]}
        )
        self.upload(number)
        self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        late = self.call("delete", url, "siti")
        self.assertEqual(late.status_code, 409)
        self.assertTrue(Document.objects.filter(replaced=False).exists())


class SignInFirstTests(BaseTestCase):
    def test_the_new_pages_ask_for_a_sign_in_before_anything_else(self) -> None:
        for path in ("/permohonan/X/dokumen/1/hapus/", "/permohonan/X/barang/"):
            for method in ("get", "post"):
                with self.subTest(path=path, method=method):
                    response = getattr(self.client, method)(path)
                    self.assertEqual(response.status_code, 302)
                    self.assertIn("/masuk/", response["Location"])
