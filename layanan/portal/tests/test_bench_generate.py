"""`layanan bench generate --applications N`: the demo plus N generated applications.

The speed is for `make bench`; these runs check what is written, at N = 300."""

import datetime as dt
import importlib.util
import json
from io import StringIO
from pathlib import Path

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase

from layanan.accounts.models import User
from layanan.cases.models import OPEN_STATUSES, Application, Event, Status, Step
from layanan.guarantees.models import Alarm
from layanan.portal.demo_data import PASSWORD, load_demo
from layanan.test import otp_code, sign_in_with_code

NOW = dt.datetime(2026, 11, 24, 6, 30, tzinfo=dt.UTC)  # a Tuesday, 13:30 in Jakarta
GENERATED = {"applicant__username__startswith": "warga-"}
QUEUE_BENCHMARK = Path(__file__).resolve().parents[3] / "bench" / "officer_queue.py"
ENGINE_STATUSES = {status.value for status in Status} - {Status.SUBMITTED.value}


def generate(*options: str) -> dict:
    out = StringIO()
    call_command("bench", "generate", *options, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def rows() -> list[tuple]:
    return list(
        Application.objects.filter(**GENERATED)
        .order_by("number")
        .values_list("number", "service__code", "status", "submitted_at", "due_at", "ended_at")
    )


class GenerateTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(NOW, tick=False):
            load_demo()

    def setUp(self) -> None:
        self.clock = time_machine.travel(NOW, tick=False)
        self.clock.start()
        self.addCleanup(self.clock.stop)

    def test_it_writes_every_status_with_its_steps_events_and_alarms(self) -> None:
        summary = generate("--applications", "300", "--seed", "3")
        generated = Application.objects.filter(**GENERATED)
        self.assertEqual(generated.count(), 300)
        self.assertEqual(set(summary["by_status"]), ENGINE_STATUSES)
        for status, count in summary["by_status"].items():
            self.assertEqual(generated.filter(status=status).count(), count, status)
        self.assertEqual(Step.objects.filter(application__in=generated).count(), summary["steps"])
        self.assertEqual(Event.objects.filter(application__in=generated).count(), summary["events"])
        alarms = Alarm.objects.filter(application__in=generated)
        self.assertEqual(alarms.count(), summary["alarms"])
        # every open application that runs a clock has its alarms; an ended one has none
        self.assertFalse(alarms.exclude(application__status__in=OPEN_STATUSES).exists())
        self.assertTrue(alarms.filter(application__status="in_progress", fired=False).exists())
        self.assertFalse(Event.objects.filter(at__gt=NOW).exists())
        out = StringIO()
        call_command("audit", "verify", stdout=out)  # the hash chains are intact
        self.assertIn(f"{Application.objects.count()} chain(s) intact", out.getvalue())

    def test_the_same_seed_gives_the_same_rows(self) -> None:
        runs = []
        for seed in ("5", "5", "6"):
            with transaction.atomic():
                generate("--applications", "300", "--seed", seed)
                runs.append(rows())
                transaction.set_rollback(True)
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(len(runs[0]), 300)
        self.assertNotEqual({r[0] for r in runs[0]}, {r[0] for r in runs[2]})

    def test_it_refuses_a_database_holding_other_applications(self) -> None:
        generate("--applications", "10")
        before = Application.objects.count()
        with self.assertRaisesMessage(CommandError, "already holds 10 applications"):
            generate("--applications", "10")
        self.assertEqual(Application.objects.count(), before)
        summary = generate("--applications", "10", "--force", "--seed", "4")
        self.assertEqual(sum(summary["by_status"].values()), 10)
        self.assertEqual(Application.objects.count(), before + 10)
        with self.assertRaisesMessage(CommandError, "at least 1"):
            generate("--applications", "0")

    def test_the_demo_accounts_work_and_petugas_has_a_full_queue(self) -> None:
        generate("--applications", "300", "--seed", "3")
        officer = User.objects.get(username="petugas")
        response = sign_in_with_code(self.client, officer, PASSWORD)
        self.assertEqual(response.status_code, 302)
        queue = self.client.get("/kantor/")
        self.assertEqual(queue.status_code, 200)
        open_steps = Step.objects.filter(
            application__in=Application.objects.filter(**GENERATED),
            state__in=("active", "returned"),
        )
        self.assertGreater(open_steps.count(), 40)
        shown = queue.content.decode()
        self.assertGreaterEqual(sum(step.application.number in shown for step in open_steps), 20)
        self.client.logout()
        token = self.client.post(
            "/api/v1/auth/token",
            {"username": "petugas", "password": PASSWORD, "otp": otp_code(officer)},
            content_type="application/json",
        ).json()["token"]
        listed = self.client.get("/api/v1/applications", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(listed.status_code, 200)
        submitted = Application.objects.exclude(status="draft")
        self.assertEqual(listed.json()["count"], submitted.count())
        citizen = User.objects.get(username="warga")
        self.assertEqual(sign_in_with_code(self.client, citizen, PASSWORD).status_code, 302)
        mine = self.client.get("/permohonan/")
        self.assertEqual(mine.status_code, 200)
        own = Application.objects.filter(applicant=citizen)
        self.assertTrue(own.exists())
        self.assertTrue(all(a.number in mine.content.decode() for a in own))
        self.assertFalse(own.filter(**GENERATED).exists())

    def test_the_queue_benchmark_measures_both_lists_on_a_generated_database(self) -> None:
        generate("--applications", "300", "--seed", "3")
        spec = importlib.util.spec_from_file_location("bench_queue", QUEUE_BENCHMARK)
        assert spec is not None
        assert spec.loader is not None
        queue_benchmark = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(queue_benchmark)
        result = queue_benchmark.measure_pages(300, repeat=1)
        json.dumps(result)  # one JSON line
        pages = [figures for figures in result.values() if isinstance(figures, dict)]
        self.assertEqual(len(pages), 5)
        self.assertTrue(all(figures["median_ms"] > 0 for figures in pages))
