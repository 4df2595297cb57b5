"""Counters in the cache that two processes can increment at once without losing a count.

Redis and Memcached increment atomically themselves (`cache.add` then `cache.incr`) and keep
the key's expiry. Django's file-based cache (the default, one machine) reads and rewrites the
file, so there a file lock held across the read and the write makes the increment atomic
between gunicorn's worker processes; the in-memory cache locks within its one process.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache


@contextmanager
def exclusive() -> Iterator[None]:
    if not isinstance(cache, FileBasedCache):
        yield
        return
    directory = Path(cache._dir)  # type: ignore[attr-defined]  # the backend's own folder
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "counters.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def increment(key: str, *, expires_in: int) -> int:
    """Add one to the counter `key` (created at 1) and return its new value. The counter is
    forgotten `expires_in` seconds after its creation (the file cache: after its last
    increment), so callers that count per time window put the window in the key."""
    with exclusive():
        if isinstance(cache, FileBasedCache):
            value = int(cache.get(key) or 0) + 1
            cache.set(key, value, timeout=expires_in)
            return value
        if cache.add(key, 1, timeout=expires_in):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=expires_in)
            return 1


def read(key: str) -> int:
    return int(cache.get(key) or 0)
