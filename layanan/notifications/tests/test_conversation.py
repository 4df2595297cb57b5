"""Conversations by message, through the signed WhatsApp webhook: status, corrections, the
survey, a complaint, BERHENTI and MULAI, help."""

from __future__ import annotations

from django.utils import timezone

from layanan.accounts.models import AccountEvent
from layanan.cases import actions
from layanan.complaints.actions import ensure_builtin_categories
from layanan.complaints.models import Complaint
from layanan.lib import tracking
from layanan.notifications.jobs import fail, plan_reply, send_message_now
from layanan.notifications.models import Conversation, InboundMessage, Message
from layanan.notifications.tests.inbound import (
    SITI_PHONE,
    STRANGER_PHONE,
    InboundTestCase,
    whatsapp_button,
    whatsapp_text,
)
from layanan.surveys.actions import invite
from layanan.surveys.models import Invitation, Response
from layanan.test import ANSWERS


class StatusTests(InboundTestCase):
    def test_the_applicant_gets_her_application_with_its_link(self):
        application = self.submitted()
        reply = self.say(f"cek status {application.number.lower()}.")
        self.assertEqual((reply.channel, reply.recipient), ("whatsapp", SITI_PHONE))
        self.assertEqual(reply.user, self.siti)
        self.assertIn(application.number, reply.body)
        self.assertIn("Sedang diproses", reply.body)  # the status sentence, in Indonesian
        self.assertIn("Verifikasi berkas, Loket Pelayanan (Disdukcapil)", reply.body)
        self.assertIn(f"/permohonan/{application.number}/", reply.body)
        self.assertEqual(InboundMessage.objects.get().outcome, "status_own")

    def test_anyone_else_gets_the_public_view_without_personal_data(self):
        application = self.submitted()
        reply = self.say(f"STATUS {application.number}", phone=STRANGER_PHONE)
        self.assertIn(application.number, reply.body)
        self.assertIn(f"/lacak/{application.number}/", reply.body)
        self.assertNotIn("/permohonan/", reply.body)
        for personal in ("Siti", "Rahayu", ANSWERS["nik_ibu"], ANSWERS["nama_anak"]):
            self.assertNotIn(personal, reply.body)
        self.assertIsNone(reply.user)
        self.assertEqual(InboundMessage.objects.get().outcome, "status_public")

    def test_another_citizens_phone_gets_the_public_view_too(self):
        application = self.submitted()
        self.agus.phone = STRANGER_PHONE
        self.agus.save(update_fields=["phone"])
        reply = self.say(f"STATUS {application.number}", phone=STRANGER_PHONE)
        self.assertEqual(reply.user, self.agus)
        self.assertIn("/lacak/", reply.body)
        self.assertNotIn("Siti", reply.body)

    def test_an_unknown_number_is_not_found(self):
        unknown = tracking.format(tracking.new_tracking_number())
        reply = self.say(f"STATUS {unknown}")
        self.assertIn(unknown, reply.body)
        self.assertIn("Tidak ada permohonan", reply.body)

    def test_a_malformed_number_says_how_to_write_it(self):
        reply = self.say("STATUS nomor saya")
        self.assertIn("STATUS 7KQ4-M9TX-4C", reply.body)

    def test_english_for_an_account_that_chose_it(self):
        self.siti.language = "en"
        self.siti.save(update_fields=["language"])
        application = self.submitted()
        reply = self.say(f"STATUS {application.number}")
        self.assertIn("Being processed", reply.body)
        self.assertIn("Birth Certificate", reply.body)
        self.assertEqual(reply.language, "en")


