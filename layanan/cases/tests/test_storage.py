"""Finding 4 of issue 8, tried again: the disk cannot be filled by uploading the same file
again and again, by replacing files, by withdrawing, or by opening drafts without end."""

from __future__ import annotations

import hashlib
import importlib
import os
import tempfile
import time
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application, Document, private_storage
from layanan.cases.storage import prune_unreferenced_files
from layanan.cases.tests.test_api import ApiTestCase
from layanan.cases.tests.test_upload_inspection import jpeg_bytes, pdf_bytes, png_bytes
from layanan.lib.private_files import PRIVATE_UMASK

MB = 1024 * 1024


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_FILES_ROOT) / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def big_pdf(size: int) -> bytes:
    """A PDF of about `size` bytes: a page with a long comment after it."""
    content = pdf_bytes()
    return content + b"%" + b"x" * (size - len(content) - 2) + b"\n"


class OwnStorage(ApiTestCase):
    """Each test keeps its documents in a folder of its own, to count what is on disk."""

    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        own = self.settings(PRIVATE_FILES_ROOT=Path(folder.name) / "private")
        own.enable()
        self.addCleanup(own.disable)


class StoredOnceTests(OwnStorage):
    @override_settings(LAYANAN_MAX_UPLOAD_BYTES=2 * MB)
    def test_the_same_file_uploaded_ten_times_is_stored_once(self) -> None:
        scan = big_pdf(2 * MB - 100)
        numbers = [self.draft() for _ in range(10)]
        for number in numbers:
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(self.upload(number, content=scan).status_code, 201)
        self.assertEqual(Document.objects.count(), 10)
        self.assertEqual(Document.objects.values("file").distinct().count(), 1)
        files = stored_files()
        self.assertEqual(len(files), 1)
        self.assertEqual(files[0].read_bytes(), scan)
        self.assertEqual(files[0].suffix, ".pdf")
        self.assertEqual(files[0].stem, Document.objects.first().sha256)  # type: ignore[union-attr]

    def test_a_replaced_file_leaves_the_disk_unless_another_application_uses_it(self) -> None:
        mine, other = self.draft(), self.draft()
        photo = png_bytes()
        for number in (mine, other):
            with self.captureOnCommitCallbacks(execute=True):
                self.upload(number, content=photo, name="lahir.png")
        shared = Document.objects.first().file.name  # type: ignore[union-attr]
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(
                self.upload(mine, content=jpeg_bytes(), name="lahir.jpg").status_code, 201
            )
        self.assertTrue(private_storage().exists(shared))  # the other draft still has it
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.upload(other, content=pdf_bytes()).status_code, 201)
        self.assertFalse(private_storage().exists(shared))
        self.assertEqual(len(stored_files()), 2)  # the JPEG and the PDF

    def test_a_withdrawn_applications_files_are_deleted_unless_still_used(self) -> None:
        withdrawn, kept = self.draft(), self.draft()
        photo, own = png_bytes(), jpeg_bytes()
        with self.captureOnCommitCallbacks(execute=True):
            self.upload(withdrawn, content=photo, name="lahir.png")
            self.upload(kept, content=photo, name="lahir.png")
        shared = Document.objects.get(application__number=kept).file.name
        with self.captureOnCommitCallbacks(execute=True):
            response = self.call("post", f"/api/v1/applications/{withdrawn}/withdraw", "siti")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "withdrawn")
        record = Document.objects.get(application__number=withdrawn)
        self.assertEqual(record.file.name, "")  # the record stays, without its file
        self.assertEqual(record.sha256, Document.objects.get(application__number=kept).sha256)
        self.assertTrue(private_storage().exists(shared))
        # Now the other one goes too, with a file nobody else has.
        with self.captureOnCommitCallbacks(execute=True):
            self.upload(kept, content=own, name="lahir.jpg")
        own_name = Document.objects.get(application__number=kept, replaced=False).file.name
        self.assertFalse(private_storage().exists(shared))
        with self.captureOnCommitCallbacks(execute=True):
            self.call("post", f"/api/v1/applications/{kept}/withdraw", "siti")
        self.assertFalse(private_storage().exists(own_name))
        self.assertEqual(stored_files(), [])

    def test_the_withdrawn_applications_page_names_the_deleted_file(self) -> None:
        number = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            self.upload(number)
        self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        with self.captureOnCommitCallbacks(execute=True):
            self.call("post", f"/api/v1/applications/{number}/withdraw", "siti")
        document = Document.objects.get()
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{number}/")
        self.assertContains(page, "lahir.pdf")
        self.assertContains(page, "(berkas dihapus saat permohonan ditarik)")
        self.assertNotContains(page, f"/dokumen/{document.pk}/")
        download = self.client.get(f"/permohonan/{number}/dokumen/{document.pk}/unduh/")
        self.assertEqual(download.status_code, 404)


