"""/api/v1/consultations through HTTP: the list and one consultation (published ones only),
comments and stances by signed-in citizens while the period is open, reports, hiding and
answers by the agency's administrators, and adoption only after the period with every comment
answered, switching the service's version on the effective date. Every refusal writes nothing.

People: siti and agus are citizens; rina administers Disdukcapil (the lead agency of the birth
certificate); dodi administers DPMPTSP only; root is a superuser."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine

from layanan.accounts.models import User
from layanan.accounts.tokens import issue_token
from layanan.agencies.models import OfficerRole, Role, Unit
from layanan.charters import consultations
from layanan.charters.actions import run as run_worker_job
from layanan.charters.models import (
    Charter,
    Comment,
    CommentReport,
    Consultation,
    ConsultationEvent,
    Stance,
)
from layanan.test import BaseTestCase, published_consultation

# Monday 2 March 2026, 09:00 WIB: the comment period ends on Wednesday 11 March.
MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
DURING = MONDAY + dt.timedelta(hours=3)
AFTER = dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC)  # Monday 16 March, 09:00 WIB
FEE_CHANGE = {
    "fee": {"amount": 15000, "legal_basis": "Perda Kabupaten Contoh 1/2024"},
    "facilities": "Ruang tunggu, kursi roda dan pojok laktasi.",
}


class ConsultationApiTestCase(BaseTestCase):
    rina: User
    dodi: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rina = cls.make_user("rina", "Rina Kartika", is_staff=True)
        OfficerRole.objects.create(user=cls.rina, unit=cls.loket, role=Role.AGENCY_ADMIN)
        cls.dodi = cls.make_user("dodi", "Dodi Prasetyo", is_staff=True)
        OfficerRole.objects.create(user=cls.dodi, unit=cls.perizinan, role=Role.AGENCY_ADMIN)

    def setUp(self) -> None:
        super().setUp()
        with time_machine.travel(MONDAY, tick=False):
            self.consultation = published_consultation(
                self.akta, by=self.root, changes=FEE_CHANGE, now=MONDAY
            )
        self.url = f"/api/v1/consultations/{self.consultation.pk}"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: User | None = None,
        at: dt.datetime = DURING,
    ) -> Any:
        with time_machine.travel(at, tick=False):
            headers = {"Accept-Language": "en"}
            if user is not None:
                token, _row = issue_token(user)
                headers["Authorization"] = f"Bearer {token}"
            kwargs: dict[str, Any] = {"headers": headers}
            if body is not None:
                kwargs.update(data=json.dumps(body), content_type="application/json")
            return getattr(self.client, method)(path, **kwargs)

    def comment(self, author: User, target: str = "fee", text: str = "Terlalu mahal.") -> Comment:
        with time_machine.travel(DURING, tick=False):
            return consultations.write_comment(
                consultation=self.consultation, author=author, target=target, text=text
            )

    def answer_all(self) -> None:
        for comment in Comment.objects.filter(consultation=self.consultation):
            consultations.answer_comment(
                comment=comment, by=self.rina, decision="partly", text="Kami sesuaikan."
            )

    def written(self) -> tuple[int, int, int, int]:
        """What a refused request must not have added to."""
        return (
            Comment.objects.count(),
            Stance.objects.count(),
            CommentReport.objects.count(),
            ConsultationEvent.objects.count(),
        )


class ReadingTests(ConsultationApiTestCase):
    def test_the_list_has_published_and_recently_set_consultations_only(self) -> None:
        response = self.call("get", "/api/v1/consultations")
        self.assertEqual(response.status_code, 200, response.content)
        [row] = response.json()
        self.assertEqual(row["id"], self.consultation.pk)
        self.assertEqual(row["service"], "akta-kelahiran")
        self.assertEqual(row["version"], 2)
        self.assertEqual(row["status"], "open")
        self.assertEqual(dt.datetime.fromisoformat(row["opens_at"]), MONDAY)
        self.assertEqual(dt.datetime.fromisoformat(row["closes_at"]), self.consultation.closes_at)
        self.assertEqual(row["url"], f"/konsultasi/{self.consultation.pk}/")
        closed = self.call("get", "/api/v1/consultations", at=AFTER).json()
        self.assertEqual([r["status"] for r in closed], ["closed"])
        # a set one is listed for a year after it was set, then no more
        with time_machine.travel(AFTER, tick=False):
            Consultation.objects.filter(pk=self.consultation.pk).update(adopted_at=AFTER)
        listed = self.call("get", "/api/v1/consultations", at=AFTER + dt.timedelta(days=300))
        self.assertEqual([r["status"] for r in listed.json()], ["adopted"])
        later = self.call("get", "/api/v1/consultations", at=AFTER + dt.timedelta(days=400))
        self.assertEqual(later.json(), [])

    def test_a_draft_being_prepared_is_not_public(self) -> None:
        dpmptsp_service = self.akta.__class__.objects.create(
            code="izin-usaha", name="Izin Usaha", lead_agency=self.dpmptsp
        )
        self.adopt(dpmptsp_service, self.akta_v1.content)
        draft = consultations.start_draft(service=dpmptsp_service, by=self.root)
        preparing = consultations.consultation_for(draft, by=self.root)
        listed = self.call("get", "/api/v1/consultations").json()
        self.assertEqual([r["id"] for r in listed], [self.consultation.pk])
        response = self.call("get", f"/api/v1/consultations/{preparing.pk}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        for unknown in ("999999", "0", "-3", str(2**70)):
            response = self.call("get", f"/api/v1/consultations/{unknown}")
            self.assertEqual(response.status_code, 404, unknown)

    def test_one_consultation_compares_each_component_and_shows_hidden_comments_hidden(
        self,
    ) -> None:
        kept = self.comment(self.siti, "requirements.surat_lahir", "Cukup fotokopi saja.")
        rude = self.comment(self.agus, "fee", "Kata-kata kasar.")
        consultations.answer_comment(
            comment=kept, by=self.rina, decision="accepted", text="Fotokopi diterima."
        )
        consultations.hide_comment(comment=rude, by=self.rina, reason="Kata-kata kasar.")
        response = self.call("get", self.url)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["status"], "open")
        self.assertEqual(body["in_force_version"], 1)
        self.assertEqual(len(body["components"]), 14)
        by_key = {c["key"]: c for c in body["components"]}
        self.assertEqual(by_key["fee"]["in_force"]["fee"]["kind"], "free")
        self.assertEqual(by_key["fee"]["draft"]["fee"]["amount"], 15000)
        self.assertTrue(by_key["fee"]["changed"])
        self.assertEqual(by_key["fee"]["reason"], "Menyesuaikan peraturan daerah baru.")
        self.assertFalse(by_key["legal_basis"]["changed"])
        self.assertIsNone(by_key["legal_basis"]["reason"])
        comments = {c["id"]: c for c in body["comments"]}
        self.assertEqual(comments[kept.pk]["text"], "Cukup fotokopi saja.")
        self.assertEqual(comments[kept.pk]["component"], "requirements.surat_lahir")
        self.assertEqual(comments[kept.pk]["answer"]["decision"], "accepted")
        self.assertEqual(comments[kept.pk]["answer"]["text"], "Fotokopi diterima.")
        self.assertIsNone(comments[rude.pk]["text"])
        self.assertTrue(comments[rude.pk]["hidden"])
        self.assertEqual(comments[rude.pk]["hidden_reason"], "Kata-kata kasar.")
        self.assertIsNone(comments[rude.pk]["answer"])
        self.assertNotIn("Kata-kata kasar.", json.dumps(comments[rude.pk]["text"]))


class CommentTests(ConsultationApiTestCase):
    def test_a_signed_in_citizen_comments_with_a_stance(self) -> None:
        response = self.call(
            "post",
            f"{self.url}/comments",
            {"component": "fee", "text": "Rp15.000 terlalu mahal.", "stance": "oppose"},
            user=self.siti,
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        comment = Comment.objects.get(pk=body["id"])
        self.assertEqual((comment.author, comment.target), (self.siti, "fee"))
        self.assertEqual(body["stance"], "oppose")
        self.assertIsNone(body["answer"])
        self.assertEqual(Stance.objects.get(citizen=self.siti, component="fee").stance, "oppose")
        detail = self.call("get", self.url).json()
        fee = next(c for c in detail["components"] if c["key"] == "fee")
        self.assertEqual((fee["support"], fee["oppose"]), (0, 1))

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self) -> None:
        before = self.written()
        for body, field in (
            ({"component": "warna_loket", "text": "Hijau."}, "component"),
            ({"component": "fee", "text": "   "}, "text"),
            ({"component": "fee", "text": "x" * 2001}, "text"),
            ({"component": "fee", "text": "Mahal.", "stance": "maybe"}, "stance"),
            ({"text": "Tanpa bagian."}, "component"),
        ):
            with self.subTest(body=body):
                response = self.call("post", f"{self.url}/comments", body, user=self.siti)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json()["code"], "invalid")
                self.assertIn(field, response.json()["fields"])
        self.assertEqual(self.written(), before)

    def test_anonymous_is_401_and_outside_the_period_is_409(self) -> None:
        before = self.written()
        body = {"component": "fee", "text": "Mahal."}
        anonymous = self.call("post", f"{self.url}/comments", body)
        self.assertEqual(anonymous.status_code, 401)
        self.assertEqual(anonymous.json()["code"], "unauthenticated")
        late = self.call("post", f"{self.url}/comments", body, user=self.siti, at=AFTER)
        self.assertEqual(late.status_code, 409, late.content)
        self.assertEqual(late.json()["code"], "not_allowed")
        self.assertIn("ended", late.json()["message"])
        unknown = self.call("post", "/api/v1/consultations/999999/comments", body, user=self.siti)
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(self.written(), before)

    def test_stances_are_one_per_citizen_and_component_until_the_period_ends(self) -> None:
        path = f"{self.url}/stances/fee"
        response = self.call("put", path, {"stance": "support"}, user=self.siti)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"component": "fee", "stance": "support"})
        self.call("put", path, {"stance": "oppose"}, user=self.siti)
        self.assertEqual(
            list(Stance.objects.values_list("citizen__username", "stance")), [("siti", "oppose")]
        )
        withdrawn = self.call("put", path, {"stance": None}, user=self.siti)
        self.assertEqual(withdrawn.json(), {"component": "fee", "stance": None})
        self.assertFalse(Stance.objects.exists())
        before = self.written()
        bad = self.call("put", f"{self.url}/stances/warna", {"stance": "support"}, user=self.siti)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("component", bad.json()["fields"])
        wrong = self.call("put", path, {"stance": "maybe"}, user=self.siti)
        self.assertIn("stance", wrong.json()["fields"])
        self.assertEqual(self.call("put", path, {"stance": "support"}).status_code, 401)
        late = self.call("put", path, {"stance": "support"}, user=self.siti, at=AFTER)
        self.assertEqual(late.status_code, 409)
        self.assertEqual(self.written(), before)

    def test_a_comment_is_reported_once_per_reader(self) -> None:
        comment = self.comment(self.agus)
        path = f"{self.url}/comments/{comment.pk}/report"
        first = self.call("post", path, {"reason": "Menyinggung."}, user=self.siti)
        self.assertEqual(first.status_code, 201, first.content)
        self.assertEqual(first.json(), {"comment": comment.pk, "reported": True})
        again = self.call("post", path, {}, user=self.siti)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), {"comment": comment.pk, "reported": False})
        self.assertEqual(CommentReport.objects.count(), 1)
        self.assertEqual(self.call("post", path, {}).status_code, 401)
        too_long = self.call("post", path, {"reason": "x" * 501}, user=self.agus)
        self.assertEqual(too_long.status_code, 400)
        self.assertIn("reason", too_long.json()["fields"])
        self.assertEqual(CommentReport.objects.count(), 1)


class ModerationAndAnswerTests(ConsultationApiTestCase):
    def test_an_admin_of_the_agency_hides_a_comment_with_the_reason(self) -> None:
        comment = self.comment(self.agus)
        path = f"{self.url}/comments/{comment.pk}/hide"
        before = self.written()
        for user, status in ((self.siti, 403), (self.dodi, 403), (None, 401)):
            with self.subTest(user=user):
                response = self.call("post", path, {"reason": "Kasar."}, user=user)
                self.assertEqual(response.status_code, status, response.content)
        empty = self.call("post", path, {"reason": ""}, user=self.rina)
        self.assertEqual(empty.status_code, 400)
        self.assertIn("reason", empty.json()["fields"])
        self.assertEqual(self.written(), before)
        response = self.call("post", path, {"reason": "Kata-kata kasar."}, user=self.rina)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["hidden"], True)
        self.assertIsNone(response.json()["text"])
        twice = self.call("post", path, {"reason": "Lagi."}, user=self.rina)
        self.assertEqual(twice.status_code, 409)

    def test_the_agency_answers_and_changes_an_answer(self) -> None:
        comment = self.comment(self.siti)
        path = f"{self.url}/comments/{comment.pk}/answer"
        before = self.written()
        for user, status in ((self.siti, 403), (self.dodi, 403), (None, 401)):
            with self.subTest(user=user):
                refused = self.call(
                    "post", path, {"decision": "accepted", "text": "Ya."}, user=user
                )
                self.assertEqual(refused.status_code, status, refused.content)
                if status == 403:
                    self.assertEqual(refused.json()["code"], "forbidden")
        for body, field in (
            ({"decision": "maybe", "text": "Ya."}, "decision"),
            ({"decision": "rejected", "text": " "}, "text"),
            ({"text": "Ya."}, "decision"),
        ):
            with self.subTest(body=body):
                bad = self.call("post", path, body, user=self.rina)
                self.assertEqual(bad.status_code, 400, bad.content)
                self.assertIn(field, bad.json()["fields"])
        other = self.call(
            "post",
            f"{self.url}/comments/999999/answer",
            {"decision": "accepted", "text": "Ya."},
            user=self.rina,
        )
        self.assertEqual(other.status_code, 404)
        self.assertEqual(self.written(), before)
        answered = self.call(
            "post",
            path,
            {"decision": "rejected", "text": "Tarif ditetapkan perda."},
            user=self.rina,
        )
        self.assertEqual(answered.status_code, 200, answered.content)
        self.assertEqual(answered.json()["answer"]["decision"], "rejected")
        changed = self.call(
            "post", path, {"decision": "partly", "text": "Diturunkan."}, user=self.root
        )
        self.assertEqual(changed.json()["answer"]["decision"], "partly")
        comment.refresh_from_db()
        self.assertEqual((comment.decision, comment.answer), ("partly", "Diturunkan."))
        self.assertEqual(
            list(
                ConsultationEvent.objects.filter(kind="answered").values_list(
                    "data__first", flat=True
                )
            ),
            [True, False],
        )

    def test_a_comment_of_another_consultation_is_404(self) -> None:
        comment = self.comment(self.siti)
        other_service = self.akta.__class__.objects.create(
            code="akta-kematian", name="Akta Kematian", lead_agency=self.disdukcapil
        )
        self.adopt(other_service, self.akta_v1.content)
        with time_machine.travel(MONDAY, tick=False):
            other = published_consultation(other_service, by=self.root, now=MONDAY)
        response = self.call(
            "post",
            f"/api/v1/consultations/{other.pk}/comments/{comment.pk}/answer",
            {"decision": "accepted", "text": "Ya."},
            user=self.rina,
        )
        self.assertEqual(response.status_code, 404)


class AdoptionTests(ConsultationApiTestCase):
    def test_adoption_waits_for_the_period_and_every_answer(self) -> None:
        first = self.comment(self.siti)
        second = self.comment(self.agus, "requirements.surat_lahir", "Hapus syarat ini.")
        path = f"{self.url}/adopt"
        body = {"effective_date": "2026-04-01"}
        before = self.written()
        open_period = self.call("post", path, body, user=self.rina)
        self.assertEqual(open_period.status_code, 409, open_period.content)
        self.assertIn("open until", open_period.json()["message"])
        waiting = self.call("post", path, body, user=self.rina, at=AFTER)
        self.assertEqual(waiting.status_code, 409, waiting.content)
        self.assertEqual(waiting.json()["fields"], {"unanswered": [first.pk, second.pk]})
        for user, status in ((self.siti, 403), (self.dodi, 403), (None, 401)):
            with self.subTest(user=user):
                refused = self.call("post", path, body, user=user, at=AFTER)
                self.assertEqual(refused.status_code, status)
        self.assertEqual(self.written(), before)
        self.answer_all()
        for bad in ({"effective_date": "2026-03-01"}, {"effective_date": "besok"}, {}):
            with self.subTest(body=bad):
                response = self.call("post", path, bad, user=self.rina, at=AFTER)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn("effective_date", response.json()["fields"])
        self.assertEqual(
            Charter.objects.get(pk=self.consultation.charter_id).status,
            Charter.Status.CONSULTATION,
        )

    def test_the_version_in_force_changes_on_the_effective_date(self) -> None:
        self.comment(self.siti)
        self.answer_all()
        service = "/api/v1/services/akta-kelahiran"
        self.assertEqual(self.call("get", service, at=AFTER).json()["charter_version"], 1)
        response = self.call(
            "post", f"{self.url}/adopt", {"effective_date": "2026-04-01"}, user=self.rina, at=AFTER
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["status"], "adopted")
        self.assertEqual(body["effective_from"], "2026-04-01")
        self.assertEqual(body["in_force_version"], 1)
        on_the_eve = dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)  # 23:00 WIB
        self.assertEqual(self.call("get", service, at=on_the_eve).json()["charter_version"], 1)
        with time_machine.travel(on_the_eve, tick=False):
            run_worker_job()  # the worker's pass before the date changes nothing
        self.assertEqual(self.call("get", service, at=on_the_eve).json()["charter_version"], 1)
        on_the_day = dt.datetime(2026, 3, 31, 17, 1, tzinfo=dt.UTC)  # 00:01 WIB, 1 April
        with time_machine.travel(on_the_day, tick=False):
            run_worker_job()  # the worker's pass (every minute) on the date
        in_force = self.call("get", service, at=on_the_day).json()
        self.assertEqual(in_force["charter_version"], 2)
        self.assertEqual(in_force["fee"], 15000)
        again = self.call(
            "post", f"{self.url}/adopt", {"effective_date": "2026-04-02"}, user=self.root, at=AFTER
        )
        self.assertEqual(again.status_code, 409)
        report = self.call("get", f"{self.url}/report", at=AFTER)
        self.assertEqual(report.status_code, 200)
        self.assertEqual(report.json()["comments"], 1)
        self.assertEqual(report.json()["effective_from"], "2026-04-01")
        # once set, answers are final
        comment = Comment.objects.get()
        final = self.call(
            "post",
            f"{self.url}/comments/{comment.pk}/answer",
            {"decision": "accepted", "text": "Ubah."},
            user=self.rina,
            at=AFTER,
        )
        self.assertEqual(final.status_code, 409)

    def test_the_report_is_404_before_adoption(self) -> None:
        response = self.call("get", f"{self.url}/report", at=AFTER)
        self.assertEqual(response.status_code, 404)


class ApiUnitScopeTests(ConsultationApiTestCase):
    def test_an_admin_of_another_unit_of_the_same_agency_answers(self) -> None:
        capil_admin = self.make_user("wawan", "Wawan Setiawan", is_staff=True)
        OfficerRole.objects.create(
            user=capil_admin,
            unit=Unit.objects.get(code="disdukcapil-capil"),
            role=Role.AGENCY_ADMIN,
        )
        comment = self.comment(self.siti)
        response = self.call(
            "post",
            f"{self.url}/comments/{comment.pk}/answer",
            {"decision": "accepted", "text": "Terima kasih."},
            user=capil_admin,
        )
        self.assertEqual(response.status_code, 200, response.content)
