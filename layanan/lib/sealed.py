"""Sealing short personal values (the NIK) with a key kept outside the database.

A sealed value is text, so that it fits a text column or a JSON answer:

    sealed:<key id>:<base64url of nonce ‖ AES-256-GCM ciphertext and tag>

- The key id names the key that sealed it, so that keys can be rotated: new values are sealed
  with the keyring's current key, old ones stay readable with the key named in them until they
  are sealed again, and a key no value names any more can be retired.
- AES-GCM authenticates as well as encrypts: a changed byte, a value moved to another key id
  or to another purpose (the purpose and the key id are the associated data) fails to open
  with `SealError`, never with wrong text.
- Equality look-ups use `Keyring.keyed_hash`, HMAC-SHA256 with a key of its own: the same
  number always gives the same hash, and without the key the hash cannot be computed from the
  (small, structured) space of NIKs.

The keyring is a JSON file (`load_keyring`), created with mode 0600 on first use. Nothing here
knows Django; `accounts.nik_store` finds the file from the settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "Keyring",
    "KeyringError",
    "SealError",
    "frame",
    "is_sealed",
    "key_id_of",
    "load_keyring",
    "new_key_id",
    "save_keyring",
    "unframe",
]

PREFIX = "sealed"
NONCE_BYTES = 12
KEY_BYTES = 32
KEY_ID = re.compile(r"^[a-z0-9]{1,16}$")
_TOKEN = re.compile(r"^sealed:([a-z0-9]{1,16}):([A-Za-z0-9_-]*={0,2})$")


class SealError(ValueError):
    """A sealed value cannot be opened: damaged, or sealed with a key the keyring lacks."""


class KeyringError(RuntimeError):
    """The keyring file is missing where it must exist, unreadable or malformed."""


# -- framing (pure) -------------------------------------------------------------------------------


def frame(key_id: str, blob: bytes) -> str:
    """The text form of a sealed value: prefix, key id and the bytes in base64url."""
    if not KEY_ID.match(key_id):
        raise ValueError(f"a key id is 1 to 16 lower-case letters or digits, not {key_id!r}")
    return f"{PREFIX}:{key_id}:{base64.urlsafe_b64encode(blob).decode('ascii')}"


def unframe(token: str) -> tuple[str, bytes]:
    """(key id, bytes) of a sealed value; raise `SealError` when `token` is not one."""
    match = _TOKEN.match(token)
    if match is None:
        raise SealError("not a sealed value")
    try:
        blob = base64.urlsafe_b64decode(match.group(2))
    except (binascii.Error, ValueError):
        raise SealError("not a sealed value") from None
    return match.group(1), blob


def is_sealed(value: object) -> bool:
    """True for text in the sealed form. A NIK (16 digits) never is."""
    return isinstance(value, str) and _TOKEN.match(value) is not None


def key_id_of(token: str) -> str:
    return unframe(token)[0]


def new_key_id() -> str:
    return secrets.token_hex(4)


# -- the keyring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyring:
    """Sealing keys by id (the current one seals), and the key of the look-up hash."""

    current: str
    sealing: Mapping[str, bytes]
    hashing: bytes
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.sealing:
            raise KeyringError(f"the current key {self.current!r} is not in the keyring")
        for key_id, key in self.sealing.items():
            if not KEY_ID.match(key_id) or len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} is not a {KEY_BYTES}-byte key")
        if len(self.hashing) != KEY_BYTES:
            raise KeyringError(f"the hashing key is not {KEY_BYTES} bytes")

    @classmethod
    def generate(cls) -> Keyring:
        key_id = new_key_id()
        return cls(
            current=key_id,
            sealing={key_id: AESGCM.generate_key(bit_length=256)},
            hashing=secrets.token_bytes(KEY_BYTES),
        )

    def _cipher(self, key_id: str) -> AESGCM:
        if key_id not in self._ciphers:
            self._ciphers[key_id] = AESGCM(self.sealing[key_id])
        return self._ciphers[key_id]

    def seal(self, text: str, *, purpose: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        associated = f"{purpose}:{self.current}".encode()
        sealed = self._cipher(self.current).encrypt(nonce, text.encode(), associated)
        return frame(self.current, nonce + sealed)

    def open(self, token: str, *, purpose: str) -> str:
        key_id, blob = unframe(token)
        if key_id not in self.sealing:
            raise SealError(
                f"sealed with key {key_id!r}, which this keyring does not hold "
                f"(it holds {', '.join(sorted(self.sealing))})"
            )
        associated = f"{purpose}:{key_id}".encode()
        try:
            plain = self._cipher(key_id).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated)
        except (InvalidTag, ValueError):  # ValueError: a nonce too short to be one
            raise SealError(f"the value sealed with key {key_id!r} does not open") from None
        return plain.decode()

    def keyed_hash(self, text: str) -> str:
        return hmac.new(self.hashing, text.encode(), hashlib.sha256).hexdigest()

    def with_new_key(self) -> Keyring:
        """The same keys plus a new one, which becomes current."""
        key_id = new_key_id()
        while key_id in self.sealing:
            key_id = new_key_id()
        keys = {**self.sealing, key_id: AESGCM.generate_key(bit_length=256)}
        return Keyring(current=key_id, sealing=keys, hashing=self.hashing)

    def without_key(self, key_id: str) -> Keyring:
        if key_id == self.current:
            raise KeyringError(f"key {key_id!r} is the current key: rotate before retiring it")
        if key_id not in self.sealing:
            raise KeyringError(f"the keyring has no key {key_id!r}")
        keys = {k: v for k, v in self.sealing.items() if k != key_id}
        return Keyring(current=self.current, sealing=keys, hashing=self.hashing)

    def to_json(self) -> str:
        encode = lambda key: base64.b64encode(key).decode("ascii")  # noqa: E731
        return json.dumps(
            {
                "current": self.current,
                "sealing": {k: encode(v) for k, v in self.sealing.items()},
                "hashing": encode(self.hashing),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            raw = json.loads(text)
            return cls(
                current=raw["current"],
                sealing={k: base64.b64decode(v, validate=True) for k, v in raw["sealing"].items()},
                hashing=base64.b64decode(raw["hashing"], validate=True),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as problem:
            raise KeyringError(f"malformed keyring: {problem}") from None


# -- the keyring file -----------------------------------------------------------------------------


def save_keyring(path: Path, keyring: Keyring) -> None:
    """Write the keyring atomically (a new file renamed over the old), readable by the owner
    only, in a directory only the owner can enter."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        _write_private(temporary, keyring)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_private(path: Path, keyring: Keyring) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(keyring.to_json())
        handle.flush()
        os.fsync(handle.fileno())


def _create_once(path: Path, keyring: Keyring) -> bool:
    """Put a complete keyring at `path` unless one is there; False when one was. Written to a
    temporary file and hard-linked into place, so no process ever reads a half-written one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    _write_private(temporary, keyring)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True


def load_keyring(path: Path, *, create: bool) -> Keyring:
    """Read the keyring at `path`; with `create`, make a new one there when there is none
    (first use). Any other problem is a `KeyringError` naming the file: a NIK is never
    stored or shown in clear because a key is missing."""
    if not path.exists():
        if not create:
            raise KeyringError(f"no keyring at {path}")
        keyring = Keyring.generate()
        if _create_once(path, keyring):
            return keyring
        # another process made it a moment ago: read theirs
    try:
        text = path.read_text()
    except OSError as problem:
        raise KeyringError(f"cannot read the keyring {path}: {problem.strerror}") from None
    try:
        return Keyring.from_json(text)
    except KeyringError as problem:
        raise KeyringError(f"{path}: {problem}") from None
