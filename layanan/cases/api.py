"""Applications over JSON: apply, attach documents, submit, act on steps, track."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.responses import NinjaJSONEncoder

from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.cases import access, actions, lookup_limit, prefill, snapshots
from layanan.cases.answers import open_answers
from layanan.cases.models import Application, Document, PublicSnapshot, Step
from layanan.cases.paging import CappedPaginator
from layanan.cases.presenters import (
    completion_data,
    expected_completion,
    explain_due,
    local_time,
    public_view,
    status_sentence,
    step_name,
)
from layanan.charters.actions import charter_in_force
from layanan.charters.models import Service
from layanan.charters.presenters import fee_notice
from layanan.http_errors import ApiError, parse_json_body, with_language

router = Router(tags=["applications"])
tracking_router = Router(tags=["tracking"])

PAGE_SIZE = 20
JSON = "application/json; charset=utf-8"  # django-ninja's own


class ApplicationIn(Schema):
    service: str
    answers: dict[str, Any] = {}
    # Fill the form fields that declare a profile attribute, and are not in `answers`, from
    # the citizen's profile (cases.prefill); the consent is recorded on submission.
    prefill: bool = False


class AnswersIn(Schema):
    answers: dict[str, Any]


class ActionIn(Schema):
    action: str
    note: str = ""
    # whole rupiah: required when approving the step that assesses the fee
    amount: int | None = None


class StepOut(Schema):
    key: str
    name: str
    unit: str
    unit_name: str
    agency: str
    state: str
    due_at: dt.datetime | None
    assignee: str | None
    note: str


class DocumentOut(Schema):
    requirement: str
    name: str
    content_type: str
    size: int
    sha256: str


class ApplicationOut(Schema):
    number: str
    service: str
    status: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    ended_at: dt.datetime | None


class CompletionOut(Schema):
    """When a completed application was completed, compared with its due date on the lead
    agency's working-day calendar."""

    at: dt.datetime
    at_text: str
    comparison: str  # early | on_due_day (within the due minute) | late
    working_days: int  # whole working days early or late
    working_minutes: int  # working minutes early or late
    text: str


class FeeOut(Schema):
    amount: int  # the fixed fee; 0 when free; the least it can be for a formula or assessment
    text: str
    legal_basis: str
    lawful: str
    kind: str  # free | fixed | formula | assessed
    how: list[str]  # how a formula or an assessment arrives at the amount
    when: str  # when it is paid


class PaymentOut(Schema):
    amount: int  # whole rupiah, exactly the charter's
    status: str  # unpaid | paid | expired | waived | refunded
    code: str  # the payment code (kode bayar)
    due_at: dt.datetime  # payable until
    pay_url: str  # the page where the applicant sees, prints and pays the bill


class IssuedDocumentOut(Schema):
    """A document issued for the application (its product), signed by the agency."""

    code: str
    title: str
    status: str  # valid | revoked | pending (being prepared, or waiting for the file)
    issued_at: dt.datetime | None
    download_url: str
    verify_url: str
    sha256: str


class ConsentAgencyOut(Schema):
    code: str
    name: str


class ProfileConsentOut(Schema):
    fields: dict[str, str]  # form field key -> profile attribute
    what: str
    agencies: list[ConsentAgencyOut]  # the lead agency first, then each a step names
    purpose: str


class ApplicationDetailOut(ApplicationOut):
    charter_version: int
    answers: dict[str, Any]
    steps: list[StepOut]
    documents: list[DocumentOut]
    missing: dict[str, list[str]]
    # Before (re)submission, to the applicant: the consent submitting records, or null.
    profile_consent: ProfileConsentOut | None = None
    status_label: str
    due_at_text: str
    due_explanation: str
    completion: CompletionOut | None
    # an estimate from recent throughput (null when unknown or ended), not the legal limit
    expected_completion: dt.datetime | None
    expected_completion_text: str
    expected_completion_explanation: str
    fee: FeeOut
    documents_issued: list[IssuedDocumentOut]
    # the bill while one is open or was paid; null for a free service or before a bill
    payment: PaymentOut | None = None


