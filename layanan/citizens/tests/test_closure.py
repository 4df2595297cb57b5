"""Closing an account (UU 27/2022): through the web page with the password, and through the
API; afterwards the account signs in nowhere, and the citizen's name, NIK, phone and email
are found in no text or JSON column of any table, nor in the private files, outside the
records docs/privacy.md says are kept. siti closes; budi is an officer; agus is another
citizen whose data stays."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from layanan.accounts.actions import record_read
from layanan.accounts.models import AccountEvent, ApiToken, DataAccess, User
from layanan.accounts.nik_store import nik_hash, open_nik
from layanan.accounts.tokens import issue_token
from layanan.cases import actions
from layanan.cases.models import Application, Document
from layanan.citizens import vault
from layanan.citizens.actions_profile import update_profile
from layanan.citizens.exports import build_export, request_export
from layanan.citizens.models import DataExport, Profile, RightsRequest, VaultDocument
from layanan.citizens.rights import file_rights_request
from layanan.complaints import actions as complaint_actions
from layanan.complaints.models import Category, Complaint
from layanan.documents import issuing, keys
from layanan.documents.models import IssuedDocument
from layanan.documents.tests.helpers import SIGNING_DIR
from layanan.lib.sealed import is_sealed
from layanan.notifications import jobs as notifications
from layanan.notifications.models import Message
from layanan.test import PASSWORD, PDF, BaseTestCase

NIK = "3374015508900001"
PHONE = "+6281234567890"


def text_values(value: Any) -> list[str]:
    """Every string inside a column's value (a JSON value walked through)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.items() for part in item for text in text_values(part)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in text_values(item)]
    return []


def find_everywhere(needles: list[str], nik: str, *, since: float) -> list[str]:
    """Where any needle (case-insensitive) or the NIK (also inside a sealed value) is found:
    every text and JSON column of every table, and every file in the private storage that a
    row names or that was written since `since` (a timestamp: the test's start). Older files
    nothing names are other tests' leftovers in the same test process (their rows were rolled
    back), not this citizen's."""
    lowered = [needle.lower() for needle in needles]
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            column = field.attname
            # the raw stored value: a sealed NIK column as stored, not as the field opens it
            query = model._base_manager.annotate(
                raw=models.functions.Cast(column, output_field=models.TextField())
            )
            for pk, raw in query.values_list("pk", "raw"):
                if raw is None:
                    continue
                try:
                    texts = text_values(json.loads(raw)) if raw[:1] in '[{"' else [raw]
                except ValueError:
                    texts = [raw]
                for text in texts:
                    low = text.lower()
                    if any(needle in low for needle in lowered) or nik in text:
                        found.append(f"{model._meta.label}.{column} #{pk}")
                    elif is_sealed(text) and open_nik(text) == nik:
                        found.append(f"{model._meta.label}.{column} #{pk} (sealed NIK)")
    named = {
        name
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        for name in model._base_manager.values_list(field.attname, flat=True)
        if name
    }
    root = Path(settings.PRIVATE_FILES_ROOT)
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file() and (
            str(path.relative_to(root)) in named or path.stat().st_mtime >= since
        ):
            content = path.read_bytes().decode("utf-8", "ignore").lower()
            if any(needle in content for needle in lowered) or nik in content:
                found.append(str(path.relative_to(root)))
    return found


