"""Issued documents over JSON: public verification by code or by file, the signed file for its
owner and the agency's officers, revocation by the agency's signing officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from layanan.accounts import throttle
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.cases.actions import record_access
from layanan.cases.models import Application
from layanan.cases.storage import private_file_response
from layanan.documents import access, actions, verification
from layanan.documents.actions import absolute_url
from layanan.documents.forms import read_pdf_upload
from layanan.documents.models import IssuedDocument, State
from layanan.http_errors import ApiError, with_language

verify_router = Router(tags=["verification"])
router = Router(tags=["documents"])


class VerifyOut(Schema):
    status: str  # valid | revoked | unknown
    agency: str | None
    title: str | None
    issued_at: dt.datetime | None
    sha256: str | None


class RevokeIn(Schema):
    reason: str


class PendingOut(Schema):
    code: str
    title: str
    state: str  # pending: the worker signs it within moments
    uploaded_at: dt.datetime | None


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


def application_documents(application: Application, *, viewer: User) -> dict[str, Any]:
    """settings.LAYANAN_APPLICATION_DETAIL: `documents_issued` of a completed application."""
    if application.status != "completed":
        return {"documents_issued": []}
    return {"documents_issued": issued_for(application=application, viewer=viewer)}


def issued_for(*, application: Application, viewer: User) -> list[dict[str, Any]]:
    """The application's documents, for `GET /api/v1/applications/{number}`: signed ones
    (valid or revoked) and, with status "pending", one still being prepared or waiting for
    the signing officer's file (its code is what `/documents/{code}/upload` needs)."""
    return [
        {
            "code": document.code,
            "title": document.title,
            "status": "pending" if document.state == State.PENDING else document.public_status,
            "issued_at": document.issued_at,
            "download_url": absolute_url(reverse("api:document_file", args=[document.code])),
            "verify_url": actions.verify_url(document.code),
            "sha256": document.sha256,
        }
        for document in IssuedDocument.objects.filter(application=application).order_by("pk")
    ]


@verify_router.get("/{code}", response=VerifyOut, summary="Check a document by its code")
def verify_code(request: HttpRequest, code: str) -> dict[str, object]:
    """Anyone, no sign-in: `unknown` for a code nobody was issued (also 200)."""
    return verification.by_code(code).as_json()


@verify_router.post(
    "",
    response={200: VerifyOut, 400: Error, 429: Error},
    summary="Check whether a PDF is exactly one issued",
)
def verify_file(request: HttpRequest, file: File[UploadedFile]) -> dict[str, object]:
    """Multipart `file`: `valid` or `revoked` only when its SHA-256 is that of an issued
    document (one changed byte makes it `unknown`); 400 when it is not a PDF. Every check
    counts towards the client address's limit (30 in 15 minutes): then 429 `rate_limited`
    with Retry-After."""
    with_language(request)
    attempt = throttle.begin_verification(request)
    if attempt.refused:
        raise ApiError(429, "rate_limited", attempt.message(), retry_after=attempt.retry_after)
    attempt.failed()
    try:
        content = read_pdf_upload(file)
    except ValidationError as error:
        raise ApiError(400, "invalid", error.messages[0], {"file": error.messages}) from None
    return verification.by_content(content).as_json()


@router.get(
    "/{code}/file",
    response={404: Error},
    url_name="document_file",
    summary="The signed PDF (its owner and the agency's officers)",
)
def document_file(request: HttpRequest, code: str) -> FileResponse:
    user = user_of(request)
    document = access.get_document_for_viewer(user, code)
    handle = access.open_file(document)
    if document.application.applicant_id != user.pk:
        record_access(
            application=document.application,
            officer=user,
            place=DataAccess.Place.API_APPLICATION,
            what=document.title,
        )
    return private_file_response(
        handle, filename=f"{document.code}.pdf", content_type="application/pdf"
    )


@router.post(
    "/{code}/revoke",
    response={200: VerifyOut, 400: Error, 404: Error, 409: Error},
    summary="Revoke a document (the issuing agency's signing officer)",
)
def revoke(request: HttpRequest, code: str, data: RevokeIn) -> Status[dict[str, object]]:
    """An empty reason is 400; a document already revoked is 409; anyone but an approver of a
    unit with a step in the application gets 404."""
    with_language(request)
    user = user_of(request)
    try:
        document = access.get_document_for_signer(user, code)
    except Http404:
        raise ApiError(404, "not_found", _("No such document.")) from None
    try:
        document = actions.revoke_document(document=document, officer=user, reason=data.reason)
    except actions.DocumentError as error:
        status = {"invalid": 400, "conflict": 409, "not_allowed": 409}[error.code]
        raise ApiError(status, error.code, error.message, error.fields) from None
    return Status(200, verification.of_document(document).as_json())


@router.post(
    "/{code}/upload",
    response={200: PendingOut, 400: Error, 404: Error, 409: Error},
    summary="Give the file of a product made elsewhere (the issuing agency's signing officer)",
)
def upload(request: HttpRequest, code: str, file: File[UploadedFile]) -> dict[str, object]:
    """Multipart `file`, a PDF, once, while the document waits for it (charter
    `product.issued_as` uploaded or both); the worker then signs it after the cover letter.
    Anyone else, or a document that waits for no file, → 404; a file that is refused → 400
    under `fields.file`."""
    with_language(request)
    user = user_of(request)
    try:
        document = access.get_document_awaiting_upload(user, code)
    except Http404:
        raise ApiError(404, "not_found", _("No such document.")) from None
    try:
        document = actions.attach_product_file(document=document, officer=user, upload=file)
    except actions.DocumentError as error:
        status = {"invalid": 400, "conflict": 409, "not_allowed": 404}[error.code]
        raise ApiError(status, error.code, error.message, error.fields) from None
    return {
        "code": document.code,
        "title": document.title,
        "state": document.state,
        "uploaded_at": document.uploaded_at,
    }
