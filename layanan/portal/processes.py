"""Start the web server and the worker as child processes, and stop them together."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType


def layanan_command() -> list[str]:
    """How to call ourselves: the console script next to this Python, or `-m layanan.cli`."""
    script = shutil.which("layanan", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "layanan.cli"]


def gunicorn_command(*, port: int, workers: int, host: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "layanan.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]


def run_together(commands: Sequence[Sequence[str]], *, env: dict[str, str]) -> int:
    """Run the commands until one ends or we are told to stop; then stop them all.

    Returns the exit status to report: 0 after Ctrl-C or SIGTERM, else the status of the
    child that ended first.
    """
    children = [subprocess.Popen(list(c), env=env) for c in commands]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        ended = [c for c in children if c.poll() is not None]
        if ended:
            status = ended[0].returncode or 1
            break
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0 if stopping else status
