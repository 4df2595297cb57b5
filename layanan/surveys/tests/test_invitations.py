"""One invitation per ended application, made by the worker's reader of the event log, and
the email that carries its link."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from layanan.cases import actions
from layanan.notifications.models import Message
from layanan.notifications.surveys import plan_messages as plan_survey_messages
from layanan.portal.worker import periodic_jobs
from layanan.surveys.invitations import invite_ended_applications
from layanan.surveys.models import Invitation
from layanan.surveys.tests.helpers import SurveyTestCase


class InvitationTests(SurveyTestCase):
    def test_a_completed_application_gets_one_invitation(self) -> None:
        application = self.completed()
        invite_ended_applications()
        invite_ended_applications()  # a second pass changes nothing
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.application, application)
        self.assertEqual(invitation.service, self.akta)
        self.assertEqual(invitation.unit, self.capil)  # the unit of the step that ended it
        self.assertEqual(invitation.ended_on, timezone.localdate(application.ended_at))
        self.assertIsNone(invitation.answered_at)

    def test_a_rejected_application_is_invited_too(self) -> None:
        application = self.rejected()
        invite_ended_applications()
        self.assertEqual(Invitation.objects.get().unit, self.loket)
        self.assertEqual(Invitation.objects.get().application, application)

    def test_open_and_withdrawn_applications_are_not_invited(self) -> None:
        self.submitted()
        withdrawn = self.submitted()
        actions.withdraw_application(application=withdrawn, citizen=self.siti)
        invite_ended_applications()
        self.assertFalse(Invitation.objects.exists())

    @override_settings(LAYANAN_SURVEY_DAYS=7)
    def test_the_link_expires_after_the_configured_days(self) -> None:
        application = self.completed()
        invite_ended_applications()
        invitation = Invitation.objects.get()
        assert application.ended_at is not None
        self.assertEqual(invitation.expires_at, application.ended_at + dt.timedelta(days=7))

    def test_the_worker_invites_and_mails_the_link(self) -> None:
        application = self.completed()
        mail.outbox.clear()
        for _turn in range(2):  # the invitation is made, then its message planned
            with self.captureOnCommitCallbacks(execute=True):
                for job in periodic_jobs():
                    job.run()
        message = Message.objects.get(survey_invitation__application=application)
        self.assertEqual(message.recipient, "siti@example.test")
        self.assertIn("/survei/", message.body)
        self.assertIn(application.number, message.body)
        # the key is in the message only: the database keeps its hash
        key = message.body.split("/survei/")[1].split("/")[0]
        self.assertNotIn(key, {Invitation.objects.get().key_hash, Invitation.objects.get().nonce})

    def test_the_email_link_opens_the_survey(self) -> None:
        _invitation, link = self.invited()
        response = self.client.get(link)
        self.assertContains(response, "Persyaratan")

    def test_an_applicant_without_email_is_recorded_as_skipped(self) -> None:
        self.siti.email = ""
        self.siti.save(update_fields=["email"])
        self.completed()
        invite_ended_applications()
        plan_survey_messages()
        self.assertEqual(Message.objects.get(survey_invitation__isnull=False).status, "skipped")

    def test_an_invitation_answered_before_its_message_is_not_mailed(self) -> None:
        invitation, _link = self.invited()
        Message.objects.all().delete()
        Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
        from layanan.cases.models import EventCursor

        EventCursor.objects.filter(name="notifications.surveys").update(position=0)
        plan_survey_messages()
        self.assertFalse(Message.objects.exists())


class InvitationOnTheApplicationPageTests(SurveyTestCase):
    def test_the_applicant_finds_the_survey_on_her_application_until_she_answers(self) -> None:
        """An applicant without an email address gets no message: the link is on her page."""
        self.siti.email = ""
        self.siti.save(update_fields=["email"])
        application = self.completed()
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/")
        self.assertNotContains(page, "Isi survei kepuasan")  # no invitation yet
        invite_ended_applications()
        page = self.client.get(f"/permohonan/{application.number}/")
        self.assertContains(page, "Isi survei kepuasan")
        from layanan.surveys.actions import key_for

        invitation = Invitation.objects.get()
        self.assertContains(page, f"/survei/{key_for(invitation)}/")
        Invitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
        page = self.client.get(f"/permohonan/{application.number}/")
        self.assertNotContains(page, "Isi survei kepuasan")
