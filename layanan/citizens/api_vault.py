"""The document vault and the consents over JSON (`/api/v1/me/documents`,
`/api/v1/me/consents`), and the shared list of document types (`/api/v1/document-types`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import DateField
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from layanan.accounts.current import user_of
from layanan.cases.actions import CaseError
from layanan.cases.storage import private_file_response
from layanan.citizens import consents as consent_actions
from layanan.citizens import vault
from layanan.citizens.models import Consent, VaultDocument
from layanan.http_errors import ApiError, with_language
from layanan.lib.personal_data import DOCUMENT_TYPES

router = Router(tags=["me"])
types_router = Router(tags=["document types"])


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class DocumentTypeOut(Schema):
    code: str
    name: str  # in the request's language
    names: dict[str, str]  # {"id", "en"}


class VaultDocumentOut(Schema):
    id: int
    type: str
    type_name: str
    name: str
    content_type: str
    size: int
    sha256: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    expired: bool
    source: str  # upload | counter | issued
    issued_code: str
    added_at: dt.datetime


class AgencyOut(Schema):
    code: str
    name: str


class ConsentOut(Schema):
    id: int
    kind: str  # document | profile
    application: str
    requirement: str
    fields: dict[str, str]
    what: str
    agencies: list[AgencyOut]
    purpose: str
    channel: str  # web | counter | api
    given_at: dt.datetime
    given_by: str
    withdrawn_at: dt.datetime | None
    can_withdraw: bool


def fail(error: CaseError) -> ApiError:
    status = {"invalid": 400, "not_allowed": 409, "limit_reached": 409, "storage_full": 507}
    return ApiError(status.get(error.code, 400), error.code, error.message, error.fields)


@types_router.get("", response=list[DocumentTypeOut], auth=None, summary="The document types")
def vault_document_types(request: HttpRequest) -> list[dict[str, Any]]:
    """The shared list a charter's document requirement names its accepted types from
    (`document_types` in GET /services/{code}) and a vault document's `type` is one of."""
    with_language(request)
    return [
        {"code": code, "name": vault.type_name(code), "names": dict(names)}
        for code, names in DOCUMENT_TYPES.items()
    ]


@router.get("/documents", response=list[VaultDocumentOut], summary="My document vault")
def vault_documents(request: HttpRequest) -> list[dict[str, Any]]:
    with_language(request)
    on = vault.today()
    return [vault.vault_row(document, on=on) for document in vault.vault_of(user_of(request))]


def read_date(request: HttpRequest, key: str, problems: dict[str, list[str]]) -> dt.date | None:
    text = request.POST.get(key, "").strip()
    if not text:
        return None
    try:
        value = DateField().to_python(text)
    except ValidationError:
        problems[key] = [_("Enter a real date, as YYYY-MM-DD")]
        return None
    assert isinstance(value, dt.date)
    return value


@router.post(
    "/documents",
    response={201: VaultDocumentOut, 400: Error, 409: Error, 507: Error},
    summary="Add a document to my vault (multipart: type, file, issued_on?, expires_on?)",
)
def vault_add_document(request: HttpRequest) -> Status[dict[str, Any]]:
    """The same checks as an application's upload (PDF, JPEG or PNG, at most 10 MB, the
    content matching the name). 400 `invalid` field by field; 409 `limit_reached` past the
    vault's limits; 507 `storage_full` when the disk has no room."""
    with_language(request)
    problems: dict[str, list[str]] = {}
    kind = request.POST.get("type", "")
    upload = request.FILES.get("file")
    issued_on = read_date(request, "issued_on", problems)
    expires_on = read_date(request, "expires_on", problems)
    if kind not in DOCUMENT_TYPES:
        problems["type"] = [_("Choose the type of document")]
    if upload is None:
        problems["file"] = [_("Select a file to upload")]
    if problems:
        raise ApiError(400, "invalid", _("Some details need correcting."), problems)
    assert upload is not None
    try:
        document = vault.add_document(
            owner=user_of(request),
            type=kind,
            upload=upload,
            issued_on=issued_on,
            expires_on=expires_on,
        )
    except CaseError as error:
        raise fail(error) from None
    return Status(201, vault.vault_row(document))


@router.get(
    "/documents/{pk}/file",
    response={200: None, 404: Error},
    summary="The file of one of my vault documents",
)
def vault_document_file(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Only the owner: anybody else gets 404, officers included."""
    with_language(request)
    document = VaultDocument.objects.filter(pk=pk, owner=user_of(request)).first()
    if document is None:
        raise ApiError(404, "not_found", _("No such document in your vault."))
    return private_file_response(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type,
    )


@router.delete(
    "/documents/{pk}", response={204: None, 404: Error}, summary="Remove a vault document"
)
def vault_remove_document(request: HttpRequest, pk: int) -> Status[None]:
    """Copies already attached to applications stay with them."""
    with_language(request)
    if vault.remove_own_document(owner=user_of(request), pk=pk) is None:
        raise ApiError(404, "not_found", _("No such document in your vault."))
    return Status(204, None)


def consent_out(consent: Consent, *, problem: str | None) -> dict[str, Any]:
    row = vault.consent_row(consent)
    row["can_withdraw"] = problem is None
    return row


@router.get("/consents", response=list[ConsentOut], summary="My consents, newest first")
def vault_consents(request: HttpRequest) -> list[dict[str, Any]]:
    with_language(request)
    consents = Consent.objects.filter(citizen=user_of(request)).select_related(
        "application", "given_by"
    )
    rows = list(consents)
    problems = consent_actions.withdrawal_problems(rows)
    return [consent_out(consent, problem=problems[consent.pk]) for consent in rows]


@router.post(
    "/consents/{pk}/withdraw",
    response={200: ConsentOut, 404: Error, 409: Error},
    summary="Withdraw a consent (the data is detached; the application returns to draft)",
)
def vault_withdraw_consent(request: HttpRequest, pk: int) -> dict[str, Any]:
    """409 `not_allowed` once the agency started processing the application (or when the
    consent was already withdrawn), with the reason in `message`."""
    with_language(request)
    user = user_of(request)
    consent = Consent.objects.filter(pk=pk, citizen=user).select_related("application").first()
    if consent is None:
        raise ApiError(404, "not_found", _("No such consent."))
    try:
        withdrawn = consent_actions.withdraw(consent, by=user, at=timezone.now())
    except CaseError as error:
        raise fail(error) from None
    withdrawn = Consent.objects.select_related("application", "given_by").get(pk=withdrawn.pk)
    return consent_out(withdrawn, problem=consent_actions.withdrawal_problem(withdrawn))
