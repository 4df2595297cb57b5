"""A charter's field rules, enforced on every channel with messages that name the field, and
published in the service schema (dates resolved for today)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases.models import Application
from layanan.cases.tests.test_api import PDF, ApiTestCase
from layanan.charters.models import Service
from layanan.test import charter_content

TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

FORM: list[dict[str, Any]] = [
    {"key": "nama", "label": {"id": "Nama pemilik", "en": "Owner's name"}, "type": "text"},
    {
        "key": "luas_bangunan",
        "label": {"id": "Luas lantai bangunan", "en": "Floor area"},
        "type": "number",
        "unit": "m²",
        "rules": {"min": 1, "max": 72},
    },
    {
        "key": "jumlah_kamar",
        "label": {"id": "Jumlah kamar", "en": "Number of rooms"},
        "type": "number",
        "required": False,
        "rules": {"integer": True},
    },
    {
        "key": "tanggal_pasang",
        "label": {"id": "Tanggal pemasangan", "en": "Installation date"},
        "type": "date",
        "rules": {"min": "today", "max": "+1y"},
    },
    {
        "key": "tanggal_lahir",
        "label": {"id": "Tanggal lahir", "en": "Date of birth"},
        "type": "date",
        "required": False,
        "rules": {"min": "-120y", "max": "today"},
    },
    {
        "key": "telepon",
        "label": {"id": "Nomor telepon", "en": "Phone number"},
        "type": "phone",
        "rules": {"min_length": 11, "max_length": 13},
    },
    {
        "key": "nomor_kk",
        "label": {"id": "Nomor KK", "en": "Family card number"},
        "type": "text",
        "required": False,
        "rules": {
            "pattern": "[0-9]{16}",
            "message": {
                "id": "Nomor KK terdiri atas 16 angka",
                "en": "A family card number has 16 digits",
            },
        },
    },
    {
        "key": "desain",
        "label": {"id": "Desain yang digunakan", "en": "Design"},
        "type": "select",
        "choices": [{"value": "prototipe", "label": "Prototipe"}],
    },
    {
        "key": "mbr",
        "label": {"id": "Pemilik termasuk MBR?", "en": "Is the owner low-income?"},
        "type": "select",
        "choices": [{"value": "ya", "label": "Ya"}, {"value": "tidak", "label": "Tidak"}],
    },
]
GOOD = {
    "nama": "Siti Rahayu",
    "luas_bangunan": "36",
    "tanggal_pasang": "2026-12-10",
    "telepon": "0812 3456 7890",
    "desain": "prototipe",
    "mbr": "tidak",
}


class RulesTestCase(ApiTestCase):
    pbg: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pbg = Service.objects.create(
            code="pbg",
            name="Persetujuan Bangunan Gedung",
            lead_agency=cls.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online", "loket"],
        )
        cls.adopt(
            cls.pbg,
            charter_content(
                form=FORM,
                requirements=[{"key": "ktp", "name": "KTP-el", "kind": "document"}],
            ),
        )

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(time_machine.travel(TODAY, tick=False))

    def create(self, answers: dict[str, Any], **headers: str) -> Any:
        return self.call(
            "post",
            "/api/v1/applications",
            "siti",
            json={"service": "pbg", "answers": answers},
            headers=headers,
        )


class PublishedRulesTests(RulesTestCase):
    def test_each_form_item_carries_its_rules_with_dates_resolved_for_today(self) -> None:
        form = {f["key"]: f for f in self.client.get("/api/v1/services/pbg").json()["form"]}
        self.assertEqual(form["luas_bangunan"]["rules"], {"min": 1, "max": 72})
        self.assertEqual(form["luas_bangunan"]["unit"], "m²")
        self.assertEqual(form["jumlah_kamar"]["rules"], {"integer": True})
        self.assertEqual(
            form["tanggal_pasang"]["rules"], {"min": "2026-12-01", "max": "2027-12-01"}
        )
        self.assertEqual(form["tanggal_lahir"]["rules"], {"min": "1906-12-01", "max": "2026-12-01"})
        self.assertEqual(
            form["nomor_kk"]["rules"],
            {"pattern": "[0-9]{16}", "message": "Nomor KK terdiri atas 16 angka"},
        )
        self.assertEqual(form["nama"]["rules"], {})
        english = self.client.get("/api/v1/services/pbg", headers={"Accept-Language": "en"})
        kk = next(f for f in english.json()["form"] if f["key"] == "nomor_kk")
        self.assertEqual(kk["rules"]["message"], "A family card number has 16 digits")

    def test_tomorrow_the_window_moves(self) -> None:
        with time_machine.travel(TODAY + dt.timedelta(days=1), tick=False):
            form = self.client.get("/api/v1/services/pbg").json()["form"]
        self.assertEqual(form[3]["rules"]["min"], "2026-12-02")


class DayOfFilingTests(RulesTestCase):
    def test_today_is_the_day_where_the_agency_serves(self) -> None:
        self.disdukcapil.time_zone = "Asia/Jayapura"  # WIT, two hours ahead of WIB
        self.disdukcapil.save(update_fields=["time_zone"])
        late_evening_wib = dt.datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
        with time_machine.travel(late_evening_wib, tick=False):
            form = self.client.get("/api/v1/services/pbg").json()["form"]
            refused = self.create({**GOOD, "tanggal_pasang": "2026-12-01"})
        self.assertEqual(form[3]["rules"]["min"], "2026-12-02")
        self.assertEqual(
            refused.json()["fields"],
            {"tanggal_pasang": ["Tanggal pemasangan tidak boleh sebelum hari ini"]},
        )


class ApiEnforcesRulesTests(RulesTestCase):
    def test_every_violation_is_400_with_the_field_named(self) -> None:
        response = self.create(
            {
                **GOOD,
                "luas_bangunan": "90",
                "jumlah_kamar": "2.5",
                "tanggal_pasang": "2026-11-30",
                "tanggal_lahir": "1900-01-01",
                "telepon": "0812 3456",
                "nomor_kk": "3399-0112",
            }
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["fields"],
            {
                "luas_bangunan": ["Luas lantai bangunan paling banyak 72 m²"],
                "jumlah_kamar": ["Jumlah kamar harus bilangan bulat"],
                "tanggal_pasang": ["Tanggal pemasangan tidak boleh sebelum hari ini"],
                "tanggal_lahir": ["Tanggal lahir paling awal 1 Desember 1906"],
                "telepon": [
                    "Masukkan nomor telepon dengan 10 sampai 13 angka, seperti 0812 3456 7890"
                ],
                "nomor_kk": ["Nomor KK terdiri atas 16 angka"],
            },
        )
        self.assertFalse(Application.objects.filter(service=self.pbg).exists())

    def test_messages_follow_the_language_asked_for(self) -> None:
        response = self.create(
            {**GOOD, "luas_bangunan": "0,5", "tanggal_pasang": "2028-01-01"},
            **{"Accept-Language": "en"},
        )
        self.assertEqual(
            response.json()["fields"],
            {
                "luas_bangunan": ["Floor area must be at least 1 m²"],
                "tanggal_pasang": ["Installation date must be on or before 1 December 2027"],
            },
        )

    def test_a_phone_too_short_for_the_rule_and_a_good_one_stored_once(self) -> None:
        short = self.create({**GOOD, "telepon": "021 555 1234"})  # 10 digits, rule says 11
        self.assertEqual(
            short.json()["fields"], {"telepon": ["Nomor telepon paling sedikit 11 angka"]}
        )
        created = self.create({**GOOD, "luas_bangunan": "45,5"})
        self.assertEqual(created.status_code, 201, created.content)
        application = Application.objects.get(number=created.json()["number"])
        self.assertEqual(application.answers["telepon"], "+6281234567890")
        self.assertEqual(application.answers["luas_bangunan"], "45.5")

    def test_changing_an_answer_is_checked_the_same_way(self) -> None:
        number = self.create(GOOD).json()["number"]
        response = self.call(
            "patch",
            f"/api/v1/applications/{number}",
            "siti",
            json={"answers": {"luas_bangunan": 72.5}},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["fields"],
            {"luas_bangunan": ["Luas lantai bangunan paling banyak 72 m²"]},
        )
        self.assertEqual(Application.objects.get(number=number).answers["luas_bangunan"], "36")

    def test_missing_answers_at_submission_name_each_field(self) -> None:
        number = self.create({"nama": "Siti"}).json()["number"]
        response = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        self.assertEqual(response.status_code, 400)
        fields = response.json()["fields"]
        self.assertEqual(fields["luas_bangunan"], ["Masukkan luas lantai bangunan"])
        self.assertEqual(fields["tanggal_pasang"], ["Pilih tanggal pemasangan"])
        self.assertEqual(fields["desain"], ["Pilih desain yang digunakan"])
        self.assertEqual(fields["ktp"], ["Unggah KTP-el"])
        self.assertEqual(Application.objects.get(number=number).status, "draft")


class WebEnforcesRulesTests(RulesTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.siti)
        self.client.post("/layanan/pbg/ajukan/")
        self.application = Application.objects.get(applicant=self.siti, service=self.pbg)
        self.url = f"/permohonan/{self.application.number}/"

    def test_an_answer_over_the_limit_is_refused_next_to_the_field(self) -> None:
        response = self.client.post(self.url + "isian/data/", {**GOOD, "luas_bangunan": "90"})
        self.assertContains(response, "Luas lantai bangunan paling banyak 72 m²", status_code=400)
        self.assertContains(
            response,
            '<a href="#id_luas_bangunan">Luas lantai bangunan paling banyak 72 m²</a>',
            status_code=400,
            html=True,
        )
        self.assertContains(response, "govuk-input__suffix", status_code=400)
        self.application.refresh_from_db()
        self.assertEqual(self.application.answers, {})

    def test_empty_answers_say_what_to_enter_or_select(self) -> None:
        response = self.client.post(self.url + "isian/data/", {})
        self.assertEqual(response.status_code, 400)
        for message, anchor in (
            ("Masukkan nama pemilik", "id_nama"),
            ("Masukkan luas lantai bangunan", "id_luas_bangunan"),
            ("Pilih tanggal pemasangan", "id_tanggal_pasang"),
            ("Masukkan nomor telepon", "id_telepon"),
            ("Pilih desain yang digunakan", "id_desain_0"),
            ("Pilih jawaban atas pertanyaan “Pemilik termasuk MBR?”", "id_mbr_0"),
        ):
            with self.subTest(message=message):
                self.assertContains(
                    response, f'<a href="#{anchor}">{message}</a>', html=True, status_code=400
                )
        self.assertNotContains(response, "Kolom ini wajib diisi", status_code=400)

    def test_the_check_page_lists_what_is_missing_with_links(self) -> None:
        self.client.post(self.url + "isian/data/", {**GOOD, "nama": ""})
        response = self.client.post(self.url + "periksa/", {})
        self.assertEqual(response.status_code, 400)
        for message, href in (
            ("Masukkan nama pemilik", f"{self.url}isian/data/#id_nama"),
            ("Unggah KTP-el", f"{self.url}dokumen/?persyaratan=ktp#id_file"),
            ("Centang kotak untuk menyatakan bahwa jawaban Anda benar", "#id_declaration"),
        ):
            with self.subTest(message=message):
                self.assertContains(
                    response, f'<a href="{href}">{message}</a>', html=True, status_code=400
                )
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, "draft")

    def test_with_everything_given_and_declared_it_is_submitted(self) -> None:
        self.client.post(self.url + "isian/data/", GOOD)
        self.client.post(
            self.url + "dokumen/",
            {"requirement": "ktp", "file": SimpleUploadedFile("ktp.pdf", PDF)},
        )
        check = self.client.get(self.url + "periksa/")
        self.assertContains(check, "36 m²")
        self.assertContains(check, "0812-3456-7890")
        again = self.client.get(self.url + "isian/data/")
        self.assertContains(again, 'value="0812-3456-7890"')
        undeclared = self.client.post(self.url + "periksa/", {})
        self.assertContains(
            undeclared, "Centang kotak untuk menyatakan bahwa jawaban Anda benar", status_code=400
        )
        response = self.client.post(self.url + "periksa/", {"declaration": "on"})
        self.assertRedirects(response, self.url + "tanda-terima/")
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, "in_progress")


class StartPageTests(RulesTestCase):
    def test_an_unknown_service_is_404_before_any_sign_in(self) -> None:
        self.assertEqual(self.client.get("/layanan/tidak-ada/ajukan/").status_code, 404)
        self.assertEqual(self.client.post("/layanan/tidak-ada/ajukan/").status_code, 404)
        known = self.client.get("/layanan/pbg/ajukan/")
        self.assertEqual(known.status_code, 302)
        self.assertIn("/masuk/", known["Location"])
