"""What the public may learn about a document: by its code, or by the bytes of a file.

The same answer for the page, the API and the command line: valid, revoked or unknown, the
agency, the title (document type), the issue date and the SHA-256 of the issued file. Nothing
about the owner beyond their initials (the page only). A file is "exactly the one issued" when
its SHA-256 is that of an issued document: a copy with one byte changed is unknown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from layanan.documents import access
from layanan.documents.models import IssuedDocument, State

PUBLIC_STATES = (State.ISSUED, State.REVOKED)


@dataclass(frozen=True)
class Answer:
    status: str  # valid | revoked | unknown
    document: IssuedDocument | None = None

    def as_json(self) -> dict[str, object]:
        document = self.document
        return {
            "status": self.status,
            "agency": document.agency.name if document else None,
            "title": document.title if document else None,
            "issued_at": document.issued_at if document else None,
            "sha256": document.sha256 if document else None,
        }

    @property
    def issued_at(self) -> dt.datetime | None:
        return self.document.issued_at if self.document else None


def of_document(document: IssuedDocument | None) -> Answer:
    if document is None or document.state not in PUBLIC_STATES:
        return Answer("unknown")
    return Answer(document.public_status, document)


def by_code(code: str) -> Answer:
    return of_document(access.by_code(code))


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def by_content(content: bytes) -> Answer:
    """The issued document whose file is exactly `content`, if any."""
    digest = sha256_of(content)
    document = (
        IssuedDocument.objects.select_related("agency")
        .filter(sha256=digest, state__in=PUBLIC_STATES)
        .order_by("pk")
        .first()
    )
    return of_document(document)
