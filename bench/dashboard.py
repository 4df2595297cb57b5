"""Benchmark of the public dashboard (the guarantee register and open data) at 10,000 and 1,000,000
applications, on SQLite.

    .venv/bin/python bench/dashboard.py                 # 10,000 and 1,000,000 (a few minutes)
    .venv/bin/python bench/dashboard.py --sizes 10000   # quick

Each size gets a fresh SQLite database in a temporary data dir (WAL, as in production), with
30 agencies and 200 services over 24 months (2025-01 to 2026-12). Rows are written in bulk:
- the applications (5 % still open, a fifth of those past their due date), one `submitted`
  event each; the rollups' cursor stands after all but the last 20 events, so a page also adds
  the events the worker has not counted yet, as it does in life;
- the rollup rows those applications give: one per month and service, agency and the whole
  government, with the counts split evenly (their number does not depend on the applications:
  that is the point of rollups).
Then each page is requested through Django's test client (middleware, view, template: the
whole response but the network) 5 times to warm up and 50 times timed; the median and 90th
percentile are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENCIES = 30
SERVICES = 200
MONTHS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
UNHANDLED = 20  # events after the rollups' cursor
PAGES = {
    "whole government, a year": "/dasbor/?periode=2026",
    "whole government, a month": "/dasbor/?periode=2026-11",
    "an agency, a quarter": "/dasbor/{agency}/?periode=2026-Q4",
    "a service, a year": "/dasbor/layanan/{service}/?periode=2026",
    "guarantee register": "/jaminan/",
    "open data, a month's applications file": "/data/permohonan/2026-11.json",
    "open data, the DCAT catalogue": "/data/katalog.jsonld",
    "for comparison: the accessibility statement (no data)": "/aksesibilitas/",
}


def setup_django(data_dir: str) -> None:
    os.environ["LAYANAN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def split(total: int, parts: int, index: int) -> int:
    """`total` shared out over `parts` as evenly as whole numbers allow."""
    return total // parts + (1 if index < total % parts else 0)


def build(n: int, now: dt.datetime) -> dict[str, str]:
    from django.db import connection, transaction

    from layanan.accounts.models import User
    from layanan.agencies.models import Agency, Unit
    from layanan.cases.models import EventCursor
    from layanan.charters.actions import adopt_charter, save_draft
    from layanan.charters.models import Service
    from layanan.test import charter_content
    from layanan.transparency.models import Rollup, Scope
    from layanan.transparency.rollups import COMPLAINT_CURSOR, CURSOR

    agencies = [
        Agency.objects.create(
            code=f"instansi-{a:02d}", name=f"Instansi {a:02d}", region_code="33.99"
        )
        for a in range(AGENCIES)
    ]
    for agency in agencies:
        Unit.objects.create(agency=agency, code=f"{agency.code}-loket", name="Loket")
        Unit.objects.create(agency=agency, code=f"{agency.code}-capil", name="Capil")
    services = [
        Service.objects.create(
            code=f"layanan-{s:03d}",
            name=f"Layanan {s:03d}",
            lead_agency=agencies[s % AGENCIES],
            category="perizinan",
        )
        for s in range(SERVICES)
    ]
    # One adopted charter (its units are the first agency's): the applications' foreign key.
    first = services[0]
    Service.objects.filter(pk=first.pk).update(lead_agency=agencies[0])
    Unit.objects.filter(code="instansi-00-loket").update(code="disdukcapil-loket")
    Unit.objects.filter(code="instansi-00-capil").update(code="disdukcapil-capil")
    Agency.objects.filter(pk=agencies[0].pk).update(code="disdukcapil")
    first.refresh_from_db()
    draft, _problems = save_draft(service=first, content=charter_content(), by=None)
    charter = adopt_charter(charter=draft, by=None)
    citizen = User.objects.create_user(username="warga", password="x")  # noqa: S106

    hour = dt.timedelta(hours=1)
    chunk = 20_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, n, chunk):
            apps, events = [], []
            for i in range(start, min(start + chunk, n)):
                app_id = i + 1
                service = services[i % SERVICES]
                is_open = i % 20 == 0
                late_now = is_open and i % 100 == 0
                submitted = now - dt.timedelta(days=1 + (i * 7) % 600)
                due = now - hour if late_now else now + 100 * hour
                apps.append(
                    (
                        app_id,
                        f"B{app_id:010d}",
                        service.pk,
                        charter.pk,
                        service.lead_agency_id,
                        citizen.pk,
                        ("online", "loket", "api")[i % 3],
                        "in_progress" if is_open else "completed",
                        "{}",
                        0,
                        submitted,
                        submitted,
                        submitted,
                        submitted,
                        due,
                        0,
                        None if is_open else submitted + 50 * hour,
                        "{}",
                    )
                )
                events.append(
                    (app_id, 1, submitted, "submitted", "", "", False, "{}", "0" * 64, "0" * 64)
                )
            cursor.executemany(
                "INSERT INTO cases_application (id, number, service_id, charter_id, agency_id, "
                "applicant_id, channel, status, answers, revision, created_at, updated_at, "
                "submitted_at, clock_started_at, due_at, paused_minutes, ended_at, "
                "expected_completion_basis) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                apps,
            )
            cursor.executemany(
                "INSERT INTO cases_event (application_id, seq, at, kind, step, note, public, "
                "data, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                events,
            )
    EventCursor.objects.update_or_create(name=CURSOR, defaults={"position": n - UNHANDLED})
    EventCursor.objects.update_or_create(name=COMPLAINT_CURSOR, defaults={"position": 0})

    # The rollups of those applications, split evenly over months and services.
    per_cell = len(MONTHS) * SERVICES
    rows: list[Rollup] = []
    for m, month in enumerate(MONTHS):
        by_agency: dict[int, dict[str, int]] = {}
        for s, service in enumerate(services):
            index = m * SERVICES + s
            received = split(n, per_cell, index)
            completed = received - received // 20
            on_time = completed * 9 // 10
            counts = {
                "received": received,
                "received_online": received // 3,
                "received_counter": received // 3,
                "received_api": received - 2 * (received // 3),
                "still_open": received // 20,
                "completed": completed,
                "on_time": on_time,
                "late": completed - on_time,
                "breaches_late": (completed - on_time) // 2,
                "compensations_owed": (completed - on_time) // 10,
                "amount_owed": 25_000 * ((completed - on_time) // 10),
                "complaints_received": received // 100,
                "complaints_resolved": received // 120,
            }
            days = {str(d): completed // 8 for d in range(1, 9)} if completed else {}
            rows.append(
                Rollup(
                    scope=Scope.SERVICE,
                    month=month,
                    agency_pk=service.lead_agency_id,
                    service_pk=service.pk,
                    completion_days=days,
                    resolution_days={"5": counts["complaints_resolved"]},
                    **counts,
                )
            )
            into = by_agency.setdefault(service.lead_agency_id, dict.fromkeys(counts, 0))
            for name, value in counts.items():
                into[name] += value
        for agency_pk, counts in by_agency.items():
            rows.append(Rollup(scope=Scope.AGENCY, month=month, agency_pk=agency_pk, **counts))
        total = {
            name: sum(c[name] for c in by_agency.values())
            for name in next(iter(by_agency.values()))
        }
        rows.append(Rollup(scope=Scope.ALL, month=month, **total))
    Rollup.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"agency": agencies[3].code, "service": first.code}


def measure(client: object, url: str, repeat: int) -> dict[str, float]:
    """Wall-clock median and 90th percentile, and the median CPU time of this process (the
    same request without the waits a busy machine adds), in milliseconds."""
    for _warm in range(min(5, repeat)):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _turn in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(url)  # type: ignore[attr-defined]
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    wall.sort()
    return {
        "median_ms": round(statistics.median(wall), 1),
        "p90_ms": round(wall[int(0.9 * len(wall)) - 1], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def run(n: int, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="layanan-bench-") as data_dir:
        setup_django(data_dir)
        import time_machine
        from django.conf import settings
        from django.test import Client

        # The test client's host; not setup_test_environment(), which instruments templates.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
        began = time.perf_counter()
        codes = build(n, now)
        built = time.perf_counter() - began
        client = Client()
        pages: dict[str, dict[str, float]] = {}
        result: dict[str, object] = {"applications": n, "build_s": round(built, 1), "pages": pages}
        with time_machine.travel(now, tick=True):
            for name, url in PAGES.items():
                pages[name] = measure(client, url.format(**codes), repeat)
        result["load average (1 min) at the end"] = round(os.getloadavg()[0], 1)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--quick", action="store_true", help="one tiny size (300)")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size per process
    args = parser.parse_args()
    if args.quick:
        args.sizes = "300"
    if args.one:
        print(json.dumps(run(args.one, args.repeat)), flush=True)
        return
    import subprocess

    results = []
    for size in args.sizes.split(","):
        # A fresh process per size: Django is configured once per process.
        finished = subprocess.run(
            [sys.executable, __file__, "--one", size, "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(finished.stdout.strip().splitlines()[-1]))
    # The floor of each page is its own median at the smallest size: flat means a ratio near 1.
    smallest, largest = results[0]["pages"], results[-1]["pages"]
    print(
        json.dumps(
            {
                "benchmark": "dashboard",
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}, SQLite",
                "goal": "median under 50 ms, flat from the smallest size to the largest",
                "floor": f"each page's median at {results[0]['applications']:,} applications",
                "ratio": {
                    name: round(
                        largest[name]["median_ms"] / max(smallest[name]["median_ms"], 0.1), 2
                    )
                    for name in smallest
                },
                "results": results,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
