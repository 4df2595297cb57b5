"""Scaffolding for the documents tests: the demo certificates in a signing directory of this
test process (two test processes never share one), and an issued document."""

from __future__ import annotations

import tempfile
from typing import Any

from django.test import override_settings
from django.utils import timezone

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.documents import issuing, keys
from layanan.documents.models import IssuedDocument
from layanan.test import PASSWORD, BaseTestCase, otp_for

SIGNING_DIR = tempfile.mkdtemp(prefix="layanan-signing-test-")


@override_settings(LAYANAN_SIGNING_DIR=SIGNING_DIR, LAYANAN_SITE_URL="https://layanan.test")
class DocumentTestCase(BaseTestCase):
    """siti applies; budi approves both steps (and signs for Disdukcapil); charlie is an
    officer of another agency; agus is another citizen."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with override_settings(LAYANAN_SIGNING_DIR=SIGNING_DIR):
            keys.ensure_demo_certificates(now=timezone.now(), region="Kabupaten Contoh")

    def completed(self, citizen: Any = None) -> Application:
        application = self.submitted(citizen)
        for key in ("verifikasi", "terbit"):
            application = actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
                note="",
            )
        application.refresh_from_db()
        return application

    def issued(self, citizen: Any = None) -> IssuedDocument:
        """A completed application's product, after the worker's pass."""
        application = self.completed(citizen)
        issuing.run()
        return IssuedDocument.objects.get(application=application)

    def download(self, document: IssuedDocument, user: Any = None) -> bytes:
        self.login(user or self.siti)
        response = self.client.get(f"/dokumen/{document.code}/unduh/")
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def token(self, username: str) -> str:
        """A bearer token, as `POST /api/v1/auth/token` gives it (officers with their code)."""
        response = self.client.post(
            "/api/v1/auth/token",
            {"username": username, "password": PASSWORD, "otp": otp_for(username)},
            content_type="application/json",
        )
        return str(response.json()["token"])

    def root_pem(self) -> bytes:
        response = self.client.get("/verifikasi/sertifikat/root.pem")
        self.assertEqual(response.status_code, 200)
        return response.content


def one_byte_changed(content: bytes) -> bytes:
    """The same file with one byte of the page's text changed (still a readable PDF)."""
    at = content.index(b"stream\n") + 40
    changed = bytearray(content)
    changed[at] = changed[at] ^ 0x01
    return bytes(changed)