@override_settings(LAYANAN_SIGNING_DIR=SIGNING_DIR)
class ClosureTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with override_settings(LAYANAN_SIGNING_DIR=SIGNING_DIR):
            keys.ensure_demo_certificates(now=timezone.now(), region="Kabupaten Contoh")

    def setUp(self) -> None:
        super().setUp()
        self.started = time.time() - 2  # file times may be coarser than a second

    def issue_to_siti(self) -> IssuedDocument:
        """A completed application of siti's and its signed product (the worker's pass)."""
        application = self.submitted(self.siti)
        for key in ("verifikasi", "terbit"):
            application = actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
            )
        issuing.run()
        return IssuedDocument.objects.get(application=application)

    def give_siti_a_history(self) -> dict[str, Any]:
        """Everything a citizen leaves behind: a profile, applications (one withdrawn with a
        file, one draft), a complaint with contacts and an attachment, a message, a request
        answered by mail, a prepared copy of her data, a token, and an officer's read."""
        update_profile(
            citizen=self.siti,
            by=self.siti,
            full_name="Siti Rahayu",
            email="siti@example.test",
            phone=PHONE,
            nik=NIK,
            address="Jl. Melati 5, Kota Contoh",
        )
        update_profile(
            citizen=self.siti,
            by=self.siti,
            kk_number="3374011203180042",
            birth_place="Semarang",
            region_code="33.74.01.1001",
        )
        self.siti.refresh_from_db()
        # a document kept in her vault, her name in its file name
        vault.keep(
            owner=self.siti,
            type="ktp-el",
            content=PDF,
            content_type="application/pdf",
            original_name="KTP Siti Rahayu.pdf",
            issued_on=None,
            expires_on=None,
            added_by=self.siti,
            source=VaultDocument.Source.UPLOAD,
        )
        answers = {"nama_anak": "Putri Siti Rahayu", "nik_ibu": NIK, "jenis_kelamin": "p"}
        withdrawn, _ = actions.create_application(
            citizen=self.siti, service=self.akta, answers=answers
        )
        actions.attach_document(
            application=withdrawn,
            user=self.siti,
            requirement="surat_lahir",
            upload=SimpleUploadedFile("surat lahir Siti Rahayu.pdf", PDF),
        )
        withdrawn = actions.submit_application(application=withdrawn, citizen=self.siti)
        record_read(
            reader=self.budi,
            citizen=self.siti,
            place=DataAccess.Place.OFFICE_STEP,
            application_number=withdrawn.number,
        )
        actions.withdraw_application(application=withdrawn, citizen=self.siti)
        draft, _ = actions.create_application(
            citizen=self.siti, service=self.akta, answers=answers, idempotency_key="k1"
        )
        complaint_actions.ensure_builtin_categories(self.disdukcapil)
        filing = complaint_actions.Filing(
            category=Category.objects.get(agency=self.disdukcapil, code="umum"),
            description="Antrean di loket terlalu lama.",
        )
        filing.contact_name = "Siti Rahayu"
        filing.contact_email = "siti@example.test"
        filing.contact_phone = "0812-3456-7890"
        complaint, _key = complaint_actions.file_complaint(
            filing=filing,
            complainant=self.siti,
            attachments=[SimpleUploadedFile("foto.pdf", PDF, "application/pdf")],
        )
        notifications.run()  # the worker's pass: messages to siti about her application
        self.assertTrue(Message.objects.filter(recipient="siti@example.test").exists())
        request = file_rights_request(
            citizen=self.siti, kind="correction", data="alamat", details="Siti Rahayu, Jl. Mawar"
        )
        self.login(self.root)
        with self.captureOnCommitCallbacks(execute=True):  # the answer is mailed: a task row
            self.client.post(
                f"/kantor/data-pribadi/{request.pk}/", {"outcome": "done", "answer": "Diperbaiki."}
            )
        self.client.logout()
        export = request_export(citizen=self.siti, language="id")
        build_export.call(export.pk)
        token, _row = issue_token(self.siti, label="ponsel")
        return {
            "withdrawn": withdrawn,
            "draft": draft,
            "complaint": complaint,
            "token": token,
            "export": DataExport.objects.get(pk=export.pk),
        }


