"""The NIK at rest: sealed with the keyring in the data directory, found by a keyed hash.

The keyring is `nik.json` in `settings.LAYANAN_KEYS_DIR` (the data directory's `keys/` unless
the LAYANAN_KEYS_DIR environment variable names another), made with mode 0600 the first time
a NIK is sealed. It is read again whenever the file changes, so that a key added by
`layanan keys rotate` is used by running servers and workers from their next write on.

- `SealedNikField` is the profile's column: Python code reads and writes the number, the
  database holds only the sealed text. Never filter on it: use the `nik_hash` beside it.
- `seal_nik` / `open_nik` do the same for a NIK inside JSON (application answers).
- `nik_hash` is the look-up key: HMAC-SHA256 of the 16 digits.

A value that cannot be opened (a missing or wrong keyring) raises `SealError`, which names
the key id: the page fails loudly rather than show or store a NIK in clear.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import models

from layanan.lib.sealed import Keyring, KeyringError, SealError, is_sealed, load_keyring

__all__ = [
    "KeyringError",
    "SealError",
    "SealedNikField",
    "keyring",
    "keyring_path",
    "nik_hash",
    "open_nik",
    "seal_nik",
]

PURPOSE = "nik"

_lock = threading.Lock()
_cached: tuple[tuple[str, int, int], Keyring] | None = None


def keyring_path() -> Path:
    return Path(settings.LAYANAN_KEYS_DIR) / "nik.json"


def keyring() -> Keyring:
    """The keyring, made on first use, read again when the file changes (one stat a call)."""
    global _cached
    path = keyring_path()
    with _lock:
        try:
            stat = path.stat()
        except FileNotFoundError:
            _cached = None
            found = load_keyring(path, create=True)
            stat = path.stat()
            _cached = ((str(path), stat.st_mtime_ns, stat.st_ino), found)
            return found
        signature = (str(path), stat.st_mtime_ns, stat.st_ino)
        if _cached is None or _cached[0] != signature:
            _cached = (signature, load_keyring(path, create=False))
        return _cached[1]


def seal_nik(number: str) -> str:
    """The sealed form of a NIK; the empty answer stays empty."""
    if not number:
        return ""
    return keyring().seal(number, purpose=PURPOSE)


def open_nik(stored: str) -> str:
    """The NIK a stored value holds. Text that is not sealed is refused, not passed through:
    a NIK left in clear is found by the data migration, not served."""
    if not stored:
        return ""
    if not is_sealed(stored):
        raise SealError("a NIK is stored unsealed: run `layanan migrate`")
    return keyring().open(stored, purpose=PURPOSE)


def nik_hash(number: str) -> str:
    """The look-up key of a NIK (64 hex digits), or "" for no NIK."""
    if not number:
        return ""
    return keyring().keyed_hash(number)


class SealedNikField(models.TextField):
    """A NIK, sealed in the database and plain in Python."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return open_nik(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and is_sealed(value):
            return open_nik(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or is_sealed(value):
            return value
        return seal_nik(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            # Sealing is randomised: an equality filter would never match. Look up nik_hash.
            return None
        return super().get_lookup(lookup_name)


@checks.register(checks.Tags.security)
def check_keyring(**kwargs: Any) -> list[checks.CheckMessage]:
    """At start-up (`layanan check`, `serve`, `migrate`): a keyring that is there must be
    readable, well formed and private. A missing one is made on first use."""
    path = keyring_path()
    if not path.exists():
        return []
    try:
        load_keyring(path, create=False)
    except KeyringError as problem:
        return [
            checks.Error(
                f"The NIK keyring cannot be used: {problem}",
                hint="Restore keys/nik.json from the backup made with the database.",
                id="layanan_keys.E001",
            )
        ]
    if path.stat().st_mode & 0o077:
        return [
            checks.Warning(
                f"The NIK keyring {path} can be read by other users than the service's.",
                hint=f"chmod 600 {path}",
                id="layanan_keys.W001",
            )
        ]
    return []
