"""`layanan partitions`: converting a populated database, then using it through HTTP.

The conversion runs inside the test's transaction (PostgreSQL's DDL is transactional), so each
test starts from the unpartitioned schema that the migrations make and leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from io import StringIO
from typing import Any
from unittest import mock, skipIf, skipUnless

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, models
from hypothesis import given
from hypothesis import strategies as st

from layanan.cases.models import Application, Event, Step
from layanan.guarantees.models import Alarm, Breach
from layanan.guarantees.sweep import plan_alarms, sweep
from layanan.portal.partitions import blocks
from layanan.test import ANSWERS, PASSWORD, PDF, BaseTestCase, otp_for

TABLES = {"events": Event, "steps": Step, "alarms": Alarm}
WIDTH = 2  # applications per partition: the few applications of a test span several


def partitions(*arguments: str, language: str = "en") -> str:
    out = StringIO()
    with mock.patch.dict(os.environ, {"LAYANAN_LANGUAGE": language}):
        call_command("partitions", *arguments, stdout=out)
    return out.getvalue()


def convert_all(*extra: str) -> str:
    return partitions(
        "convert", "--table", "all", "--applications-per-partition", str(WIDTH), *extra
    )


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the three tables, every column, in id order."""
    return {
        label: list(model.objects.order_by("id").values_list())  # type: ignore[attr-defined]
        for label, model in TABLES.items()
    }


