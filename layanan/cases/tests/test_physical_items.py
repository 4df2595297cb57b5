"""Physical items (an object brought to the counter, such as a water sample): never asked for
as an upload; online the citizen is told where and when; at the counter the filing officer
ticks them as received; the processing step shows it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.cases.tests.test_api import ANSWERS, PDF, ApiTestCase
from layanan.charters.models import Service
from layanan.test import CHARTER_CONTENT, charter_content

SAMPLE: dict[str, Any] = {
    "key": "sampel",
    "name": {"id": "Sampel air dalam botol steril", "en": "Water sample in a sterile bottle"},
    "kind": "item",
    "where": {
        "id": "Loket laboratorium, Senin–Kamis 08.00–12.00, paling lama 24 jam setelah diambil",
        "en": "The laboratory counter, Monday to Thursday 08.00–12.00, within 24 hours",
    },
    "note": {"id": "Botol steril dipinjamkan gratis.", "en": "Sterile bottles are lent free."},
}


class ItemsTestCase(ApiTestCase):
    air: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.air = Service.objects.create(
            code="uji-air",
            name="Uji kualitas air",
            lead_agency=cls.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online", "loket"],
        )
        cls.adopt(
            cls.air,
            charter_content(requirements=[*CHARTER_CONTENT["requirements"], SAMPLE]),
        )
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)

    def filed(self, *, at_counter: bool) -> Application:
        application, _created = actions.create_application(
            citizen=self.siti,
            service=self.air,
            answers=ANSWERS,
            channel="loket" if at_counter else "online",
            filed_by=self.budi if at_counter else None,
        )
        actions.attach_document(
            application=application,
            user=self.budi if at_counter else self.siti,
            requirement="surat_lahir",
            upload=SimpleUploadedFile("lahir.pdf", PDF),
        )
        return application


class ItemsInTheServiceSchemaTests(ItemsTestCase):
    def test_the_item_is_published_with_where_to_bring_it(self) -> None:
        body = self.client.get("/api/v1/services/uji-air").json()
        item = next(r for r in body["requirements"] if r["key"] == "sampel")
        self.assertEqual(item["kind"], "item")
        self.assertEqual(item["where"], SAMPLE["where"]["id"])
        english = self.client.get("/api/v1/services/uji-air", headers={"Accept-Language": "en"})
        item = next(r for r in english.json()["requirements"] if r["key"] == "sampel")
        self.assertEqual(item["where"], SAMPLE["where"]["en"])


class CharterPageTests(ItemsTestCase):
    def test_the_charter_says_the_item_is_brought_in_person_and_where(self) -> None:
        response = self.client.get("/layanan/uji-air/")
        self.assertContains(response, "Diserahkan langsung, tidak diunggah:")
        self.assertContains(response, SAMPLE["where"]["id"])


class OnlineTests(ItemsTestCase):
    def test_the_citizen_is_told_where_and_when_and_never_asked_to_upload_it(self) -> None:
        application = self.filed(at_counter=False)
        self.login(self.siti)
        url = f"/permohonan/{application.number}/"
        for page in ("isian/", "periksa/"):
            with self.subTest(page=page):
                response = self.client.get(url + page)
                self.assertContains(response, "Sampel air dalam botol steril")
                self.assertContains(response, SAMPLE["where"]["id"])
        documents = self.client.get(url + "dokumen/")
        self.assertNotContains(documents, 'value="sampel"')
        upload = self.call(
            "post",
            f"/api/v1/applications/{application.number}/documents",
            "siti",
            data={"requirement": "sampel", "file": SimpleUploadedFile("s.pdf", PDF)},
        )
        self.assertEqual(upload.status_code, 400)
        submitted = self.client.post(url + "periksa/", {"declaration": "on"})
        self.assertRedirects(submitted, url + "tanda-terima/")
        receipt = self.client.get(url + "tanda-terima/")
        self.assertContains(receipt, SAMPLE["where"]["id"])
        self.assertContains(receipt, "Belum diterima")

    def test_the_citizen_cannot_tick_items_received(self) -> None:
        application = self.filed(at_counter=False)
        self.login(self.siti)
        response = self.client.post(
            f"/permohonan/{application.number}/barang/", {"items": ["sampel"]}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(application.events.filter(kind="item_received").exists())


class CounterTests(ItemsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.application = self.filed(at_counter=True)
        self.url = f"/permohonan/{self.application.number}/"
        self.login(self.budi)

    def test_a_counter_filing_needs_the_item_ticked_before_submission(self) -> None:
        response = self.client.post(self.url + "periksa/", {"declaration": "on"})
        self.assertContains(
            response,
            f'<a href="{self.url}dokumen/#barang">'
            "Centang bahwa Sampel air dalam botol steril sudah diterima di loket</a>",
            html=True,
            status_code=400,
        )
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, "draft")

    def test_the_officer_ticks_the_item_then_files_and_the_step_shows_it(self) -> None:
        page = self.client.get(self.url + "dokumen/")
        self.assertContains(page, 'name="items" value="sampel"')
        ticked = self.client.post(self.url + "barang/", {"items": ["sampel"]})
        self.assertRedirects(ticked, self.url + "dokumen/#barang", fetch_redirect_response=False)
        event = self.application.events.get(kind="item_received")
        self.assertEqual((event.actor, event.data), (self.budi, {"requirement": "sampel"}))
        self.assertContains(self.client.get(self.url + "dokumen/"), "checked")
        # Saving the same ticks again records nothing new.
        self.client.post(self.url + "barang/", {"items": ["sampel"]})
        self.assertEqual(self.application.events.filter(kind="item_received").count(), 1)
        submitted = self.client.post(self.url + "periksa/", {"declaration": "on"})
        self.assertEqual(submitted.status_code, 302)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, "in_progress")
        step = self.client.get(f"/kantor/langkah/{self.application.number}/verifikasi/")
        self.assertContains(step, "Barang yang diserahkan di loket")
        self.assertContains(step, "Diterima")
        self.assertNotContains(step, "Belum diterima")
        track = self.client.get(f"/api/v1/track/{self.application.number}").json()
        self.assertIn(
            {"kind": "item_received", "label": "Barang diterima di loket"},
            [{"kind": e["kind"], "label": e["label"]} for e in track["events"]],
        )

    def test_a_tick_given_by_mistake_is_taken_back_with_a_record(self) -> None:
        self.client.post(self.url + "barang/", {"items": ["sampel"]})
        self.client.post(self.url + "barang/", {})
        kinds = list(
            self.application.events.filter(kind__startswith="item_").values_list("kind", flat=True)
        )
        self.assertEqual(kinds, ["item_received", "item_receipt_cancelled"])
        self.assertEqual(actions.items_received(self.application), {})

    def test_an_item_the_service_does_not_ask_for_is_refused(self) -> None:
        response = self.client.post(self.url + "barang/", {"items": ["kunci"]})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.application.events.filter(kind="item_received").exists())

    def test_another_officer_cannot_tick_items(self) -> None:
        self.login(self.charlie)
        response = self.client.post(self.url + "barang/", {"items": ["sampel"]})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.application.events.filter(kind="item_received").exists())


class ProcessingStepTests(ItemsTestCase):
    def test_an_officer_of_the_active_step_ticks_an_item_brought_after_applying_online(
        self,
    ) -> None:
        application = self.filed(at_counter=False)
        actions.submit_application(application=application, citizen=self.siti)
        step_url = f"/kantor/langkah/{application.number}/verifikasi/"
        self.login(self.budi)
        page = self.client.get(step_url)
        self.assertContains(page, "Belum diterima")
        self.assertContains(page, 'name="items" value="sampel"')
        response = self.client.post(
            f"/permohonan/{application.number}/barang/",
            {"items": ["sampel"], "next": step_url + "#barang"},
        )
        self.assertRedirects(response, step_url + "#barang", fetch_redirect_response=False)
        self.assertEqual(application.events.get(kind="item_received").actor, self.budi)
        self.assertNotContains(self.client.get(step_url), "Belum diterima")

    def test_officers_elsewhere_and_the_citizen_cannot(self) -> None:
        application = self.filed(at_counter=False)
        actions.submit_application(application=application, citizen=self.siti)
        for user in (self.charlie, self.siti, self.agus):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.post(
                    f"/permohonan/{application.number}/barang/", {"items": ["sampel"]}
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(application.events.filter(kind="item_received").exists())