class ApplicationPage(Schema):
    count: int  # counted up to cases.paging.COUNT_CAP; count_capped says there are more
    count_capped: bool
    page: int
    pages: int
    results: list[ApplicationOut]


class TrackStepOut(Schema):
    key: str
    name: str
    stage: int
    unit: str
    agency: str
    state: str
    state_label: str
    due_at: dt.datetime | None
    due_at_text: str


class TrackEventOut(Schema):
    at: dt.datetime
    at_text: str
    kind: str
    label: str  # in the request's language; never the raw kind
    step: str


class TrackOut(Schema):
    number: str
    service: dict[str, str]
    agency: dict[str, str]
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    due_at_text: str
    due_explanation: str
    ended_at: dt.datetime | None
    ended_at_text: str
    completion: CompletionOut | None
    # an estimate from recent throughput (null when unknown or ended), not the legal limit
    expected_completion: dt.datetime | None
    expected_completion_text: str
    expected_completion_explanation: str
    steps: list[TrackStepOut]
    events: list[TrackEventOut]


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


def fail(error: actions.CaseError) -> ApiError:
    status = {
        "invalid": 400,
        "forbidden": 403,
        "not_allowed": 409,
        "conflict": 409,
        "limit_reached": 409,
        "storage_full": 507,
    }.get(error.code, 400)
    return ApiError(status, error.code, error.message, error.fields)


def summary(application: Application) -> dict[str, Any]:
    return {
        "number": application.number,
        "service": application.service.code,
        "status": application.status,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "ended_at": application.ended_at,
    }


def assignee_for(step: Step, *, is_applicant: bool) -> str | None:
    """Who holds a step. The applicant is told the unit that answers for it: officers'
    account names are internal. Officers see the assigned officer's user name (or null)."""
    if is_applicant:
        return step.unit.name
    return step.assignee.username if step.assignee else None


def detail_extras(application: Application, *, viewer: User) -> dict[str, Any]:
    """What apps above `cases` add to an application's detail (settings
    LAYANAN_APPLICATION_DETAIL, dotted paths of functions `(application, *, viewer) -> dict`):
    `cases` names the keys of its contract (`payment`, `documents_issued`) and their empty
    values, but does not know who fills them."""
    extras: dict[str, Any] = {"payment": None, "documents_issued": []}
    for path in getattr(settings, "LAYANAN_APPLICATION_DETAIL", []):
        extras.update(import_string(path)(application, viewer=viewer))
    return extras


