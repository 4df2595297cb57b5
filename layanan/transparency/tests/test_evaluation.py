"""The evaluation of a standard at /kantor/standar/evaluasi/<service>/: the evidence beside each
component over the last 12 months, computed on a small known dataset; the conclusions recorded
with a frozen snapshot, published at /layanan/<service>/evaluasi/, the yearly duty done and the
next one opened; the next draft started from the conclusions; who may do it.

adi administers Disdukcapil (the birth certificate's lead agency), dewi DPMPTSP; budi is an
officer without that role; siti a citizen. The page is read on Friday 20 November 2026.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import time_machine

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.charters.models import Charter, Duty, Evaluation, Service
from layanan.charters.tests.test_duties import DutyTestCase, wib
from layanan.complaints.models import Category, Complaint, Status
from layanan.surveys.models import Response
from layanan.test import charter_content, published_consultation
from layanan.transparency.models import Rollup, Scope

URL = "/kantor/standar/evaluasi/akta-kelahiran/"
NOW = wib(2026, 11, 20, 10)
numbers = itertools.count(1)


class EvaluationTestCase(DutyTestCase):
    def act(self, application: Application, key: str, at: dt.datetime) -> Application:
        with time_machine.travel(at, tick=False):
            return actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
                note="",
            )

    def finished(self, submitted: dt.datetime, checked: dt.datetime, issued: dt.datetime) -> None:
        application = self.submitted(at=submitted)
        application = self.act(application, "verifikasi", checked)
        self.act(application, "terbit", issued)

    def complaint(self, category: Category, at: dt.datetime, service: Service | None) -> None:
        number = next(numbers)
        Complaint.objects.create(
            number=f"PGD-{number:04d}",
            token=f"t{number}",
            category=category,
            agency=category.agency,
            service=service,
            description="Antrean tidak jalan.",
            status=Status.RECEIVED,
            created_at=at,
        )

    def response(self, answered_on: dt.date, service: Service, **answers: int) -> None:
        Response.objects.create(
            agency=self.disdukcapil,
            service=service,
            channel=Response.Channel.PAPER,
            answered_on=answered_on,
            **{f"u{i}": answers.get(f"u{i}", answers.get("rest", 3)) for i in range(1, 10)},
        )

    def dataset(self) -> None:
        other = Service.objects.create(
            code="kartu-keluarga",
            name="Kartu Keluarga",
            lead_agency=self.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online"],
        )
        with time_machine.travel(wib(2026, 7, 6), tick=False):
            self.adopt(other, charter_content())
        # Three applications: verification took 30 min, 60 min, and two working days (late:
        # its limit is one working day); issuing 240, 240 and 60 min; all decided on time.
        self.finished(wib(2026, 11, 2, 9), wib(2026, 11, 2, 9, 30), wib(2026, 11, 2, 13, 30))
        self.finished(wib(2026, 11, 3, 9), wib(2026, 11, 3, 10), wib(2026, 11, 3, 14))
        self.finished(wib(2026, 11, 4, 9), wib(2026, 11, 6, 9), wib(2026, 11, 6, 10))
        # The guarantee's figures, as the rollups hold them: one month inside the period,
        # one before it, and another service's.
        for month, service, late in (("2026-10", self.akta, 2), ("2025-10", self.akta, 5)):
            Rollup.objects.create(
                scope=Scope.SERVICE,
                month=month,
                agency_pk=self.disdukcapil.pk,
                service_pk=service.pk,
                breaches_late=late,
                breaches_very_late=1,
                compensations_owed=1,
                amount_owed=25_000,
                compensations_paid=1,
                amount_paid=50_000,
            )
        Rollup.objects.create(
            scope=Scope.SERVICE,
            month="2026-10",
            agency_pk=self.disdukcapil.pk,
            service_pk=other.pk,
            breaches_late=7,
        )
        umum = Category.objects.create(agency=self.disdukcapil, code="umum", name="Umum")
        pungli = Category.objects.create(agency=self.disdukcapil, code="pungli", name="Pungli")
        self.complaint(umum, wib(2026, 11, 5), self.akta)
        self.complaint(umum, wib(2026, 10, 1), self.akta)
        self.complaint(pungli, wib(2026, 9, 1), self.akta)
        self.complaint(umum, wib(2026, 11, 5), other)  # another service
        self.complaint(umum, wib(2025, 11, 28), self.akta)  # before the period
        self.response(dt.date(2026, 11, 10), self.akta, rest=4, u3=2)
        self.response(dt.date(2026, 11, 11), self.akta, rest=3, u3=1)
        self.response(dt.date(2026, 11, 11), other, rest=1)
        self.response(dt.date(2025, 11, 15), self.akta, rest=1)

    def get(self, user: Any, url: str = URL, **params: str) -> Any:
        with time_machine.travel(NOW, tick=False):
            self.login(user)
            return self.client.get(url, params)

    def post(self, user: Any, data: dict[str, str], url: str = URL) -> Any:
        with time_machine.travel(NOW, tick=False):
            self.login(user)
            return self.client.post(url, data)


class EvidenceTests(EvaluationTestCase):
    def test_the_evidence_of_the_last_twelve_months_is_exact(self) -> None:
        self.dataset()
        page = self.get(self.adi)
        self.assertEqual(page.status_code, 200)
        evidence = page.context["evidence"]
        self.assertEqual(evidence["period"], {"start": "2025-12-01", "end": "2026-11-20"})
        self.assertEqual(evidence["version"], 1)
        time = evidence["time"]
        self.assertEqual(
            (time["decided"], time["on_time"], time["late"], time["on_time_percent"]),
            (3, 3, 0, "100.0"),
        )
        steps = {row["key"]: row for row in evidence["steps"]}
        self.assertEqual(list(steps), ["verifikasi", "terbit"])
        verifikasi, terbit = steps["verifikasi"], steps["terbit"]
        self.assertEqual(
            (
                verifikasi["completions"],
                verifikasi["on_time"],
                verifikasi["on_time_percent"],
                verifikasi["median_minutes"],
                verifikasi["p90_minutes"],
            ),
            (3, 2, "66.7", 60, 960),
        )
        self.assertEqual(
            (terbit["completions"], terbit["on_time_percent"], terbit["median_minutes"]),
            (3, "100.0", 240),
        )
        self.assertEqual(terbit["p90_minutes"], 240)
        self.assertEqual(
            evidence["guarantees"],
            {
                "breaches_late": 2,
                "breaches_very_late": 1,
                "compensations_owed": 1,
                "amount_owed": 25_000,
                "compensations_paid": 1,
                "amount_paid": 50_000,
                "deemed_approved": 0,
            },
        )
        self.assertEqual(
            evidence["complaints"],
            {
                "total": 3,
                "by_category": [
                    {"category": "Umum", "count": 2},
                    {"category": "Pungli", "count": 1},
                ],
            },
        )
        ikm = evidence["ikm"]
        # NRR 3.5 for eight unsur and 1.5 for u3: (8 × 3.5 + 1.5) / 9 × 25 = 81.94 (B)
        self.assertEqual((ikm["respondents"], ikm["ikm"], ikm["mutu"]), (2, "81.94", "B"))
        self.assertEqual(ikm["lowest"], ["u3"])
        unsur = {row["code"]: row for row in ikm["unsur"]}
        self.assertEqual((unsur["u3"]["nrr"], unsur["u3"]["lowest"]), ("1.50", True))
        self.assertEqual((unsur["u1"]["nrr"], unsur["u1"]["lowest"]), ("3.50", False))
        # the population is the survey invitations (made by the surveys worker, not run here)
        self.assertEqual((ikm["population"], ikm["representative"]), (0, False))
        # shown beside the components they speak about
        html = page.content.decode()
        self.assertIn("66.7%", html)
        self.assertIn("Terendah: prioritas perbaikan", html)
        self.assertIn("Pungli: 1", html)
        self.assertIn("Rp50.000", html)

    def test_a_longer_period_reaches_back_and_a_bad_one_is_refused(self) -> None:
        self.dataset()
        page = self.get(self.adi, bulan="24")
        self.assertEqual(page.context["evidence"]["period"]["start"], "2024-12-01")
        self.assertEqual(page.context["evidence"]["guarantees"]["breaches_late"], 7)
        self.assertEqual(page.context["evidence"]["complaints"]["total"], 4)
        self.assertEqual(self.get(self.adi, bulan="7").status_code, 400)

    def test_the_consultation_history_is_part_of_it(self) -> None:
        with time_machine.travel(wib(2026, 11, 2, 10), tick=False):
            consultation = published_consultation(self.akta, by=self.root)
        evidence = self.get(self.adi).context["evidence"]
        self.assertEqual(len(evidence["consultations"]), 1)
        row = evidence["consultations"][0]
        self.assertEqual(
            (row["id"], row["version"], row["status"], row["participants"], row["comments"]),
            (consultation.pk, 2, "closed", 15, 0),  # seven working days ended on the 11th
        )


class AccessTests(EvaluationTestCase):
    def test_only_the_lead_agency_admins_evaluate(self) -> None:
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(self.client.get(URL).status_code, 302)
        for person, status in ((self.siti, 403), (self.budi, 403), (self.dewi, 404)):
            self.assertEqual(self.get(person).status_code, status, person.username)
            data = {"kind": "yearly", "conclusions": "Baik.", "bulan": "12"}
            self.assertEqual(self.post(person, data).status_code, status, person.username)
        self.assertFalse(Evaluation.objects.exists())
        self.assertEqual(self.get(self.adi).status_code, 200)
        self.assertEqual(self.get(self.root).status_code, 200)
        self.assertEqual(self.get(self.adi, "/kantor/standar/evaluasi/tidak-ada/").status_code, 404)


class RecordTests(EvaluationTestCase):
    def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(self) -> None:
        before = list(Duty.objects.values_list("pk", "closed_at"))
        for data in (
            {"kind": "yearly", "conclusions": "  ", "bulan": "12"},
            {"kind": "monthly", "conclusions": "Baik.", "bulan": "12"},
            {"kind": "yearly", "conclusions": "Baik.", "bulan": "5"},
            {"kind": "review", "conclusions": "x" * 10_001, "bulan": "12"},
        ):
            response = self.post(self.adi, data)
            self.assertEqual(response.status_code, 400, data)
            self.assertContains(response, "govuk-error-message", status_code=400)
        self.assertContains(
            self.post(self.adi, {"kind": "yearly", "conclusions": "", "bulan": "12"}),
            "Tulis kesimpulan evaluasi.",
            status_code=400,
        )
        self.assertFalse(Evaluation.objects.exists())
        self.assertEqual(list(Duty.objects.values_list("pk", "closed_at")), before)

    def test_recording_freezes_the_evidence_does_the_duty_and_publishes_it(self) -> None:
        self.dataset()
        response = self.post(
            self.adi,
            {"kind": "yearly", "conclusions": "Verifikasi terlalu lama.", "bulan": "12"},
        )
        evaluation = Evaluation.objects.get()
        self.assertEqual(response["Location"], f"/layanan/akta-kelahiran/evaluasi/{evaluation.pk}/")
        self.assertEqual(
            (evaluation.kind, evaluation.charter, evaluation.evaluated_by),
            (Evaluation.Kind.YEARLY, self.akta_v1, self.adi),
        )
        self.assertEqual(
            (evaluation.period_start, evaluation.period_end),
            (dt.date(2025, 12, 1), dt.date(2026, 11, 20)),
        )
        self.assertEqual(evaluation.evidence["complaints"]["total"], 3)
        done = Duty.objects.get(evaluation=evaluation)
        self.assertEqual((done.kind, done.done_on), (Duty.Kind.YEARLY, dt.date(2026, 11, 20)))
        self.assertIsNone(done.breached_at)
        following = Duty.objects.get(service=self.akta, kind=Duty.Kind.YEARLY, closed_at=None)
        self.assertEqual(following.basis_on, dt.date(2026, 11, 20))
        self.assertEqual(following.due_on, dt.date(2027, 11, 22))  # the 20th is a Saturday
        # the review stays owed (a yearly evaluation is not a review)
        review = Duty.objects.get(service=self.akta, kind=Duty.Kind.REVIEW, closed_at=None)
        self.assertEqual(review.due_on, dt.date(2029, 7, 6))
        # the snapshot does not move when the figures do
        self.complaint(Category.objects.get(code="umum"), wib(2026, 11, 20, 9), self.akta)
        with time_machine.travel(NOW, tick=False):
            public = self.client.get(f"/layanan/akta-kelahiran/evaluasi/{evaluation.pk}/")
            listing = self.client.get("/layanan/akta-kelahiran/evaluasi/")
            charter = self.client.get("/layanan/akta-kelahiran/")
        self.assertContains(public, "Verifikasi terlalu lama.")
        self.assertContains(public, "Umum: 2")
        self.assertContains(public, "66.7%")
        self.assertContains(listing, f"/layanan/akta-kelahiran/evaluasi/{evaluation.pk}/")
        self.assertContains(charter, "Terakhir dievaluasi pada 20 November 2026.")
        self.assertContains(charter, "/layanan/akta-kelahiran/evaluasi/")

    def test_a_review_does_both_duties(self) -> None:
        self.post(self.adi, {"kind": "review", "conclusions": "Tinjau ulang.", "bulan": "36"})
        evaluation = Evaluation.objects.get()
        self.assertEqual(
            sorted(Duty.objects.filter(evaluation=evaluation).values_list("kind", flat=True)),
            ["review", "yearly"],
        )
        review = Duty.objects.get(service=self.akta, kind=Duty.Kind.REVIEW, closed_at=None)
        self.assertEqual(review.basis_on, dt.date(2026, 11, 20))
        self.assertEqual(evaluation.period_start, dt.date(2023, 12, 1))

    def test_an_evaluation_recorded_late_stays_on_the_register(self) -> None:
        late = wib(2027, 7, 8, 10)
        with time_machine.travel(late, tick=False):
            self.login(self.adi)
            self.client.post(URL, {"kind": "yearly", "conclusions": "Terlambat.", "bulan": "12"})
            register = self.client.get("/jaminan/").content.decode()
        done = Duty.objects.get(evaluation__isnull=False)
        self.assertEqual((done.done_on, done.breached_at), (dt.date(2027, 7, 8), late))
        self.assertIn("terlambat, pada 8 Juli 2027", register)


class NextDraftTests(EvaluationTestCase):
    def test_the_next_draft_starts_from_the_conclusions_once(self) -> None:
        conclusions = "Sederhanakan syarat."
        self.post(self.adi, {"kind": "yearly", "conclusions": conclusions, "bulan": "12"})
        evaluation = Evaluation.objects.get()
        url = f"{URL}{evaluation.pk}/draf/"
        self.assertEqual(self.post(self.dewi, {}, url).status_code, 404)
        self.assertEqual(self.post(self.budi, {}, url).status_code, 403)
        self.assertEqual(self.post(self.adi, {}, url).status_code, 302)
        draft = Charter.objects.get(service=self.akta, status=Charter.Status.DRAFT)
        self.assertEqual((draft.version, draft.change_note), (2, "Sederhanakan syarat."))
        self.assertEqual(draft.content, self.akta_v1.content)
        self.assertTrue(hasattr(draft, "consultation"))
        evaluation.refresh_from_db()
        self.assertEqual(evaluation.next_draft, draft)
        # a second press starts nothing and says why
        with time_machine.travel(NOW, tick=False):
            self.login(self.adi)
            response = self.client.post(url, follow=True)
        self.assertContains(response, "Rancangan sudah dimulai dari evaluasi ini.")
        self.assertEqual(Charter.objects.filter(service=self.akta).count(), 2)
