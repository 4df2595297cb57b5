"""A full disk for uploads (issue 12): the upload is refused in the user's language, on the web
(400) and the API (507 `storage_full`), and nothing of it remains: no file, no fragment, no
Document row, no event. The disk being "full" is the configured free space it must keep
(LAYANAN_UPLOAD_MIN_FREE_MB) set above what it has, or a write that fails with ENOSPC."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases.models import Application, Document, Event
from layanan.cases.tests.test_storage import OwnStorage, stored_files
from layanan.cases.tests.test_upload_inspection import pdf_bytes
from layanan.complaints.actions import ensure_builtin_categories
from layanan.complaints.models import Complaint
from layanan.test import PDF


class DiskFillsMidWrite(ContentFile):
    """Content whose write stops with ENOSPC after its first bytes reached the disk."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.file.seek(0)
        yield self.file.read(100)
        raise OSError(errno.ENOSPC, "No space left on device")


def a_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("lahir.pdf", pdf_bytes())


def more_than_the_disk_has() -> dict[str, Any]:
    """Keep free the whole disk's size: never met, whatever other processes write or delete
    meanwhile (free space + 1 was met once when a parallel test freed some)."""
    disk = shutil.disk_usage(settings.PRIVATE_FILES_ROOT.parent)
    return {"LAYANAN_UPLOAD_MIN_FREE_BYTES": disk.total}


class FullDiskTests(OwnStorage):
    def assert_nothing_kept(self, number: str) -> None:
        application = Application.objects.get(number=number)
        self.assertFalse(Document.objects.filter(application=application).exists())
        self.assertFalse(
            Event.objects.filter(application=application, kind="document_added").exists()
        )
        self.assertEqual(stored_files(), [])

    def test_the_api_answers_507_in_the_clients_language_and_keeps_nothing(self) -> None:
        number = self.draft()
        with self.settings(**more_than_the_disk_has()):
            response = self.upload(number)
            english = self.call(
                "post",
                f"/api/v1/applications/{number}/documents",
                "siti",
                data={"requirement": "surat_lahir", "file": a_pdf()},
                headers={"Accept-Language": "en"},
            )
        self.assertEqual(response.status_code, 507, response.content)
        body = response.json()
        self.assertEqual(body["code"], "storage_full")
        self.assertIn("penyimpanan dokumen penuh", body["message"])
        self.assertEqual(body["fields"]["file"], [body["message"]])
        self.assertEqual(english.status_code, 507)
        self.assertIn("the storage for documents is full", english.json()["message"])
        self.assert_nothing_kept(number)
        # room again: the same upload goes through
        self.assertEqual(self.upload(number).status_code, 201)

    def test_the_web_page_answers_400_with_the_message_by_the_field(self) -> None:
        self.login(self.siti)
        number = self.draft()
        with self.settings(**more_than_the_disk_has()):
            response = self.client.post(
                f"/permohonan/{number}/dokumen/",
                {"requirement": "surat_lahir", "file": a_pdf()},
            )
        self.assertContains(response, "penyimpanan dokumen penuh", status_code=400)
        self.assert_nothing_kept(number)

    def test_a_write_the_disk_cuts_short_leaves_no_fragment(self) -> None:
        number = self.draft()
        with mock.patch("layanan.cases.storage.ContentFile", DiskFillsMidWrite):
            response = self.upload(number)
        self.assertEqual(response.status_code, 507, response.content)
        self.assert_nothing_kept(number)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.upload(number).status_code, 201)
        [stored] = stored_files()
        self.assertEqual(stored.read_bytes(), PDF)  # what `upload` sends

    def test_a_fragment_left_by_a_killed_write_is_written_whole_by_the_next_upload(self) -> None:
        number = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.upload(number).status_code, 201)
        [stored] = stored_files()
        whole = stored.read_bytes()
        stored.write_bytes(whole[:100])  # what a process killed mid-write leaves
        other = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.upload(other).status_code, 201)
        self.assertEqual(Path(stored).read_bytes(), whole)


class FullDiskComplaintTests(OwnStorage):
    def test_a_complaints_attachment_is_refused_and_no_complaint_is_filed(self) -> None:
        ensure_builtin_categories(self.disdukcapil)
        self.login(self.siti)
        form = {
            "kind": "pengaduan",
            "category": "disdukcapil.umum",
            "website": "",
            "confirmed": "on",
            "privacy": "publik",
            "description": "Loket tutup sebelum jam layanan berakhir.",
            "attachments": [SimpleUploadedFile("antrean.pdf", PDF, "application/pdf")],
        }
        with self.settings(**more_than_the_disk_has()):
            response = self.client.post("/pengaduan/baru/", form)
        self.assertContains(response, "penyimpanan berkas penuh", status_code=400)
        self.assertFalse(Complaint.objects.exists())
        self.assertEqual(list(Path(settings.PRIVATE_FILES_ROOT).glob("complaints/**/*.*")), [])
