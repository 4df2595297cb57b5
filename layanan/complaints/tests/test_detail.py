"""/pengaduan/<number>/: the complainant's full view (signed in, or with the key of the
private link), the public view, nothing at all of a confidential complaint for anyone else,
and completing an incomplete complaint."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.complaints import actions
from layanan.complaints.models import Status
from layanan.complaints.sweep import run as sweep
from layanan.complaints.tests.web import ComplaintPageTestCase
from layanan.test import PDF

CONTACT = {"contact_name": "Tono Sugiarto", "contact_email": "tono@example.test"}


class PublicViewTests(ComplaintPageTestCase):
    def test_the_public_reads_status_and_answers_never_the_contact(self) -> None:
        complaint, _key = self.file(complainant=None, **CONTACT)
        actions.verify_complaint(complaint=complaint, officer=self.ani, note="Kami periksa.")
        response = self.client.get(f"/pengaduan/{complaint.number}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertContains(response, "Kami periksa.")
        self.assertContains(response, "Petugas meminta uang")
        self.assertContains(response, "Batas waktu")
        self.assertNotContains(response, "tono@example.test")
        self.assertNotContains(response, "Hanya untuk Anda")

    def test_an_anonymous_complaint_shows_no_identity(self) -> None:
        complaint, _key = self.file(privacy="anonim", loss="Setengah hari kerja.")
        self.login(self.agus)
        response = self.client.get(f"/pengaduan/{complaint.number}/")
        self.assertEqual(response.status_code, 200)
        for personal in ("Siti Rahayu", "siti@example.test", "Setengah hari kerja."):
            self.assertNotContains(response, personal)

    def test_a_confidential_complaint_does_not_exist_for_anyone_else(self) -> None:
        complaint, _key = self.file(privacy="rahasia")
        url = f"/pengaduan/{complaint.number}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.agus)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.charlie)  # an officer of another agency
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.siti)
        self.assertContains(self.client.get(url), "pengaduan rahasia Anda")
        self.login(self.ani)  # she handles it
        self.assertEqual(self.client.get(url).status_code, 200)
        # siti reads that the unit looked at her confidential complaint, not that she did
        from layanan.accounts.models import DataAccess

        reads = DataAccess.objects.filter(citizen=self.siti, place="office_complaint")
        self.assertEqual(list(reads.values_list("reader__username", flat=True)), ["ani"])

    def test_an_unknown_or_malformed_number_is_404(self) -> None:
        self.assertEqual(self.client.get("/pengaduan/PGD-AAAA-AAAA-AA/").status_code, 404)
        self.assertEqual(self.client.get("/pengaduan/bukan-nomor/").status_code, 404)


class ComplainantViewTests(ComplaintPageTestCase):
    def test_the_signed_in_complainant_sees_her_whole_complaint(self) -> None:
        complaint, _key = self.file(privacy="anonim", loss="Setengah hari kerja.", remedy="Maaf.")
        self.login(self.siti)
        response = self.client.get(f"/pengaduan/{complaint.number}/")
        self.assertContains(response, "Hanya untuk Anda")
        self.assertContains(response, "Setengah hari kerja.")
        self.assertContains(response, "siti@example.test")

    def test_the_key_opens_the_complaint_and_stays_in_the_session_not_the_address(self) -> None:
        complaint, key = self.file(complainant=None, privacy="rahasia", **CONTACT)
        url = f"/pengaduan/{complaint.number}/"
        response = self.client.get(f"{url}?kunci={key}")
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "tono@example.test")
        self.assertNotContains(page, key)
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        # another browser without the key: nothing
        self.client.cookies.clear()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_wrong_key_opens_nothing_more(self) -> None:
        complaint, _key = self.file(complainant=None, **CONTACT)
        url = f"/pengaduan/{complaint.number}/"
        response = self.client.get(f"{url}?kunci=salah", follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "tono@example.test")
        secret, _key = self.file(complainant=None, privacy="rahasia")
        self.assertEqual(
            self.client.get(f"/pengaduan/{secret.number}/?kunci=salah").status_code, 404
        )


class CompletionTests(ComplaintPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.complaint, self.key = self.file(complainant=None, **CONTACT)
        actions.request_completion(
            complaint=self.complaint, officer=self.ani, note="Lampirkan kuitansinya."
        )
        self.url = f"/pengaduan/{self.complaint.number}/"

    def test_the_complainant_completes_it_with_a_note_and_a_file(self) -> None:
        self.client.get(f"{self.url}?kunci={self.key}")
        page = self.client.get(self.url)
        self.assertContains(page, "Lengkapi pengaduan Anda")
        self.assertContains(page, "Lampirkan kuitansinya.")
        response = self.client.post(
            f"{self.url}lengkapi/",
            {"note": "Ini kuitansinya.", "attachments": [SimpleUploadedFile("k.pdf", PDF)]},
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.status, Status.RECEIVED)
        self.assertEqual(self.complaint.attachments.get().original_name, "k.pdf")

    def test_an_empty_note_is_refused_and_nothing_changes(self) -> None:
        self.client.get(f"{self.url}?kunci={self.key}")
        response = self.client.post(f"{self.url}lengkapi/", {"note": " "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Tuliskan apa yang diminta instansi", status_code=400)
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.status, Status.INCOMPLETE)

    def test_nobody_else_completes_it(self) -> None:
        self.assertEqual(self.client.post(f"{self.url}lengkapi/", {"note": "x"}).status_code, 404)
        self.login(self.ani)  # the officer handling it reads it, but does not complete it
        self.assertNotContains(self.client.get(self.url), "Lengkapi pengaduan Anda")
        self.assertEqual(self.client.post(f"{self.url}lengkapi/", {"note": "x"}).status_code, 404)
        self.assertEqual(self.client.get(f"{self.url}lengkapi/").status_code, 405)
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.status, Status.INCOMPLETE)


class MissedDeadlineTests(ComplaintPageTestCase):
    def test_a_missed_time_limit_shows_on_the_public_page(self) -> None:
        monday = dt.datetime(2027, 6, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        with time_machine.travel(monday, tick=False):
            complaint, _key = self.file()
        sweep(monday + dt.timedelta(days=7))
        with time_machine.travel(monday + dt.timedelta(days=7), tick=False):
            response = self.client.get(f"/pengaduan/{complaint.number}/")
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--red">Terlewati</strong>')
        self.assertEqual(complaint.deadlines.filter(breached_at__isnull=False).count(), 1)


class AttachmentTests(ComplaintPageTestCase):
    def test_the_complainant_downloads_her_files_and_nobody_else_does(self) -> None:
        complaint, key = actions.file_complaint(
            filing=actions.Filing(category=self.pungli, description="Ini kuitansi pungutannya."),
            complainant=None,
            attachments=[SimpleUploadedFile("kuitansi.pdf", PDF)],
        )
        attachment = complaint.attachments.get()
        url = f"/pengaduan/{complaint.number}/lampiran/{attachment.pk}/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.get(f"/pengaduan/{complaint.number}/?kunci={key}")
        self.assertContains(self.client.get(f"/pengaduan/{complaint.number}/"), url)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        other, _key = self.file()
        self.assertEqual(
            self.client.get(f"/pengaduan/{other.number}/lampiran/{attachment.pk}/").status_code,
            404,
        )