class LimitTests(OwnStorage):
    @override_settings(LAYANAN_MAX_OPEN_DRAFTS=3)
    def test_the_draft_past_the_limit_is_refused_over_the_api(self) -> None:
        for _ in range(3):
            self.draft()
        response = self.call(
            "post", "/api/v1/applications", "siti", json={"service": "akta-kelahiran"}
        )
        self.assertEqual(response.status_code, 409)
        message = (
            "Anda sudah memiliki 3 permohonan yang belum diajukan, jumlah terbanyak yang "
            "diizinkan. Ajukan atau batalkan salah satunya sebelum memulai permohonan baru"
        )
        self.assertEqual(
            response.json(),
            {"code": "limit_reached", "message": message, "fields": {"service": [message]}},
        )
        self.assertEqual(Application.objects.filter(applicant=self.siti).count(), 3)
        # Another citizen is not affected; submitting one of siti's frees a place.
        self.draft("agus")
        first = Application.objects.filter(applicant=self.siti).order_by("pk").first()
        assert first is not None
        self.upload(first.number)
        self.call("post", f"/api/v1/applications/{first.number}/submit", "siti")
        self.draft()

    @override_settings(LAYANAN_MAX_OPEN_DRAFTS=2)
    def test_the_draft_past_the_limit_is_refused_on_the_start_page(self) -> None:
        self.login(self.siti)
        for _ in range(2):
            self.assertEqual(self.client.post("/layanan/akta-kelahiran/ajukan/").status_code, 302)
        response = self.client.post("/layanan/akta-kelahiran/ajukan/")
        self.assertContains(
            response, "Anda sudah memiliki 2 permohonan yang belum diajukan", status_code=400
        )
        self.assertContains(response, 'class="govuk-error-message"', status_code=400)
        self.assertContains(response, '<a href="#start">', status_code=400)
        self.assertEqual(Application.objects.count(), 2)

    @override_settings(LAYANAN_MAX_OPEN_DRAFTS=1)
    def test_the_counter_is_told_the_citizen_has_too_many_drafts(self) -> None:
        OfficerRole.objects.create(user=self.budi, unit=self.loket, role=Role.FRONT_OFFICE)
        self.draft()  # siti's own, online
        self.login(self.budi)
        response = self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "contact": "siti@example.test"}
        )
        self.assertContains(
            response,
            "Warga ini sudah memiliki 1 permohonan yang belum diajukan, jumlah terbanyak yang "
            "diizinkan. Selesaikan atau batalkan salah satunya sebelum mengajukan permohonan baru",
            status_code=400,
        )
        self.assertEqual(Application.objects.filter(applicant=self.siti).count(), 1)

    @override_settings(LAYANAN_MAX_FILES_PER_CITIZEN=2)
    def test_files_past_the_citizens_limit_are_refused(self) -> None:
        numbers = [self.draft() for _ in range(3)]
        self.assertEqual(
            self.upload(numbers[0], content=png_bytes(), name="a.png").status_code, 201
        )
        self.assertEqual(
            self.upload(numbers[1], content=jpeg_bytes(), name="a.jpg").status_code, 201
        )
        response = self.upload(numbers[2])
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "limit_reached")
        self.assertEqual(
            response.json()["fields"]["file"],
            [
                "Berkas Surat keterangan lahir tidak dapat ditambahkan: permohonan yang masih "
                "berjalan sudah memuat 2 berkas, jumlah terbanyak yang diizinkan"
            ],
        )
        self.assertFalse(Document.objects.filter(application__number=numbers[2]).exists())
        # Replacing a file of a draft is not one more file.
        self.assertEqual(self.upload(numbers[0]).status_code, 201)

    @override_settings(LAYANAN_MAX_APPLICATION_BYTES=1 * MB, LAYANAN_MAX_UPLOAD_BYTES=2 * MB)
    def test_bytes_past_the_applications_limit_are_refused_and_nothing_is_written(self) -> None:
        number = self.draft()
        self.login(self.siti)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/permohonan/{number}/dokumen/",
                {
                    "requirement": "surat_lahir",
                    "file": SimpleUploadedFile("lahir.pdf", big_pdf(MB + MB // 2)),
                },
            )
        self.assertContains(
            response,
            "Berkas Surat keterangan lahir tidak dapat ditambahkan: ukuran seluruh berkas satu "
            "permohonan paling besar 1 MB",
            status_code=400,
        )
        self.assertContains(response, 'class="govuk-error-message"', status_code=400)
        self.assertEqual(stored_files(), [])
        self.assertFalse(Document.objects.exists())
        self.assertFalse(
            Application.objects.get(number=number).events.filter(kind="document_added").exists()
        )


class PermissionTests(OwnStorage):
    def test_a_stored_document_and_its_folders_are_the_services_own(self) -> None:
        number = self.draft()
        with self.captureOnCommitCallbacks(execute=True):
            self.upload(number)
        path = Path(private_storage().path(Document.objects.get().file.name))
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertEqual(path.parent.stat().st_mode & 0o777, 0o700)
        self.assertEqual(path.parent.parent.stat().st_mode & 0o777, 0o700)
        self.assertEqual(Path(settings.DATA_DIR).stat().st_mode & 0o777, 0o700)

    def test_the_process_creates_files_for_its_user_only(self) -> None:
        current = os.umask(0)
        os.umask(current)
        self.assertEqual(current, PRIVATE_UMASK)


class ContentNameMigrationTests(OwnStorage):
    """Migration 0006 moves files kept per application to one file per content."""

    def test_old_copies_become_one_file_and_a_second_run_changes_nothing(self) -> None:
        migration = importlib.import_module(
            "layanan.cases.migrations.0006_documents_stored_once_by_content"
        )
        first, second = self.draft(), self.draft()
        scan = pdf_bytes()
        digest = hashlib.sha256(scan).hexdigest()
        root = Path(settings.PRIVATE_FILES_ROOT)
        for number in (first, second):
            old = root / "1" / number / digest  # the old layout: no extension, per application
            old.parent.mkdir(parents=True)
            old.write_bytes(scan)
            Document.objects.create(
                application=Application.objects.get(number=number),
                requirement="surat_lahir",
                file=f"1/{number}/{digest}",
                original_name="lahir.pdf",
                content_type="application/pdf",
                size=len(scan),
                sha256=digest,
                uploaded_by=self.siti,
            )
        lost = Document.objects.create(
            application=Application.objects.get(number=first),
            requirement="surat_lama",
            file="1/LOST/abc",
            original_name="hilang.pdf",
            content_type="application/pdf",
            size=3,
            sha256="abc",
            uploaded_by=self.siti,
            replaced=True,
        )
        for _ in range(2):
            migration.move_to_content_names(django_apps, None)
            self.assertEqual(
                set(Document.objects.exclude(pk=lost.pk).values_list("file", flat=True)),
                {f"documents/{digest[:2]}/{digest}.pdf"},
            )
            self.assertEqual(
                [p.relative_to(root) for p in stored_files()],
                [Path(f"documents/{digest[:2]}/{digest}.pdf")],
            )
            self.assertFalse((root / "1").exists())  # the old folders are gone
        lost.refresh_from_db()
        self.assertEqual(lost.file.name, "1/LOST/abc")  # nothing to move: left as it was


class PruningTests(OwnStorage):
    def test_a_file_left_by_a_rolled_back_upload_is_deleted_a_day_later(self) -> None:
        number = self.draft()
        application = Application.objects.get(number=number)
        with self.assertRaises(RuntimeError), transaction.atomic():
            actions.attach_document(
                application=application,
                user=self.siti,
                requirement="surat_lahir",
                upload=SimpleUploadedFile("lahir.png", png_bytes()),
            )
            raise RuntimeError("the batch around the upload failed")
        self.assertFalse(Document.objects.exists())
        [orphan] = stored_files()
        with self.captureOnCommitCallbacks(execute=True):
            self.upload(number)
        kept = Path(private_storage().path(Document.objects.get().file.name))
        self.assertEqual(prune_unreferenced_files(), 0)  # too young: maybe still committing
        day_before = time.time() - 2 * 24 * 60 * 60
        for path in (orphan, kept):
            os.utime(path, (day_before, day_before))
        self.assertEqual(prune_unreferenced_files(), 1)
        self.assertEqual(stored_files(), [kept])
        self.assertIn(
            "layanan.cases.storage.prune_unreferenced_files", dict(settings.LAYANAN_PERIODIC_JOBS)
        )
