"""Benchmark of the officers' queue: `/kantor/` and `GET /api/v1/applications` for the demo
officer `petugas`, at 10,000 and at 1,000,000 generated applications.

    .venv/bin/python bench/officer_queue.py                    # 10,000 and 1,000,000
    .venv/bin/python bench/officer_queue.py --sizes 10000      # one size (--quick: 300)
    .venv/bin/python bench/officer_queue.py --keep /var/tmp/q  # keep each size's database
                                                               # there; reuse it next time
    DATABASE_URL=postgres://... .venv/bin/python bench/officer_queue.py   # on PostgreSQL

Each size gets its own database (a fresh process): `layanan bench generate` (the demo, then
N applications in every status over four years; `petugas` holds every role in every unit, so
every open step is in their queue — the largest queue there is). Generating 1,000,000 takes
long (docs/benchmarks.md), which `--keep` saves on later runs (SQLite only).

Each page is requested through Django's test client (middleware, view, template or JSON:
the whole response but the network), signed in as `petugas` (a session with the second
factor for the page, an API token for the API): 5 times to warm up, then 30 timed
(`--repeat`). Printed: the median and 90th percentile per page and size, the median CPU
time of the process (the work without the waits of a busy machine), and the ratios of the
medians, largest size / smallest.
Goal: ratio <= 1.5 and median < 30 ms at 1,000,000. One JSON line. (Not named queue.py: a
script's folder comes first on Python's path, and that name would hide the standard `queue`.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fresh_database, machine

PAGES = {
    "office queue /kantor/": "/kantor/",
    "office queue, page 2": "/kantor/?page=2",
    "office queue, late only": "/kantor/?terlambat=1",
    "API GET /api/v1/applications": "/api/v1/applications",
    "API page 2": "/api/v1/applications?page=2",
}
GOAL_RATIO = 1.5
GOAL_MS = 30
REPEAT = 30


def measure(client: Any, url: str, headers: dict[str, str], repeat: int) -> dict[str, float]:
    """Wall-clock median and 90th percentile, and the median CPU time of this process (the
    same request without the waiting a busy machine adds), in milliseconds."""
    for _warm in range(min(5, repeat)):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _turn in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(url, **headers)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    wall.sort()
    return {
        "median_ms": round(statistics.median(wall), 1),
        "p90_ms": round(wall[max(0, int(0.9 * len(wall)) - 1)], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def measure_pages(size: int, repeat: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client

    from layanan.accounts.models import User
    from layanan.accounts.tokens import issue_token
    from layanan.cases.models import Application
    from layanan.test import mark_verified

    began = time.perf_counter()
    if not Application.objects.filter(applicant__username__startswith="warga-").exists():
        with open(os.devnull, "w") as quiet:
            call_command("bench", "generate", "--applications", str(size), stdout=quiet)
    built = time.perf_counter() - began
    officer = User.objects.get(username="petugas")
    page_client = Client()
    page_client.force_login(officer)
    mark_verified(page_client, officer)
    token, _row = issue_token(officer, label="bench")
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    result: dict[str, Any] = {"applications": size, "build_s": round(built, 1)}
    for name, url in PAGES.items():
        result[name] = measure(page_client, url, api if url.startswith("/api/") else {}, repeat)
    return result


def run_one(size: int, keep: str | None, repeat: int) -> dict[str, Any]:
    if keep:
        data_dir = Path(keep) / str(size)
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["LAYANAN_DATA_DIR"] = str(data_dir)
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0)
        return {**measure_pages(size, repeat), "machine": machine("SQLite")}
    with fresh_database() as database:
        return {**measure_pages(size, repeat), "machine": machine(database)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--quick", action="store_true", help="one tiny size (300), 3 requests")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed requests per page")
    parser.add_argument("--keep", help="keep (and reuse) each size's SQLite database here")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.keep, args.repeat)), flush=True)
        return
    sizes = [300] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 3 if args.quick else args.repeat
    results = []
    for size in sizes:
        # a fresh process per size: Django is configured once per process
        finished = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--repeat", str(repeat)]
            + (["--keep", args.keep] if args.keep else []),
            capture_output=True,
            text=True,
            check=False,
        )
        if finished.returncode != 0:
            sys.exit(finished.stderr[-3000:])
        results.append(json.loads(finished.stdout.strip().splitlines()[-1]))
    summary: dict[str, Any] = {"benchmark": "queue", "sizes": results}
    if len(results) > 1:
        small, large = results[0], results[-1]
        summary["ratio"] = {
            name: round(large[name]["median_ms"] / small[name]["median_ms"], 2) for name in PAGES
        }
        summary["cpu_ratio"] = {
            name: round(large[name]["cpu_median_ms"] / small[name]["cpu_median_ms"], 2)
            for name in PAGES
        }
        worst = max(summary["ratio"].values())
        slowest = max(large[name]["median_ms"] for name in PAGES)
        summary["met"] = worst <= GOAL_RATIO and slowest < GOAL_MS
    summary["floor"] = f"the same pages at {results[0]['applications']} applications"
    summary["goal"] = f"ratio of medians <= {GOAL_RATIO} and median < {GOAL_MS} ms at the largest"
    summary["machine"] = results[-1]["machine"]
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
