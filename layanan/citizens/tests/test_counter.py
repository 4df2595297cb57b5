"""The counter: a front-office officer files an application for a walk-in citizen and prints
the receipt.

budi is the front-office officer of the Disdukcapil counter (and processes its steps); dewi is
another front-office officer of the same counter; siti is a citizen with an account; Tono is a
walk-in citizen with only a phone number.
"""

from __future__ import annotations

import ast
import inspect
import re

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.actions import CaseError, act_on_step
from layanan.cases.models import Application, Event
from layanan.cases.tests.test_api import ANSWERS, PDF
from layanan.charters.models import Service
from layanan.citizens import views_counter
from layanan.citizens.actions import file_at_counter
from layanan.test import BaseTestCase, charter_content

TONO = {
    "service": "akta-kelahiran",
    "contact": "0812 9999 0000",
    "full_name": "Tono Sugiarto",
    "nik": "3399011203800003",
}

# The declaration on the check page (ticked; ignored where the page has none).
DECLARED = {"declaration": "on"}


class CounterTestCase(BaseTestCase):
    dewi: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)
        cls.dewi = cls.make_user("dewi", "Dewi Lestari")
        OfficerRole.objects.create(user=cls.dewi, unit=cls.loket, role=Role.FRONT_OFFICE)

    def setUp(self) -> None:
        self.login(self.budi)

    def start(self, data: dict[str, str]) -> Application:
        response = self.client.post("/kantor/loket/", data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        return Application.objects.get(number=response["Location"].split("/")[2])

    def fill_and_submit(self, application: Application) -> str:
        """Answers, the document and submission, as the officer; returns where it lands."""
        base = f"/permohonan/{application.number}"
        self.assertEqual(self.client.post(f"{base}/isian/data/", ANSWERS).status_code, 302)
        upload = {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)}
        self.assertEqual(self.client.post(f"{base}/dokumen/", upload).status_code, 302)
        response = self.client.post(f"{base}/periksa/", DECLARED)
        self.assertEqual(response.status_code, 302)
        return response["Location"]


class CounterFormTests(CounterTestCase):
    def test_only_front_office_officers_open_the_counter(self) -> None:
        self.assertEqual(self.client.get("/kantor/loket/").status_code, 200)
        self.login(self.charlie)
        self.assertEqual(self.client.get("/kantor/loket/").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/kantor/loket/").status_code, 302)

    def test_filing_for_an_existing_citizen_found_by_email(self) -> None:
        application = self.start({"service": "akta-kelahiran", "contact": "SITI@example.test"})
        self.assertEqual(application.applicant, self.siti)
        self.assertEqual((application.channel, application.filed_by), ("loket", self.budi))
        created = Event.objects.get(application=application, kind="created")
        self.assertEqual(created.actor, self.budi)

    def test_a_name_typed_for_an_existing_account_is_not_used_and_the_officer_is_told(
        self,
    ) -> None:
        response = self.client.post(
            "/kantor/loket/",
            {
                "service": "akta-kelahiran",
                "contact": "siti@example.test",
                "full_name": "Orang Lain",
                "nik": "3399011203800003",
            },
            follow=True,
        )
        self.assertContains(response, "Sudah ada akun dengan kontak ini, atas nama Siti")
        siti = User.objects.get(pk=self.siti.pk)
        self.assertEqual(siti.full_name, self.siti.full_name)
        self.assertEqual(Application.objects.get().applicant, siti)
        # the same contact without anything typed for a new account: no warning
        quiet = self.client.post(
            "/kantor/loket/",
            {"service": "akta-kelahiran", "contact": "siti@example.test"},
            follow=True,
        )
        self.assertNotContains(quiet, "Sudah ada akun dengan kontak ini")

    def test_a_new_phone_only_citizen_gets_one_account_whatever_the_writing(self) -> None:
        application = self.start(TONO)
        tono = User.objects.get(phone="+6281299990000")
        self.assertEqual(application.applicant, tono)
        self.assertEqual((tono.full_name, tono.email), ("Tono Sugiarto", ""))
        self.assertEqual(tono.profile.nik, "3399011203800003")
        self.assertFalse(tono.has_usable_password())
        # The next visit, the number written another way finds the same citizen.
        again = self.start({"service": "akta-kelahiran", "contact": "+62 812-9999-0000"})
        self.assertEqual(again.applicant, tono)
        self.assertEqual(User.objects.filter(full_name="Tono Sugiarto").count(), 1)

    def test_errors_name_the_field_and_change_nothing(self) -> None:
        cases: tuple[tuple[dict[str, str], list[str]], ...] = (
            ({}, ["Pilih layanan yang dimohon warga", "Masukkan alamat email atau nomor HP warga"]),
            (
                {"service": "tidak-ada", "contact": "siti@example.test"},
                ["Pilih layanan yang dimohon warga"],
            ),
            (
                {"service": "akta-kelahiran", "contact": "bukan kontak"},
                ["Masukkan alamat email warga, atau nomor HP seperti 0812 3456 7890"],
            ),
            (
                {"service": "akta-kelahiran", "contact": "siti@"},
                ["Masukkan alamat email warga dengan format yang benar"],
            ),
            (
                {"service": "akta-kelahiran", "contact": "0812 9999 0000"},
                ["Masukkan nama lengkap warga: belum ada akun dengan alamat email atau nomor HP"],
            ),
            (
                {**TONO, "nik": "1"},
                ["NIK"],
            ),
        )
        for data, messages in cases:
            with self.subTest(data=data):
                response = self.client.post("/kantor/loket/", data)
                self.assertEqual(response.status_code, 400)
                page = response.content.decode()
                self.assertIn("Kesalahan:", page)
                self.assertNotIn("Kolom ini wajib diisi", page)
                for message in messages:
                    self.assertIn(message, page)
        self.assertFalse(Application.objects.exists())
        self.assertFalse(User.objects.filter(phone="+6281299990000").exists())

    def test_an_email_two_accounts_share_names_nobody(self) -> None:
        for name in ("kembar1", "kembar2"):
            User.objects.create_user(username=name, email="kembar@example.test", full_name=name)
        response = self.client.post(
            "/kantor/loket/",
            {"service": "akta-kelahiran", "contact": "kembar@example.test", "full_name": "Baru"},
        )
        self.assertContains(
            response, "Lebih dari satu akun memakai alamat email ini", status_code=400
        )
        self.assertFalse(Application.objects.exists())
        self.assertEqual(User.objects.filter(email="kembar@example.test").count(), 2)

    def test_an_officer_cannot_file_for_themselves(self) -> None:
        response = self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "contact": "budi@example.test"}
        )
        self.assertContains(response, "Ini akun Anda sendiri", status_code=400)
        self.assertFalse(Application.objects.exists())

    def test_the_filing_officer_cannot_withdraw_for_the_citizen(self) -> None:
        application = self.start({"service": "akta-kelahiran", "contact": "siti@example.test"})
        response = self.client.post(f"/permohonan/{application.number}/tarik/")
        self.assertEqual(response.status_code, 404)
        application.refresh_from_db()
        self.assertEqual(application.status, "draft")


