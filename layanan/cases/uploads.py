"""Checking an uploaded document before anything is stored: the one place that does.

A file is accepted only when it is what its name says and opens as such:

- a PDF is parsed with pypdf and its whole object graph (catalog, names tree, pages,
  annotations, form fields, actions) is walked; JavaScript (`/JS`, `/JavaScript`), launch
  actions (`/Launch`) and embedded files (`/EmbeddedFile(s)`, file-attachment annotations)
  are refused wherever they hang, and so is a PDF that does not parse or is encrypted (its
  content cannot be inspected);
- a JPEG or PNG is decoded completely with Pillow (verify, then load every pixel); a file
  that carries markup (HTML, SVG, script) besides the image is refused, and so is a PNG with
  bytes after its last chunk.

Empty files and files over the size limit (settings.LAYANAN_MAX_UPLOAD_BYTES) are refused
before any of that. Every message names the document ("KTP-el").
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

SIGNATURES: dict[str, tuple[tuple[bytes, ...], tuple[str, ...]]] = {
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
}
# Pillow names a JPEG with a multi-picture index (phone cameras' portrait shots) "MPO".
PILLOW_FORMATS = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",)}
PNG_END = b"IEND\xaeB`\x82"
# Markup that makes a browser or viewer treat bytes as a page: never inside a scan.
MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|svg|iframe|object|embed)\b", re.I)

# PDF names that run code or carry other files. `/S /JavaScript` and `/JS` cover document,
# page, annotation and form-field actions alike (`/OpenAction`, `/AA`, `/Names /JavaScript`).
JAVASCRIPT_KEYS = {"/JS", "/JavaScript"}
EMBEDDED_KEYS = {"/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia"}
# Enough for any scanned form; a crafted file with millions of objects is refused, not walked.
MAX_PDF_OBJECTS = 200_000


class UploadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "LAYANAN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "LAYANAN_MAX_IMAGE_PIXELS", 50_000_000))


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
    if content_type == "application/pdf":
        check_pdf(content, what=what)
    else:
        check_image(content, content_type, what=what)
    return content_type, content


# -- PDF -------------------------------------------------------------------------------------


def check_pdf(content: bytes, *, what: str) -> None:
    unreadable = _(
        "The file for %(what)s is not a readable PDF; save it as PDF again and upload it"
    ) % {"what": what}
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UploadRefused(
                _(
                    "The file for %(what)s is protected with a password; "
                    "upload it without a password"
                )
                % {"what": what}
            )
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject) or root.get("/Type") != "/Catalog":
            raise UploadRefused(unreadable)
        # The page tree must be there too (its root; the walk below reaches every page).
        pages = root["/Pages"].get_object()
        if not isinstance(pages, DictionaryObject) or pages.get("/Type") != "/Pages":
            raise UploadRefused(unreadable)
        danger = first_danger(reader.trailer)
    except UploadRefused:
        raise
    except Exception:  # pypdf raises many kinds on broken files; all mean "cannot read"
        raise UploadRefused(unreadable) from None
    if danger == "javascript":
        raise UploadRefused(
            _("The file for %(what)s contains JavaScript and cannot be accepted") % {"what": what}
        )
    if danger == "launch":
        raise UploadRefused(
            _("The file for %(what)s starts another program when opened and cannot be accepted")
            % {"what": what}
        )
    if danger == "embedded":
        raise UploadRefused(
            _("The file for %(what)s has other files embedded in it and cannot be accepted")
            % {"what": what}
        )
    if danger == "too_complex":
        raise UploadRefused(unreadable)


def first_danger(trailer: DictionaryObject) -> str | None:
    """Walk every object reachable from the trailer once; name the first danger found:
    "javascript", "launch", "embedded", or "too_complex" for a graph too big to walk."""
    for count, (key, value) in enumerate(walk_pdf(trailer)):
        if count > MAX_PDF_OBJECTS:
            return "too_complex"
        if key in JAVASCRIPT_KEYS or (key == "/S" and value == "/JavaScript"):
            return "javascript"
        if key == "/S" and value == "/Launch":
            return "launch"
        if key in EMBEDDED_KEYS or (key == "/Subtype" and value == "/FileAttachment"):
            return "embedded"
        if key == "/Type" and value in EMBEDDED_KEYS:
            return "embedded"
    return None


def walk_pdf(start: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every dictionary reachable from `start`, each indirect object
    visited once (PDF graphs have cycles: a page points to its parent). Stream data is not
    decoded: a script is always reached through a key (`/JS`), never hidden in page content
    that a viewer would run."""
    seen: set[tuple[int, int]] = set()
    pending: list[Any] = [start]
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams are dictionaries too
            for key, value in node.items():
                resolved = value.get_object() if isinstance(value, IndirectObject) else value
                yield str(key), resolved if isinstance(resolved, NameObject) else None
                pending.append(value)
        elif isinstance(node, ArrayObject):
            pending.extend(node)


# -- images ----------------------------------------------------------------------------------


def check_image(content: bytes, content_type: str, *, what: str) -> None:
    unreadable = _("The file for %(what)s is not a readable JPEG or PNG image") % {"what": what}
    if MARKUP.search(content) or (content_type == "image/png" and not content.endswith(PNG_END)):
        raise UploadRefused(unreadable)
    try:
        with warnings.catch_warnings():
            # Pillow warns (a RuntimeWarning) on huge images; the pixel limit below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in PILLOW_FORMATS[content_type]:
                    raise UploadRefused(unreadable)
                width, height = image.size
                if width * height > max_pixels():
                    raise UploadRefused(
                        _("The image for %(what)s is too large: at most %(megapixels)d megapixels")
                        % {"what": what, "megapixels": max_pixels() // 1_000_000}
                    )
                image.verify()  # checksums and structure
            # verify() leaves the image unusable: open again and decode every pixel.
            with Image.open(io.BytesIO(content)) as image:
                image.load()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(unreadable) from None
