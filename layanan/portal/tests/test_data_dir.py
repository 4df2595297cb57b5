"""Finding 7 of issue 8 (files), tried again: the database, its WAL, the secret key and the
uploaded documents are readable by the service's user only, whether `layanan` creates them
or an older release left them open (0644 files, 0755 folders)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from layanan.lib.private_files import sqlite_files, tighten

APP_DIR = str(Path(__file__).resolve().parents[2])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def layanan(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own, started with the usual umask 022."""
    env = {**os.environ, "LAYANAN_DATA_DIR": str(data_dir), "LAYANAN_LANGUAGE": "en"}
    env.pop("DATABASE_URL", None)  # the SQLite files are what this test is about
    return subprocess.run(
        [sys.executable, "-m", "layanan.cli", *args],
        env=env,
        cwd=APP_DIR,
        capture_output=True,
        text=True,
        umask=0o022,
        check=True,
        timeout=300,
    )


def test_migrate_creates_private_files_and_tightens_open_ones(tmp_path: Path) -> None:
    data = tmp_path / "data"
    layanan(data, "migrate", "--verbosity", "0")
    database = data / "layanan.sqlite3"
    assert mode(data) == 0o700
    assert mode(database) == 0o600
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "cache") == 0o700

    # What an older release (or a careless copy) left: world-readable everything.
    document = data / "private" / "1" / "AB12" / "scan.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    # A connection held open keeps the WAL and SHM files, which SQLite creates with the
    # database file's mode (0644 now).
    reader = sqlite3.connect(database)
    reader.execute("PRAGMA journal_mode=WAL")
    reader.execute("SELECT count(*) FROM django_migrations").fetchone()
    wal, shm = sqlite_files(database)[1:3]
    assert mode(wal) == mode(shm) == 0o644
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    (data / "link").symlink_to(outside)

    result = layanan(data, "migrate")
    assert "made readable by this user only" in result.stdout
    for path in [data, *data.rglob("*")]:
        if path.is_symlink():
            continue
        expected = 0o700 if path.is_dir() else 0o600
        assert mode(path) == expected, path
    assert mode(wal) == mode(shm) == 0o600
    reader.close()
    assert mode(outside) == 0o644  # a link is not followed out of the data directory


def test_tighten_takes_off_group_and_other_bits_only(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    private = tmp_path / "already"
    private.write_text("")
    private.chmod(0o600)
    assert tighten([tmp_path]) == 2  # the folder and the script; `already` was fine
    assert mode(script) == 0o700
    assert mode(private) == 0o600
    assert tighten([tmp_path, tmp_path / "missing"]) == 0


@pytest.mark.parametrize("name", ["layanan.sqlite3", "db"])
def test_the_files_sqlite_keeps_beside_a_database(tmp_path: Path, name: str) -> None:
    assert [p.name for p in sqlite_files(tmp_path / name)] == [
        name,
        f"{name}-wal",
        f"{name}-shm",
        f"{name}-journal",
    ]