class FileAtCounterActionTests(CounterTestCase):
    """The action is the one writer: it decides access, and it writes all or nothing."""

    def test_it_requires_a_front_office_officer(self) -> None:
        with self.assertRaises(PermissionDenied):
            file_at_counter(officer=self.charlie, service=self.akta, contact="siti@example.test")
        self.assertFalse(Application.objects.exists())

    def test_a_refused_application_leaves_no_new_account(self) -> None:
        closed = Service.objects.create(
            code="tutup",
            name="Layanan tutup",
            lead_agency=self.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["loket"],
        )
        self.adopt(closed, charter_content())
        Service.objects.filter(pk=closed.pk).update(active=False)
        closed.refresh_from_db()
        with self.assertRaises(CaseError):
            file_at_counter(
                officer=self.budi, service=closed, contact="0812 7777 0000", full_name="Tini"
            )
        self.assertFalse(User.objects.filter(phone="+6281277770000").exists())

    def test_the_view_holds_no_logic(self) -> None:
        """The view validates and calls the action: no queries on protected rows, no
        transaction, no role check, no account creation of its own."""
        tree = ast.parse(inspect.getsource(views_counter))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        self.assertNotIn("transaction", names)
        self.assertNotIn("register_citizen", names)
        self.assertNotIn("OfficerRole", names)
        self.assertNotIn("atomic", attributes)
        self.assertIn("file_at_counter", names)
        self.assertIn("ensure_front_office", attributes)


