"""`layanan documents verify FILE.pdf`: offline, against the published roots; exit 0 valid."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.utils import timezone

from layanan.documents import signing
from layanan.documents.tests.helpers import SIGNING_DIR, DocumentTestCase, one_byte_changed
from layanan.test import PDF


class VerifyCommandTests(DocumentTestCase):
    def run_verify(self, content: bytes, *extra: str) -> tuple[int, str]:
        folder = Path(tempfile.mkdtemp())
        path = folder / "akta.pdf"
        path.write_bytes(content)
        out = StringIO()
        try:
            call_command("documents", "verify", str(path), *extra, stdout=out, stderr=out)
        except SystemExit as stop:
            return int(stop.code or 0), out.getvalue()
        return 0, out.getvalue()

    def test_the_issued_file_is_valid_with_the_root_downloaded_from_the_site(self):
        document = self.issued()
        content = self.download(document)
        roots = Path(tempfile.mkdtemp()) / "roots.pem"
        roots.write_bytes(self.root_pem())
        status, out = self.run_verify(content, "--roots", str(roots))
        self.assertEqual(status, 0, out)
        self.assertIn("VALID", out)
        self.assertIn("Dinas Kependudukan", out)
        status, out = self.run_verify(content)  # the site's own published roots
        self.assertEqual(status, 0, out)

    def test_one_byte_changed_is_not_valid(self):
        content = self.download(self.issued())
        status, out = self.run_verify(one_byte_changed(content))
        self.assertEqual(status, 1)
        self.assertIn("NOT VALID", out)

    def test_another_root_does_not_make_it_trusted(self):
        content = self.download(self.issued())
        other = signing.make_root(common_name="Root lain", now=timezone.now())
        roots = Path(tempfile.mkdtemp()) / "other.pem"
        roots.write_bytes(signing.pem(other.certificate))
        status, out = self.run_verify(content, "--roots", str(roots))
        self.assertEqual(status, 1)
        self.assertIn("does not chain to a trusted root", out)

    def test_an_unsigned_pdf_and_a_missing_file(self):
        from layanan.test import PDF

        status, out = self.run_verify(PDF)
        self.assertEqual(status, 1)
        self.assertIn("no signature", out)
        err = StringIO()
        with self.assertRaises(SystemExit) as stop:
            call_command("documents", "verify", "/nonexistent/x.pdf", stdout=err, stderr=err)
        self.assertEqual(stop.exception.code, 2)

    def test_certificates_lists_each_agency(self):
        out = StringIO()
        call_command("documents", "certificates", stdout=out)
        self.assertIn("disdukcapil: ", out.getvalue())
        self.assertIn("root: ", out.getvalue())

    def test_a_signer_from_the_same_root_that_is_no_agency_is_not_valid(self):
        folder = Path(SIGNING_DIR)
        key, certificate, _chain = pkcs12.load_key_and_certificates(
            (folder / "demo-root.p12").read_bytes(),
            (folder / "demo-root.passphrase").read_bytes().strip(),
        )
        assert certificate is not None
        root = signing.Identity(key=key, certificate=certificate, chain=(certificate,))  # type: ignore[arg-type]
        stranger = signing.make_signing_certificate(
            root=root, common_name="Bukan Dinas", organisation="Swasta", now=timezone.now()
        )
        p12 = Path(tempfile.mkdtemp()) / "stranger.p12"
        signing.write_private(
            p12, signing.pkcs12_bytes(stranger, passphrase=b"x", friendly_name="stranger")
        )
        content = signing.sign_pdf(
            PDF, signer=signing.load_signer(p12, b"x"), reason="x", location="x", name="x"
        )
        self.assertTrue(signing.validate(content, trust_roots=[certificate]).trusted)
        status, out = self.run_verify(content)
        self.assertEqual(status, 1, out)
        self.assertIn("Bukan Dinas", out)
        self.assertIn("is not one of the agencies' published signing certificates", out)
        agencies = Path(tempfile.mkdtemp()) / "agencies.pem"
        agencies.write_bytes(self.client.get("/verifikasi/sertifikat/disdukcapil.pem").content)
        roots = Path(tempfile.mkdtemp()) / "roots.pem"
        roots.write_bytes(self.root_pem())
        status, out = self.run_verify(
            content,
            "--roots",
            str(roots),
            "--signers",
            str(agencies),
        )
        self.assertEqual(status, 1, out)
        issued = self.download(self.issued())
        status, out = self.run_verify(
            issued,
            "--roots",
            str(roots),
            "--signers",
            str(agencies),
        )
        self.assertEqual(status, 0, out)
