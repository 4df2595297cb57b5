"""The demo's public consultations: one open for comments on the family card, one whose period
has ended on the death certificate with exactly two unanswered comments, which `admin` answers
and adopts through the API at once; warga follows a service; nothing about the past is mailed,
and loading again adds nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase
from django.utils import timezone

from layanan.accounts.models import User
from layanan.accounts.tokens import issue_token
from layanan.agencies.admin_scope import administered_agency_ids
from layanan.agencies.models import Agency
from layanan.charters.models import Charter, Consultation, Duty, Follow, Maklumat
from layanan.notifications import consultations as consultation_messages
from layanan.portal.tests.test_demo_data import load

LOADED_AT = timezone.now()
WIB = ZoneInfo("Asia/Jakarta")


class DemoConsultationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(LOADED_AT, tick=False):
            load()

    def consultation(self, service: str) -> Consultation:
        return Consultation.objects.select_related("charter").get(charter__service__code=service)

    def api(self, method: str, path: str, body: Any = None, user: str = "") -> Any:
        with time_machine.travel(LOADED_AT + dt.timedelta(minutes=5), tick=False):
            headers = {}
            if user:
                token, _row = issue_token(User.objects.get(username=user))
                headers["Authorization"] = f"Bearer {token}"
            kwargs: dict[str, Any] = {"headers": headers}
            if body is not None:
                kwargs.update(data=json.dumps(body), content_type="application/json")
            return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def test_the_family_card_draft_is_open_with_reasons_minutes_and_an_answered_comment(
        self,
    ) -> None:
        open_one = self.consultation("kartu-keluarga")
        self.assertEqual(open_one.status_at(LOADED_AT), "open")
        self.assertEqual(open_one.charter.status, Charter.Status.CONSULTATION)
        self.assertTrue(open_one.minutes)
        self.assertIsNotNone(open_one.forum_date)
        self.assertGreater(sum(open_one.participants.values()), 0)
        self.assertEqual(
            set(open_one.reasons), {"requirements", "procedure", "time_limit", "guarantee"}
        )
        comments = list(open_one.comments.select_related("author").order_by("pk"))
        self.assertEqual([c.author.username for c in comments], ["warga", "warga2"])
        self.assertEqual([c.is_answered for c in comments], [True, False])
        body = self.api("get", f"/consultations/{open_one.pk}").json()
        changed = {c["key"] for c in body["components"] if c["changed"]}
        self.assertLessEqual({"requirements", "time_limit"}, changed)
        time_limit = next(c for c in body["components"] if c["key"] == "time_limit")
        self.assertEqual(time_limit["draft"]["time_limit"], {"amount": 6, "unit": "working_hours"})
        self.assertTrue(time_limit["reason"])

    def test_admin_answers_the_two_comments_of_the_ended_one_and_adopts_it(self) -> None:
        admin = User.objects.get(username="admin")
        self.assertIsNone(administered_agency_ids(admin), "admin administers every agency")
        self.assertGreater(Agency.objects.count(), 1)
        ended = self.consultation("akta-kematian")
        self.assertEqual(ended.status_at(LOADED_AT), "closed")
        listed = {c["service"]: c["status"] for c in self.api("get", "/consultations").json()}
        self.assertEqual(listed, {"kartu-keluarga": "open", "akta-kematian": "closed"})
        refused = self.api(
            "post", f"/consultations/{ended.pk}/adopt", {"effective_date": "2099-01-01"}, "admin"
        )
        self.assertEqual(refused.status_code, 409)
        waiting = refused.json()["fields"]["unanswered"]
        self.assertEqual(len(waiting), 2)
        for comment_id in waiting:
            answered = self.api(
                "post",
                f"/consultations/{ended.pk}/comments/{comment_id}/answer",
                {"decision": "accepted", "text": "Terima kasih atas masukannya."},
                "admin",
            )
            self.assertEqual(answered.status_code, 200, answered.content)
        tomorrow = (LOADED_AT.astimezone(WIB) + dt.timedelta(days=1)).date()
        adopted = self.api(
            "post",
            f"/consultations/{ended.pk}/adopt",
            {"effective_date": tomorrow.isoformat()},
            "admin",
        )
        self.assertEqual(adopted.status_code, 200, adopted.content)
        self.assertEqual(adopted.json()["status"], "adopted")
        self.assertEqual(Charter.objects.get(pk=ended.charter_id).status, Charter.Status.SCHEDULED)
        # the answers are news: warga (by email and WhatsApp) and warga2 (by email) are each
        # told of theirs
        with time_machine.travel(LOADED_AT + dt.timedelta(minutes=6), tick=False):
            self.assertEqual(consultation_messages.plan_messages(), 3)

    def test_warga_follows_a_service_and_nothing_of_the_past_is_mailed(self) -> None:
        self.assertTrue(
            Follow.objects.filter(
                citizen__username="warga", service__code="kartu-keluarga"
            ).exists()
        )
        with time_machine.travel(LOADED_AT, tick=False):
            self.assertEqual(consultation_messages.plan_messages(), 0)

    def test_the_demo_agencies_have_published_their_maklumat(self) -> None:
        # the catalogue's agencies declare it: recorded, so no maklumat duty stays owed (the
        # register would list the demo agencies as late a week after `make demo`)
        self.assertFalse(Duty.objects.filter(kind=Duty.Kind.MAKLUMAT, closed_at__isnull=True))
        self.assertTrue(Maklumat.objects.filter(agency__code="disdukcapil").exists())

    def test_loading_again_keeps_the_drafts_and_adds_nothing(self) -> None:
        statuses = dict(Charter.objects.values_list("pk", "status"))
        with time_machine.travel(LOADED_AT, tick=False):
            output = load()
        self.assertIn("0 catalogue change(s)", output)
        self.assertEqual(Consultation.objects.count(), 2)
        self.assertEqual(Follow.objects.count(), 1)
        self.assertEqual(dict(Charter.objects.values_list("pk", "status")), statuses)
        self.assertEqual(
            self.consultation("kartu-keluarga").charter.content["time_limit"],
            {"amount": 6, "unit": "working_hours"},
        )

    def test_loading_after_the_ended_one_is_set_keeps_it(self) -> None:
        self.test_admin_answers_the_two_comments_of_the_ended_one_and_adopts_it()
        with time_machine.travel(LOADED_AT + dt.timedelta(days=3), tick=False):
            output = load()
        self.assertIn("0 catalogue change(s)", output)
        self.assertEqual(
            dict(
                Charter.objects.filter(service__code="akta-kematian").values_list(
                    "version", "status"
                )
            ),
            {1: "adopted", 2: "scheduled"},
        )
