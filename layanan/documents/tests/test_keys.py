"""Publishing the certificates never opens a private key; key files and their folder stay
the service's own."""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from layanan.documents import keys
from layanan.documents.tests.helpers import SIGNING_DIR, DocumentTestCase


class PublishingTests(DocumentTestCase):
    def test_the_certificates_pages_never_open_a_private_key(self):
        keys.cached_signer.cache_clear()
        with mock.patch(
            "layanan.documents.keys.signing.load_signer", side_effect=AssertionError("key opened")
        ):
            page = self.client.get("/verifikasi/sertifikat/")
            pem = self.client.get("/verifikasi/sertifikat/disdukcapil.pem")
        self.assertContains(page, "Dinas Kependudukan dan Pencatatan Sipil")
        self.assertEqual(pem.status_code, 200)
        self.assertIn(b"BEGIN CERTIFICATE", pem.content)
        self.assertNotIn(b"PRIVATE", pem.content)

    def test_a_key_file_readable_by_others_is_refused_with_the_reason(self):
        copy = Path(tempfile.mkdtemp(prefix="layanan-keys-")) / "disdukcapil.p12"
        shutil.copy(Path(SIGNING_DIR) / "disdukcapil.p12", copy)
        os.chmod(copy, 0o644)
        passphrase = (Path(SIGNING_DIR) / "disdukcapil.passphrase").read_text().strip()
        environment = {
            "LAYANAN_SIGNING_P12_DISDUKCAPIL": str(copy),
            "LAYANAN_SIGNING_PASSPHRASE_DISDUKCAPIL": passphrase,
        }
        out = io.StringIO()
        with mock.patch.dict(os.environ, environment), self.assertRaises(SystemExit):
            call_command("documents", "certificates", stdout=out)
        self.assertIn("readable by group or others: chmod 600", out.getvalue())

    def test_an_existing_keys_folder_is_made_owner_only(self):
        folder = tempfile.mkdtemp(prefix="layanan-signing-open-")
        os.chmod(folder, 0o755)  # noqa: S103 (the mistake being corrected)
        with override_settings(LAYANAN_SIGNING_DIR=folder):
            keys.ensure_demo_certificates(now=timezone.now(), region="Kabupaten Contoh")
        self.assertEqual(stat.S_IMODE(os.stat(folder).st_mode), 0o700)
        self.assertTrue((Path(folder) / "disdukcapil.crt.pem").is_file())
