"""Checking an uploaded document before anything is stored.

A file is accepted only when its bytes are what its name says: a PDF, a JPEG or a PNG,
recognised by their signatures. HTML, SVG, scripts or executables renamed `.pdf` are refused,
and so are empty files and files over the size limit (settings.LAYANAN_MAX_UPLOAD_BYTES).
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

SIGNATURES: dict[str, tuple[tuple[bytes, ...], tuple[str, ...]]] = {
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
}


class UploadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "LAYANAN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def sniff(head: bytes) -> str | None:
    for content_type, (signatures, _extensions) in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def check_upload(upload: UploadedFile) -> tuple[str, bytes]:
    """Return (content type, bytes) of an acceptable file; raise UploadRefused otherwise."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    if not content:
        raise UploadRefused(_("The file is empty."))
    content_type = sniff(content[:16])
    extension = PurePath(upload.name or "").suffix.lower()
    if content_type is None:
        raise UploadRefused(_("Upload a PDF, JPEG or PNG file."))
    if extension not in SIGNATURES[content_type][1]:
        raise UploadRefused(
            _("The file's name does not match its content; upload a PDF, JPEG or PNG file.")
        )
    if content_type == "application/pdf" and b"<script" in content[:4096].lower():
        raise UploadRefused(_("Upload a PDF, JPEG or PNG file."))
    return content_type, content
