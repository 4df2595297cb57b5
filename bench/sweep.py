"""Benchmark of the guarantee sweep on SQLite (issue: 1,000,000 open applications, 1 % newly
late; and a pass with nothing newly late at 10,000 vs 1,000,000 open applications).

    .venv/bin/python bench/sweep.py                 # 10,000 and 1,000,000 (several minutes)
    .venv/bin/python bench/sweep.py --sizes 10000   # quick

Each size gets a fresh SQLite database in a temporary data dir (WAL, as in production). Rows
are written with plain SQL for speed: every application has one active step, three step alarms
(due soon, late, very late) and two application alarms, as the sweep's planner makes them.
An earlier pass sends the reminders (they fire at 80 % of a step's time, before the step is
late). Then three passes are timed:
  1. idle: nothing newly due (after a pass that read the reminders' events);
  2. the 1 % pass: 1 % of the applications became late since the last pass;
  3. the next pass: nothing new is recorded (it reads the events the 1 % pass wrote);
  4. quiet: nothing at all happened since the last pass.
A pass reads the events written since the previous one, so its cost follows activity (newly
due items and the events they cause), not the number of open applications.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import one_service_world  # noqa: E402 (a sibling module of the scripts)


def setup_django(data_dir: str) -> None:
    os.environ["LAYANAN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n: int, now: dt.datetime) -> None:
    from django.db import connection, transaction

    agency, loket, citizen, service, charter = one_service_world()

    late_every = 100  # 1 % become late between the idle pass and the 1 % pass
    hour = dt.timedelta(hours=1)
    chunk = 20_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, n, chunk):
            apps, steps, alarms = [], [], []
            for i in range(start, min(start + chunk, n)):
                app_id = i + 1
                newly_late = i % late_every == 0
                step_due = now - dt.timedelta(minutes=30) if newly_late else now + 30 * hour
                # Reminders (80 % of the step's time) fired in earlier passes, as in real life.
                remind_at = step_due - 3 * hour
                app_due = now + 60 * hour
                created = now - 48 * hour
                apps.append(
                    (
                        app_id,
                        f"B{app_id:010d}",
                        service.pk,
                        charter.pk,
                        agency.pk,
                        citizen.pk,
                        "online",
                        "in_progress",
                        "{}",
                        0,
                        created,
                        created,
                        created,
                        created,
                        app_due,
                        0,
                        "{}",
                    )
                )
                steps.append(
                    (
                        app_id,
                        app_id,
                        "verifikasi",
                        0,
                        0,
                        loket.pk,
                        agency.pk,
                        "active",
                        created,
                        step_due,
                        "",
                    )
                )
                alarms += [
                    (app_id, "verifikasi", "due_soon", step_due, remind_at, False),
                    (app_id, "verifikasi", "late", step_due, step_due, False),
                    (app_id, "verifikasi", "very_late", step_due, step_due + 24 * hour, False),
                    (app_id, "", "late", app_due, app_due, False),
                    (app_id, "", "very_late", app_due, app_due + 48 * hour, False),
                ]
            cursor.executemany(
                "INSERT INTO cases_application (id, number, service_id, charter_id, agency_id, "
                "applicant_id, channel, status, answers, revision, created_at, updated_at, "
                "submitted_at, clock_started_at, due_at, paused_minutes, "
                "expected_completion_basis) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                apps,
            )
            cursor.executemany(
                "INSERT INTO cases_step (id, application_id, key, stage, position, unit_id, "
                "agency_id, state, started_at, due_at, note) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                steps,
            )
            cursor.executemany(
                "INSERT INTO guarantees_alarm (application_id, step_key, level, due_at, fire_at, "
                "fired) VALUES (%s,%s,%s,%s,%s,%s)",
                alarms,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed_pass(at: dt.datetime) -> tuple[float, dict[str, int]]:
    from layanan.guarantees.sweep import sweep

    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE") and at.hour == 9 and at.minute == 0 and at.second == 0:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        summary = profiler.runcall(sweep, at)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    else:
        summary = sweep(at)
    return time.perf_counter() - started, summary.as_dict()


def run(n: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="layanan-bench-") as data_dir:
        setup_django(data_dir)
        now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
        began = time.perf_counter()
        build(n, now)
        built = time.perf_counter() - began
        # Earlier passes: the first one ever sets the readers' cursors and sends the reminders
        # that became due before the newly late items.
        _warm, warm_summary = timed_pass(now - dt.timedelta(hours=2))
        timed_pass(now - dt.timedelta(hours=1, minutes=1))  # reads the reminders' events
        idle, idle_summary = timed_pass(now - dt.timedelta(hours=1))
        one_percent, summary = timed_pass(now)
        again, again_summary = timed_pass(now + dt.timedelta(seconds=1))
        quiet, _quiet_summary = timed_pass(now + dt.timedelta(seconds=2))
        return {
            "open": n,
            "build_s": round(built, 1),
            "idle_pass_s": round(idle, 4),
            "one_percent_pass_s": round(one_percent, 2),
            "one_percent_summary": summary,
            "second_pass_s": round(again, 4),
            "second_pass_new_breaches": again_summary["new_breaches"],
            "quiet_pass_s": round(quiet, 4),
            "idle_summary_checked": idle_summary["checked"],
            "earlier_pass_reminders": warm_summary["reminders"],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--quick", action="store_true", help="one tiny size (500)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size per process
    args = parser.parse_args()
    if args.quick:
        args.sizes = "500"
    if args.one:
        print(json.dumps(run(args.one)), flush=True)
        return
    import subprocess

    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        # A fresh process per size: Django is configured once per process.
        finished = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(finished.stdout.strip().splitlines()[-1]))
    print(
        json.dumps(
            {
                "benchmark": "sweep",
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}, SQLite",
                "goal": "the 1 % pass under 5 s at 1,000,000 open applications; an idle pass "
                "as fast at the largest size as at the smallest",
                "floor": f"the idle pass at {results[0]['open']:,} open applications",
                "ratio": round(
                    results[-1]["idle_pass_s"] / max(results[0]["idle_pass_s"], 0.0001), 2
                ),
                "one_percent_pass_s": results[-1]["one_percent_pass_s"],
                "results": results,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
