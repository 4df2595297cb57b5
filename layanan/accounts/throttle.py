"""Sign-in rate limit: after too many failures for one name from one address, wait.

Counted in the cache (a file cache in the data dir by default, shared by the app processes of
one machine).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from layanan.accounts.identifiers import canonical_identifier

FAILURES_ALLOWED = 5
WINDOW_SECONDS = 300


def _key(username: str, address: str) -> str:
    # Every writing of one phone number counts as the same name.
    raw = f"{canonical_identifier(username)}|{address}"
    return "login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def is_locked(username: str, address: str) -> bool:
    return int(cache.get(_key(username, address), 0)) >= FAILURES_ALLOWED


def record_failure(username: str, address: str) -> None:
    key = _key(username, address)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)


def clear(username: str, address: str) -> None:
    cache.delete(_key(username, address))
