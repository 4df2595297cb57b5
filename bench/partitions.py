"""Measurement of `layanan partitions` on PostgreSQL: the conversion, and the queries that
matter (tracking, the officer's queue, the sweep, the event readers, writes) before and after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/layanan .venv/bin/python bench/partitions.py
    ... bench/partitions.py --applications 2000 --width 200      # quick

It needs PostgreSQL: the database of DATABASE_URL names the server; a scratch database
`<name>_partbench` is made there (dropped first if it exists, dropped at the end). Without
DATABASE_URL it prints a line saying it was skipped. Rows are written with plain SQL: the
applications spread over three years, 1 % still open; each has two steps, five events and
five alarms (fired, except those of open applications). Each query runs 5 times to warm up
and 100 times timed (median, in ms); its plan is read with EXPLAIN: which scans, and how
many partitions it visits. The last line is one JSON object.

For comparison, the events are also copied into a table partitioned by month of `Event.at`
(the other obvious key), and one application's events are read from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import one_service_world  # noqa: E402 (a sibling module of the scripts)

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=3 * 365)


def scratch_url(url: str) -> tuple[str, str, str]:
    """(the scratch database's URL, its name, the URL of the server's maintenance db)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_partbench"
    return (
        urlunsplit(parts._replace(path="/" + name)),
        name,
        urlunsplit(parts._replace(path="/postgres")),
    )


def recreate(maintenance: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def build(n: int) -> dict[str, int]:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    agency, loket, citizen, service, charter = one_service_world()
    span = SPAN.total_seconds()
    parameters = {
        "n": n,
        "service": service.pk,
        "charter": charter.pk,
        "agency": agency.pk,
        "unit": loket.pk,
        "citizen": citizen.pk,
        "start": START,
        "step": span / n,
    }
    statements = [
        # 1 % open (every hundredth), the rest completed; created evenly over three years
        """INSERT INTO cases_application (id, number, service_id, charter_id, agency_id,
        applicant_id, channel, status, answers, revision, created_at, updated_at, submitted_at,
        clock_started_at, due_at, paused_minutes, expected_completion_basis)
        SELECT i, 'B' || lpad(i::text, 10, '0'), %(service)s, %(charter)s, %(agency)s,
        %(citizen)s, 'online', CASE WHEN i %% 100 = 0 THEN 'in_progress' ELSE 'completed' END,
        '{}', 0, c, c, c, c, c + interval '3 days', 0, '{}'
        FROM (SELECT i, %(start)s::timestamptz + make_interval(secs => i * %(step)s) AS c
              FROM generate_series(1, %(n)s) i) s""",
        """INSERT INTO cases_step (application_id, key, stage, position, unit_id, agency_id,
        state, started_at, due_at, ended_at, note)
        SELECT a.id, k.key, k.stage, 0, %(unit)s, %(agency)s,
        CASE WHEN a.status = 'in_progress' AND k.stage = 2 THEN 'active' ELSE 'approved' END,
        a.created_at, a.created_at + interval '1 day' * k.stage,
        CASE WHEN a.status = 'in_progress' AND k.stage = 2 THEN NULL
             ELSE a.created_at + interval '20 hours' * k.stage END, ''
        FROM cases_application a CROSS JOIN (VALUES ('verifikasi', 1), ('terbit', 2)) k(key, stage)
        ORDER BY a.id, k.stage""",
        """INSERT INTO cases_event (application_id, seq, at, kind, step, note, public, data,
        prev_hash, hash)
        SELECT a.id, s, a.created_at + interval '5 hours' * (s - 1),
        (ARRAY['created', 'submitted', 'step_started', 'step_approved', 'completed'])[s], '',
        '', s <> 1, '{}', repeat('0', 64), repeat('0', 64)
        FROM cases_application a CROSS JOIN generate_series(1, 5) s ORDER BY a.id, s""",
        """INSERT INTO guarantees_alarm (application_id, step_key, level, due_at, fire_at, fired)
        SELECT a.id, l.step_key, l.level, a.created_at + l.due, a.created_at + l.fire,
        a.status <> 'in_progress'
        FROM cases_application a CROSS JOIN (VALUES
          ('terbit', 'due_soon', interval '2 days', interval '38 hours'),
          ('terbit', 'late', interval '2 days', interval '2 days'),
          ('terbit', 'very_late', interval '2 days', interval '4 days'),
          ('', 'late', interval '3 days', interval '3 days'),
          ('', 'very_late', interval '3 days', interval '6 days')) l(step_key, level, due, fire)
        ORDER BY a.id""",
        "SELECT setval(pg_get_serial_sequence('cases_application', 'id'), %(n)s)",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, parameters)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"unit": loket.pk}


def median_ms(run: Callable[[], Any], repeat: int = 100) -> float:
    for _ in range(5):
        run()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return round(statistics.median(times) * 1000, 3)