def detail(
    application: Application,
    *,
    viewer: User,
    is_applicant: bool,
    calendars: actions.AgencyCalendars | None = None,
    documents: list[Document] | None = None,
) -> dict[str, Any]:
    """The application as `ApplicationDetailOut`. `calendars`: the ones the request's action
    read (each calendar is read once per request); `documents`: the current documents when
    the caller knows them (none, for an application it has just created)."""
    if not is_applicant:
        actions.record_access(
            application=application, officer=viewer, place=DataAccess.Place.API_APPLICATION
        )
    if is_applicant and application.steps_written is not None:
        steps = application.steps_written  # the applicant is shown units, not assignees
    else:
        steps = list(application.steps.select_related("unit", "agency", "assignee"))
    calendars = (calendars or actions.AgencyCalendars()).know(
        [application.agency, *(step.agency for step in steps)]
    )
    if documents is None:
        documents = list(application.documents.filter(replaced=False))
    fee = fee_notice(application.charter)
    return {
        **summary(application),
        "status_label": status_sentence(application),
        "due_at_text": local_time(application.due_at, application.agency.time_zone),
        "due_explanation": explain_due(application, steps, calendars=calendars),
        "completion": completion_data(application, calendars=calendars),
        **expected_completion(application),
        "fee": {
            "amount": fee.amount,
            "text": fee.text,
            "legal_basis": fee.legal_basis,
            "lawful": fee.lawful,
            "kind": fee.kind,
            "how": list(fee.how),
            "when": fee.when,
        },
        **detail_extras(application, viewer=viewer),
        "charter_version": application.charter.version,
        # In full, NIKs opened: the applicant's own, or an officer's read logged above.
        "answers": open_answers(application.answers),
        "steps": [
            {
                "key": s.key,
                "name": step_name(application, s.key),
                "unit": s.unit.code,
                "unit_name": s.unit.name,
                "agency": s.agency.code,
                "state": s.state,
                "due_at": s.due_at,
                "assignee": assignee_for(s, is_applicant=is_applicant),
                "note": s.note,
            }
            for s in steps
        ],
        "documents": [
            {
                "requirement": d.requirement,
                "name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in documents
        ],
        "missing": actions.missing_requirements(application, documents=documents)
        if application.is_editable_by_citizen
        else {},
        "profile_consent": profile_consent(application)
        if is_applicant and application.is_editable_by_citizen
        else None,
    }


def profile_consent(application: Application) -> dict[str, Any] | None:
    """The consent submitting will record, to show the applicant before they submit: the
    answers that carry their profile's values, {field key: attribute}, with the data named,
    the agencies that will see it and the purpose; null when no answer does."""
    fields = prefill.from_profile(application)
    if not fields:
        return None
    return {"fields": fields, **prefill.consent_terms(application, fields)}


@router.post(
    "",
    response={
        201: ApplicationDetailOut,
        200: ApplicationDetailOut,
        400: Error,
        404: Error,
        409: Error,
    },
    summary="Start an application (a draft)",
)
def create(request: HttpRequest, data: ApplicationIn) -> Status[dict[str, Any]]:
    """Answers may be partial in a draft; each given answer is checked. Send an
    `Idempotency-Key` header to make a retry return the same application. A citizen with the
    most drafts allowed gets 409 `limit_reached` (message under `fields.service`)."""
    with_language(request)
    user = user_of(request)
    service = (
        Service.objects.filter(code=data.service, active=True).select_related("lead_agency").first()
    )
    if service is None:
        raise ApiError(
            404, "not_found", _("Unknown service."), {"service": [_("Unknown service.")]}
        )
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100] or None
    answers = data.answers
    if data.prefill and (charter := charter_in_force(service)) is not None:
        answers = prefill.answers_with_profile(charter, user, answers)
    try:
        application, created = actions.create_application(
            citizen=user,
            service=service,
            answers=answers,
            channel="api",
            idempotency_key=key,
        )
    except actions.CaseError as error:
        raise fail(error) from None
    # a new application has no documents yet
    known: list[Document] | None = [] if created else None
    return Status(
        201 if created else 200,
        detail(application, viewer=user, is_applicant=True, documents=known),
    )


@router.get("", response=ApplicationPage, summary="My applications, or my units' applications")
def list_applications(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    with_language(request)
    user = user_of(request)
    if access.is_officer(user):
        rows = access.applications_for_officer(user).exclude(status="draft")
    else:
        rows = Application.objects.filter(applicant=user)
    paginator = CappedPaginator(
        rows.select_related("service").order_by("-created_at", "-pk"), PAGE_SIZE
    )
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "count_capped": paginator.capped,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [summary(a) for a in current.object_list],
    }


@router.get(
    "/{number}", response={200: ApplicationDetailOut, 404: Error}, summary="One application"
)
def get_application(request: HttpRequest, number: str) -> dict[str, Any]:
    with_language(request)
    user = user_of(request)
    application, is_applicant = access.get_application_for_viewer(user, number)
    return detail(application, viewer=user, is_applicant=is_applicant)


@router.patch(
    "/{number}",
    response={200: ApplicationDetailOut, 400: Error, 404: Error, 409: Error},
    summary="Change answers of a draft or returned application",
)
def update(request: HttpRequest, number: str, data: AnswersIn) -> dict[str, Any]:
    with_language(request)
    user = user_of(request)
    application = access.get_application_for_applicant(user, number)
    answers = data.answers
    try:
        actions.update_answers(application=application, citizen=user, answers=answers)
    except actions.CaseError as error:
        raise fail(error) from None
    return detail(application, viewer=user, is_applicant=True)


