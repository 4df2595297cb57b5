"""Who may download or revoke an issued document: the one place that decides.

A document belongs to its case: whoever may see the application (`cases.access`: the
applicant and the officers of a unit that has a step in it) may download it; an approver (the
signing officer, pejabat penandatangan) of such a unit may revoke it or give the file made
elsewhere. An officer of another unit of the same agency is not admitted. Anyone else gets 404,
as if it did not exist. The public sees the verification page only, which shows nothing
personal.
"""

from __future__ import annotations

import logging

from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404

from layanan.accounts.models import User
from layanan.agencies.models import Role
from layanan.cases.access import officer_unit_ids
from layanan.cases.models import Application
from layanan.documents import codes
from layanan.documents.models import IssuedDocument, State

logger = logging.getLogger("layanan.documents")


def involved(user: User, document: IssuedDocument, *, roles: tuple[str, ...] | None = None) -> bool:
    """The user holds one of `roles` (by default a case role) in a unit with a step in the
    document's application: the officers `cases.access` lets see the case."""
    units = officer_unit_ids(user, roles=roles)
    return bool(units) and document.application.steps.filter(unit_id__in=units).exists()


def can_download(user: User, document: IssuedDocument) -> bool:
    if not user.is_authenticated or document.state == State.PENDING:
        return False
    if document.application.applicant_id == user.pk:
        return True
    return involved(user, document)


def is_signing_officer(user: User, document: IssuedDocument) -> bool:
    return involved(user, document, roles=(Role.APPROVER,))


def can_revoke(user: User, document: IssuedDocument) -> bool:
    return document.state == State.ISSUED and is_signing_officer(user, document)


def can_upload(user: User, document: IssuedDocument) -> bool:
    """The file made elsewhere: given by an approver of a unit of the case, once."""
    return document.awaits_upload and is_signing_officer(user, document)


def get_document_awaiting_upload(user: User, code: str) -> IssuedDocument:
    document = by_code(code)
    if document is None or not can_upload(user, document):
        raise Http404("no such document")
    return document


def by_code(code: str) -> IssuedDocument | None:
    """The document with this (typed) code, pending ones included; None when there is none."""
    canonical = codes.canonical(code)
    if canonical is None:
        return None
    return (
        IssuedDocument.objects.select_related("agency", "application", "application__applicant")
        .filter(code=canonical)
        .first()
    )


def get_document_for_viewer(user: User, code: str) -> IssuedDocument:
    document = by_code(code)
    if document is None or not can_download(user, document):
        raise Http404("no such document")
    return document


def get_document_for_signer(user: User, code: str) -> IssuedDocument:
    """For revocation: approvers of a unit of the case; everyone else gets 404."""
    document = get_document_for_viewer(user, code)
    if not is_signing_officer(user, document):
        raise Http404("no such document")
    return document


def open_file(document: IssuedDocument) -> File:
    """The signed file, opened for reading; 404 (not a 500) when the storage lost it."""
    try:
        return document.file.open("rb")
    except (FileNotFoundError, ValueError):
        logger.error("document %s: its file %r is missing", document.code, document.file.name)
        raise Http404("no such document") from None


def documents_of(application: Application) -> QuerySet[IssuedDocument]:
    """An application's documents, newest first (pending ones included: "being prepared")."""
    return IssuedDocument.objects.filter(application=application).select_related("agency")
