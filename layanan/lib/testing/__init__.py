"""Helpers for tests, benchmarks and load tests that start real servers (a throwaway
PostgreSQL cluster, an S3 server, gunicorn)."""

import socket

__all__ = ["free_port"]


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at this moment, for a server started next."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
