"""Helpers for tests, benchmarks and load tests that start real servers (a throwaway
PostgreSQL cluster, an S3 server, gunicorn)."""

import socket
import subprocess
import time
import urllib.error
import urllib.request

__all__ = ["free_port", "wait_until_answering"]


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
