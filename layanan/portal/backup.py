"""Backups: one tar.gz archive holding everything a restore needs, with a manifest of hashes.

What an archive holds (docs/operations.md):

- `database/layanan.sqlite3` (SQLite, copied with the online backup API: consistent while
  the service runs) or `database/layanan.pgdump` (PostgreSQL, `pg_dump --format=custom`);
- `private/…` the citizens' uploaded documents, `media/…` other stored files;
- `keys/…` whatever the data directory's `keys/` folder holds, and `secret_key`;
- `manifest.json`: when, which versions, and the size and SHA-256 of every other file.

A restore goes into an empty data directory (and an empty PostgreSQL database) unless
forced. It extracts into a staging folder first and compares every file with the manifest,
so a damaged or altered archive changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection, connections

FORMAT = "layanan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# The folders of the data directory an archive carries, by their name in the archive.
SQLITE_NAME = "database/layanan.sqlite3"
PGDUMP_NAME = "database/layanan.pgdump"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Report:
    """What was done, part by part: the CLI prints one line each, then `summary` as JSON."""

    lines: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def folder_paths() -> dict[str, Path]:
    return {
        "private": Path(settings.PRIVATE_FILES_ROOT),
        "media": Path(settings.MEDIA_ROOT),
        "keys": Path(settings.LAYANAN_KEYS_DIR),
    }


def secret_key_path() -> Path:
    return Path(settings.DATA_DIR) / "secret_key"


def database_engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def files_under(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


# -- backup -------------------------------------------------------------------------------------


def pg_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore, and the environment with the password
    (never on the command line, where `ps` would show it)."""
    arguments = ["--dbname", str(settings_dict["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [option, str(settings_dict[key])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


def require_program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client programs "
            "(the same major version as the server, or newer) and run again."
        )
    return found


def dump_database(target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns the archive name."""
    if database_engine() == "postgresql":
        program = require_program("pg_dump")
        arguments, environment = pg_arguments(connection.settings_dict)
        result = subprocess.run(
            [program, "--format=custom", "--no-owner", "--file", str(target), *arguments],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return PGDUMP_NAME
    source = sqlite3.connect(str(connection.settings_dict["NAME"]))
    copy = sqlite3.connect(str(target))
    try:
        with copy:
            source.backup(copy)  # page by page, consistent even while others write
    finally:
        copy.close()
        source.close()
    return SQLITE_NAME


def applied_migrations() -> dict[str, str]:
    """The last migration applied per app: tells a restore which release wrote the data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return dict(cursor.fetchall())


def versions() -> dict[str, str]:
    try:
        layanan = metadata.version("layanan")
    except metadata.PackageNotFoundError:
        layanan = "unknown"
    return {"layanan": layanan, "django": django.get_version(), "python": platform.python_version()}


def archive_path(path: Path, at: dt.datetime) -> Path:
    """PATH itself, or a dated name inside PATH when it is a directory (for schedules)."""
    if path.is_dir():
        return path / f"layanan-{at.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"
    return path


class HashingReader:
    """Reads a file for the archive and hashes the same bytes: one read per file, so the
    manifest describes exactly what went into the archive."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any] | None:
    """Add one file; None when it vanished meanwhile (a replaced document being deleted)."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        return None
    with stream:
        info = archive.gettarinfo(fileobj=stream, arcname=name)
        reader = HashingReader(stream)
        archive.addfile(info, reader)
    return {"bytes": info.size, "sha256": reader.digest.hexdigest()}


def create_backup(path: Path, *, now: Callable[[], dt.datetime] | None = None) -> Report:
    """The database first, then the files: a file uploaded meanwhile is carried unreferenced
    (harmless); every file the database copy refers to was on disk before it was taken."""
    at = (now or (lambda: dt.datetime.now(dt.UTC)))()
    target = archive_path(path, at)
    if target.exists():
        raise BackupError(f"{target} already exists: give a new file name or a directory.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory.")
    engine = database_engine()
    report = Report()
    files: dict[str, dict[str, Any]] = {}
    parts: dict[str, Any] = {}
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="layanan-backup-") as scratch:
        dump = Path(scratch) / "database"
        name = dump_database(dump)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as stream,
                tarfile.open(fileobj=stream, mode="w:gz") as archive,
            ):
                files[name] = add_file(archive, dump, name) or {}
                parts["database"] = {"engine": engine, "file": name}
                report.lines.append(f"database: {engine}, {files[name]['bytes']} bytes -> {name}")
                for folder, root in folder_paths().items():
                    added = 0
                    size = 0
                    for file in files_under(root):
                        member = f"{folder}/{file.relative_to(root).as_posix()}"
                        entry = add_file(archive, file, member)
                        if entry is not None:
                            files[member] = entry
                            added += 1
                            size += entry["bytes"]
                    parts[folder] = {"files": added, "bytes": size}
                    report.lines.append(f"{folder}: {added} file(s), {size} bytes")
                if "private" in settings.STORAGES:
                    bucket = settings.STORAGES["private"]["OPTIONS"].get("bucket_name")
                    report.lines.append(
                        f"documents: in object storage (bucket {bucket}), not in this archive: "
                        "keep the bucket's own versioning or replication (docs/scaling.md)"
                    )
                key = secret_key_path()
                entry = add_file(archive, key, "secret_key") if key.is_file() else None
                if entry is not None:
                    files["secret_key"] = entry
                parts["secret_key"] = entry is not None
                report.lines.append(
                    "secret_key: included"
                    if entry is not None
                    else "secret_key: not included (SECRET_KEY comes from the environment: "
                    "keep that value safe with the archive)"
                )
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": at.isoformat(),
                    "versions": versions(),
                    "migrations": applied_migrations(),
                    "parts": parts,
                    "files": files,
                }
                manifest_file = Path(scratch) / MANIFEST
                manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True))
                archive.add(manifest_file, MANIFEST)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    report.summary = {
        "archive": str(target),
        "bytes": target.stat().st_size,
        "sha256": sha256_of(target),
        "created_at": at.isoformat(),
        "database": engine,
        "files": len(files),
        "parts": parts,
    }
    return report


