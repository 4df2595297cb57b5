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


def check_upload(upload: UploadedFile, *, what: str) -> tuple[str, bytes]:
    """Return (content type, bytes) of an acceptable file; raise UploadRefused otherwise.

    `what` is the document's name ("KTP-el"), which every message names."""
    limit = max_bytes()
    too_big = _("The file for %(what)s must be smaller than %(mb)d MB") % {
        "what": what,
        "mb": limit // (1024 * 1024),
    }
    wrong_type = _("The file for %(what)s must be a PDF, JPEG or PNG") % {"what": what}
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(too_big)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(too_big)
    if not content:
        raise UploadRefused(_("The file for %(what)s is empty") % {"what": what})
    content_type = sniff(content[:16])
    extension = PurePath(upload.name or "").suffix.lower()
    if content_type is None:
        raise UploadRefused(wrong_type)
    if extension not in SIGNATURES[content_type][1]:
        raise UploadRefused(
            _(
                "The name of the file for %(what)s does not match its content; "
                "upload a PDF, JPEG or PNG"
            )
            % {"what": what}
        )
    if content_type == "application/pdf" and b"<script" in content[:4096].lower():
        raise UploadRefused(wrong_type)
    return content_type, content