class CounterReceiptTests(CounterTestCase):
    def test_the_filing_officer_lands_on_a_printable_receipt(self) -> None:
        application = self.start(TONO)
        landing = self.fill_and_submit(application)
        self.assertEqual(landing, f"/kantor/loket/{application.number}/tanda-terima/")
        response = self.client.get(landing)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        self.assertIn(application.number, page)
        # A QR code of the public tracking page, inline SVG named for screen readers.
        tracking_url = f"http://testserver/lacak/{application.number}/"
        self.assertRegex(page, r'<svg role="img" width="\d+" height="\d+" class="lyn-qr">')
        self.assertIn(f"<title>Kode QR halaman pelacakan {tracking_url}</title>", page)
        self.assertIn(f'href="{tracking_url}"', page)
        self.assertIn("lahir.pdf", page)  # documents received
        self.assertIn("Gratis", page)
        self.assertIn("pungutan liar", page)
        self.assertIn("Budi Santoso", page)  # received by
        self.assertIn("0812-9999-0000", page)  # how the citizen signs in
        self.assertIn("http://testserver/masuk/", page)
        self.assertIn("Diajukan di loket atas nama Tono Sugiarto", page)
        self.assertIn("layanan/print.css", page)
        self.assertNotIn("Tenggat —", page)
        self.assertIn("3 hari kerja", page)  # how the clock will be counted
        self.assertIn("no-store", response["Cache-Control"])
        # The citizen's own pages stay the citizen's.
        self.assertEqual(self.client.get(f"/permohonan/{application.number}/").status_code, 404)

    def test_corrections_sent_at_the_counter_land_on_the_receipt_too(self) -> None:
        application = self.start(TONO)
        self.fill_and_submit(application)
        application.refresh_from_db()
        step = application.steps.get(key="verifikasi")
        act_on_step(
            application=application,
            step=step,
            officer=self.budi,
            action="return",
            note="Surat lahir tidak terbaca.",
        )
        # Tono comes back to the counter; budi sends the corrections for him.
        tasks = self.client.get(f"/permohonan/{application.number}/isian/")
        self.assertContains(tasks, "Periksa dan kirim perbaikan pemohon")
        self.assertContains(tasks, "Bersama pemohon, perbaiki jawaban atau dokumen")
        response = self.client.post(f"/permohonan/{application.number}/periksa/", DECLARED)
        self.assertRedirects(response, f"/kantor/loket/{application.number}/tanda-terima/")
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")

    def test_the_fee_of_the_charter_is_stated(self) -> None:
        self.adopt(
            self.akta,
            charter_content(fee={"amount": 50000, "legal_basis": "Perda Kabupaten Contoh 1/2024"}),
        )
        application = self.start({"service": "akta-kelahiran", "contact": "siti@example.test"})
        landing = self.fill_and_submit(application)
        self.assertContains(self.client.get(landing), "Rp50.000")

    def test_nobody_else_sees_the_counter_receipt(self) -> None:
        application = self.start({"service": "akta-kelahiran", "contact": "siti@example.test"})
        url = f"/kantor/loket/{application.number}/tanda-terima/"
        self.assertEqual(self.client.get(url).status_code, 404)  # a draft has no receipt yet
        self.fill_and_submit(application)
        self.assertEqual(self.client.get(url).status_code, 200)
        for someone in (self.dewi, self.siti, self.charlie, self.ani):
            with self.subTest(someone=someone.username):
                self.login(someone)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.login(self.budi)
        self.assertEqual(
            self.client.get("/kantor/loket/ZZZZ-ZZZZ-ZZ/tanda-terima/").status_code, 404
        )


class OnBehalfTests(CounterTestCase):
    """Every page of a counter filing says whose application it is, in the third person."""

    def active_menu_item(self, page: str) -> str:
        found = re.search(r'govuk-service-navigation__item--active">\s*<a[^>]*>([^<]+)</a>', page)
        return found.group(1) if found else ""

    def test_banner_and_third_person_on_every_page(self) -> None:
        application = self.start(TONO)
        base = f"/permohonan/{application.number}"
        self.client.post(
            f"{base}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        self.client.post(f"{base}/isian/data/", ANSWERS)
        for url in (
            f"{base}/isian/",
            f"{base}/isian/data/",
            f"{base}/dokumen/",
            f"{base}/periksa/",
        ):
            with self.subTest(url=url):
                page = self.client.get(url).content.decode()
                main = page[page.index('id="main-content"') :]
                self.assertIn("Diajukan di loket atas nama Tono Sugiarto", main)
                # above everything else on the page
                self.assertLess(main.index("Diajukan di loket"), main.index("<h1"))
                self.assertNotIn("Periksa jawaban Anda", page)
                self.assertNotEqual(self.active_menu_item(page), "Permohonan saya")
        tasks = self.client.get(f"{base}/isian/").content.decode()
        self.assertIn("Periksa jawaban pemohon dan ajukan permohonan", tasks)
        check = self.client.get(f"{base}/periksa/").content.decode()
        self.assertIn("Periksa jawaban pemohon", check)
        self.assertIn("Sekarang kirim permohonan", check)
        landing = self.fill_and_submit(application)
        receipt = self.client.get(landing).content.decode()
        self.assertIn("Diajukan di loket atas nama Tono Sugiarto", receipt)
        self.assertNotEqual(self.active_menu_item(receipt), "Permohonan saya")

    def test_the_citizen_sees_no_banner_on_their_own_application(self) -> None:
        self.login(self.siti)
        self.client.post("/layanan/akta-kelahiran/ajukan/")
        application = Application.objects.get(applicant=self.siti)
        for url in ("isian/", "periksa/"):
            page = self.client.get(f"/permohonan/{application.number}/{url}").content.decode()
            self.assertNotIn("Diajukan di loket", page)
            self.assertEqual(self.active_menu_item(page), "Permohonan saya")
        self.assertContains(
            self.client.get(f"/permohonan/{application.number}/periksa/"), "Periksa jawaban Anda"
        )
