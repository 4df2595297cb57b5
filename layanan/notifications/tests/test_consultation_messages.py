"""Messages about public consultations, sent by the real worker: a commenter is told of the
agency's answer and of a changed answer, the followers of a service that a consultation opened
on it; in Indonesian, with the link to the consultation page; planned once, never for a change
that was rolled back."""

from __future__ import annotations

from django.core import mail
from django.db import transaction

from layanan.cases.models import EventCursor
from layanan.charters import consultations
from layanan.charters.models import Comment
from layanan.notifications import consultations as consultation_messages
from layanan.notifications.models import Message
from layanan.notifications.tests.test_outbox import WorkerTestCase
from layanan.test import published_consultation


class RolledBack(Exception):
    pass


class ConsultationMessageTests(WorkerTestCase):
    def comment(self) -> Comment:
        consultation = published_consultation(self.akta, by=self.root)
        self.link = f"/konsultasi/{consultation.pk}/"
        return consultations.write_comment(
            consultation=consultation, author=self.siti, target="facilities", text="Tambah AC."
        )

    def test_the_commenter_is_told_of_the_answer_and_of_a_changed_answer(self) -> None:
        comment = self.comment()
        self.worker_pass()
        self.assertEqual(mail.outbox, [], "writing a comment is not mailed")
        consultations.answer_comment(
            comment=comment, by=self.root, decision="partly", text="AC dipasang tahun depan."
        )
        self.worker_pass()
        [first] = mail.outbox
        self.assertEqual(first.to, ["siti@example.test"])
        self.assertIn("Komentar Anda", first.subject)
        self.assertIn("Akta Kelahiran", first.subject)
        self.assertIn("Diterima sebagian", first.body)
        self.assertIn("AC dipasang tahun depan.", first.body)
        self.assertIn("http://", first.body)
        self.assertIn(self.link, first.body)
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 1, "an answer is mailed once")
        consultations.answer_comment(
            comment=comment, by=self.root, decision="accepted", text="AC dipasang bulan ini."
        )
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 2)
        changed = mail.outbox[1]
        self.assertIn("berubah", changed.subject)
        self.assertIn("AC dipasang bulan ini.", changed.body)
        self.assertEqual(Message.objects.filter(consultation_event__isnull=False).count(), 2)

    def test_a_message_is_planned_once_even_by_a_pass_that_did_not_move_its_cursor(self) -> None:
        comment = self.comment()
        consultations.answer_comment(comment=comment, by=self.root, decision="accepted", text="Ya.")
        self.assertEqual(consultation_messages.plan_messages(), 1)
        EventCursor.objects.filter(name=consultation_messages.CURSOR).update(position=0, gaps=[])
        self.assertEqual(consultation_messages.plan_messages(), 0)
        self.assertEqual(Message.objects.count(), 1)

    def test_an_answer_rolled_back_is_never_mailed(self) -> None:
        comment = self.comment()
        try:
            with transaction.atomic():
                consultations.answer_comment(
                    comment=comment, by=self.root, decision="rejected", text="Tidak."
                )
                raise RolledBack
        except RolledBack:
            pass
        self.worker_pass()
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Message.objects.exists())

    def test_followers_are_told_when_a_consultation_opens_on_the_service(self) -> None:
        consultations.follow(service=self.akta, citizen=self.siti)
        consultations.follow(service=self.akta, citizen=self.budi)
        self.budi.email = ""
        self.budi.save(update_fields=["email"])
        published_consultation(self.akta, by=self.root)
        self.worker_pass()
        [message] = mail.outbox
        self.assertEqual(message.to, ["siti@example.test"])  # agus does not follow it
        self.assertIn("Konsultasi publik", message.subject)
        self.assertIn("Akta Kelahiran", message.body)
        consultation = self.akta.charters.get(version=2).consultation
        self.assertIn(f"/konsultasi/{consultation.pk}/", message.body)
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 1)
