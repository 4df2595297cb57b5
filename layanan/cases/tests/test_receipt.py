"""The citizen's receipt after submitting online: never "Tenggat —", always the fee.

siti applies for a birth certificate (free, 3 working days counted from the moment the file is
complete); budi verifies the file.
"""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases.actions import act_on_step
from layanan.cases.models import Application
from layanan.cases.tests.test_api import ANSWERS, PDF
from layanan.test import BaseTestCase, charter_content

# The declaration on the check page (ticked; ignored where the page has none).
DECLARED = {"declaration": "on"}


class ReceiptTests(BaseTestCase):
    def submit_as_siti(self) -> Application:
        self.login(self.siti)
        self.client.post("/layanan/akta-kelahiran/ajukan/")
        application = Application.objects.get(applicant=self.siti)
        base = f"/permohonan/{application.number}"
        self.client.post(f"{base}/isian/data/", ANSWERS)
        self.client.post(
            f"{base}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        response = self.client.post(f"{base}/periksa/", DECLARED)
        self.assertRedirects(response, f"{base}/tanda-terima/", fetch_redirect_response=False)
        application.refresh_from_db()
        return application

    def row(self, page: str, key: str) -> str:
        found = re.search(
            rf'<dt class="govuk-summary-list__key">{key}</dt>'
            r'<dd class="govuk-summary-list__value">(.*?)</dd>',
            page,
            re.S,
        )
        return found.group(1) if found else ""

    def test_before_the_file_is_complete_it_says_how_the_clock_will_run(self) -> None:
        application = self.submit_as_siti()
        self.assertIsNone(application.due_at)
        page = self.client.get(f"/permohonan/{application.number}/tanda-terima/").content.decode()
        self.assertNotIn("Tenggat", page)
        self.assertNotIn("—", self.row(page, "Jangka waktu pelayanan"))
        self.assertIn("3 hari kerja", self.row(page, "Jangka waktu pelayanan"))
        self.assertIn("Gratis", self.row(page, "Biaya"))
        self.assertIn("pungutan liar", self.row(page, "Biaya"))
        self.assertNotIn("Diajukan di loket", page)

    def test_once_the_file_is_complete_it_shows_the_due_date(self) -> None:
        application = self.submit_as_siti()
        step = application.steps.get(key="verifikasi")
        act_on_step(application=application, step=step, officer=self.budi, action="approve")
        application.refresh_from_db()
        self.assertIsNotNone(application.due_at)
        page = self.client.get(f"/permohonan/{application.number}/tanda-terima/").content.decode()
        due = self.row(page, "Tenggat")
        self.assertRegex(due, r"\d{1,2} \w+ \d{4}")
        self.assertNotIn("—", due.split("<br>")[0])
        self.assertNotIn("Jangka waktu pelayanan", page)

    def test_the_fee_of_the_charter_is_stated(self) -> None:
        self.adopt(
            self.akta,
            charter_content(fee={"amount": 75000, "legal_basis": "Perda Kabupaten Contoh 1/2024"}),
        )
        application = self.submit_as_siti()
        page = self.client.get(f"/permohonan/{application.number}/tanda-terima/").content.decode()
        self.assertIn("Rp75.000", self.row(page, "Biaya"))
        self.assertIn("pungutan liar", self.row(page, "Biaya"))
