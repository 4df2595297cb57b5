"""The data directory is the service's own: nobody else on the machine reads it.

It holds the SQLite database (and its WAL and SHM files), the secret key, the cache and the
citizens' uploaded documents. `restrict_new_files` sets the process umask so that whatever the
process creates is 0600 (files) or 0700 (directories); `tighten` takes group and other bits
off what an older release, a copy or a restore left more open. Symbolic links are neither
followed nor changed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_UMASK = 0o077
OPEN_BITS = 0o077  # group and others: read, write, execute


def restrict_new_files() -> None:
    """Files this process creates from now on are readable by its own user only."""
    os.umask(PRIVATE_UMASK)


def tighten_one(path: Path) -> bool:
    """Take the group and other bits off `path`; True if it changed."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode) or not mode & OPEN_BITS:
        return False
    try:
        path.chmod(stat.S_IMODE(mode) & ~OPEN_BITS)
    except PermissionError:
        return False  # another user's file (e.g. left by root): `find -perm /077` shows it
    return True


def tighten(roots: Iterable[Path]) -> int:
    """Tighten every root and, for a directory, everything below it; return how many
    files and directories changed."""
    changed = 0
    for root in roots:
        changed += tighten_one(root)
        if not root.is_dir() or root.is_symlink():
            continue
        for folder, directories, files in os.walk(root):
            for name in (*directories, *files):
                changed += tighten_one(Path(folder) / name)
    return changed


def sqlite_files(database: Path) -> list[Path]:
    """The database file and the files SQLite keeps beside it."""
    return [
        database,
        *(database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal")),
    ]
