"""`layanan serve` keeps the web server up when the worker dies: the worker is restarted with
a growing delay, each restart logged, and /sehat/ sees it beat again. Real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from layanan.lib.testing import free_port


def children_of(pid: int) -> dict[int, str]:
    """{pid: command line} of the processes whose parent is `pid` (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, ValueError, IndexError):
            continue
    return found


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(condition: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"not within {seconds} s: {what}")


def worker_pid(serve: subprocess.Popen[bytes]) -> int | None:
    workers = [
        pid for pid, cmd in children_of(serve.pid).items() if cmd.rstrip().endswith("worker")
    ]
    return workers[0] if workers else None


def test_killing_the_worker_leaves_the_web_answering_and_the_worker_comes_back() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LAYANAN_DATA_DIR"] = tempfile.mkdtemp(prefix="layanan-serve-")
    port = free_port()
    log = Path(env["LAYANAN_DATA_DIR"]) / "serve.log"
    with open(log, "wb") as log_file:
        serve = subprocess.Popen(
            [sys.executable, "-m", "layanan.cli", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    site = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: get(site + "/sehat/")[0] == 200, 90, "the worker's first heartbeat")
        first = wait_for(lambda: worker_pid(serve), 10, "a worker child")
        os.kill(first, signal.SIGKILL)
        killed_at = time.time()
        # The web server never stopped answering.
        for _ in range(5):
            assert get(site + "/")[0] == 200
            time.sleep(0.1)
        second = wait_for(
            lambda: (pid := worker_pid(serve)) and pid != first and pid, 20, "a new worker"
        )
        assert serve.poll() is None

        def beat_again() -> bool:
            status, body = get(site + "/sehat/")
            last_seen = json.loads(body)["worker"]["last_seen"]
            from datetime import datetime

            return status == 200 and datetime.fromisoformat(last_seen).timestamp() > killed_at

        wait_for(beat_again, 60, "/sehat/ to see the new worker beat")
        # A worker that dies again at once waits longer before its next start (1 s, then 2 s).
        os.kill(second, signal.SIGKILL)
        third = wait_for(
            lambda: (pid := worker_pid(serve)) and pid != second and pid, 20, "a third worker"
        )
        assert third not in (first, second)
        assert get(site + "/")[0] == 200
    finally:
        serve.send_signal(signal.SIGTERM)
        status = serve.wait(timeout=30)
    output = log.read_text()
    assert status == 0, output
    assert "worker ended (status -9); restarting in 1 s" in output
    assert "worker ended (status -9); restarting in 2 s" in output
    assert not children_of(serve.pid)


def run_together_script(body: str) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        """
        import logging, sys
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        from layanan.portal import processes
        processes.RESTART_FIRST_DELAY = 0.2
        processes.RESTART_MAX_DELAY = 0.8
        py = sys.executable
        """
    ) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_a_worker_that_keeps_dying_is_restarted_with_a_capped_growing_delay() -> None:
    result = run_together_script(
        """
        status = processes.run_together(
            [[py, "-c", "import time; time.sleep(6)"]],
            restartable=[[py, "-c", "raise SystemExit(3)"]],
            env={},
        )
        print("status", status)
        """
    )
    delays = [
        line.rsplit("restarting in ", 1)[1]
        for line in result.stderr.splitlines()
        if "restarting in" in line
    ]
    assert delays[:5] == ["0.2 s", "0.4 s", "0.8 s", "0.8 s", "0.8 s"], result.stderr
    # the web server's own end ends everything, with its status (0 → reported as 1)
    assert "status 1" in result.stdout
    assert "ended (status 0); stopping" in result.stderr


def test_the_web_servers_death_stops_the_worker_too() -> None:
    result = run_together_script(
        """
        import time
        started = time.monotonic()
        status = processes.run_together(
            [[py, "-c", "raise SystemExit(7)"]],
            restartable=[[py, "-c", "import time; time.sleep(60)"]],
            env={},
        )
        print("status", status, "after", round(time.monotonic() - started))
        """
    )
    assert "status 7 after" in result.stdout, result.stderr
    assert int(result.stdout.split("after")[1]) < 20
