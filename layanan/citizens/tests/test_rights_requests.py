"""Correction and restriction requests (UU 27/2022), answered within 3 × 24 hours by the
data-protection officer (the permission `citizens.answer_rightsrequest`; the superuser root
holds it, as the demo's admin does). A missed answer is found by the guarantee sweep
(`layanan sweep`), recorded once and escalated. siti asks; budi is an officer without the
permission; dina is given it; agus is another citizen."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from layanan.accounts.models import AccountEvent, DataAccess
from layanan.accounts.tokens import issue_token
from layanan.citizens.models import RightsRequest
from layanan.citizens.rights import file_rights_request
from layanan.test import BaseTestCase

START = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # a Tuesday, 09.00 WIB
FORM = {
    "kind": "correction",
    "which": "Alamat di profil",
    "details": "Tertulis Jl. Melati 5, seharusnya Jl. Melati 15.",
    "reason": "",
}


class RightsRequestTestCase(BaseTestCase):
    def file(self, **changes: str) -> RightsRequest:
        self.login(self.siti)
        with time_machine.travel(START, tick=False):
            response = self.client.post("/profil/data/permintaan/", {**FORM, **changes})
        self.assertRedirects(response, "/profil/data/")
        return RightsRequest.objects.get(citizen=self.siti)

    def sweep(self, at: dt.datetime) -> dict[str, int]:
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("sweep", at=at.isoformat(), stdout=out)
        return json.loads(out.getvalue().splitlines()[-1])


class FilingTests(RightsRequestTestCase):
    def test_it_is_due_72_hours_later_and_shown_to_the_citizen(self) -> None:
        request = self.file()
        # 3 × 24 hours on the clock, over the weekend too: not working days
        self.assertEqual(request.due_at, START + dt.timedelta(hours=72))
        self.assertEqual(request.data, "Alamat di profil")
        with time_machine.travel(START, tick=False):
            page = self.client.get("/profil/data/")
        self.assertContains(page, "Alamat di profil")
        self.assertContains(page, "4 Desember 2026 09.00 WIB")
        self.assertContains(page, "Belum dijawab")
        self.assertTrue(
            AccountEvent.objects.filter(
                user=self.siti, kind=AccountEvent.Kind.RIGHTS_REQUEST_FILED
            ).exists()
        )

    def test_missing_answers_are_told_next_to_their_field(self) -> None:
        self.login(self.siti)
        response = self.client.post("/profil/data/permintaan/", {"kind": "", "which": ""})
        self.assertContains(response, "Pilih apa yang Anda minta.", status_code=400)
        self.assertContains(
            response, "Tuliskan data Anda yang mana yang dimaksud.", status_code=400
        )
        self.assertContains(
            response, "Tuliskan apa yang salah, atau apa yang harus dibatasi.", status_code=400
        )
        self.assertFalse(RightsRequest.objects.exists())

    def test_through_the_api(self) -> None:
        token, _row = issue_token(self.siti)
        headers = {"authorization": f"Bearer {token}"}
        created = self.client.post(
            "/api/v1/me/rights-requests",
            {"kind": "restriction", "data": "NIK", "details": "Jangan dipakai untuk survei."},
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(created.status_code, 201)
        body = created.json()
        self.assertEqual(body["kind"], "restriction")
        self.assertFalse(body["late"])
        listed = self.client.get("/api/v1/me/rights-requests", headers=headers).json()
        self.assertEqual([item["id"] for item in listed], [body["id"]])
        bad = self.client.post(
            "/api/v1/me/rights-requests",
            {"kind": "erase-everything", "data": "NIK", "details": "x"},
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("kind", bad.json()["fields"])
        self.assertEqual(RightsRequest.objects.count(), 1)


class AnswerTests(RightsRequestTestCase):
    def test_the_officer_lists_open_requests_and_answers(self) -> None:
        request = self.file()
        self.login(self.root)
        listing = self.client.get("/kantor/data-pribadi/")
        self.assertContains(listing, "Siti Rahayu")
        self.assertContains(listing, f"/kantor/data-pribadi/{request.pk}/")
        self.assertTrue(
            DataAccess.objects.filter(
                citizen=self.siti, reader=self.root, place=DataAccess.Place.DATA_REQUESTS
            ).exists()
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/kantor/data-pribadi/{request.pk}/",
                {"outcome": "done", "answer": "Alamat sudah diperbaiki."},
            )
        self.assertRedirects(response, "/kantor/data-pribadi/")
        request.refresh_from_db()
        self.assertEqual(request.outcome, "done")
        self.assertEqual(request.answered_by, self.root)
        self.assertContains(self.client.get("/kantor/data-pribadi/"), "Tidak ada permintaan")
        self.login(self.siti)
        page = self.client.get("/profil/data/")
        self.assertContains(page, "Alamat sudah diperbaiki.")

    def test_the_list_reads_as_many_queries_for_many_requests_as_for_one(self) -> None:
        self.file()
        self.login(self.root)
        self.client.get("/kantor/data-pribadi/")  # the session is saved once, on the first
        with CaptureQueriesContext(connection) as one:
            self.client.get("/kantor/data-pribadi/")
        for citizen in (self.agus, self.budi, self.charlie):
            file_rights_request(citizen=citizen, kind="restriction", data="NIK", details="Batasi.")
        with CaptureQueriesContext(connection) as four:
            response = self.client.get("/kantor/data-pribadi/")
        self.assertContains(response, "4 permintaan terbuka")
        self.assertEqual(len(four), len(one))

    def test_a_refusal_needs_a_reason(self) -> None:
        request = self.file()
        self.login(self.root)
        response = self.client.post(
            f"/kantor/data-pribadi/{request.pk}/", {"outcome": "refused", "answer": ""}
        )
        self.assertContains(response, "Tuliskan alasannya untuk dibaca warga.", status_code=400)
        request.refresh_from_db()
        self.assertIsNone(request.answered_at)

    def test_a_granted_restriction_is_shown_in_force(self) -> None:
        request = self.file(kind="restriction", which="Nomor telepon")
        self.login(self.root)
        self.client.post(
            f"/kantor/data-pribadi/{request.pk}/",
            {"outcome": "partly", "answer": "Tidak dipakai untuk survei; tetap untuk permohonan."},
        )
        self.login(self.siti)
        page = self.client.get("/profil/data/")
        self.assertContains(page, "Pembatasan yang berlaku atas data Anda")
        self.assertContains(page, "Pembatasan ini berlaku.")

    def test_an_officer_without_the_permission_is_refused(self) -> None:
        request = self.file()
        self.login(self.budi)
        self.assertEqual(self.client.get("/kantor/data-pribadi/").status_code, 403)
        response = self.client.post(
            f"/kantor/data-pribadi/{request.pk}/", {"outcome": "done", "answer": ""}
        )
        self.assertEqual(response.status_code, 403)
        request.refresh_from_db()
        self.assertIsNone(request.answered_at)
        self.login(self.agus)
        self.assertEqual(self.client.get("/kantor/data-pribadi/").status_code, 403)

    def test_the_permission_makes_a_data_protection_officer(self) -> None:
        dina = self.make_user("dina", "Dina Lestari")
        dina.user_permissions.add(Permission.objects.get(codename="answer_rightsrequest"))
        request = self.file()
        self.login(dina)
        response = self.client.post(
            f"/kantor/data-pribadi/{request.pk}/", {"outcome": "done", "answer": ""}
        )
        self.assertEqual(response.status_code, 302)
        request.refresh_from_db()
        self.assertEqual(request.answered_by, dina)


class DeadlineTests(RightsRequestTestCase):
    def test_a_missed_answer_is_recorded_once_and_escalated(self) -> None:
        request = self.file()
        self.assertEqual(self.sweep(START + dt.timedelta(hours=71))["data_requests_missed"], 0)
        late = START + dt.timedelta(hours=72, minutes=1)
        self.assertEqual(self.sweep(late)["data_requests_missed"], 1)
        self.assertEqual(self.sweep(late)["data_requests_missed"], 0)  # once
        request.refresh_from_db()
        self.assertEqual(request.breached_at, late)
        self.assertEqual(
            AccountEvent.objects.filter(
                user=self.siti, kind=AccountEvent.Kind.RIGHTS_REQUEST_LATE
            ).count(),
            1,
        )
        # every data-protection officer (root) is told by mail, queued as a task
        self.assertTrue(DBTaskResult.objects.filter(args_kwargs__icontains="root@example.test"))
        with time_machine.travel(late, tick=False):
            self.login(self.root)
            self.assertContains(self.client.get("/kantor/data-pribadi/"), "Terlambat")
            self.login(self.siti)
            self.assertContains(self.client.get("/profil/data/"), "Terlambat")

    def test_an_answer_in_time_is_no_breach(self) -> None:
        request = self.file()
        self.login(self.root)
        self.client.post(f"/kantor/data-pribadi/{request.pk}/", {"outcome": "done", "answer": ""})
        self.assertEqual(self.sweep(START + dt.timedelta(hours=80))["data_requests_missed"], 0)
