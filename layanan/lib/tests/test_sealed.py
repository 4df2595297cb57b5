"""Sealing (lib.sealed): the text frame with its key id, AES-GCM with the purpose and key id
bound in, the keyed hash, and the keyring file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan.lib.nik import looks_like_nik, mask_nik
from layanan.lib.sealed import (
    Keyring,
    KeyringError,
    SealError,
    frame,
    is_sealed,
    key_id_of,
    load_keyring,
    save_keyring,
    unframe,
)

RING = Keyring.generate()
key_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=16)
niks = st.text(alphabet="0123456789", min_size=16, max_size=16)


@given(key_ids, st.binary(max_size=200))
def test_a_frame_gives_back_its_key_id_and_bytes(key_id, blob):
    token = frame(key_id, blob)
    assert unframe(token) == (key_id, blob)
    assert key_id_of(token) == key_id
    assert is_sealed(token)


@given(st.text(max_size=40))
def test_text_that_is_not_a_frame_is_refused(text):
    if not is_sealed(text):
        with pytest.raises(SealError):
            unframe(text)


@given(niks)
def test_a_nik_is_never_taken_for_a_sealed_value(number):
    assert not is_sealed(number)
    assert looks_like_nik(number)


@given(niks)
def test_a_sealed_nik_opens_to_itself_and_does_not_show_it(number):
    token = RING.seal(number, purpose="nik")
    assert is_sealed(token)
    assert number not in token
    assert key_id_of(token) == RING.current
    assert RING.open(token, purpose="nik") == number


@given(niks)
def test_the_keyed_hash_is_stable_and_keyed(number):
    other = Keyring.generate()
    assert RING.keyed_hash(number) == RING.keyed_hash(number)
    assert RING.keyed_hash(number) != other.keyed_hash(number)
    assert len(RING.keyed_hash(number)) == 64


@given(niks)
def test_the_mask_keeps_the_region_and_the_serial_only(number):
    masked = mask_nik(number)
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert set(masked[6:12]) == {"*"}


@given(niks, st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=255))
def test_a_changed_byte_does_not_open(number, position, flip):
    key_id, blob = unframe(RING.seal(number, purpose="nik"))
    position %= len(blob)
    damaged = blob[:position] + bytes([blob[position] ^ flip]) + blob[position + 1 :]
    with pytest.raises(SealError):
        RING.open(frame(key_id, damaged), purpose="nik")


def test_a_value_sealed_for_another_purpose_does_not_open():
    token = RING.seal("3374015508900001", purpose="nik")
    with pytest.raises(SealError):
        RING.open(token, purpose="phone")


def test_a_key_id_changed_in_the_frame_does_not_open():
    rotated = RING.with_new_key()
    _key_id, blob = unframe(RING.seal("3374015508900001", purpose="nik"))
    with pytest.raises(SealError):
        rotated.open(frame(rotated.current, blob), purpose="nik")


def test_rotation_keeps_old_values_readable_until_the_key_is_retired():
    token = RING.seal("3374015508900001", purpose="nik")
    rotated = RING.with_new_key()
    assert rotated.current != RING.current
    assert key_id_of(rotated.seal("3374015508900001", purpose="nik")) == rotated.current
    assert rotated.open(token, purpose="nik") == "3374015508900001"
    assert rotated.keyed_hash("3374015508900001") == RING.keyed_hash("3374015508900001")
    retired = rotated.without_key(RING.current)
    with pytest.raises(SealError, match=RING.current):
        retired.open(token, purpose="nik")
    with pytest.raises(KeyringError):
        retired.without_key(retired.current)


def test_the_keyring_file_is_made_once_private_and_read_back(tmp_path: Path):
    path = tmp_path / "keys" / "nik.json"
    with pytest.raises(KeyringError):
        load_keyring(path, create=False)
    made = load_keyring(path, create=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert load_keyring(path, create=True) == made
    rotated = made.with_new_key()
    save_keyring(path, rotated)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_keyring(path, create=False) == rotated
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(
    "text",
    ["", "{}", '{"current": "a", "sealing": {"a": "c2hvcnQ="}, "hashing": "c2hvcnQ="}', "[1]"],
)
def test_a_malformed_keyring_is_a_clear_error(tmp_path: Path, text: str):
    path = tmp_path / "nik.json"
    path.write_text(text)
    with pytest.raises(KeyringError, match=str(path)):
        load_keyring(path, create=True)


def test_processes_starting_together_share_one_keyring(tmp_path: Path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "keys" / "nik.json"
    with ThreadPoolExecutor(max_workers=8) as pool:
        rings = list(pool.map(lambda _: load_keyring(path, create=True), range(16)))
    assert all(ring == rings[0] for ring in rings)
    assert load_keyring(path, create=False) == rings[0]
    assert [p.name for p in path.parent.iterdir()] == ["nik.json"]