def plan_of(sql: str, params: list[Any]) -> str:
    """The scans of a query's plan and the partitions it visits, in a few words."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    scans = sorted(
        set(re.findall(r"((?:Parallel )?(?:Index Only|Index|Bitmap Heap|Seq) Scan)", text))
    )
    visited = len(set(re.findall(r" on (\w+?)(?:\s|$)", text)) - {"cases_event", "cases_step"})
    return f"{'/'.join(scans)}, {visited} relation(s)"


def queries(n: int, unit: int) -> dict[str, tuple[str, list[Any]]]:
    from django.db.models import QuerySet

    from layanan.cases.models import Event, Step
    from layanan.guarantees.models import Alarm

    one = n // 2 + 37  # an application from the middle of the range
    newest_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    at = START + SPAN / 2
    chosen: dict[str, QuerySet[Any]] = {
        "tracking: one application's events": Event.objects.filter(application_id=one).order_by(
            "seq"
        ),
        "queue: a unit's active steps by due date": Step.objects.filter(
            unit_id=unit, state="active"
        ).order_by("due_at")[:50],
        "sweep: unfired alarms due": Alarm.objects.filter(fired=False, fire_at__lt=at).order_by(
            "fire_at", "pk"
        )[:500],
        "event reader: the next 500 events": Event.objects.filter(
            id__gt=newest_event - 1000
        ).order_by("id")[:500],
        "a step by its id alone": Step.objects.filter(pk=one * 2),
        "a step by id and application (as actions update it)": Step.objects.filter(
            pk=one * 2, application_id=one
        ),
    }
    return {name: queryset.query.sql_with_params() for name, queryset in chosen.items()}  # type: ignore[misc]


def fetch(sql: str, params: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def measure(n: int, unit: int) -> dict[str, Any]:
    from django.db import transaction

    from layanan.cases.events import record_event
    from layanan.cases.models import Application
    from layanan.guarantees.sweep import sweep

    found: dict[str, Any] = {}
    for name, (sql, params) in queries(n, unit).items():
        found[name] = {
            "median_ms": median_ms(lambda sql=sql, params=params: fetch(sql, params)),
            "plan": plan_of(sql, list(params)),
        }
    # writes: events recorded the way actions record them, 500 in 500 transactions
    open_ids = list(
        Application.objects.filter(status="in_progress").values_list("id", flat=True)[:500]
    )
    with transaction.atomic():
        began = time.perf_counter()
        for application_id in open_ids:
            with transaction.atomic():
                record_event(
                    Application(pk=application_id),
                    "comment",
                    at=START + SPAN,
                    actor=None,
                    note="bench",
                )
        found["writes: events recorded per second"] = round(
            len(open_ids) / (time.perf_counter() - began)
        )
        transaction.set_rollback(True)
    # the sweep: a pass where every open application's alarms come due, rolled back after
    with transaction.atomic():
        sweep(START)  # sets the readers' cursors (nothing is due yet)
        began = time.perf_counter()
        summary = sweep(START + SPAN + dt.timedelta(days=10))
        found["sweep: pass firing the open applications' alarms"] = {
            "s": round(time.perf_counter() - began, 2),
            "new_breaches": summary.new_breaches,
        }
        transaction.set_rollback(True)
    return found


def by_month_comparison(n: int) -> dict[str, Any]:
    """One application's events from a copy partitioned by month of `at` instead."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_event_by_month (LIKE cases_event INCLUDING DEFAULTS) "
            "PARTITION BY RANGE (at)"
        )
        month = dt.datetime(START.year, START.month, 1, tzinfo=dt.UTC)
        count = 0
        while month < START + SPAN + dt.timedelta(days=31):
            following = (month + dt.timedelta(days=32)).replace(day=1)
            cursor.execute(
                f"CREATE TABLE bench_event_by_month_{count} PARTITION OF bench_event_by_month "
                "FOR VALUES FROM (%s) TO (%s)",
                [month, following],
            )
            month, count = following, count + 1
        cursor.execute("INSERT INTO bench_event_by_month SELECT * FROM cases_event")
        cursor.execute(
            "ALTER TABLE bench_event_by_month ADD PRIMARY KEY (id, at), "
            "ADD UNIQUE (application_id, seq, at)"
        )
        cursor.execute("ANALYZE bench_event_by_month")
    sql = "SELECT * FROM bench_event_by_month WHERE application_id = %s ORDER BY seq"
    params = [n // 2 + 37]

    return {
        "months": count,
        "median_ms": median_ms(lambda: fetch(sql, params)),
        "plan": plan_of(sql, params),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--width", type=int, default=2_000, help="applications per partition")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--quick", action="store_true", help="1,000 applications: a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.applications, args.width = 1_000, 200
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print(json.dumps({"benchmark": "partitions", "skipped": "needs DATABASE_URL (PostgreSQL)"}))
        return
    scratch, name, maintenance = scratch_url(url)
    recreate(maintenance, name)
    os.environ["DATABASE_URL"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        began = time.perf_counter()
        unit = build(args.applications)["unit"]
        built = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        machine = (
            f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {server}, load average {os.getloadavg()[0]:.1f}"
        )
        before = measure(args.applications, unit)
        converted: dict[str, float] = {}
        for label in ("events", "steps", "alarms"):
            began = time.perf_counter()
            call_command(
                "partitions",
                "convert",
                "--table",
                label,
                "--applications-per-partition",
                str(args.width),
                stdout=io.StringIO(),
            )
            converted[label] = round(time.perf_counter() - began, 2)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = 'cases_event'::regclass"
            )
            partitions = cursor.fetchone()[0]
            cursor.execute(
                "SELECT (SELECT count(*) FROM cases_event), (SELECT count(*) FROM cases_step), "
                "(SELECT count(*) FROM guarantees_alarm)"
            )
            events, steps, alarms = cursor.fetchone()
        after = measure(args.applications, unit)
        print(
            json.dumps(
                {
                    "benchmark": "partitions",
                    "machine": machine,
                    "applications": args.applications,
                    "rows": {"events": events, "steps": steps, "alarms": alarms},
                    "build_s": round(built, 1),
                    "partitions_per_table": partitions,
                    "convert_s": converted,
                    "before": before,
                    "after": after,
                    "events by month instead": by_month_comparison(args.applications),
                },
                ensure_ascii=False,
            )
        )
    finally:
        connection.close()
        if not args.keep:
            recreate(maintenance, name, drop_only=True)


if __name__ == "__main__":
    main()
