"""Filing a complaint through /pengaduan/baru/: signed in or not, bad input, the field robots
fill, the per-address limit, attachments, and the similar complaints shown before sending."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from layanan.complaints.models import Attachment, Category, Complaint, ComplaintEvent
from layanan.complaints.tests.web import FORM, ComplaintPageTestCase
from layanan.test import PDF


class FilingFormTests(ComplaintPageTestCase):
    def test_the_form_lists_each_agencys_topics_and_asks_for_contact_details(self) -> None:
        response = self.client.get(FORM)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<optgroup label="Dinas Kependudukan dan Pencatatan Sipil">')
        self.assertContains(response, 'value="disdukcapil.pungli"')
        self.assertContains(response, 'value="dpmptsp.umum"')
        for name in ("contact_name", "contact_email", "contact_phone", "latitude", "attachments"):
            self.assertContains(response, f'name="{name}"')
        self.assertContains(response, 'name="website"')  # the field robots fill
        self.assertContains(response, 'type="file" name="attachments" multiple')
        # the three privacy choices, each explained
        for value in ("publik", "anonim", "rahasia"):
            self.assertContains(response, f'value="{value}"')

    def test_a_charter_page_link_presets_the_topic_and_the_service(self) -> None:
        response = self.client.get(f"{FORM}?kategori=disdukcapil.pungli&layanan=akta-kelahiran")
        self.assertContains(response, '<option value="disdukcapil.pungli" selected>')
        self.assertContains(response, 'name="service" value="akta-kelahiran"')
        self.assertContains(response, "Akta Kelahiran")

    def test_an_agency_without_topics_gets_the_built_in_ones(self) -> None:
        Category.objects.filter(agency=self.dpmptsp).delete()
        self.client.get(FORM)
        codes = set(Category.objects.filter(agency=self.dpmptsp).values_list("code", flat=True))
        self.assertEqual(codes, {"pungli", "umum"})

    def test_a_signed_in_citizen_files_as_herself(self) -> None:
        self.login(self.siti)
        response = self.client.get(FORM)
        self.assertNotContains(response, 'name="contact_email"')
        response = self.client.post(FORM, self.form_data(contact_email=None))
        complaint = Complaint.objects.get()
        self.assertRedirects(response, f"/pengaduan/{complaint.number}/tanda-terima/")
        self.assertEqual(complaint.complainant, self.siti)
        self.assertEqual(complaint.contact_email, "")  # not asked: her account has it
        self.assertEqual(complaint.channel, "online")


class AnonymousFilingTests(ComplaintPageTestCase):
    def test_filing_without_an_account_keeps_the_contact_and_shows_the_key_once(self) -> None:
        response = self.client.post(
            FORM,
            self.form_data(
                kind="aspirasi",
                address="Loket 3, Kantor Disdukcapil",
                latitude="-7.566200",
                longitude="110.816700",
                happened_on="27-11-2026",
                loss="Setengah hari kerja.",
                remedy="Uang dikembalikan.",
                compensation_claimed="Rp 50.000",
                service="akta-kelahiran",
            ),
        )
        complaint = Complaint.objects.get()
        receipt = f"/pengaduan/{complaint.number}/tanda-terima/"
        self.assertRedirects(response, receipt, fetch_redirect_response=False)
        self.assertIsNone(complaint.complainant)
        self.assertEqual(
            (complaint.kind, complaint.contact_name, complaint.contact_email),
            ("aspirasi", "Tono Sugiarto", "tono@example.test"),
        )
        self.assertEqual(complaint.compensation_claimed, 50000)
        self.assertEqual(str(complaint.latitude), "-7.566200")
        self.assertEqual(str(complaint.happened_on), "2026-11-27")
        self.assertEqual(complaint.service, self.akta)
        page = self.client.get(receipt)
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        self.assertContains(page, complaint.number)
        self.assertContains(page, f"/pengaduan/{complaint.number}/?kunci=")
        self.assertContains(page, "3 hari kerja")  # what happens next, with the limits
        # shown once: a second look has no key, but this browser still opens the complaint
        again = self.client.get(receipt)
        self.assertEqual(again.status_code, 200)
        self.assertNotContains(again, "?kunci=")
        self.assertContains(self.client.get(f"/pengaduan/{complaint.number}/"), "Tono Sugiarto")

    def test_another_browser_cannot_open_the_receipt(self) -> None:
        self.client.post(FORM, self.form_data(privacy="rahasia"))
        number = Complaint.objects.get().number
        self.client.logout()
        self.client.cookies.clear()
        self.assertEqual(self.client.get(f"/pengaduan/{number}/tanda-terima/").status_code, 404)

    def test_bad_input_is_answered_400_next_to_each_field_and_nothing_is_written(self) -> None:
        response = self.client.post(
            FORM,
            self.form_data(
                kind="keluhan",
                category="tidak-ada.pungli",
                description="",
                latitude="-7.5",
                compensation_claimed="lima puluh ribu",
                contact_email="bukan-email",
                happened_on="31-02-2026",
            ),
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)
        for message in (
            "Pilih apakah ini pengaduan, aspirasi, atau permintaan informasi",
            "Pilih instansi dan topik pengaduan Anda",
            "Tuliskan apa yang terjadi",
            "Isi lintang dan bujur sekaligus, atau kosongkan keduanya",
            "Tuliskan jumlah dalam rupiah hanya dengan angka",
            "Masukkan alamat email seperti nama@contoh.id",
            "Tuliskan tanggal sebagai hari-bulan-tahun",
        ):
            self.assertContains(response, message, status_code=400)
        self.assertFalse(Complaint.objects.exists())

    def test_the_actions_refusals_land_next_to_their_fields(self) -> None:
        response = self.client.post(
            FORM,
            self.form_data(description="Pungli", contact_phone="12", application_number="7KQ4"),
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_application_number_error"', status_code=400)
        self.assertFalse(Complaint.objects.exists())
        response = self.client.post(FORM, self.form_data(description="Pungli", contact_phone="12"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_description_error"', status_code=400)
        self.assertContains(response, 'id="id_contact_phone_error"', status_code=400)
        self.assertFalse(Complaint.objects.exists())

    def test_the_field_robots_fill_refuses_the_complaint(self) -> None:
        response = self.client.post(FORM, self.form_data(website="http://spam.example"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Kosongkan", status_code=400)
        self.assertFalse(Complaint.objects.exists())

    @override_settings(LAYANAN_COMPLAINT_ADDRESS_LIMIT=2)
    def test_one_address_files_a_few_complaints_an_hour_without_an_account(self) -> None:
        for place in ("Loket 1", "Loket 2"):
            response = self.client.post(FORM, self.form_data(address=place))
            self.assertEqual(response.status_code, 302)
        refused = self.client.post(FORM, self.form_data(address="Loket 3"))
        self.assertEqual(refused.status_code, 429)
        self.assertGreater(int(refused["Retry-After"]), 0)
        self.assertContains(refused, "Terlalu banyak percobaan", status_code=429)
        self.assertEqual(Complaint.objects.count(), 2)
        # another address is not affected, and a signed-in citizen is not counted
        other = self.client.post(FORM, self.form_data(address="Loket 4"), REMOTE_ADDR="203.0.113.9")
        self.assertEqual(other.status_code, 302)
        self.login(self.siti)
        self.assertEqual(self.client.post(FORM, self.form_data(address="Loket 5")).status_code, 302)

    @override_settings(LAYANAN_COMPLAINT_ADDRESS_LIMIT=1)
    def test_refused_input_does_not_count_against_the_limit(self) -> None:
        self.client.post(FORM, self.form_data(description="Pungli"))  # refused by the action
        self.assertEqual(self.client.post(FORM, self.form_data()).status_code, 302)

    def test_several_files_are_attached_and_a_wrong_one_refuses_the_complaint(self) -> None:
        files = [SimpleUploadedFile("kuitansi.pdf", PDF), SimpleUploadedFile("surat.pdf", PDF)]
        response = self.client.post(FORM, {**self.form_data(), "attachments": files})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            sorted(Attachment.objects.values_list("original_name", flat=True)),
            ["kuitansi.pdf", "surat.pdf"],
        )
        bad = SimpleUploadedFile("foto.pdf", b"not a pdf at all")
        response = self.client.post(FORM, {**self.form_data(), "attachments": [bad]})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_attachments_error"', status_code=400)
        self.assertEqual(Complaint.objects.count(), 1)


class SimilarComplaintsTests(ComplaintPageTestCase):
    def test_recent_complaints_about_the_same_service_are_shown_before_sending(self) -> None:
        earlier, _key = self.file(service=self.akta)
        data = self.form_data(service="akta-kelahiran")
        response = self.client.post(FORM, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, earlier.number)
        self.assertContains(response, 'name="confirmed" value="on"')
        self.assertEqual(Complaint.objects.count(), 1)  # nothing written yet
        # changing it brings the form back, filled in
        back = self.client.post(FORM, {**data, "confirmed": "on", "langkah": "ubah"})
        self.assertEqual(back.status_code, 200)
        self.assertContains(back, "Petugas loket meminta uang")
        self.assertEqual(Complaint.objects.count(), 1)
        # sending it anyway files it
        sent = self.client.post(FORM, {**data, "confirmed": "on"})
        self.assertEqual(sent.status_code, 302)
        self.assertEqual(Complaint.objects.count(), 2)

    def test_a_confidential_complaint_is_never_suggested(self) -> None:
        self.file(service=self.akta, privacy="rahasia")
        response = self.client.post(FORM, self.form_data(service="akta-kelahiran"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Complaint.objects.count(), 2)
        self.assertEqual(ComplaintEvent.objects.filter(kind="filed").count(), 2)
