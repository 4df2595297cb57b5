"""Who may download or revoke an issued document: the one place that decides.

A document is the applicant's and its agency's: the applicant and the officers holding a
case role in one of the issuing agency's units may download it; the agency's approvers (the
signing officers, pejabat penandatangan) may revoke it. Anyone else gets 404, as if it did not
exist. The public sees the verification page only, which shows nothing personal.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.access import CASE_ROLES
from layanan.cases.models import Application
from layanan.documents import codes
from layanan.documents.models import IssuedDocument, State


def holds_role(user: User, agency_id: int, roles: tuple[str, ...]) -> bool:
    return bool(
        user.is_authenticated
        and OfficerRole.objects.filter(
            user=user, unit__agency_id=agency_id, role__in=roles
        ).exists()
    )


def can_download(user: User, document: IssuedDocument) -> bool:
    if not user.is_authenticated or document.state == State.PENDING:
        return False
    if document.application.applicant_id == user.pk:
        return True
    return holds_role(user, document.agency_id, CASE_ROLES)


def can_revoke(user: User, document: IssuedDocument) -> bool:
    return document.state == State.ISSUED and holds_role(user, document.agency_id, (Role.APPROVER,))


def can_upload(user: User, document: IssuedDocument) -> bool:
    """The file made elsewhere: given by the issuing agency's approvers, once."""
    return document.awaits_upload and holds_role(user, document.agency_id, (Role.APPROVER,))


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
    """For revocation: the agency's approvers; other viewers are refused, others get 404."""
    document = get_document_for_viewer(user, code)
    if not holds_role(user, document.agency_id, (Role.APPROVER,)):
        raise Http404("no such document")
    return document


def documents_of(application: Application) -> QuerySet[IssuedDocument]:
    """An application's documents, newest first (pending ones included: "being prepared")."""
    return IssuedDocument.objects.filter(application=application).select_related("agency")
