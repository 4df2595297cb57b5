"""Move uploaded documents to one file per content (`documents/ab/<sha256>.<ext>`).

Before this, each application kept its own copy under `<agency>/<number>/<sha256>` with no
extension. For every Document row whose file is elsewhere: copy the bytes to the content's
name (unless already there), point the row at it, then delete the old file once no row names
it. Not atomic on purpose: each row is saved on its own, and an old file is deleted only after
the rows that named it were saved, so an interrupted run leaves every row pointing at a file
that exists, and running it again finishes the work (it skips rows already moved).
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import migrations

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def storage():
    return FileSystemStorage(
        location=settings.PRIVATE_FILES_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def content_name(sha256, content_type):
    return f"documents/{sha256[:2]}/{sha256}.{EXTENSIONS.get(content_type, 'bin')}"


def move_to_content_names(apps, schema_editor):
    Document = apps.get_model("cases", "Document")
    files = storage()
    old_names = (
        Document.objects.exclude(file="")
        .exclude(file__startswith="documents/")
        .values_list("file", flat=True)
        .distinct()
    )
    for old in list(old_names):
        if not files.exists(old):
            continue  # nothing to move; the row keeps its name (the file was lost before)
        with files.open(old, "rb") as handle:
            content = handle.read()
        rows = Document.objects.filter(file=old)
        for document in rows:
            new = content_name(hashlib.sha256(content).hexdigest(), document.content_type)
            if not files.exists(new):
                files.save(new, ContentFile(content))
            document.file = new
            document.save(update_fields=["file"])
        if not Document.objects.filter(file=old).exists():
            files.delete(old)
            remove_empty_folders(Path(files.path(old)).parent, Path(files.location))


def remove_empty_folders(folder, root):
    """The old per-application folders (`<agency>/<number>/`), once emptied."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or already gone
        folder = folder.parent


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0005_eventcursor_gaps")]

    operations = [migrations.RunPython(move_to_content_names, migrations.RunPython.noop)]
