"""GET /sehat/: the database, the worker's heartbeat, the outbox and the sweep's backlog, as
JSON for a load balancer or a monitor; 503 when the database or the worker is away."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import time_machine
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from layanan.guarantees.models import Alarm, Level
from layanan.notifications.models import Message
from layanan.portal.models import WorkerHeartbeat
from layanan.portal.worker import Worker
from layanan.test import BaseTestCase

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


class HealthTests(BaseTestCase):
    def setUp(self) -> None:
        self.clock = time_machine.travel(NOW, tick=False)
        self.traveller = self.clock.start()
        self.addCleanup(self.clock.stop)

    def test_healthy_when_the_worker_beat_recently(self) -> None:
        Worker().beat(time.monotonic())
        self.traveller.shift(dt.timedelta(seconds=30))
        with self.assertNumQueries(5):  # + the channels' health
            response = self.client.get("/sehat/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "database": "ok",
                "worker": {"last_seen": "2026-12-01T03:00:00+00:00", "ok": True},
                "pending_messages": 0,
                "oldest_unfired_alarm": None,
                "channels": {
                    name: {
                        "ok": True,
                        "via": dotted.rpartition(".")[2],
                        "failing_since": None,
                        "last_error": "",
                    }
                    for name, dotted in sorted(settings.LAYANAN_CHANNELS.items())
                },
                "alerts": [],
            },
        )
        self.assertEqual(response["Cache-Control"][:8], "max-age=")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_503_when_the_worker_never_beat(self) -> None:
        response = self.client.get("/sehat/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["worker"], {"last_seen": None, "ok": False})
        self.assertEqual(response.json()["database"], "ok")

    def test_503_when_the_heartbeat_is_older_than_two_minutes(self) -> None:
        Worker().beat(time.monotonic())
        self.traveller.shift(dt.timedelta(seconds=121))
        response = self.client.get("/sehat/")
        self.assertEqual(response.status_code, 503)
        self.assertFalse(response.json()["worker"]["ok"])
        self.assertEqual(response.json()["worker"]["last_seen"], "2026-12-01T03:00:00+00:00")

    def test_the_latest_of_several_workers_counts(self) -> None:
        WorkerHeartbeat.objects.create(worker="a:1", last_seen=NOW - dt.timedelta(hours=1))
        WorkerHeartbeat.objects.create(worker="b:2", last_seen=NOW - dt.timedelta(seconds=5))
        self.assertEqual(self.client.get("/sehat/").status_code, 200)

    def test_a_beat_is_written_at_most_every_ten_seconds_and_old_rows_go(self) -> None:
        WorkerHeartbeat.objects.create(worker="gone:1", last_seen=NOW - dt.timedelta(days=2))
        worker = Worker()
        worker.beat(100.0)
        self.traveller.shift(dt.timedelta(seconds=5))
        worker.beat(105.0)  # too soon: not written
        row = WorkerHeartbeat.objects.get(worker=worker.heartbeat_name)
        self.assertEqual(row.last_seen, NOW)
        self.traveller.shift(dt.timedelta(seconds=6))
        worker.beat(111.0)
        row.refresh_from_db()
        self.assertEqual(row.last_seen, NOW + dt.timedelta(seconds=11))
        self.assertEqual(
            list(WorkerHeartbeat.objects.values_list("worker", flat=True)), [worker.heartbeat_name]
        )

    def test_it_counts_pending_messages_and_the_oldest_alarm_due(self) -> None:
        WorkerHeartbeat.objects.create(worker="w:1", last_seen=NOW)
        application = self.submitted()
        event = application.events.first()
        assert event is not None
        for index, status in enumerate(["pending", "pending", "sent"]):
            Message.objects.create(
                event=event,
                application=application,
                recipient=f"r{index}@example.test",
                subject="s",
                body="b",
                status=status,
                next_attempt_at=timezone.now(),
            )
        for hours, fired in ((-3, True), (-2, False), (-1, False), (5, False)):
            Alarm.objects.create(
                application=application,
                step_key=f"k{hours}",
                level=Level.values[0],
                due_at=NOW,
                fire_at=NOW + dt.timedelta(hours=hours),
                fired=fired,
            )
        body = self.client.get("/sehat/").json()
        self.assertEqual(body["pending_messages"], 2)
        self.assertEqual(body["oldest_unfired_alarm"], "2026-12-01T01:00:00+00:00")
        text = str(body)
        self.assertNotIn("example.test", text)
        self.assertNotIn(application.number, text)

    def test_503_when_the_database_does_not_answer(self) -> None:
        with mock.patch(
            "layanan.portal.health.connection.cursor", side_effect=OperationalError("down")
        ):
            response = self.client.get("/sehat/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unavailable")
        self.assertFalse(response.json()["worker"]["ok"])

    def test_no_login_and_only_get(self) -> None:
        self.assertEqual(self.client.post("/sehat/").status_code, 405)
