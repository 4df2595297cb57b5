"""Start the web server and the worker as child processes: the worker is restarted when it
dies, and everything stops together on Ctrl-C, SIGTERM or the web server's end."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger("layanan.processes")


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


RESTART_FIRST_DELAY = 1.0  # seconds before the first restart of a child that died
RESTART_MAX_DELAY = 60.0  # the delay doubles with each quick death, up to this
RESTART_CALM_AFTER = 60.0  # a child that ran this long before dying starts the count afresh


@dataclass
class Child:
    """One command run by run_together; `essential` children end everything when they die."""

    command: list[str]
    essential: bool
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    delay: float = RESTART_FIRST_DELAY

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.command, env=env)
        self.started_at = time.monotonic()
        self.restart_at = None


def run_together(
    commands: Sequence[Sequence[str]],
    *,
    env: dict[str, str],
    restartable: Sequence[Sequence[str]] = (),
) -> int:
    """Run the commands until an essential one ends or we are told to stop; then stop them all.

    The `restartable` commands (the worker) are started again when they die, after a delay that
    doubles with each death in quick succession (1 s, 2 s, 4 s … at most RESTART_MAX_DELAY):
    the web server keeps answering while the worker is away, and /sehat/ says it is away.

    Returns the exit status to report: 0 after Ctrl-C or SIGTERM, else the status of the
    essential child that ended first.
    """
    children = [Child(list(c), essential=True) for c in commands]
    children += [Child(list(c), essential=False, delay=RESTART_FIRST_DELAY) for c in restartable]
    for child in children:
        child.start(env)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        ended = [c for c in children if c.essential and c.process and c.process.poll() is not None]
        if ended and ended[0].process is not None:
            returncode = ended[0].process.returncode
            logger.error("%s ended (status %s); stopping", ended[0].command[-1], returncode)
            status = returncode or 1
            break
        now = time.monotonic()
        for child in children:
            if child.essential or child.process is None:
                continue
            if child.restart_at is None and child.process.poll() is not None:
                if now - child.started_at >= RESTART_CALM_AFTER:
                    child.delay = RESTART_FIRST_DELAY
                child.restart_at = now + child.delay
                logger.warning(
                    "%s ended (status %s); restarting in %g s",
                    " ".join(child.command[-1:]),
                    child.process.returncode,
                    child.delay,
                )
                child.delay = min(child.delay * 2, RESTART_MAX_DELAY)
            elif child.restart_at is not None and now >= child.restart_at:
                logger.warning("restarting %s", " ".join(child.command[-1:]))
                child.start(env)
        time.sleep(0.2)
    running = [c.process for c in children if c.process is not None]
    for process in running:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return 0 if stopping else status
