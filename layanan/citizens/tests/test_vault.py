"""The document vault and consents (issue 14), through the pages and the JSON API.

siti keeps her KTP-el in her vault and applies to two services of different agencies — a
Disdukcapil statement letter (SKD) and a DPMPTSP business licence (izin) — each of whose
charters accepts a KTP-el; agus is another citizen; budi is an officer of Disdukcapil (and its
counter's front office), charlie of DPMPTSP.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application, Document, Event
from layanan.cases.tests.test_api import ApiTestCase
from layanan.charters.actions import save_draft
from layanan.charters.models import Service
from layanan.citizens import vault
from layanan.citizens.consents import withdraw
from layanan.citizens.exports import build_export
from layanan.citizens.models import Consent, VaultDocument
from layanan.guarantees.models import Alarm
from layanan.guarantees.sweep import plan_alarms
from layanan.test import PDF, charter_content

KTP_REQUIREMENT = {
    "key": "ktp",
    "name": {"id": "KTP-el pemohon", "en": "The applicant's KTP-el"},
    "kind": "document",
    "document_types": ["ktp-el"],
}
FORM = [{"key": "keperluan", "label": "Keperluan", "type": "text"}]


def one_step(unit: str) -> dict[str, Any]:
    return {
        "stages": [
            {
                "name": "Pemeriksaan",
                "steps": [
                    {
                        "key": "periksa",
                        "name": "Pemeriksaan berkas",
                        "unit": unit,
                        "time_limit": {"amount": 2, "unit": "working_days"},
                    }
                ],
            }
        ]
    }


class VaultTestCase(ApiTestCase):
    skd: Service
    izin: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.skd = Service.objects.create(
            code="skd",
            name="Surat Keterangan Domisili",
            lead_agency=cls.disdukcapil,
            channels=["online", "loket"],
        )
        cls.adopt(
            cls.skd,
            charter_content(
                requirements=[KTP_REQUIREMENT],
                form=FORM,
                procedure=one_step("disdukcapil-loket"),
                time_limit={"amount": 2, "unit": "working_days"},
                clock_starts="submission",
            ),
        )
        cls.izin = Service.objects.create(
            code="izin", name="Izin Usaha Mikro", lead_agency=cls.dpmptsp, channels=["online"]
        )
        cls.adopt(
            cls.izin,
            charter_content(
                requirements=[
                    KTP_REQUIREMENT,
                    {
                        "key": "foto",
                        "name": "Pas foto",
                        "kind": "document",
                        "required": False,
                        "document_types": ["pas-foto"],
                    },
                ],
                form=FORM,
                procedure=one_step("dpmptsp-perizinan"),
                time_limit={"amount": 2, "unit": "working_days"},
                clock_starts="submission",
            ),
        )

    def keep(
        self,
        owner: Any = None,
        *,
        kind: str = "ktp-el",
        expires_on: dt.date | None = None,
        name: str = "ktp siti.pdf",
    ) -> VaultDocument:
        """A document put in the vault through the API (multipart), as its owner."""
        owner = owner or self.siti
        data: dict[str, Any] = {"type": kind, "file": SimpleUploadedFile(name, PDF)}
        if expires_on:
            data["issued_on"] = "2020-01-01"
            data["expires_on"] = expires_on.isoformat()
        response = self.call("post", "/api/v1/me/documents", owner.username, data=data)
        self.assertEqual(response.status_code, 201, response.content)
        return VaultDocument.objects.get(pk=response.json()["id"])

    def apply(self, service: str, user: str = "siti") -> str:
        response = self.call(
            "post",
            "/api/v1/applications",
            user,
            json={"service": service, "answers": {"keperluan": "Usaha warung"}},
        )
        self.assertEqual(response.status_code, 201, response.content)
        return str(response.json()["number"])

    def use(self, number: str, document: VaultDocument, user: str = "siti", **extra: Any) -> Any:
        return self.call(
            "post",
            f"/api/v1/applications/{number}/documents",
            user,
            json={"requirement": "ktp", "vault_document": document.pk, **extra},
        )


class DocumentTypeTests(VaultTestCase):
    def test_the_shared_list_of_types(self) -> None:
        body = self.client.get("/api/v1/document-types").json()
        ktp = next(row for row in body if row["code"] == "ktp-el")
        self.assertEqual(ktp["name"], "KTP elektronik")
        english = self.client.get("/api/v1/document-types", headers={"Accept-Language": "en"})
        self.assertIn("Family card (KK)", [row["name"] for row in english.json()])

    def test_a_service_shows_the_types_each_document_requirement_accepts(self) -> None:
        body = self.client.get("/api/v1/services/izin").json()
        self.assertEqual(
            [(r["key"], r["document_types"]) for r in body["requirements"]],
            [("ktp", ["ktp-el"]), ("foto", ["pas-foto"])],
        )
        # a requirement naming none lists none
        akta = self.client.get("/api/v1/services/akta-kelahiran").json()
        self.assertEqual([r["document_types"] for r in akta["requirements"]], [[], []])

    def test_the_charter_reader_refuses_unknown_types_and_types_on_other_kinds(self) -> None:
        content = charter_content(
            requirements=[
                {"key": "ktp", "name": "KTP", "kind": "document", "document_types": ["ktp"]},
                {
                    "key": "nik_ibu",
                    "name": "NIK ibu",
                    "kind": "field",
                    "field": "nik_ibu",
                    "document_types": ["ktp-el"],
                },
                {"key": "kk", "name": "KK", "document_types": ["kk", "kk"]},
            ]
        )
        _draft, problems = save_draft(service=self.akta, content=content, by=None)
        found = {problem.path: problem.message for problem in problems}
        self.assertIn(
            "jenis dokumen 'ktp' tidak dikenal", found["requirements[0].document_types[0]"]
        )
        self.assertIn("ktp-el", found["requirements[0].document_types[0]"])
        self.assertIn(
            "hanya persyaratan berjenis 'document'", found["requirements[1].document_types"]
        )
        self.assertIn("disebut dua kali", found["requirements[2].document_types[1]"])


class VaultPageTests(VaultTestCase):
    def test_empty_then_upload_list_and_expired_marked(self) -> None:
        self.login(self.siti)
        page = self.client.get("/profil/dokumen/")
        self.assertContains(page, "Brankas Anda masih kosong")
        response = self.client.post(
            "/profil/dokumen/",
            {
                "type": "ktp-el",
                "file": SimpleUploadedFile("ktp.pdf", PDF),
                "issued_on": "2021-05-01",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.client.post(
            "/profil/dokumen/",
            {
                "type": "sim",
                "file": SimpleUploadedFile("sim.pdf", PDF),
                "issued_on": "2019-01-01",
                "expires_on": "2024-01-01",
            },
        )
        page = self.client.get("/profil/dokumen/")
        self.assertContains(page, "KTP elektronik")
        self.assertContains(page, "1 Mei 2021")
        self.assertContains(page, "Kedaluwarsa", count=1)

    def test_the_optional_dates_say_optional_once(self) -> None:
        # The page marks a field that is not required "(tidak wajib)" itself: a label that
        # said it too read "Tanggal terbit (tidak wajib) (tidak wajib)" (seen on a phone).
        self.login(self.siti)
        page = self.client.get("/profil/dokumen/").content.decode()
        labels = [
            " ".join(text.split()) for text in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)
        ]
        self.assertIn("Tanggal terbit (tidak wajib)", labels)
        self.assertIn("Berlaku sampai (tidak wajib)", labels)
        self.assertNotIn("(tidak wajib) (tidak wajib)", " ".join(page.split()))

    def test_a_bad_upload_is_refused_next_to_its_field_and_nothing_is_kept(self) -> None:
        self.login(self.siti)
        response = self.client.post(
            "/profil/dokumen/",
            {
                "type": "ktp-el",
                "file": SimpleUploadedFile("ktp.pdf", b"<html><script>x</script></html>"),
                "issued_on": "2030-01-01",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "harus berformat PDF, JPEG atau PNG", status_code=400)
        self.assertContains(response, "Tanggal terbit tidak boleh", status_code=400)
        self.assertFalse(VaultDocument.objects.exists())

    def test_only_the_owner_downloads_and_removes_after_confirming(self) -> None:
        document = self.keep()
        url = f"/profil/dokumen/{document.pk}/unduh/"
        for other in (self.agus, self.budi):
            self.login(other)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(
                self.client.post(f"/profil/dokumen/{document.pk}/hapus/").status_code, 404
            )
        self.login(self.siti)
        response = self.client.get(url)
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        confirm = self.client.get(f"/profil/dokumen/{document.pk}/hapus/")
        self.assertContains(confirm, "Ya, hapus")
        self.assertTrue(VaultDocument.objects.filter(pk=document.pk).exists())
        self.assertEqual(self.client.post(f"/profil/dokumen/{document.pk}/hapus/").status_code, 302)
        self.assertFalse(VaultDocument.objects.filter(pk=document.pk).exists())


class VaultApiTests(VaultTestCase):
    def test_add_and_list(self) -> None:
        response = self.call(
            "post",
            "/api/v1/me/documents",
            "siti",
            data={
                "type": "kk",
                "file": SimpleUploadedFile("kk.pdf", PDF),
                "issued_on": "2022-02-02",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["type"], body["issued_on"], body["expired"]), ("kk", "2022-02-02", False)
        )
        listed = self.call("get", "/api/v1/me/documents", "siti").json()
        self.assertEqual([row["id"] for row in listed], [body["id"]])
        self.assertEqual(self.call("get", "/api/v1/me/documents", "agus").json(), [])
        own = self.call("get", f"/api/v1/me/documents/{body['id']}/file", "siti")
        self.assertEqual(own.status_code, 200)
        self.assertEqual(
            self.call("get", f"/api/v1/me/documents/{body['id']}/file", "agus").status_code, 404
        )

    def test_field_errors(self) -> None:
        response = self.call(
            "post",
            "/api/v1/me/documents",
            "siti",
            data={"type": "kartu", "issued_on": "kemarin"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["fields"]), {"type", "file", "issued_on"})
        bad_file = self.call(
            "post",
            "/api/v1/me/documents",
            "siti",
            data={"type": "kk", "file": SimpleUploadedFile("kk.pdf", b"")},
        )
        self.assertEqual(bad_file.status_code, 400)
        self.assertIn("kosong", bad_file.json()["fields"]["file"][0])
        self.assertFalse(VaultDocument.objects.exists())


class VaultLimitTests(VaultTestCase):
    def test_past_the_vaults_limit_nothing_is_kept(self) -> None:
        self.keep()
        with self.settings(LAYANAN_MAX_VAULT_FILES=1):
            response = self.call(
                "post",
                "/api/v1/me/documents",
                "siti",
                data={"type": "kk", "file": SimpleUploadedFile("kk.pdf", PDF)},
            )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "limit_reached")
        self.assertIn("sudah berisi 1 dokumen", response.json()["fields"]["file"][0])
        self.assertEqual(VaultDocument.objects.count(), 1)

    def test_removing_from_the_vault_leaves_the_applications_copy_and_the_consent(self) -> None:
        ktp = self.keep()
        number = self.apply("skd")
        self.assertEqual(self.use(number, ktp).status_code, 201)
        removed = self.call("delete", f"/api/v1/me/documents/{ktp.pk}", "siti")
        self.assertEqual(removed.status_code, 204)
        self.assertEqual(
            self.call("delete", f"/api/v1/me/documents/{ktp.pk}", "siti").status_code, 404
        )
        copy = Document.objects.get(application__number=number)
        self.assertTrue(copy.file.storage.exists(copy.file.name))
        consent = Consent.objects.get()
        self.assertIsNone(consent.vault_document)
        self.assertEqual(consent.document, copy)


class OnceOnlyTests(VaultTestCase):
    def test_one_ktp_for_two_agencies_with_two_consents(self) -> None:
        """Done when: the KTP kept once is attached to applications of two agencies, after
        consenting, without being uploaded again: two consents, two copies."""
        ktp = self.keep()
        first, second = self.apply("skd"), self.apply("izin")
        self.assertEqual(self.use(first, ktp).status_code, 201)
        # the second on the web: the documents page offers it with the consent
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{second}/dokumen/")
        self.assertContains(page, "Gunakan dari brankas")
        self.assertContains(page, "Dinas Penanaman Modal dan PTSP")
        self.assertContains(page, second)
        response = self.client.post(
            f"/permohonan/{second}/dari-brankas/",
            {"requirement": "ktp", "vault_document": ktp.pk},
        )
        self.assertEqual(response.status_code, 302)
        for number in (first, second):
            submitted = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
            self.assertEqual(submitted.status_code, 200, submitted.content)
        copies = Document.objects.filter(application__number__in=[first, second])
        self.assertEqual(copies.count(), 2)
        self.assertEqual({copy.sha256 for copy in copies}, {ktp.sha256})
        consents = self.call("get", "/api/v1/me/consents", "siti").json()
        self.assertEqual(
            [(c["application"], c["channel"], c["kind"]) for c in consents],
            [(second, "web", "document"), (first, "api", "document")],
        )
        self.assertEqual([a["code"] for a in consents[0]["agencies"]], ["dpmptsp"])
        self.assertEqual([a["code"] for a in consents[1]["agencies"]], ["disdukcapil"])
        self.assertIn("KTP elektronik", consents[1]["what"])
        self.assertIn(first, consents[1]["purpose"])
        self.assertEqual(consents[1]["given_by"], "Anda")
        # the agency gets the copy; the vault file stays the citizen's alone
        self.login(self.charlie)
        step = Application.objects.get(number=second).steps.get()
        office = self.client.get(f"/kantor/langkah/{second}/{step.key}/")
        self.assertContains(office, copies.get(application__number=second).original_name)
        self.assertEqual(self.client.get(f"/profil/dokumen/{ktp.pk}/unduh/").status_code, 404)

    def test_pressing_use_again_records_no_second_consent(self) -> None:
        # After attaching, the documents page still offers the same document (seen on a
        # phone): pressing again, or twice in a hurry, replaced the copy and left two
        # consents in force for one document, the first naming a copy that no longer was.
        ktp = self.keep()
        number = self.apply("skd")
        self.login(self.siti)
        for _ in range(2):
            response = self.client.post(
                f"/permohonan/{number}/dari-brankas/",
                {"requirement": "ktp", "vault_document": ktp.pk},
            )
            self.assertEqual(response.status_code, 302)
        consent = Consent.objects.get(application__number=number)
        copy = Document.objects.get(application__number=number)
        self.assertEqual(consent.document, copy)
        self.assertEqual(len(self.call("get", "/api/v1/me/consents", "siti").json()), 1)

    def test_both_agencies_reads_reach_the_access_log_and_the_export(self) -> None:
        """Done when (issue 14), whole: the KTP kept once serves two agencies' applications
        after consenting; when an officer of each opens it, both reads are in the citizen's
        access log and in the copy of their data, with the vault and both consents."""
        ktp = self.keep()
        numbers = [self.apply("skd"), self.apply("izin")]
        for number in numbers:
            self.assertEqual(self.use(number, ktp).status_code, 201)
            submitted = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
            self.assertEqual(submitted.status_code, 200, submitted.content)
        for officer, number in zip((self.budi, self.charlie), numbers, strict=True):
            self.login(officer)
            copy = Document.objects.get(application__number=number)
            download = self.client.get(f"/permohonan/{number}/dokumen/{copy.pk}/")
            self.assertEqual(download.status_code, 200)
        self.client.logout()
        log = self.call(
            "get", "/api/v1/me/access-log", "siti", headers={"Accept-Language": "id"}
        ).json()
        reads = {(r["application"], r["agency"]) for r in log["results"]}
        self.assertEqual(
            reads,
            {
                (numbers[0], "Disdukcapil"),  # its short name
                (numbers[1], "Dinas Penanaman Modal dan PTSP"),
            },
        )
        self.assertTrue(all("KTP-el pemohon" in r["what"] for r in log["results"]))
        asked = self.call("post", "/api/v1/me/export", "siti")
        self.assertEqual(asked.status_code, 202, asked.content)
        build_export.call(asked.json()["id"])  # the worker's task
        export = self.call("get", f"/api/v1/me/export/{asked.json()['id']}", "siti")
        self.assertEqual(export.status_code, 200, export.content)
        sections = export.json()["sections"]
        self.assertEqual({(r["application"], r["agency"]) for r in sections["access_log"]}, reads)
        self.assertEqual([d["type"] for d in sections["vault_documents"]], ["ktp-el"])
        self.assertEqual(sorted(c["application"] for c in sections["consents"]), sorted(numbers))
        self.assertEqual(sorted(a["number"] for a in sections["applications"]), sorted(numbers))

    def test_refusals(self) -> None:
        number = self.apply("izin")
        mine = self.keep()
        others = self.keep(self.agus)
        expired = self.keep(expires_on=timezone.localdate() - dt.timedelta(days=1))
        photo = self.keep(kind="pas-foto", name="foto.jpg.pdf")
        for document in (others, expired, photo):
            response = self.use(number, document)
            self.assertEqual(response.status_code, 400, response.content)
            self.assertIn("vault_document", response.json()["fields"])
        self.assertFalse(Consent.objects.exists())
        self.assertEqual(self.use(number, mine).status_code, 201)
        self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        late = self.use(number, mine)
        self.assertEqual(late.status_code, 409)
        self.assertEqual(Consent.objects.count(), 1)

    def test_expired_documents_are_not_offered(self) -> None:
        self.keep(expires_on=timezone.localdate() - dt.timedelta(days=1))
        number = self.apply("skd")
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{number}/dokumen/")
        self.assertNotContains(page, "Gunakan dari brankas")
        valid = self.keep(expires_on=timezone.localdate())
        page = self.client.get(f"/permohonan/{number}/dokumen/")
        self.assertContains(page, "Gunakan dari brankas", count=1)
        self.assertContains(page, f'name="vault_document" value="{valid.pk}"')

    def test_a_multipart_upload_still_works_and_a_bare_json_body_is_refused(self) -> None:
        number = self.apply("skd")
        upload = self.call(
            "post",
            f"/api/v1/applications/{number}/documents",
            "siti",
            data={"requirement": "ktp", "file": SimpleUploadedFile("ktp.pdf", PDF)},
        )
        self.assertEqual(upload.status_code, 201)
        bare = self.call(
            "post", f"/api/v1/applications/{number}/documents", "siti", json={"requirement": "ktp"}
        )
        self.assertEqual(bare.status_code, 400)


class CounterTests(VaultTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)

    def test_the_officer_records_the_consent_once_the_citizen_agreed(self) -> None:
        ktp = self.keep()
        self.login(self.budi)
        response = self.client.post(
            "/kantor/loket/", {"service": "skd", "contact": "siti@example.test"}
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:1000])
        application = Application.objects.get(filed_by=self.budi)
        number = application.number
        page = self.client.get(f"/permohonan/{number}/dokumen/")
        self.assertContains(page, "Pemohon sudah mendengar")
        refused = self.client.post(
            f"/permohonan/{number}/dari-brankas/", {"requirement": "ktp", "vault_document": ktp.pk}
        )
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "Pastikan pemohon setuju", status_code=400)
        self.assertFalse(Consent.objects.exists())
        agreed = self.client.post(
            f"/permohonan/{number}/dari-brankas/",
            {"requirement": "ktp", "vault_document": ktp.pk, "agreed": "yes"},
        )
        self.assertEqual(agreed.status_code, 302)
        consent = Consent.objects.get()
        self.assertEqual(
            (consent.channel, consent.given_by, consent.citizen), ("counter", self.budi, self.siti)
        )
        # the citizen sees who recorded it
        self.login(self.siti)
        page = self.client.get("/profil/persetujuan/")
        self.assertContains(page, "Budi Santoso")
        self.assertContains(page, "loket")


class WithdrawalTests(VaultTestCase):
    def consented(self, service: str = "skd", *, submit: bool = True) -> tuple[str, Consent]:
        ktp = self.keep()
        number = self.apply(service)
        self.assertEqual(self.use(number, ktp).status_code, 201)
        if submit:
            response = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
            self.assertEqual(response.status_code, 200, response.content)
        return number, Consent.objects.get(application__number=number)

    def test_the_consents_page_is_paged_and_asks_each_application_once(self) -> None:
        number, consent = self.consented()
        copies = [
            Consent(
                citizen=consent.citizen,
                application=consent.application,
                kind=consent.kind,
                what=consent.what,
                agencies=consent.agencies,
                purpose=consent.purpose,
                channel=consent.channel,
                given_by=consent.given_by,
                given_at=consent.given_at,
            )
            for _ in range(20)
        ]
        self.login(self.siti)
        Consent.objects.bulk_create(copies[:1])
        self.client.get("/profil/persetujuan/")  # the session's first page reads more
        with CaptureQueriesContext(connection) as two:
            self.client.get("/profil/persetujuan/")
        Consent.objects.bulk_create(copies[1:])  # 21 consents of one application now
        with CaptureQueriesContext(connection) as twenty:
            first = self.client.get("/profil/persetujuan/")
        self.assertContains(first, "Tarik persetujuan", count=20)
        # a page of one application's consents costs what a page of two did
        self.assertEqual(len(twenty), len(two))
        second = self.client.get("/profil/persetujuan/?page=2")
        self.assertContains(second, "Tarik persetujuan", count=1)
        self.assertContains(second, number)

    def test_withdrawn_before_processing_detaches_and_returns_to_draft(self) -> None:
        number, consent = self.consented()
        plan_alarms()
        application = Application.objects.get(number=number)
        self.assertIsNotNone(application.due_at)
        self.assertTrue(Alarm.objects.filter(application=application).exists())
        self.login(self.siti)
        page = self.client.get(f"/profil/persetujuan/{consent.pk}/tarik/")
        self.assertContains(page, "kembali menjadi draf")
        response = self.client.post(f"/profil/persetujuan/{consent.pk}/tarik/")
        self.assertEqual(response.status_code, 302)
        application.refresh_from_db()
        self.assertEqual(application.status, "draft")
        self.assertEqual(
            (application.submitted_at, application.clock_started_at, application.due_at),
            (None, None, None),
        )
        self.assertEqual(
            list(application.steps.values_list("state", "due_at", "started_at")),
            [("pending", None, None)],
        )
        self.assertFalse(application.documents.exists())
        consent.refresh_from_db()
        self.assertEqual(consent.withdrawn_by, self.siti)
        self.assertIsNone(consent.document)
        event = Event.objects.get(application=application, kind="returned_to_draft")
        self.assertTrue(event.public)
        # the application's page says it; the alarms of the old due dates are gone
        tasks = self.client.get(f"/permohonan/{number}/isian/")
        self.assertContains(
            tasks, "persetujuan penggunaan sebagian data dalam permohonan ini ditarik"
        )
        plan_alarms()
        self.assertFalse(Alarm.objects.filter(application=application, fired=False).exists())
        # the vault keeps the document; the citizen attaches it again and resubmits
        ktp = VaultDocument.objects.get(owner=self.siti)
        self.assertEqual(self.use(number, ktp).status_code, 201)
        again = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        self.assertEqual(again.status_code, 200, again.content)
        plan_alarms()
        self.assertTrue(Alarm.objects.filter(application=application, fired=False).exists())
        # the timeline keeps the return to draft between the two submissions
        timeline = self.client.get(f"/permohonan/{number}/")
        self.assertContains(timeline, "Kembali menjadi draf")

    def test_withdrawn_from_a_draft_over_the_api(self) -> None:
        number, consent = self.consented(submit=False)
        response = self.call("post", f"/api/v1/me/consents/{consent.pk}/withdraw", "siti")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIsNotNone(response.json()["withdrawn_at"])
        self.assertFalse(Document.objects.filter(application__number=number).exists())
        again = self.call("post", f"/api/v1/me/consents/{consent.pk}/withdraw", "siti")
        self.assertEqual(again.status_code, 409)
        self.assertEqual(
            self.call("post", f"/api/v1/me/consents/{consent.pk}/withdraw", "agus").status_code, 404
        )

    def test_refused_once_an_officer_has_acted(self) -> None:
        number, consent = self.consented()
        application = Application.objects.get(number=number)
        step = application.steps.get()
        actions.assign_step(step=step, assignee=self.budi, by=self.budi)
        response = self.call("post", f"/api/v1/me/consents/{consent.pk}/withdraw", "siti")
        self.assertEqual(response.status_code, 409)
        self.assertIn("sudah mulai memproses", response.json()["message"])
        self.login(self.siti)
        page = self.client.post(f"/profil/persetujuan/{consent.pk}/tarik/")
        self.assertEqual(page.status_code, 409)
        self.assertContains(page, "sudah mulai memproses", status_code=409)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")
        self.assertTrue(application.documents.exists())
        listed = self.call("get", "/api/v1/me/consents", "siti").json()
        self.assertFalse(listed[0]["can_withdraw"])

    def test_refused_once_an_officer_has_opened_it(self) -> None:
        number, consent = self.consented()
        self.login(self.budi)
        step = Application.objects.get(number=number).steps.get()
        self.assertEqual(self.client.get(f"/kantor/langkah/{number}/{step.key}/").status_code, 200)
        self.assertTrue(actions.processing_started(Application.objects.get(number=number)))
        self.assertEqual(
            self.call("post", f"/api/v1/me/consents/{consent.pk}/withdraw", "siti").status_code,
            409,
        )

    def test_a_profile_consent_clears_its_answers(self) -> None:
        number = self.apply("skd")
        application = Application.objects.get(number=number)
        consent = Consent.objects.create(
            citizen=self.siti,
            application=application,
            kind=Consent.Kind.PROFILE,
            fields={"keperluan": "address"},
            what="Alamat dari profil Anda",
            agencies=[{"code": "disdukcapil", "name": self.disdukcapil.name}],
            purpose="Permohonan",
            channel=Consent.Channel.WEB,
            given_by=self.siti,
            given_at=timezone.now(),
        )
        withdraw(consent, by=self.siti, at=timezone.now())
        application.refresh_from_db()
        self.assertNotIn("keperluan", application.answers)
        changed = Event.objects.get(
            application=application, kind="answers_changed", actor=self.siti
        )
        self.assertEqual(changed.data["fields"], ["keperluan"])


class RightsTests(VaultTestCase):
    def test_export_and_erase(self) -> None:
        ktp = self.keep(name="KTP Siti Rahayu 3374015508900001.pdf")
        number = self.apply("skd")
        self.use(number, ktp)
        section = vault.export_section(self.siti)
        self.assertEqual([row["id"] for row in section["vault_documents"]], [ktp.pk])
        self.assertEqual(section["consents"][0]["application"], number)
        name = ktp.file.name
        storage = ktp.file.storage
        self.assertTrue(storage.exists(name))
        with self.captureOnCommitCallbacks(execute=True):
            vault.erase(self.siti, at=timezone.now())
        self.assertFalse(VaultDocument.objects.filter(owner=self.siti).exists())
        self.assertFalse(storage.exists(name))
        consent = Consent.objects.get()
        frozen = f"{consent.what} {consent.purpose} {consent.agencies}"
        for personal in ("Siti", "Rahayu", "3374015508900001"):
            self.assertNotIn(personal, frozen)
        self.assertEqual(vault.export_section(self.siti)["vault_documents"], [])
        # the application's copy is the agency's record and stays
        self.assertTrue(Document.objects.filter(application__number=number).exists())
