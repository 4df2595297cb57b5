"""The demo's answered satisfaction surveys: an IKM from the first minute, nothing mailed about
the past, and a survey for what ends after loading."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import TestCase
from django.utils import timezone

from layanan.accounts.models import User
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.notifications.models import Message
from layanan.notifications.surveys import plan_messages as plan_survey_messages
from layanan.portal.tests.test_demo_data import load, sample
from layanan.surveys.invitations import invite_ended_applications
from layanan.surveys.models import Invitation, Response
from layanan.surveys.reports import ikm_summary
from layanan.test import mark_verified

LOADED_AT = timezone.now()


class DemoSurveyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(LOADED_AT, tick=False):
            load()

    def summary(self) -> dict:
        today = timezone.localdate(LOADED_AT)
        return ikm_summary(start=today - dt.timedelta(days=60), end=today)

    def test_the_ended_samples_were_invited_and_answered(self) -> None:
        invited = {i.application.idempotency_key for i in Invitation.objects.all()}
        ended = set(
            Application.objects.filter(
                status__in=("completed", "rejected", "deemed_approved")
            ).values_list("idempotency_key", flat=True)
        )
        self.assertEqual(invited, ended)
        self.assertLessEqual({"demo-2", "demo-5", "demo-10"}, invited)
        self.assertFalse(Invitation.objects.filter(answered_at__isnull=True).exists())
        online = Response.objects.filter(channel="online").count()
        self.assertEqual(online, len(invited))
        self.assertEqual(Response.objects.filter(channel="kertas").count(), 10 - online)

    def test_the_demo_has_an_ikm(self) -> None:
        summary = self.summary()
        self.assertEqual(summary["respondents"], 10)
        self.assertEqual(str(summary["ikm"]), "80.83")
        self.assertEqual((summary["mutu"], summary["kinerja"]), ("B", "Baik"))
        self.assertEqual(summary["lowest"], ["u3", "u8"])

    def test_loading_again_adds_no_answers(self) -> None:
        invitations = Invitation.objects.count()
        with time_machine.travel(LOADED_AT, tick=False):
            load()
        self.assertEqual(Response.objects.count(), 10)
        self.assertEqual(Invitation.objects.count(), invitations)

    def test_nothing_about_the_past_is_mailed(self) -> None:
        with time_machine.travel(LOADED_AT, tick=False):
            self.assertEqual(plan_survey_messages(), 0)
        self.assertFalse(Message.objects.filter(survey_invitation__isnull=False).exists())

    def test_an_application_that_ends_now_gets_a_survey_and_changes_the_ikm(self) -> None:
        petugas = User.objects.get(username="petugas")
        application = sample("demo-4")
        with time_machine.travel(LOADED_AT, tick=False):
            for step in application.steps.order_by("stage", "position"):
                step.refresh_from_db()
                if step.state == "active":
                    application = actions.act_on_step(
                        application=application,
                        step=step,
                        officer=petugas,
                        action="reject",
                        note="Surat rekomendasi organisasi profesi tidak ada.",
                    )
                    break
            invite_ended_applications()
            # by email, and by WhatsApp for warga, who chose it
            expected = 1 + (application.applicant.username == "warga")
            self.assertEqual(plan_survey_messages(), expected)
        message = Message.objects.get(survey_invitation__application=application, channel="email")
        self.assertEqual(message.recipient, application.applicant.email)
        link = "/survei/" + message.body.split("/survei/")[1].split("/")[0] + "/"
        answers = {f"u{i}": "1" for i in range(1, 10)}
        self.assertEqual(self.client.post(link, answers).status_code, 302)
        summary = self.summary()
        self.assertEqual(summary["respondents"], 11)
        self.assertLess(summary["ikm"], 80)
        # the report shows it to the demo officer
        self.client.force_login(petugas)
        mark_verified(self.client, petugas)
        self.assertContains(self.client.get("/kantor/survei/laporan/"), "Responden")