# -- restore ------------------------------------------------------------------------------------


def read_manifest(staging: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except (OSError, ValueError) as problem:
        raise BackupError(f"The archive has no readable {MANIFEST}: {problem}") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("This is not a Layanan backup archive of a format this release reads.")
    return manifest


def verify(staging: Path, manifest: dict[str, Any]) -> int:
    """Every file the manifest names is there with its size and hash, and nothing else is."""
    listed: dict[str, dict[str, Any]] = manifest.get("files", {})
    present = {
        path.relative_to(staging).as_posix()
        for path in staging.rglob("*")
        if path.is_file() or path.is_symlink()
    } - {MANIFEST}
    problems = [f"missing: {name}" for name in sorted(set(listed) - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        file = staging / name
        if file.is_symlink() or sha256_of(file) != listed[name].get("sha256"):
            problems.append(f"altered: {name}")
    if problems:
        raise BackupError(
            "The archive does not match its manifest; nothing was restored. "
            + "; ".join(problems[:10])
        )
    return len(listed)


def extract(archive: Path, staging: Path) -> None:
    try:
        with tarfile.open(archive, mode="r:gz") as source:
            # the "data" filter refuses absolute paths, "..", links out and device files
            source.extractall(staging, filter="data")
    except (OSError, tarfile.TarError) as problem:
        raise BackupError(f"The archive cannot be read: {problem}") from None


def database_is_empty() -> bool:
    if database_engine() == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        if not name.exists() or name.stat().st_size == 0:
            return True
    return not connection.introspection.table_names()


def folder_is_empty(root: Path) -> bool:
    return next(files_under(root), None) is None


def refuse_unless_empty(force: bool) -> None:
    """The data directory counts as empty with no database tables and no stored files; the
    secret key that starting any command generates in a new directory is replaced."""
    occupied = [name for name, root in folder_paths().items() if not folder_is_empty(root)]
    if not database_is_empty():
        occupied.insert(0, "the database")
    if occupied and not force:
        raise BackupError(
            f"The target is not empty ({', '.join(occupied)}): restore into a new data "
            "directory and database, or add --force to replace what is there."
        )


def private_copy(source: Path, target: Path) -> None:
    """Copy a file readable by the service user only (0600), its folders 0700."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as output, source.open("rb") as stream:
        shutil.copyfileobj(stream, output, CHUNK)
    os.chmod(target, 0o600)


def tighten(root: Path) -> None:
    os.chmod(root, 0o700)
    for path in root.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def restore_database(staging: Path, manifest: dict[str, Any], force: bool) -> str:
    engine = manifest["parts"]["database"]["engine"]
    if engine != database_engine():
        raise BackupError(
            f"This archive holds a {engine} database and the configured database is "
            f"{database_engine()}: set DATABASE_URL to match."
        )
    dump = staging / manifest["parts"]["database"]["file"]
    if engine == "sqlite":
        target = Path(str(connection.settings_dict["NAME"]))
        connections.close_all()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        private_copy(dump, target)
        return f"database: sqlite restored to {target}"
    program = require_program("pg_restore")
    arguments, environment = pg_arguments(connection.settings_dict)
    clean = ["--clean", "--if-exists"] if force else []
    connections.close_all()
    result = subprocess.run(
        [
            program,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *clean,
            *arguments,
            str(dump),
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    return f"database: postgresql restored into {connection.settings_dict['NAME']}"


def restore_backup(archive: Path, *, force: bool = False, sha256: str = "") -> Report:
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    if sha256 and sha256_of(archive).lower() != sha256.strip().lower():
        raise BackupError("The archive's SHA-256 is not the one given: nothing was restored.")
    refuse_unless_empty(force)
    data_dir = Path(settings.DATA_DIR)
    report = Report()
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as scratch:
        staging = Path(scratch)
        extract(archive, staging)
        manifest = read_manifest(staging)
        count = verify(staging, manifest)
        report.lines.append(f"verified: {count} files match the manifest")
        report.lines.append(restore_database(staging, manifest, force))
        restored: dict[str, int] = {}
        for folder, root in folder_paths().items():
            source = staging / folder
            files = list(files_under(source))
            if force and root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            for file in files:
                private_copy(file, root / file.relative_to(source))
            tighten(root)
            restored[folder] = len(files)
            report.lines.append(f"{folder}: {len(files)} file(s) restored to {root}")
        if (staging / "secret_key").is_file():
            private_copy(staging / "secret_key", secret_key_path())
            report.lines.append(f"secret_key: restored to {secret_key_path()}")
        else:
            report.lines.append("secret_key: not in the archive (set SECRET_KEY as before)")
    os.chmod(data_dir, 0o700)
    report.summary = {
        "restored": True,
        "archive": str(archive),
        "created_at": manifest.get("created_at"),
        "versions": manifest.get("versions"),
        "database": manifest["parts"]["database"]["engine"],
        "files": count,
        "folders": restored,
        "secret_key": "secret_key" in manifest.get("files", {}),
    }
    return report
