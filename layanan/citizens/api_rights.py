"""The citizen's rights under UU 27/2022 in the API, under /api/v1/me (docs/api.md): a copy
of one's data, correction and restriction requests, closing the account."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from layanan.accounts.current import user_of
from layanan.cases.models import private_storage
from layanan.citizens.closure import (
    ClosureRefused,
    close_account,
    closure_problem,
    password_problem,
)
from layanan.citizens.exports import request_export
from layanan.citizens.models import DataExport, RightsRequest
from layanan.citizens.rights import RequestError, file_rights_request
from layanan.http_errors import ApiError, with_language

router = Router(tags=["me"])


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class ExportQueued(Schema):
    id: int
    state: str


class CloseIn(Schema):
    password: str = Field(max_length=200)


class Closed(Schema):
    closed: bool


class RightsRequestIn(Schema):
    kind: str = Field(description='"correction" or "restriction"')
    data: str = Field(max_length=200, description="Which data the request is about")
    details: str = Field(max_length=5000, description="What is wrong, or what to restrict")
    reason: str = Field("", max_length=5000)


class RightsRequestOut(Schema):
    id: int
    kind: str
    data: str
    details: str
    reason: str
    filed_at: dt.datetime
    due_at: dt.datetime
    late: bool
    answered_at: dt.datetime | None
    outcome: str
    answer: str
    restriction_in_force: bool


def request_out(item: RightsRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "data": item.data,
        "details": item.details,
        "reason": item.reason,
        "filed_at": item.filed_at,
        "due_at": item.due_at,
        "late": item.is_late_at(timezone.now()),
        "answered_at": item.answered_at,
        "outcome": item.outcome,
        "answer": item.answer,
        "restriction_in_force": item.restriction_in_force,
    }


@router.post(
    "/export",
    response={202: ExportQueued},
    summary="Ask for a copy of all your data (prepared in the background)",
)
def export_create(request: HttpRequest) -> Status[dict[str, Any]]:
    """The copy is prepared by the worker; poll `GET /api/v1/me/export/{id}`."""
    with_language(request)
    export = request_export(citizen=user_of(request), language=get_language() or "id")
    return Status(202, {"id": export.pk, "state": export.state})


@router.get(
    "/export/{export_id}",
    response={200: dict[str, Any], 202: ExportQueued, 404: Error, 409: Error, 410: Error},
    summary="Your copy: the JSON export when ready",
)
def export_get(request: HttpRequest, export_id: int) -> Any:
    """200 with the export itself (`header`, `sections`) once ready; 202 while it is being
    prepared; 410 `expired` after LAYANAN_EXPORT_KEEP_HOURS; 404 for anybody but its owner."""
    with_language(request)
    export = get_object_or_404(DataExport, pk=export_id, citizen=user_of(request))
    if export.state == DataExport.State.QUEUED:
        return Status(202, {"id": export.pk, "state": export.state})
    if export.state == DataExport.State.FAILED:
        raise ApiError(409, "failed", _("This copy could not be prepared. Ask for a new one."))
    if not export.is_downloadable_at(timezone.now()):
        raise ApiError(410, "expired", _("This copy has expired. Ask for a new one."))
    with private_storage().open(export.json_file, "rb") as handle:
        body = handle.read()
    json.loads(body)  # never serve a file that is not the whole document
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/rights-requests",
    response=list[RightsRequestOut],
    summary="Your correction and restriction requests, newest first",
)
def rights_requests(request: HttpRequest) -> list[dict[str, Any]]:
    requests = RightsRequest.objects.filter(citizen=user_of(request)).order_by("-filed_at")
    return [request_out(item) for item in requests[:200]]


@router.post(
    "/rights-requests",
    response={201: RightsRequestOut, 400: Error},
    summary="Ask to correct your data or to restrict its processing (answered within 72 hours)",
)
def rights_request_create(request: HttpRequest, payload: RightsRequestIn) -> Status[dict[str, Any]]:
    with_language(request)
    try:
        item = file_rights_request(citizen=user_of(request), **payload.dict())
    except RequestError as error:
        raise ApiError(
            400, "invalid", _("Some values need correcting."), {error.field: [error.message]}
        ) from None
    return Status(201, request_out(item))


@router.post(
    "/close",
    response={200: Closed, 400: Error, 409: Error, 429: Error},
    summary="Close your account and erase your personal data",
)
def close(request: HttpRequest, payload: CloseIn) -> dict[str, Any]:
    """Needs the account's password. 409 `not_allowed` for an officer's account or while an
    application is under way. Afterwards the account cannot sign in and every token of it is
    revoked (this one too)."""
    with_language(request)
    user = user_of(request)
    problem = closure_problem(user)
    if problem:
        raise ApiError(409, "not_allowed", problem)
    wrong = password_problem(request, user, payload.password)
    if wrong:
        status, message = wrong
        code = "rate_limited" if status == 429 else "invalid"
        raise ApiError(status, code, message, {"password": [message]})
    try:
        close_account(citizen=user)
    except ClosureRefused as refused:
        raise ApiError(409, "not_allowed", refused.message) from None
    return {"closed": True}
