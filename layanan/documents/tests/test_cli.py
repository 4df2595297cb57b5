"""`layanan documents verify FILE.pdf`: offline, against the published roots; exit 0 valid."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from layanan.documents import signing
from layanan.documents.tests.helpers import DocumentTestCase, one_byte_changed


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
