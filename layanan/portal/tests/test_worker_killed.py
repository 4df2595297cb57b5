"""The worker killed (SIGKILL) in the middle of the guarantee sweep and again in the middle of
sending the messages it caused, then started again (issue 12): every breach is recorded once,
with one `late` or `very_late` event, and every message is delivered, under one Message-ID.

A real `layanan worker` on the test database (SQLite or PostgreSQL), mailing to files. Its
sweep fires alarms two at a time (many small transactions, so that the first kill lands
between two of them); the second kill comes once the first message is sent. Sending is at
least once: a message whose send was under way at the kill stays `sending` until the worker
gives it back ten minutes later (`release_stuck`); the test calls that with no wait instead of
waiting. Should the kill come between the mail server's acceptance and the `sent` mark, that
message is delivered twice with the same Message-ID, which mail systems drop (see
docs/operations.md, "When the worker is killed").
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from layanan.cases.models import Event, EventCursor
from layanan.guarantees.models import Alarm, Breach
from layanan.notifications.jobs import message_id_header, release_stuck, requeue_lost
from layanan.notifications.models import Message
from layanan.test import ConcurrentTestCase, process_env

APPLICATIONS = 12
WORKER = textwrap.dedent(
    """
    import os
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    django.setup()
    from django.core.management import call_command
    from layanan.guarantees import sweep
    sweep.BATCH = 2
    call_command("worker", interval=0.1)
    """
)


class Worker:
    def __init__(self, mail: Path) -> None:
        self.env = process_env(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail),
        )
        self.log = Path(self.env["LAYANAN_DATA_DIR"]) / "worker.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signum)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s: {what}")


def delivered(mail: Path) -> Counter[str]:
    """Message-ID → how many times a mail with it reached the (file) mail server."""
    found: Counter[str] = Counter()
    for path in mail.glob("*"):
        for line in path.read_text().splitlines():
            if line.startswith("Message-ID: "):
                found[line.removeprefix("Message-ID: ")] += 1
    return found


def all_done() -> bool:
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    planned = EventCursor.objects.filter(name="notifications", position__gte=last_event).exists()
    return (
        planned
        and not Alarm.objects.filter(fired=False, fire_at__lt=timezone.now()).exists()
        and not Message.objects.filter(status__in=("pending", "sending")).exists()
    )


class WorkerKilledTests(ConcurrentTestCase):
    def test_every_breach_recorded_once_and_every_message_delivered(self) -> None:
        long_ago = timezone.now() - dt.timedelta(days=40)
        for _ in range(APPLICATIONS):
            self.submitted(at=long_ago)
        mail = Path(tempfile.mkdtemp(prefix="layanan-mail-"))
        worker = Worker(mail)
        self.addCleanup(shutil.rmtree, mail, True)
        self.addCleanup(shutil.rmtree, worker.env["LAYANAN_DATA_DIR"], True)
        try:
            worker.start()
            wait_for(lambda: Breach.objects.exists(), "the first breach")
            worker.signal(signal.SIGKILL)  # in the middle of the sweep
            breaches_at_kill = Breach.objects.count()

            worker.start()
            wait_for(
                lambda: Message.objects.filter(status="sent").exists(), "the first message sent"
            )
            worker.signal(signal.SIGKILL)  # in the middle of sending
            sent_at_kill = Message.objects.filter(status="sent").count()
            messages_at_kill = Message.objects.exclude(status="skipped").count()

            # ten minutes later: a send cut short is given back, a lost task queued again
            release_stuck(older_than=dt.timedelta(0))
            requeue_lost(older_than=dt.timedelta(0))
            worker.start()
            wait_for(all_done, "every alarm fired and every message sent")
        finally:
            worker.signal(signal.SIGTERM)
        log = worker.log.read_text()[-3000:]

        breaches = list(Breach.objects.values_list("pk", flat=True))
        self.assertLess(breaches_at_kill, len(breaches), "the first kill came after the sweep")
        self.assertGreaterEqual(len(breaches), APPLICATIONS * 2, log)  # late, very late, …
        recorded = Counter(
            event.data.get("breach")
            for event in Event.objects.filter(kind__in=("late", "very_late"))
        )
        self.assertEqual(recorded, Counter(breaches), "one late/very_late event per breach")
        self.assertEqual(
            Breach.objects.filter(step_key="verifikasi", level="late").count(), APPLICATIONS
        )

        sent = list(Message.objects.filter(status="sent"))
        self.assertLess(sent_at_kill, messages_at_kill, "the second kill came after the sends")
        self.assertFalse(Message.objects.exclude(status__in=("sent", "skipped")).exists())
        copies = delivered(mail)
        self.assertEqual(set(copies), {message_id_header(m) for m in sent}, log)
        # at most the one message whose send the kill interrupted reached the mail server
        # twice, with the same Message-ID
        self.assertLessEqual(sum(copies.values()) - len(copies), 1, copies)
