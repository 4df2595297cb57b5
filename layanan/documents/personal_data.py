"""Issued documents in the citizen's rights (the contract is in `layanan.lib.data_rights`).

There is no eraser here on purpose: an issued, electronically signed document is an archive
record of the agency (docs/privacy.md, retention table) and its signed file cannot be changed
without breaking the signature; it keeps the name printed on it for the archive period."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import User
from layanan.documents.models import IssuedDocument
from layanan.lib.data_rights import plain


def export_section(citizen: User) -> dict[str, Any]:
    return {
        "issued_documents": [
            {
                "application": document.application.number,
                "kind": document.kind,
                "title": document.title,
                "verification_code": document.code,
                "state": document.state,
                "issued_at": plain(document.issued_at),
                "revoked_at": plain(document.revoked_at),
                "sha256": document.sha256,
            }
            for document in IssuedDocument.objects.filter(application__applicant=citizen)
            .select_related("application")
            .order_by("pk")
        ]
    }