class CorrectionTests(InboundTestCase):
    def returned(self):
        application = self.submitted()
        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="return",
            note="Surat lahir buram.",
        )
        return application

    def test_any_reply_of_the_applicant_gets_the_link_to_correct_it(self):
        application = self.returned()
        reply = self.say("baik, saya perbaiki")
        self.assertIn(f"/permohonan/{application.number}/", reply.body)
        self.assertEqual(InboundMessage.objects.get().outcome, "correction_link")
        self.assertNotIn("Surat lahir buram", reply.body)

    def test_perbaiki_with_the_number(self):
        application = self.returned()
        reply = self.say(f"PERBAIKI {application.number}")
        self.assertIn(f"/permohonan/{application.number}/", reply.body)

    def test_perbaiki_finds_an_older_returned_application_by_its_number(self):
        oldest, *newer = [self.returned() for _ in range(4)]
        reply = self.say(f"PERBAIKI {oldest.number}")
        self.assertIn(f"/permohonan/{oldest.number}/", reply.body)
        for application in newer:
            self.assertNotIn(application.number, reply.body)
        # without a number, the three newest
        listed = self.say("PERBAIKI").body
        self.assertNotIn(oldest.number, listed)
        self.assertEqual(sum(a.number in listed for a in newer), 3)

    def test_someone_else_gets_no_link(self):
        application = self.returned()
        reply = self.say(f"PERBAIKI {application.number}", phone=STRANGER_PHONE)
        self.assertNotIn("/permohonan/", reply.body)


class SurveyTests(InboundTestCase):
    def ended(self):
        application = self.submitted()
        for key in ("verifikasi", "terbit"):
            application = actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
            )
        application.refresh_from_db()
        return invite(application=application, at=timezone.now())

    def test_answered_over_several_messages_resumed_and_never_twice(self):
        invitation = self.ended()
        first = self.post_whatsapp(whatsapp_button(SITI_PHONE, "SURVEI", "Isi survei"))
        self.assertEqual(first.status_code, 200)
        question = Message.objects.filter(kind="survey_question").latest("pk")
        self.assertIn("1 dari 9", question.body)
        self.assertEqual([b["id"] for b in question.buttons], ["1", "2", "3", "4"])
        for answer in ("4", "3", "(4)"):
            self.say(answer)
        # something else in the middle, then SURVEI goes on where it stopped
        self.say("bantuan")
        resumed = self.say("survei")
        self.assertIn("4 dari 9", resumed.body)
        self.assertIn("Balas 1–4", resumed.body)
        wrong = self.say("lima")
        self.assertIn("4 dari 9", wrong.body)
        for answer in ("3", "3", "4", "2", "4", "3"):
            last = self.say(answer)
        self.assertEqual(last.body, "Terima kasih! Jawaban Anda dicatat tanpa nama.")
        response = Response.objects.get()
        self.assertEqual(
            [getattr(response, f"u{i}") for i in range(1, 10)], [4, 3, 4, 3, 3, 4, 2, 4, 3]
        )
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.answered_at)
        conversation = Conversation.objects.get(address=SITI_PHONE)
        self.assertEqual((conversation.topic, conversation.state), ("", {}))
        # the answers are not kept beside her phone number
        self.assertFalse(InboundMessage.objects.filter(text="2").exists())
        again = self.say("SURVEI")
        self.assertIn("tidak memiliki survei", again.body)
        self.assertEqual(Response.objects.count(), 1)

    def test_batal_leaves_the_survey_unanswered(self):
        self.ended()
        self.say("SURVEI")
        self.say("2")
        self.assertIn("Dibatalkan", self.say("BATAL").body)
        self.assertIsNone(Invitation.objects.get().answered_at)
        self.assertIn("STATUS", self.say("3").body)  # no survey under way: help

    def test_nobody_without_an_invitation_is_surveyed(self):
        self.assertIn("tidak memiliki survei", self.say("SURVEI", phone=STRANGER_PHONE).body)