def placement(model: type[models.Model]) -> list[tuple[str, int]]:
    """(the partition holding the row, the row's application id) for every row."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT tableoid::regclass::text, application_id FROM {table}")  # noqa: S608
        return [(str(name), int(application)) for name, application in cursor.fetchall()]


def relkind(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        return str(cursor.fetchone()[0])


@skipIf(connection.vendor == "postgresql", "SQLite's answer")
class SqliteTests(BaseTestCase):
    def test_every_command_says_there_is_nothing_to_do(self) -> None:
        for arguments in (["status"], ["ensure"], ["convert", "--table", "events"]):
            with self.assertRaisesMessage(CommandError, "Partitioning needs PostgreSQL"):
                partitions(*arguments)
        with self.assertRaisesMessage(CommandError, "Partisi memerlukan PostgreSQL"):
            partitions("status", language="id")


@skipUnless(connection.vendor == "postgresql", "partitioning is PostgreSQL's")
class ConversionTests(BaseTestCase):
    def setUp(self) -> None:
        # siti's three applications, one of them with its first step approved
        self.applications = [self.submitted() for _ in range(3)]
        self.login(self.budi)
        number = self.applications[0].number
        self.client.post(
            f"/kantor/langkah/{number}/verifikasi/tindakan/", {"keputusan-action": "approve"}
        )
        self.client.logout()
        plan_alarms()  # as the worker does, from the events

    def assert_rows_in_their_partitions(self) -> None:
        for model in TABLES.values():
            table = model._meta.db_table
            for partition, application in placement(model):
                self.assertEqual(
                    partition, f"{table}_from_{application // WIDTH * WIDTH}", application
                )

    def test_it_keeps_every_row_and_id_and_files_them_by_application(self) -> None:
        before = snapshot()
        self.assertTrue(all(before.values()))
        convert_all()
        for table in ("cases_event", "cases_step", "guarantees_alarm"):
            self.assertEqual(relkind(table), "p")
            self.assertEqual(relkind(f"{table}_unpartitioned"), "r")
        self.assertEqual(snapshot(), before)
        self.assert_rows_in_their_partitions()
        # ids go on from where they were
        newest_event = max(row[0] for row in before["events"])
        application = self.submitted()
        self.assertGreater(application.events.order_by("id").first().id, newest_event)  # type: ignore[union-attr]

    def test_the_service_works_through_http_afterwards(self) -> None:
        convert_all()
        token = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti", "password": PASSWORD},
            content_type="application/json",
        ).json()["token"]
        citizen = {"Authorization": f"Bearer {token}"}
        draft = self.client.post(
            "/api/v1/applications",
            {"service": "akta-kelahiran", "answers": ANSWERS},
            content_type="application/json",
            headers=citizen,
        )
        self.assertEqual(draft.status_code, 201, draft.content)
        number = draft.json()["number"]
        upload = self.client.post(
            f"/api/v1/applications/{number}/documents",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
            headers=citizen,
        )
        self.assertEqual(upload.status_code, 201, upload.content)
        submit = self.client.post(f"/api/v1/applications/{number}/submit", headers=citizen)
        self.assertEqual(submit.status_code, 200, submit.content)

        officer = self.client.post(
            "/api/v1/auth/token",
            {"username": "budi", "password": PASSWORD, "otp": otp_for("budi")},
            content_type="application/json",
        ).json()["token"]
        self.assertContains(
            self.client.get("/api/v1/applications", headers={"Authorization": f"Bearer {officer}"}),
            number,
        )
        self.login(self.budi)
        acted = self.client.post(
            f"/kantor/langkah/{number}/verifikasi/tindakan/", {"keputusan-action": "approve"}
        )
        self.assertRedirects(acted, "/kantor/")
        self.assertContains(self.client.get(f"/lacak/{number}/"), number)
        track = self.client.get(f"/api/v1/track/{number}").json()
        self.assertEqual(track["number"], number)

        application = Application.objects.get(number=number)
        self.assertEqual(
            list(application.steps.values_list("key", "state")),
            [("verifikasi", "approved"), ("terbit", "active")],
        )
        # the sweep plans alarms into the partitions and records the breach a year on
        assert application.submitted_at is not None
        summary = sweep(application.submitted_at + dt.timedelta(days=365))
        self.assertGreater(summary.new_breaches, 0)
        self.assertTrue(Breach.objects.filter(application=application).exists())
        self.assertTrue(Alarm.objects.filter(application=application, fired=True).exists())
        self.assert_rows_in_their_partitions()
        call_command("audit", "verify", stdout=StringIO())  # every chain intact

    def test_the_default_partition_catches_what_ensure_then_files(self) -> None:
        convert_all("--ahead", "0")
        newest = max(a.id for a in self.applications)
        top = (newest // WIDTH + 1) * WIDTH  # the first application id no partition takes
        while True:
            application = self.submitted()
            if application.id >= top:
                break
        strays = [p for p in placement(Event) if p[1] >= top]
        self.assertEqual({name for name, _ in strays}, {"cases_event_default"})
        made = partitions("ensure", "--ahead", "1")
        self.assertIn(f"cases_event_from_{top}", made)
        self.assertIn(f"cases_event_from_{top + WIDTH}", made)  # one ahead
        self.assert_rows_in_their_partitions()
        again = partitions("ensure", "--ahead", "1")
        self.assertEqual(again.strip(), "Every partition needed exists.")
        self.assertIn(f"cases_step_from_{top}: application_id", partitions("status"))

    def test_it_refuses_to_run_twice_and_a_dry_run_changes_nothing(self) -> None:
        plan = convert_all("--dry-run")
        self.assertIn("drops foreign key", plan)
        self.assertIn("Dry run: nothing was changed.", plan)
        self.assertEqual(relkind("cases_event"), "r")
        convert_all()
        with self.assertRaisesMessage(CommandError, "cases_event is already partitioned."):
            partitions("convert", "--table", "events")
        with self.assertRaisesMessage(CommandError, "--ahead must be at least 0."):
            partitions("ensure", "--ahead", "-1")

    def test_schema_migrations_still_apply_to_a_partitioned_table(self) -> None:
        convert_all()
        field: models.CharField[str, str] = models.CharField(max_length=10, default="", blank=True)
        field.set_attributes_from_name("channel")
        index = models.Index(fields=["application", "at"], name="cases_event_app_at_idx")
        with connection.schema_editor() as editor:
            editor.add_field(Event, field)
            editor.add_index(Event, index)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT inhrelid::regclass::text FROM pg_inherits "
                "WHERE inhparent = 'cases_event'::regclass"
            )
            every = {name for (name,) in cursor.fetchall()}
            cursor.execute(
                "SELECT tablename FROM pg_indexes WHERE indexdef LIKE %s",
                ["%(application_id, at)%"],
            )
            indexed = {name for (name,) in cursor.fetchall()}
            cursor.execute("SELECT count(channel) FROM cases_event")
            self.assertEqual(cursor.fetchone()[0], len(placement(Event)))
        self.assertIn("cases_event_default", every)
        self.assertLessEqual(every, indexed)


@given(
    lowest=st.integers(0, 10_000),
    newest=st.integers(0, 10_000),
    width=st.integers(1, 500),
    ahead=st.integers(0, 5),
)
def test_blocks_cover_every_id_once_aligned_and_ahead(
    lowest: int, newest: int, width: int, ahead: int
) -> None:
    ranges = blocks(lowest=lowest, newest=newest, width=width, ahead=ahead)
    assert all(start % width == 0 and end - start == width for start, end in ranges)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert ranges[0][0] <= min(lowest, newest) < ranges[0][1]
    assert ranges[-1][0] <= newest + ahead * width < ranges[-1][1]