class CloseOnTheWebTests(ClosureTestCase):
    def test_nothing_of_siti_is_left_outside_the_retained_records(self) -> None:
        history = self.give_siti_a_history()
        issued = self.issue_to_siti()
        needles = ["Siti Rahayu", "siti@example.test", PHONE, "0812-3456-7890", "081234567890"]
        # the scan finds them in columns, in sealed values, in JSON and in the private files
        before = "\n".join(find_everywhere(needles, NIK, since=self.started))
        for place in (
            "accounts.User.full_name",
            "citizens.Profile.nik #",
            "cases.Application.answers",
            "django_tasks_database.DBTaskResult.args_kwargs",
            "exports/",
            "citizens.VaultDocument.original_name",
        ):
            self.assertIn(place, before)
        hashed = nik_hash(NIK)
        self.assertTrue(Profile.objects.filter(nik_hash=hashed).exists())
        self.login(self.siti)
        response = self.client.post("/profil/data/tutup/", {"password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Akun Anda sudah ditutup")
        self.assertEqual(find_everywhere([*needles, hashed], NIK, since=self.started), [])
        # kept: the signed product, with the name printed on it (docs/privacy.md); the scan
        # above does not see it, since a PDF's text is compressed: read it as text
        issued.refresh_from_db()
        self.assertEqual(issued.state, "issued")
        with issued.file.open("rb") as handle:
            text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
        self.assertIn("Siti Rahayu", text)
        # the records kept: the applications, without answers or files; the closure event
        withdrawn = Application.objects.get(pk=history["withdrawn"].pk)
        self.assertEqual(withdrawn.answers, {})
        self.assertFalse(Document.objects.filter(application=withdrawn).exclude(file="").exists())
        self.assertTrue(Complaint.objects.filter(pk=history["complaint"].pk).exists())
        closed = User.objects.get(pk=self.siti.pk)
        self.assertTrue(
            AccountEvent.objects.filter(user=closed, kind=AccountEvent.Kind.ACCOUNT_CLOSED).exists()
        )
        self.assertEqual(RightsRequest.objects.get(citizen=closed).outcome, "done")
        self.assertFalse(DataExport.objects.filter(citizen=closed).exists())
        # the public tracking page still works, without her name
        tracking = self.client.get(f"/lacak/{withdrawn.number}/")
        self.assertEqual(tracking.status_code, 200)
        self.assertNotContains(tracking, "Siti")

    def test_afterwards_the_account_cannot_sign_in_anywhere(self) -> None:
        token, _row = issue_token(self.siti)
        self.login(self.siti)
        self.client.post("/profil/data/tutup/", {"password": PASSWORD})
        self.assertEqual(self.client.get("/profil/").status_code, 302)  # signed out
        closed = User.objects.get(pk=self.siti.pk)
        for username in ("siti", closed.username):
            answer = self.client.post("/masuk/", {"username": username, "password": PASSWORD})
            self.assertNotEqual(answer.status_code, 302)
        api = self.client.get("/api/v1/applications", headers={"authorization": f"Bearer {token}"})
        self.assertEqual(api.status_code, 401)
        self.assertFalse(ApiToken.objects.filter(user=closed, revoked_at__isnull=True).exists())

    def test_a_wrong_password_closes_nothing(self) -> None:
        self.login(self.siti)
        response = self.client.post("/profil/data/tutup/", {"password": "not it"})
        self.assertContains(response, "Kata sandi tidak benar", status_code=400)
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)
        self.assertEqual(self.siti.full_name, "Siti Rahayu")
        empty = self.client.post("/profil/data/tutup/", {"password": ""})
        self.assertEqual(empty.status_code, 400)

    def test_an_application_under_way_holds_the_closure_back(self) -> None:
        application = self.submitted(self.siti)
        self.login(self.siti)
        page = self.client.get("/profil/data/tutup/")
        self.assertContains(page, application.number)
        response = self.client.post("/profil/data/tutup/", {"password": PASSWORD})
        self.assertEqual(response.status_code, 400)
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.is_active)
        self.assertEqual(Application.objects.get(pk=application.pk).answers["nama_anak"], "Putri")

    def test_an_officer_cannot_close_their_account_here(self) -> None:
        self.login(self.budi)
        response = self.client.post("/profil/data/tutup/", {"password": PASSWORD})
        self.assertEqual(response.status_code, 400)
        self.budi.refresh_from_db()
        self.assertTrue(self.budi.is_active)

    def test_the_other_citizens_data_stays(self) -> None:
        update_profile(
            citizen=self.agus,
            by=self.agus,
            full_name="Agus Salim",
            email="agus@example.test",
            phone="+6281299990000",
            nik="3374015508900002",
            address="Jl. Kenanga 1",
        )
        self.login(self.siti)
        self.client.post("/profil/data/tutup/", {"password": PASSWORD})
        self.agus.refresh_from_db()
        self.assertEqual(self.agus.full_name, "Agus Salim")
        self.assertEqual(Profile.objects.get(user=self.agus).nik, "3374015508900002")


class CloseThroughTheApiTests(ClosureTestCase):
    def test_it_closes_with_the_password(self) -> None:
        history = self.give_siti_a_history()
        headers = {"authorization": f"Bearer {history['token']}"}
        wrong = self.client.post(
            "/api/v1/me/close",
            {"password": "nope"},
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(wrong.status_code, 400)
        self.assertIn("password", wrong.json()["fields"])
        response = self.client.post(
            "/api/v1/me/close",
            {"password": PASSWORD},
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"closed": True})
        self.assertEqual(self.client.get("/api/v1/applications", headers=headers).status_code, 401)
        token = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti@example.test", "password": PASSWORD},
            content_type="application/json",
        )
        self.assertNotEqual(token.status_code, 200)
        needles = ["Siti Rahayu", "siti@example.test", PHONE, "0812-3456-7890", nik_hash(NIK)]
        self.assertEqual(find_everywhere(needles, NIK, since=self.started), [])

    def test_an_open_application_answers_409(self) -> None:
        self.submitted(self.siti)
        token, _row = issue_token(self.siti)
        response = self.client.post(
            "/api/v1/me/close",
            {"password": PASSWORD},
            content_type="application/json",
            headers={"authorization": f"Bearer {token}"},
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "not_allowed")
        self.assertTrue(User.objects.get(pk=self.siti.pk).is_active)