class ComplaintTests(InboundTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ensure_builtin_categories(cls.disdukcapil)

    def test_a_complaint_filed_by_messages_gets_its_number_and_link(self):
        kinds = self.say("ADUAN")
        self.assertEqual(len(kinds.buttons), 3)
        topics = self.say("1")
        self.assertIn("Disdukcapil", topics.body)
        self.assertIn("minimal", self.say("1").body)  # the first topic; now: what happened
        self.assertIn("10", self.say("uang").body)  # too short: asked again
        # a description that starts with a command word is the description
        self.say("Lapor: petugas loket meminta uang tambahan untuk mempercepat akta.")
        filed = self.say("2")  # anonymous
        complaint = Complaint.objects.get()
        self.assertEqual(
            (complaint.channel, complaint.privacy, complaint.kind, complaint.complainant),
            ("whatsapp", "anonim", "pengaduan", self.siti),
        )
        self.assertEqual(complaint.contact_phone, SITI_PHONE)
        self.assertEqual(complaint.agency, self.disdukcapil)
        self.assertIsNotNone(complaint.due_at)  # the verification limit runs
        self.assertIn(complaint.number, filed.body)
        self.assertIn(f"/pengaduan/{complaint.number}/?kunci=", filed.body)
        self.assertEqual(Conversation.objects.get(address=SITI_PHONE).topic, "")

    def test_someone_without_an_account_files_one_too(self):
        for text in ("pengaduan", "3", "2", "Kapan loket buka pada hari Sabtu?", "3"):
            reply = self.say(text, phone=STRANGER_PHONE)
        complaint = Complaint.objects.get()
        self.assertIsNone(complaint.complainant)
        self.assertEqual((complaint.kind, complaint.privacy), ("informasi", "rahasia"))
        self.assertIn(complaint.number, reply.body)

    def test_batal_files_nothing(self):
        self.say("ADUAN")
        self.say("1")
        self.say("BATAL")
        self.assertIn("STATUS", self.say("1").body)
        self.assertFalse(Complaint.objects.exists())


class StopTests(InboundTestCase):
    def test_berhenti_stops_and_mulai_resumes(self):
        confirmation = self.say("berhenti")
        self.assertEqual(confirmation.kind, "stop_confirmation")
        self.assertIn("MULAI", confirmation.body)
        conversation = Conversation.objects.get(address=SITI_PHONE)
        self.assertIsNotNone(conversation.stopped_at)
        self.siti.refresh_from_db()
        self.assertFalse(self.siti.notify_whatsapp)
        event = AccountEvent.objects.get(user=self.siti, kind=AccountEvent.Kind.CHANNEL_STOPPED)
        self.assertEqual(event.fields, ["notify_whatsapp"])
        # the confirmation is still sent; any other message to the number is not
        self.assertEqual(send_message_now(confirmation.pk), "sent")
        other = plan_reply(InboundMessage.objects.get(), "pesan lain")
        self.assertEqual(send_message_now(other), "stopped")
        # while stopped, only MULAI is answered
        self.post_whatsapp(whatsapp_text(SITI_PHONE, "STATUS 7KQ4-M9TX-4C"))
        self.assertEqual(InboundMessage.objects.latest("pk").outcome, "ignored_stopped")
        self.assertEqual(InboundMessage.objects.latest("pk").replies.count(), 0)
        resumed = self.say("MULAI")
        self.assertIn("BERHENTI", resumed.body)
        conversation.refresh_from_db()
        self.assertIsNone(conversation.stopped_at)
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.notify_whatsapp)
        self.assertEqual(send_message_now(resumed.pk), "sent")

    def test_a_sentence_that_starts_with_stop_is_no_unsubscription(self):
        for text in ("Stop pungli di kantor kelurahan", "Mulai kemarin jalan rusak"):
            self.assertEqual(self.say(text).kind, "reply")
        self.assertIsNone(Conversation.objects.get(address=SITI_PHONE).stopped_at)
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.notify_whatsapp)
        self.assertEqual(InboundMessage.objects.latest("pk").outcome, "help")

    def test_the_stop_confirmation_never_falls_back(self):
        confirmation = self.say("BERHENTI")
        self.assertIsNone(fail(Message.objects.get(pk=confirmation.pk), error="undeliverable"))
        self.assertEqual(Message.objects.filter(fallback_for=confirmation).count(), 0)

    def test_stop_from_a_number_without_an_account(self):
        self.say("STOP", phone=STRANGER_PHONE)
        self.assertIsNotNone(Conversation.objects.get(address=STRANGER_PHONE).stopped_at)
        self.assertFalse(AccountEvent.objects.filter(kind="channel_stopped").exists())


class HelpTests(InboundTestCase):
    def test_anything_else_gets_the_commands(self):
        reply = self.say("selamat pagi")
        for command in ("STATUS", "PERBAIKI", "SURVEI", "ADUAN", "BERHENTI"):
            self.assertIn(command, reply.body)
        self.assertEqual(InboundMessage.objects.get().outcome, "help")
