"""Where uploaded documents are kept, and how much a citizen may keep there.

Layout: one file per content, named by its SHA-256 with the extension of its type
(`documents/ab/ab12…ef.pdf` in the private storage: settings.PRIVATE_FILES_ROOT, or an
object store, see `cases.models.private_storage`). The same bytes given by
several documents, in one application or many, are stored once; the Document rows that name
a file are its references, and a file is deleted once the last of them goes (a removed or
replaced draft document, a withdrawn application).

A file is written only while the disk keeps LAYANAN_UPLOAD_MIN_FREE_BYTES free after it (the
database and its write-ahead log usually share that disk, and must never be the ones to run
out; an object store has no such floor); a write the disk refuses anyway (ENOSPC, a quota)
leaves no partial file behind. Either way `StoreFull` is raised, for the caller to refuse the
upload in the user's words.

Storing and deleting take a lock (`storage_lock`), and a deletion runs only after the commit
that dropped the last reference: so a deletion that finds no reference cannot race an upload
of the same bytes committed meanwhile; the upload, which writes its file again after its own
commit if it is gone, always wins.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import logging
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.cases.models import (
    ENDED_STATUSES,
    Application,
    Document,
    private_storage,
    stored_name,
)

__all__ = ["StoreFull", "delete_unreferenced_files", "files_problem", "store_file", "stored_name"]

logger = logging.getLogger("layanan.storage")

MB = 1024 * 1024
ORPHAN_AGE = dt.timedelta(days=1)


@contextmanager
def storage_lock(names: Iterable[str]) -> Iterator[None]:
    """Store or delete the files `names` one process at a time. On PostgreSQL a transaction's
    advisory lock per name, which holds across several app servers sharing an object store
    and, taken inside an upload's transaction, until that upload commits; on SQLite (one
    machine) a `flock` on a file beside the documents."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            for name in sorted(set(names)):
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["layanan:" + name]
                )
            yield
        return
    root = Path(settings.PRIVATE_FILES_ROOT)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(root / ".lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


class StoreFull(Exception):
    """The file was not stored: the disk is (nearly) full. Nothing of it was left behind."""


DISK_FULL_ERRORS = (errno.ENOSPC, errno.EDQUOT)


def ensure_room(size: int) -> None:
    """Raise StoreFull unless `size` more bytes leave the configured free space on the disk."""
    if "private" in settings.STORAGES:
        return  # an object store: no local disk to keep from filling
    keep_free = int(getattr(settings, "LAYANAN_UPLOAD_MIN_FREE_BYTES", 0))
    root = Path(settings.PRIVATE_FILES_ROOT)
    # the first upload of a new data dir on PostgreSQL (whose lock is not a file in it)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    if free - size < keep_free:
        logger.error(
            "upload of %d bytes refused: %d bytes free, %d kept free (LAYANAN_UPLOAD_MIN_FREE_MB)",
            size,
            free,
            keep_free,
        )
        raise StoreFull


def store_file(name: str, content: bytes) -> str:
    """Keep `content` at `name`, unless it is there already (the same bytes given again).

    Raises StoreFull when the disk has no room for it (see the module's note)."""
    storage = private_storage()
    with storage_lock([name]):
        if storage.exists(name):
            if storage.size(name) == len(content):
                return name
            # a write cut short (a process killed mid-write): the name is its content's
            # digest, so a file of another size there is a fragment; write it whole
            storage.delete(name)
        ensure_room(len(content))
        try:
            return storage.save(name, ContentFile(content))
        except OSError as error:
            if storage.exists(name):
                storage.delete(name)
            if error.errno in DISK_FULL_ERRORS:
                logger.error("upload of %d bytes refused: %s", len(content), error)
                raise StoreFull from error
            raise


def delete_unreferenced_files(names: Iterable[str]) -> int:
    """Delete the stored files that no Document row names any more; return how many were
    there. Call after commit (see `release_after_commit`): a rolled-back removal must keep
    its file."""
    storage = private_storage()
    deleted = 0
    names = sorted(set(names))
    with storage_lock(names):
        for name in names:
            if name and not Document.objects.filter(file=name).exists() and storage.exists(name):
                storage.delete(name)
                deleted += 1
    return deleted


def release_after_commit(names: Iterable[str]) -> None:
    """Once the current transaction commits, delete those of `names` nothing refers to."""
    pending = {name for name in names if name}
    if pending:
        transaction.on_commit(lambda: delete_unreferenced_files(pending))


def prune_unreferenced_files(*, older_than: dt.timedelta = ORPHAN_AGE) -> int:
    """A periodic job (daily): delete stored files that no document names and that are older
    than `older_than`. They are left when a transaction that had written its file rolled
    back (an upload refused at the last moment, a failed batch); the age keeps files of
    uploads still being committed. Listed through the storage (a folder or a bucket).
    Returns how many were deleted."""
    storage = private_storage()
    cutoff = timezone.now() - older_than
    candidates = [
        name for name in stored_names(storage) if storage.get_modified_time(name) < cutoff
    ]
    deleted = 0
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        named = set(Document.objects.filter(file__in=batch).values_list("file", flat=True))
        deleted += delete_unreferenced_files(name for name in batch if name not in named)
    return deleted


def stored_names(storage: Storage) -> list[str]:
    """The names of the uploaded files in the storage: documents/<2 hex>/<sha256>.<ext>."""
    try:
        folders = storage.listdir("documents")[0]
    except FileNotFoundError:  # on disk, before the first upload
        return []
    names = []
    for folder in folders:
        files = storage.listdir(f"documents/{folder}")[1]
        names += [f"documents/{folder}/{name}" for name in files if not name.startswith(".")]
    return names


# -- limits -----------------------------------------------------------------------------------


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def files_problem(application: Application, *, size: int, what: str) -> str | None:
    """Why one more file of `size` bytes cannot be kept for `application`, or None.

    Counted: the files the application keeps (current ones and those kept as the record of
    what the officers examined), and those of all the applicant's applications that have not
    ended. Call with the applicant's row locked (see `lock_applicant`)."""
    # Both totals in one reading of the applicant's kept files (the application is theirs).
    here_only = Q(application_id=application.pk)
    in_progress = ~Q(application__status__in=ENDED_STATUSES)
    counted = (
        Document.objects.exclude(file="")
        .filter(application__applicant_id=application.applicant_id)
        .aggregate(
            here_files=Count("pk", filter=here_only),
            here_size=Sum("size", filter=here_only),
            files=Count("pk", filter=in_progress),
            size=Sum("size", filter=in_progress),
        )
    )
    here = {"files": counted["here_files"], "size": counted["here_size"]}
    per_application_files = limit("LAYANAN_MAX_FILES_PER_APPLICATION", 20)
    if here["files"] + 1 > per_application_files:
        return _("%(what)s cannot be added: one application may hold at most %(count)d files") % {
            "what": what,
            "count": per_application_files,
        }
    per_application = limit("LAYANAN_MAX_APPLICATION_BYTES", 50 * MB)
    if (here["size"] or 0) + size > per_application:
        return _(
            "%(what)s cannot be added: the files of one application may total at most %(mb)d MB"
        ) % {"what": what, "mb": per_application // MB}
    totals = {"files": counted["files"], "size": counted["size"]}
    per_citizen_files = limit("LAYANAN_MAX_FILES_PER_CITIZEN", 100)
    if totals["files"] + 1 > per_citizen_files:
        return _(
            "%(what)s cannot be added: the applications still in progress already hold "
            "%(count)d files, the most allowed"
        ) % {"what": what, "count": per_citizen_files}
    per_citizen = limit("LAYANAN_MAX_CITIZEN_BYTES", 200 * MB)
    if (totals["size"] or 0) + size > per_citizen:
        return _(
            "%(what)s cannot be added: the files of the applications still in progress may "
            "total at most %(mb)d MB"
        ) % {"what": what, "mb": per_citizen // MB}
    return None


def private_file_response(handle: Any, *, filename: str, content_type: str) -> FileResponse:
    """A stored private file, streamed as a download (never inline), never cached or sniffed
    as another type, and sandboxed if a browser opens it anyway: every access-checked
    download (the web and the API) answers through here."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
