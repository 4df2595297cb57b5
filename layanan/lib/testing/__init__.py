"""Helpers for tests, benchmarks and load tests that start real servers (a throwaway
PostgreSQL cluster, an S3 server, gunicorn)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "layanan_shell", "served_copy", "site_env", "wait_until_answering"]

LAYANAN = (sys.executable, "-m", "layanan.cli")


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at this moment, for a server started next."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answering(
    url: str, *, process: subprocess.Popen[bytes] | None = None, seconds: float = 60
) -> None:
    """Return once `url` answers with any HTTP status (a 503 before the worker's first beat
    is an answer: the web server is up); raise RuntimeError if `process` exits or `seconds`
    pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered {url} within {seconds:g} s") from None
            time.sleep(0.1)


def site_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `layanan` process on the embedded SQLite database of `data_dir`."""
    env = {**os.environ, "LAYANAN_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return env


@contextmanager
def served_copy(loaded: Path, *, prefix: str) -> Iterator[tuple[str, Path]]:
    """`layanan serve` (one worker, loopback, a free port) on a fresh copy of the data dir
    `loaded` (the demo loaded once per run: conftest's `loaded_demo`): (address, data dir)."""
    data_dir = Path(tempfile.mkdtemp(prefix=prefix)) / "data"
    shutil.copytree(loaded, data_dir)
    port = free_port()
    server = subprocess.Popen(
        [*LAYANAN, "serve", "--port", str(port), "--workers", "1", "--no-migrate"],
        env=site_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url + "/", process=server, seconds=60)
        yield url, data_dir
    finally:
        server.terminate()
        server.wait(timeout=30)


def layanan_shell(data_dir: Path, code: str) -> str:
    """Run Python `code` in `layanan shell` on `data_dir`'s database; what it printed."""
    done = subprocess.run(
        [*LAYANAN, "shell", "--no-imports", "-c", code],
        env=site_env(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()
