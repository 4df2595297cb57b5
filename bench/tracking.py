"""Benchmark of the public tracking page (/lacak/<number>/) and GET /api/v1/track/{number}, and
of the catalogue (/layanan/) and a charter page, each against a floor: a bare Django view
returning the same number of bytes on the same server.

    .venv/bin/python bench/tracking.py            # 3 rounds of 3 s per target (2 minutes)
    .venv/bin/python bench/tracking.py --quick    # a smoke test of a few seconds

It loads the demo data into a fresh data dir (SQLite; the database of DATABASE_URL when set),
starts `layanan serve --workers 2` on 127.0.0.1 on a free port with LAYANAN_BENCH_FLOOR=1 (which
routes /_bench/floor/<bytes>/, see layanan/portal/bench_floor.py), and drives it with a small
keep-alive HTTP/1.1 client on asyncio (the standard library only, so that `make bench` runs from
a fresh clone) over CONNECTIONS connections. The targets alternate (floor, page, floor, API, ...)
so that noise of the shared machine falls on both sides of each ratio. The client runs on the
same machine as the server and takes CPU from it; so it does for the floor.

The last line printed is one JSON object: requests per second, p50 and p99 in milliseconds and
the server's CPU per request for each target, the ratios of each subject to its floor, and the
goals (ratio >= 0.5, p99 < 20 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from layanan.lib.testing import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
LAYANAN = [sys.executable, "-m", "layanan.cli"]
# What is measured, each against a floor of its own size: the tracking page and API, and the
# same discipline for the catalogue and a charter page (the demo's longest).
SUBJECTS = ("page", "api", "catalogue", "charter")
CHARTER = "pbg-rumah-sederhana"
GOAL_RATIO = 0.5
GOAL_P99_MS = 20.0


def tracking_number(env: dict[str, str]) -> str:
    """A demo application being processed, with its clock running: the common case."""
    script = (
        "import django; django.setup()\n"
        "from layanan.cases.models import Application\n"
        "rows = Application.objects.exclude(clock_started_at=None).exclude(status='draft')\n"
        "print(rows.filter(status='in_progress').order_by('pk').values_list('number', flat=True)"
        ".first() or rows.order_by('pk').values_list('number', flat=True).first())\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip().splitlines()[-1]


def gunicorn_processes(root: int) -> list[int]:
    """The gunicorn processes under `root` (Linux /proc; none elsewhere)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                frontier.append(pid)
                try:
                    if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        found.append(pid)
                except OSError:
                    continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return bytes(response.read())


async def one_connection(
    port: int, path: str, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n\r\n".encode()
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if head[9:12] != b"200" or not body:
                errors.append(int(head[9:12]))
            if b"connection: close" in head.lower():
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def drive(port: int, path: str, seconds: float, connections: int) -> tuple[list[float], int, float]:
    """`connections` clients request `path` for `seconds`: latencies, failures, elapsed."""
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(one_connection(port, path, deadline, latencies, errors) for _ in range(connections))
        )
        return time.perf_counter() - started

    elapsed = asyncio.run(main())
    return latencies, len(errors) if latencies else 1, elapsed


def summary(latencies: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    return {
        "rps": round(len(ordered) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 2) if ordered else 0.0,
        "p99_ms": round(p99 * 1000, 2),
    }


def cpu_ratio(floor: dict[str, float], subject: dict[str, float]) -> float:
    if not subject["server_cpu_ms"]:
        return 0.0
    return round(floor["server_cpu_ms"] / subject["server_cpu_ms"], 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 0.3 s: a smoke test")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="per target and round")
    parser.add_argument("--connections", type=int, default=8)
    options = parser.parse_args()
    if options.quick:
        options.rounds, options.seconds = 1, 0.3

    data_dir = tempfile.mkdtemp(prefix="layanan-bench-tracking-")
    env = {
        **os.environ,
        "LAYANAN_DATA_DIR": data_dir,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "layanan.settings",
    }
    began = time.monotonic()
    subprocess.run(
        [*LAYANAN, "demo", "--load-only"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    number = tracking_number(env)
    print(f"demo data loaded in {time.monotonic() - began:.1f} s", file=sys.stderr)
    port = free_port()
    server = subprocess.Popen(
        [*LAYANAN, "serve", "--workers", "2", "--port", str(port), "--no-migrate"],
        env={**env, "LAYANAN_BENCH_FLOOR": "1"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base + "/sehat/", process=server)
        print(f"server up after {time.monotonic() - began:.1f} s", file=sys.stderr)
        page, api = f"/lacak/{number}/", f"/api/v1/track/{number}"
        charter = f"/layanan/{CHARTER}/"
        targets = {
            "page": page,
            "floor_page": f"/_bench/floor/{len(fetch(base + page))}/",
            "api": api,
            "floor_api": f"/_bench/floor/{len(fetch(base + api))}/",
            "catalogue": "/layanan/",
            "floor_catalogue": f"/_bench/floor/{len(fetch(base + '/layanan/'))}/",
            "charter": charter,
            "floor_charter": f"/_bench/floor/{len(fetch(base + charter))}/",
        }
        for path in targets.values():  # every worker warm (imports, connections, caches)
            drive(port, path, options.seconds / 5, options.connections)
        workers = gunicorn_processes(server.pid)
        cpu = dict.fromkeys(targets, 0.0)
        samples: dict[str, list[float]] = {name: [] for name in targets}
        elapsed = dict.fromkeys(targets, 0.0)
        errors = dict.fromkeys(targets, 0)
        for _round in range(options.rounds):
            for name in [f"{kind}{subject}" for subject in SUBJECTS for kind in ("floor_", "")]:
                used = cpu_seconds(workers)
                latencies, failed, seconds = drive(
                    port, targets[name], options.seconds, options.connections
                )
                cpu[name] += cpu_seconds(workers) - used
                samples[name] += latencies
                elapsed[name] += seconds
                errors[name] += failed
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    figures = {
        name: {
            **summary(samples[name], elapsed[name]),
            # the server's CPU per request: the work done, whatever else runs on the machine
            "server_cpu_ms": round(cpu[name] * 1000 / max(1, len(samples[name])), 3),
            "errors": errors[name],
        }
        for name in targets
    }
    python = f"{platform.python_implementation()} {platform.python_version()}"
    result = {
        "benchmark": "tracking",
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {python}",
        "connections": options.connections,
        "seconds_per_target": options.rounds * options.seconds,
        **figures,
        **{
            f"{subject}_ratio": round(
                figures[subject]["rps"] / figures[f"floor_{subject}"]["rps"], 3
            )
            for subject in SUBJECTS
        },
        # the same ratios by the server's CPU per request (0 where /proc is missing)
        **{
            f"{subject}_cpu_ratio": cpu_ratio(figures[f"floor_{subject}"], figures[subject])
            for subject in SUBJECTS
        },
        "goal_ratio": GOAL_RATIO,
        "goal_p99_ms": GOAL_P99_MS,
    }
    result["goals_met"] = all(
        [
            *(result[f"{subject}_ratio"] >= GOAL_RATIO for subject in SUBJECTS),
            *(figures[subject]["p99_ms"] < GOAL_P99_MS for subject in SUBJECTS),
            not any(errors.values()),
        ]
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
