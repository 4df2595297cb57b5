"""`layanan demo --port N`: the samples' signed documents carry the address of the server the
command starts (their verification link is printed in the PDF for good). The walkthrough found
them pointing at port 8000 while the demo ran on another port."""

from __future__ import annotations

import io
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from pypdf import PdfReader

from layanan.documents.models import IssuedDocument


class DemoPortTests(TestCase):
    @override_settings(LAYANAN_SITE_URL="http://127.0.0.1:8000")
    def test_the_samples_documents_link_to_the_demo_servers_port(self) -> None:
        with (
            mock.patch.dict("os.environ", {"LAYANAN_SITE_URL": ""}),
            mock.patch("layanan.portal.management.commands.demo.run_together", return_value=0),
            mock.patch("sys.stdout", new_callable=io.StringIO),
            self.assertRaises(SystemExit),  # it exits with the servers' status
        ):
            call_command("demo", port=8791, stdout=io.StringIO())
        document = IssuedDocument.objects.filter(state="issued").first()
        assert document is not None, "the demo signs its completed samples' products"
        with document.file.open("rb") as stored:
            text = "".join(page.extract_text() for page in PdfReader(stored).pages)
        self.assertIn("127.0.0.1:8791/verifikasi/", text)
        self.assertNotIn("127.0.0.1:8000", text)
