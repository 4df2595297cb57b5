"""Messages on submitted, returned, completed, rejected: planned once by the worker's periodic
pass, sent by a task queued when the message is committed, retried with backoff and never lost
while the mail server is down, and never sent twice.

These tests run the real worker (`Worker.run(once=True)`: the periodic jobs, then django-tasks'
`db_worker`), which needs committed rows: they are transaction test cases.
"""

from __future__ import annotations

import datetime as dt
import signal
import smtplib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from layanan.cases import actions
from layanan.cases.models import Event, EventCursor
from layanan.notifications import jobs
from layanan.notifications.models import Message
from layanan.notifications.tasks import send_message
from layanan.portal.worker import Worker
from layanan.test import BaseTestCase, ConcurrentTestCase

START = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
DOWN = "layanan.notifications.tests.test_outbox.DownMailServer"


class DownMailServer(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPConnectError(421, "mail server unavailable")


class SlowMailServer(BaseEmailBackend):
    """Holds each send for a moment, so that a second sender really overlaps the first."""

    def send_messages(self, email_messages: Any) -> int:
        threading.Event().wait(0.2)
        mail.outbox.extend(email_messages)
        return len(email_messages)


@contextmanager
def signals_kept() -> Iterator[None]:
    """The worker installs its stop handlers; give pytest its own back afterwards."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


class WorkerTestCase(ConcurrentTestCase):
    def worker_pass(self) -> None:
        """One turn of `layanan worker`: the periodic jobs, then the tasks that are ready."""
        with signals_kept():
            Worker().run(once=True)


class OutboxTests(WorkerTestCase):
    def test_the_worker_sends_one_message_per_notified_event(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        actions.act_on_step(
            application=application, step=step, officer=self.budi, action="return", note="Buram"
        )
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(mail.outbox[0].to, ["siti@example.test"])
        self.assertIn(application.number, mail.outbox[0].subject)
        self.assertIn("Buram", mail.outbox[1].body)
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 2, "each event is notified once")
        self.assertEqual(Message.objects.filter(status="sent").count(), 2)
        self.assertEqual(
            DBTaskResult.objects.filter(status="SUCCESSFUL", task_path__endswith="send_message")
            .order_by()
            .count(),
            2,
            "each message was sent by its own task",
        )

    def test_internal_events_send_nothing(self) -> None:
        application = self.submitted()
        actions.comment_on_step(
            step=application.steps.get(key="verifikasi"), officer=self.budi, note="internal"
        )
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 1)  # the submission only
        self.assertEqual(Message.objects.count(), 1)

    def test_a_citizen_without_email_is_recorded_not_lost(self) -> None:
        self.siti.email = ""
        self.siti.save(update_fields=["email"])
        self.submitted()
        self.worker_pass()
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(Message.objects.get().status, "skipped")
        self.assertFalse(DBTaskResult.objects.exists(), "nothing to send, no task")

    def test_messages_wait_while_the_mail_server_is_down_and_go_when_it_is_back(self) -> None:
        with time_machine.travel(START, tick=False):
            self.submitted()
            with override_settings(EMAIL_BACKEND=DOWN):
                self.worker_pass()
                message = Message.objects.get()
                self.assertEqual((message.status, message.attempts), ("pending", 1))
                self.assertIn("mail server unavailable", message.last_error)
                self.assertEqual(message.next_attempt_at, START + dt.timedelta(minutes=1))
            self.worker_pass()  # not due yet: nothing happens
            self.assertEqual(len(mail.outbox), 0)
        with time_machine.travel(START + dt.timedelta(minutes=1, seconds=1), tick=False):
            with override_settings(EMAIL_BACKEND=DOWN):
                self.worker_pass()
            message.refresh_from_db()
            self.assertEqual(
                (message.attempts, message.next_attempt_at),
                (2, START + dt.timedelta(minutes=3, seconds=1)),
            )
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
            self.worker_pass()
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts, len(mail.outbox)), ("sent", 3, 1))

    def test_a_message_whose_task_was_lost_is_queued_again(self) -> None:
        """The process stopped between committing the message and queueing its task."""
        with time_machine.travel(START, tick=False):
            self.submitted()
            jobs.plan_messages()
            DBTaskResult.objects.all().delete()  # the task that never made it
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
            self.worker_pass()
            self.assertEqual(len(mail.outbox), 0, "a task may just be late: wait")
        with time_machine.travel(START + dt.timedelta(minutes=11), tick=False):
            self.worker_pass()
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(Message.objects.get().status, "sent")

    def test_a_send_interrupted_by_a_crash_is_released_and_sent(self) -> None:
        with time_machine.travel(START, tick=False):
            self.submitted()
            jobs.plan_messages()
            message = Message.objects.get()
            self.assertTrue(jobs.claim(message))  # then the worker died mid-send
        with time_machine.travel(START + dt.timedelta(minutes=11), tick=False):
            self.worker_pass()
        message.refresh_from_db()
        self.assertEqual((message.status, len(mail.outbox)), ("sent", 1))


class ConcurrentSendingTests(ConcurrentTestCase):
    @override_settings(EMAIL_BACKEND="layanan.notifications.tests.test_outbox.SlowMailServer")
    def test_two_workers_never_send_the_same_message(self) -> None:
        """Two task workers run a task for the same message at the same moment (the task was
        queued twice): real threads with their own connections, on SQLite and PostgreSQL."""
        self.submitted()
        jobs.plan_messages()
        message = Message.objects.get()
        barrier = threading.Barrier(2, timeout=30)
        outcomes: list[str] = []
        errors: list[BaseException] = []

        def one_worker() -> None:
            try:
                barrier.wait()
                outcomes.append(send_message.call(message.pk))
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=one_worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(outcomes), ["not taken", "sent"])
        self.assertEqual(len(mail.outbox), 1)
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), ("sent", 1))


class QueueingTests(BaseTestCase):
    def test_a_task_is_queued_only_once_the_message_is_committed(self) -> None:
        self.submitted()
        with self.captureOnCommitCallbacks() as callbacks:
            jobs.plan_messages()
        message = Message.objects.get()
        self.assertFalse(DBTaskResult.objects.exists(), "nothing queued before the commit")
        for callback in callbacks:
            callback()
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.task_path, "layanan.notifications.tasks.send_message")
        self.assertEqual(queued.args_kwargs, {"args": [message.pk], "kwargs": {}})

    def test_the_planner_drains_a_backlog_in_one_pass_within_its_bounds(self) -> None:
        for _ in range(3):
            self.submitted()
        events = list(Event.objects.order_by("pk").values_list("pk", flat=True))
        self.assertGreater(len(events), 6)

        def position() -> int:
            return EventCursor.objects.get(name="notifications").position

        with patch.object(jobs, "BATCH", 2):
            self.assertEqual(jobs.plan_messages(max_seconds=0), 0)  # no time: nothing read
            self.assertFalse(EventCursor.objects.filter(name="notifications", position__gt=0))
            jobs.plan_messages(max_events=3)  # bounded by count, across two batches
            self.assertEqual(position(), events[2])
            jobs.plan_messages()  # the rest, two events at a time, in one pass
            self.assertEqual(position(), events[-1])
        self.assertEqual(Message.objects.count(), 3)  # one per submission
        self.assertEqual(jobs.plan_messages(), 0)

    def test_backoff_grows_and_is_capped(self) -> None:
        self.assertEqual(
            [jobs.backoff(n) for n in (1, 2, 3)],
            [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)],
        )
        self.assertEqual(jobs.backoff(30), dt.timedelta(hours=6))


class OfficerMessagesTests(WorkerTestCase):
    def test_supervisors_are_mailed_when_a_step_is_escalated(self) -> None:
        from layanan.guarantees.sweep import sweep

        application = self.submitted()
        self.worker_pass()
        mail.outbox.clear()
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None
        sweep(due + dt.timedelta(minutes=1))
        self.worker_pass()
        by_recipient = {m.to[0]: m for m in mail.outbox}
        self.assertIn("ani@example.test", by_recipient)  # the supervisor of the unit
        self.assertIn(application.number, by_recipient["ani@example.test"].subject)
        self.assertIn("siti@example.test", by_recipient)  # the citizen is told too