@router.post(
    "/{number}/documents",
    response={201: DocumentOut, 400: Error, 404: Error, 409: Error, 507: Error},
    summary="Attach a document (multipart: requirement, file; or JSON from another source)",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "requirement": {"type": "string"},
                            "file": {"type": "string", "format": "binary"},
                        },
                        "required": ["requirement", "file"],
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "requirement": {"type": "string"},
                            "vault_document": {"type": "integer"},
                            "agreed": {"type": "boolean"},
                        },
                        "required": ["requirement"],
                    }
                },
            }
        }
    },
)
def upload(request: HttpRequest, number: str) -> Status[dict[str, Any]]:
    """Multipart `requirement` and `file`: PDF, JPEG or PNG, at most 10 MB (configurable);
    the content must match the name and open fully (no JavaScript, launch actions or
    embedded files in a PDF). Past a limit on files per application or per citizen: 409
    `limit_reached`, the message under `fields.file`. When the server's disk has no room for
    it: 507 `storage_full`, nothing kept; the same upload may be tried again later.

    JSON `{"requirement", ...}`: a copy of a file the platform already holds, from a source
    the apps above `cases` provide (settings.LAYANAN_DOCUMENT_SOURCES, dotted paths of
    functions `(application, *, user, requirement, data) -> Document | None`; `citizens`
    takes `"vault_document": id`, a document of the applicant's vault, and records the
    consent)."""
    with_language(request)
    user = user_of(request)
    application = access.get_application_for_applicant(user, number)
    try:
        if (request.content_type or "").startswith("application/json"):
            document = attach_from_source(request, application, user)
        else:
            document = attach_upload(request, application, user)
    except actions.CaseError as error:
        raise fail(error) from None
    return Status(
        201,
        {
            "requirement": document.requirement,
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )


def attach_upload(request: HttpRequest, application: Application, user: User) -> Document:
    problems: dict[str, list[str]] = {}
    requirement = request.POST.get("requirement", "")
    upload = request.FILES.get("file")
    if not requirement:
        problems["requirement"] = [_("Select which document you are uploading")]
    if upload is None:
        problems["file"] = [_("Select a file to upload")]
    if problems:
        raise actions.InvalidInput(_("Some details need correcting."), fields=problems)
    assert upload is not None
    return actions.attach_document(
        application=application, user=user, requirement=requirement, upload=upload
    )


def attach_from_source(request: HttpRequest, application: Application, user: User) -> Document:
    data = parse_json_body(request)
    if not isinstance(data, dict):
        raise actions.InvalidInput(_("The request body must be a JSON object."))
    requirement = data.get("requirement")
    if not isinstance(requirement, str) or not requirement:
        message = _("Select which document you are uploading")
        raise actions.InvalidInput(message, fields={"requirement": [message]})
    for path in getattr(settings, "LAYANAN_DOCUMENT_SOURCES", []):
        document = import_string(path)(application, user=user, requirement=requirement, data=data)
        if document is not None:
            return document
    message = _("Send the file as multipart form data, or name a document to copy")
    raise actions.InvalidInput(message, fields={"file": [message]})


@router.delete(
    "/{number}/documents/{requirement}",
    response={204: None, 404: Error, 409: Error},
    summary="Remove the document given for a requirement (draft or returned)",
)
def remove_upload(request: HttpRequest, number: str, requirement: str) -> Status[None]:
    """Before (re)submission only. A file nothing refers to any more is deleted; one the
    officers already examined (before a return for correction) is kept in the record."""
    with_language(request)
    user = user_of(request)
    application = access.get_application_for_applicant(user, number)
    document = application.documents.filter(requirement=requirement, replaced=False).first()
    if document is None:
        message = _("No document was given for this requirement.")
        raise ApiError(404, "not_found", message, {"requirement": [message]})
    try:
        actions.remove_document(application=application, user=user, document=document)
    except actions.CaseError as error:
        raise fail(error) from None
    return Status(204, None)


def citizen_action(request: HttpRequest, number: str, function: Any) -> dict[str, Any]:
    with_language(request)
    user = user_of(request)
    application = access.get_application_for_applicant(user, number)
    calendars = actions.AgencyCalendars()  # read by the action, used again by the answer
    try:
        application = function(application=application, citizen=user, calendars=calendars)
    except actions.CaseError as error:
        raise fail(error) from None
    return detail(application, viewer=user, is_applicant=True, calendars=calendars)


@router.post(
    "/{number}/submit",
    response={200: ApplicationDetailOut, 400: Error, 404: Error, 409: Error},
    summary="Submit a draft",
)
def submit(request: HttpRequest, number: str) -> dict[str, Any]:
    """Missing answers or documents give 400 listing each of them under `fields`. Answers
    that carry the citizen's profile values record their consent (`profile_consent` of the
    application's detail says what it will be)."""
    return citizen_action(request, number, partial(actions.submit_application, channel="api"))


@router.post(
    "/{number}/resubmit",
    response={200: ApplicationDetailOut, 400: Error, 404: Error, 409: Error},
    summary="Send the corrections of a returned application",
)
def resubmit(request: HttpRequest, number: str) -> dict[str, Any]:
    return citizen_action(request, number, partial(actions.resubmit_application, channel="api"))


@router.post(
    "/{number}/withdraw",
    response={200: ApplicationDetailOut, 404: Error, 409: Error},
    summary="Withdraw an application that has not ended",
)
def withdraw(request: HttpRequest, number: str) -> dict[str, Any]:
    return citizen_action(request, number, actions.withdraw_application)


@router.post(
    "/{number}/steps/{key}/actions",
    response={200: ApplicationDetailOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Approve, return or reject a step (officers of its unit)",
)
def act(request: HttpRequest, number: str, key: str, data: ActionIn) -> dict[str, Any]:
    """`return` and `reject` need a `note` (the reason, shown to the applicant). A step that
    is not active answers 409."""
    with_language(request)
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    try:
        application = actions.act_on_step(
            application=step.application,
            step=step,
            officer=user,
            action=data.action,
            note=data.note,
            amount=data.amount,
        )
    except actions.CaseError as error:
        raise fail(error) from None
    return detail(application, viewer=user, is_applicant=False)


@tracking_router.get(
    "/{number}",
    response={200: TrackOut, 404: Error, 429: Error},
    auth=None,
    summary="Public tracking",
)
def track(request: HttpRequest, number: str) -> HttpResponse:
    """What anyone with the number may see: no name, NIK, contacts, answers or documents.

    After 20 unknown or malformed numbers from one client in 10 minutes, numbers this client
    has not been shown before answer 429 `rate_limited` until the window ends.
    """
    with_language(request)
    canonical = access.canonical_number(number)
    if seconds := lookup_limit.may_look_up(request, canonical):
        raise ApiError(429, "rate_limited", lookup_limit.refusal_message(seconds))
    language = get_language()
    if canonical is not None:
        # the common case: one indexed read (cases.snapshots)
        body = snapshots.read(canonical, language, PublicSnapshot.Kind.API)
        if body is not None:
            lookup_limit.record_shown(request, canonical)
            return HttpResponse(body, content_type=JSON)
    try:
        application = access.get_application_for_public(number)
    except Http404:
        lookup_limit.record_failure(request)
        raise
    lookup_limit.record_shown(request, application.number)
    # Rendered here as django-ninja renders a returned TrackOut (the API keeps its default
    # JSON renderer), so that the stored bytes are the answer's bytes.
    data = TrackOut.model_validate(public_view(application)).model_dump()
    body = json.dumps(data, cls=NinjaJSONEncoder)
    snapshots.keep(
        application,
        version=application.public_version,
        language=language,
        kind=PublicSnapshot.Kind.API,
        body=body,
    )
    return HttpResponse(body, content_type=JSON)
