"""Tighten the permissions of the data directory at start (see layanan.lib.private_files)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from layanan.lib.private_files import sqlite_files, tighten


def secure_data_dir() -> int:
    """Take group and other permissions off the data directory, everything in it, and the
    SQLite database wherever it is; return how many files and directories changed."""
    roots = [Path(settings.DATA_DIR), Path(settings.PRIVATE_FILES_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        roots += sqlite_files(Path(str(database["NAME"])))
    return tighten(roots)
