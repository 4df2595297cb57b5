"""The complaint's back-office page: who may open it, the confidentiality banner and the
access log, attachments, deadlines, the timeline, and the application's page listing its
complaints."""

from __future__ import annotations

import datetime as dt

import time_machine

from layanan.accounts.models import DataAccess
from layanan.complaints.models import Privacy
from layanan.complaints.sweep import run as sweep
from layanan.complaints.tests.office import OfficeTestCase


class DetailPageTests(OfficeTestCase):
    def test_the_handling_unit_reads_everything(self) -> None:
        complaint = self.file(
            address="Loket 3, Mal Pelayanan Publik",
            loss="Rp50.000",
            remedy="Uang dikembalikan",
            attachment=True,
        )
        self.login(self.budi)
        response = self.client.get(self.page(complaint))
        self.assertEqual(response.status_code, 200)
        for text in (
            "Petugas loket meminta uang Rp50.000.",
            "Loket 3, Mal Pelayanan Publik",
            "Uang dikembalikan",
            "Siti Rahayu",
            "siti@example.test",
            "kuitansi.pdf",
        ):
            self.assertContains(response, text)
        # the running verification limit, and every action open at "received"
        self.assertContains(response, "govuk-tag--blue")
        for action in ("verifikasi", "kelengkapan", "tolak", "duplikat", "lapor", "tanggapan"):
            self.assertContains(response, f"/tindakan/{action}/")
        self.assertNotContains(response, "/tindakan/selesai/")
        self.assertNotContains(response, 'id="rahasia"')
        # a public complaint's complainant chose to be named: no read is recorded
        self.assertFalse(DataAccess.objects.filter(reader=self.budi).exists())

    def test_a_confidential_complainant_is_shown_under_a_banner_and_the_look_is_logged(
        self,
    ) -> None:
        for privacy in (Privacy.ANONYMOUS, Privacy.CONFIDENTIAL):
            complaint = self.file(privacy=privacy)
            self.login(self.budi)
            response = self.client.get(self.page(complaint))
            self.assertContains(response, 'id="rahasia"')
            self.assertContains(response, "Siti Rahayu")
            read = DataAccess.objects.filter(
                reader=self.budi, citizen=self.siti, place="office_complaint"
            ).latest("id")
            self.assertIn(complaint.number, read.what)
        # siti sees the reads on her own page
        self.login(self.siti)
        page = self.client.get("/profil/akses/")
        self.assertContains(page, "Disdukcapil")  # the agency, not the officer's name
        self.assertNotContains(page, "Budi Santoso")

    def test_another_agency_gets_404_a_citizen_403_a_visitor_the_sign_in(self) -> None:
        complaint = self.file(privacy=Privacy.CONFIDENTIAL)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.page(complaint)).status_code, 404)
        self.login(self.siti)  # the complainant herself: her page is /pengaduan/<number>/
        self.assertEqual(self.client.get(self.page(complaint)).status_code, 403)
        self.client.logout()
        response = self.client.get(self.page(complaint))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/masuk/"))
        self.assertFalse(DataAccess.objects.exists())

    def test_an_unknown_or_malformed_number_is_404(self) -> None:
        self.login(self.budi)
        self.assertEqual(self.client.get("/kantor/pengaduan/PGD-0000-0000-00/").status_code, 404)
        self.assertEqual(self.client.get("/kantor/pengaduan/bukan-nomor/").status_code, 404)

    def test_a_missed_deadline_is_shown_as_missed(self) -> None:
        start = dt.datetime(2027, 6, 7, 2, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            complaint = self.file()
        with time_machine.travel(start + dt.timedelta(days=10), tick=False):
            sweep()
            self.login(self.budi)
            response = self.client.get(self.page(complaint))
        self.assertContains(response, "govuk-tag--red")
        self.assertContains(response, "lyn-marker--late")


class AttachmentTests(OfficeTestCase):
    def test_the_unit_downloads_it_never_inline(self) -> None:
        complaint = self.file(attachment=True, privacy=Privacy.ANONYMOUS)
        attachment = complaint.attachments.get()
        url = f"{self.page(complaint)}lampiran/{attachment.pk}/"
        self.login(self.budi)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertTrue(b"".join(response.streaming_content).startswith(b"%PDF"))  # type: ignore[attr-defined]
        self.assertTrue(
            DataAccess.objects.filter(reader=self.budi, what__contains="kuitansi.pdf").exists()
        )

    def test_others_and_other_complaints_attachments_are_404(self) -> None:
        complaint = self.file(attachment=True)
        other = self.file()
        attachment = complaint.attachments.get()
        self.login(self.charlie)
        url = f"{self.page(complaint)}lampiran/{attachment.pk}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.budi)
        elsewhere = f"{self.page(other)}lampiran/{attachment.pk}/"
        self.assertEqual(self.client.get(elsewhere).status_code, 404)


class ApplicationPageTests(OfficeTestCase):
    def test_the_step_page_lists_the_applications_complaints_but_not_confidential_ones(
        self,
    ) -> None:
        application = self.submitted()
        public = self.file(category=self.umum, application_number=application.number)
        secret = self.file(
            category=self.umum,
            application_number=application.number,
            privacy=Privacy.CONFIDENTIAL,
        )
        self.login(self.budi)
        page = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        self.assertContains(page, 'id="pengaduan-permohonan"')
        self.assertContains(page, f"/kantor/pengaduan/{public.number}/")
        self.assertNotContains(page, secret.number)

    def test_no_box_without_complaints(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        page = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        self.assertNotContains(page, 'id="pengaduan-permohonan"')
