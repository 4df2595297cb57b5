"""Messages on submitted, returned, completed, rejected: planned once, sent by the worker,
retried with backoff and never lost while the mail server is down."""

from __future__ import annotations

import datetime as dt
import smtplib
import time
from typing import Any

import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from layanan.cases import actions
from layanan.cases.tests.test_office_pages import OfficeTestCase
from layanan.notifications import jobs
from layanan.notifications.models import Message
from layanan.portal.worker import Worker


class DownMailServer(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPConnectError(421, "mail server unavailable")


class OutboxTests(OfficeTestCase):
    def test_the_worker_sends_one_message_per_notified_event(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        actions.act_on_step(
            application=application, step=step, officer=self.budi, action="return", note="Buram"
        )
        Worker().run_due_jobs(time.monotonic())  # the job as the worker runs it
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(mail.outbox[0].to, ["siti@example.test"])
        self.assertIn(application.number, mail.outbox[0].subject)
        self.assertIn("Buram", mail.outbox[1].body)
        jobs.run()
        self.assertEqual(len(mail.outbox), 2, "each event is notified once")
        self.assertEqual(Message.objects.filter(status="sent").count(), 2)

    def test_internal_events_send_nothing(self) -> None:
        application = self.submitted()
        actions.comment_on_step(
            step=application.steps.get(key="verifikasi"), officer=self.budi, note="internal"
        )
        jobs.run()
        self.assertEqual(len(mail.outbox), 1)

    def test_a_citizen_without_email_is_recorded_not_lost(self) -> None:
        self.siti.email = ""
        self.siti.save(update_fields=["email"])
        self.submitted()
        jobs.run()
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(Message.objects.get().status, "skipped")

    def test_messages_wait_while_the_mail_server_is_down_and_go_when_it_is_back(self) -> None:
        start = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            self.submitted()
            with override_settings(
                EMAIL_BACKEND="layanan.notifications.tests.test_outbox.DownMailServer"
            ):
                jobs.run()
                message = Message.objects.get()
                self.assertEqual((message.status, message.attempts), ("pending", 1))
                self.assertIn("mail server unavailable", message.last_error)
                self.assertEqual(message.next_attempt_at, start + dt.timedelta(minutes=1))
            jobs.run()  # not due yet: nothing happens
            self.assertEqual(len(mail.outbox), 0)
        with time_machine.travel(start + dt.timedelta(minutes=1, seconds=1), tick=False):
            with override_settings(
                EMAIL_BACKEND="layanan.notifications.tests.test_outbox.DownMailServer"
            ):
                jobs.run()
            message.refresh_from_db()
            self.assertEqual(
                (message.attempts, message.next_attempt_at),
                (2, start + dt.timedelta(minutes=3, seconds=1)),
            )
        with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
            jobs.run()
        message.refresh_from_db()
        self.assertEqual((message.status, len(mail.outbox)), ("sent", 1))

    def test_backoff_grows_and_is_capped(self) -> None:
        self.assertEqual(
            [jobs.backoff(n) for n in (1, 2, 3)],
            [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)],
        )
        self.assertEqual(jobs.backoff(30), dt.timedelta(hours=6))

    def test_two_workers_never_send_the_same_message(self) -> None:
        self.submitted()
        jobs.plan_messages()
        message = Message.objects.get()
        self.assertTrue(jobs.claim(message))
        self.assertFalse(jobs.claim(message))


class OfficerMessagesTests(OfficeTestCase):
    def test_supervisors_are_mailed_when_a_step_is_escalated(self) -> None:
        from layanan.guarantees.sweep import sweep

        application = self.submitted()
        jobs.run()
        mail.outbox.clear()
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None
        sweep(due + dt.timedelta(minutes=1))
        jobs.run()
        by_recipient = {m.to[0]: m for m in mail.outbox}
        self.assertIn("ani@example.test", by_recipient)  # the supervisor of the unit
        self.assertIn(application.number, by_recipient["ani@example.test"].subject)
        self.assertIn("siti@example.test", by_recipient)  # the citizen is told too
