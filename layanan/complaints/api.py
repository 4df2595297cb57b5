"""Complaints over JSON (/api/v1/complaints): file one (with or without an account), read one
(everything for the complainant and the handling unit, the public view for others), list the
public ones, and officers' actions. docs/api.md, "Complaints", is the contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from layanan.accounts import throttle
from layanan.accounts.models import User
from layanan.accounts.tokens import user_for_token
from layanan.agencies.models import Agency, Unit
from layanan.charters.models import Service
from layanan.complaints import access, actions, presenters
from layanan.complaints.models import Complaint, Kind, Privacy
from layanan.complaints.models import Status as ComplaintStatus
from layanan.http_errors import ApiError, with_language

router = Router(tags=["complaints"])

PAGE_SIZE = 20
KEY_HEADER = "X-Complaint-Key"


class Anonymous:
    """The caller of an operation open to all who sent no token."""

    def __bool__(self) -> bool:
        return True


ANONYMOUS = Anonymous()


class OptionalBearer(HttpBearer):
    """A bearer token when one is sent (a wrong or expired one is 401, as elsewhere);
    without one the caller is anonymous, whatever session cookie the client holds."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return ANONYMOUS
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def caller(request: HttpRequest) -> User | None:
    found = getattr(request, "auth", None)
    return found if isinstance(found, User) else None


class LocationIn(Schema):
    address: str = Field("", description="Where it happened, as people write it")
    address_id: str = Field("", description="An address identifier of the region, if any")
    lat: Decimal | None = Field(None, ge=-90, le=90, description="WGS84 latitude")
    long: Decimal | None = Field(None, ge=-180, le=180, description="WGS84 longitude")


class ContactIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class ComplaintIn(Schema):
    kind: str = Field("pengaduan", description="pengaduan | aspirasi | informasi")
    agency: str = Field(description="The agency's code", max_length=60)
    category: str = Field(
        description="The category's code in the agency (pungli, umum, …) or its service code "
        "(disdukcapil.pungli)",
        max_length=130,
    )
    description: str = Field(description="What happened")
    privacy: str = Field("publik", description="publik | anonim | rahasia")
    application: str | None = Field(
        None, max_length=40, description="Tracking number of an application"
    )
    service: str | None = Field(None, max_length=60, description="Code of the service")
    location: LocationIn | None = None
    happened_on: dt.date | None = None
    loss: str = ""
    remedy: str = ""
    compensation_claimed: int | None = Field(None, ge=0, le=10**15)
    contact: ContactIn | None = Field(
        None, description="How to reach a complainant without an account (never published)"
    )


class ActionIn(Schema):
    action: str = Field(
        description="verify | request_completion | forward | plan | respond | resolve | reject "
        "| link_duplicate | record_lapor"
    )
    note: str = ""
    revision: int | None = Field(None, description="The revision read; a stale one is 409")
    unit: str = Field("", description="forward: the code of the unit to forward to")
    public: bool = Field(True, description="respond: a public or an internal response")
    outcome: str = Field("", description="resolve: the outcome (else the note)")
    compensation_amount: int | None = Field(None, ge=0, le=10**15)
    compensation_due_on: dt.date | None = None
    reason: str = Field("", description="reject: the reason (else the note)")
    ground: str = Field("outside_authority", description="reject: outside_authority | other")
    primary: str = Field("", description="link_duplicate: number of the earlier complaint")
    link: str = Field("", description="record_lapor: received_from | forwarded_to")
    lapor_number: str = Field("", description="record_lapor: the LAPOR! tracking number")


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class RefOut(Schema):
    code: str
    name: str


class ComplaintSummaryOut(Schema):
    number: str
    kind: str
    kind_label: str
    category: RefOut
    agency: RefOut
    status: str
    status_label: str
    created_at: dt.datetime
    due_at: dt.datetime | None


class FiledOut(ComplaintSummaryOut):
    privacy: str
    url: str
    access_key: str | None = Field(
        None,
        description="Only for a complaint filed without an account: send it as "
        "X-Complaint-Key to read the complaint in full. Shown once.",
    )


class ComplaintPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ComplaintSummaryOut]


def fail(error: actions.ComplaintError) -> ApiError:
    if isinstance(error, actions.InvalidInput):
        return ApiError(400, "invalid", error.message, error.fields)
    if isinstance(error, actions.AlreadyHandled):
        return ApiError(409, "conflict", error.message, error.fields)
    return ApiError(409, "not_allowed", error.message, error.fields)


def invalid(fields: dict[str, list[str]]) -> ApiError:
    return ApiError(400, "invalid", _("Some values need correcting."), fields)


def summary(complaint: Complaint) -> dict[str, Any]:
    """What any list may show: no complainant, contact or free text."""
    return {
        "number": complaint.number,
        "kind": complaint.kind,
        "kind_label": presenters.kind_label(complaint.kind),
        "category": {"code": complaint.category.service_code, "name": complaint.category.name},
        "agency": {"code": complaint.agency.code, "name": complaint.agency.name},
        "status": complaint.status,
        "status_label": presenters.status_label(complaint.status),
        "created_at": complaint.created_at,
        "due_at": complaint.due_at,
    }


def public_url(complaint: Complaint) -> str:
    # The public page of PLAN9 (/pengaduan/<number>/), whose view lives in views_public.py.
    return f"/pengaduan/{complaint.number}/"


def filing_from(data: ComplaintIn) -> actions.Filing:
    fields: dict[str, list[str]] = {}
    agency = Agency.objects.filter(code=data.agency).first()
    category = None
    if agency is None:
        fields["agency"] = [_("Unknown agency.")]
    else:
        category = (
            actions.categories_for(agency)
            .filter(Q(code=data.category) | Q(service_code=data.category))
            .first()
        )
        if category is None:
            fields["category"] = [_("This agency has no such complaint category.")]
    service = None
    if data.service:
        service = Service.objects.filter(code=data.service, active=True).first()
        if service is None:
            fields["service"] = [_("Unknown service.")]
    location = data.location or LocationIn.model_validate({})
    if (location.lat is None) != (location.long is None):
        fields["location"] = [_("Send lat and long together.")]
    if fields:
        raise invalid(fields)
    assert category is not None
    contact = data.contact or ContactIn.model_validate({})
    return actions.Filing(
        category=category,
        description=data.description,
        kind=data.kind,
        privacy=data.privacy,
        service=service,
        application_number=data.application or "",
        address=location.address,
        address_id=location.address_id,
        latitude=location.lat,
        longitude=location.long,
        happened_on=data.happened_on,
        loss=data.loss,
        remedy=data.remedy,
        compensation_claimed=data.compensation_claimed,
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
    )


@router.post(
    "",
    response={201: FiledOut, 400: Error, 401: Error, 429: Error},
    auth=OptionalBearer(),
    summary="File a complaint, suggestion or request for information (token optional)",
)
def file_complaint(request: HttpRequest, data: ComplaintIn) -> Status[dict[str, Any]]:
    """Anyone may file. With a token the complaint is the account's own; without one, the
    answer carries `access_key` (shown once) and `contact` is how the agency answers. Filing
    without a token is limited per client address (429 `rate_limited`)."""
    with_language(request)
    user = caller(request)
    attempt = None
    if user is None:
        # the web form's limit: one count per client address for both ways of filing
        attempt = throttle.begin_complaint(request)
        if attempt.refused:
            raise ApiError(429, "rate_limited", attempt.message())
    try:
        filing = filing_from(data)
        complaint, access_key = actions.file_complaint(
            filing=filing, complainant=user, channel="api"
        )
    except actions.ComplaintError as error:
        if attempt is not None:
            attempt.refund()
        raise fail(error) from None
    except ApiError:
        if attempt is not None:
            attempt.refund()
        raise
    if attempt is not None:
        attempt.failed()  # every complaint filed counts towards the address's limit
    return Status(
        201,
        {
            **summary(complaint),
            "privacy": complaint.privacy,
            "url": public_url(complaint),
            "access_key": access_key if user is None else None,
        },
    )


@router.get(
    "",
    response={200: ComplaintPage, 400: Error},
    auth=None,
    summary="Public list of complaints (never confidential ones, never identities)",
)
def list_complaints(
    request: HttpRequest,
    agency: str = "",
    status: str = "",
    kind: str = "",
    category: str = "",
    page: int = 1,
) -> dict[str, Any]:
    with_language(request)
    fields: dict[str, list[str]] = {}
    rows = access.public_complaints().exclude(privacy=Privacy.CONFIDENTIAL)
    if agency:
        rows = rows.filter(agency__code=agency)
    if category:
        rows = rows.filter(Q(category__service_code=category) | Q(category__code=category))
    if status:
        if status not in ComplaintStatus.values:
            fields["status"] = [_("Select a valid choice.")]
        rows = rows.filter(status=status)
    if kind:
        if kind not in Kind.values:
            fields["kind"] = [_("Select a valid choice.")]
        rows = rows.filter(kind=kind)
    if fields:
        raise invalid(fields)
    rows = rows.select_related("category", "agency").order_by("-created_at", "-pk")
    paginator = Paginator(rows, PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [summary(c) for c in current.object_list],
    }


@router.get(
    "/{number}",
    response={200: dict[str, Any], 401: Error, 404: Error},
    auth=OptionalBearer(),
    summary="One complaint: in full for its complainant and the handling unit",
)
def get_complaint(request: HttpRequest, number: str, key: str = "") -> dict[str, Any]:
    """The complainant (by token, or by the access key in the `X-Complaint-Key` header or
    `key`) and officers of the handling unit read everything (`"view": "full"`); anyone else
    reads the public view (`"view": "public"`); a confidential complaint is 404 to them."""
    with_language(request)
    presented = request.headers.get(KEY_HEADER, "") or key
    viewer = caller(request) or AnonymousUser()
    complaint, view = access.get_complaint_for_viewer(viewer, number, presented[:200])
    if view == "full":
        internal = viewer.is_authenticated and access.can_handle(viewer, complaint)
        return {"view": "full", **presenters.full_view(complaint, internal=internal)}
    return {"view": "public", **presenters.public_view(complaint)}


def perform(complaint: Complaint, officer: User, data: ActionIn) -> Complaint:
    common: dict[str, Any] = {"complaint": complaint, "officer": officer}
    if data.revision is not None:
        common["revision"] = data.revision
    match data.action:
        case "verify":
            return actions.verify_complaint(**common, note=data.note)
        case "request_completion":
            return actions.request_completion(**common, note=data.note)
        case "forward":
            unit = Unit.objects.filter(code=data.unit).first() if data.unit else None
            if unit is None:
                raise invalid({"unit": [_("Choose the unit to forward to.")]})
            return actions.forward_complaint(**common, unit=unit, note=data.note)
        case "plan":
            return actions.plan_follow_up(**common, note=data.note)
        case "respond":
            return actions.respond(**common, note=data.note, public=data.public)
        case "resolve":
            resolved, _feedback_key = actions.resolve_complaint(
                **common,
                outcome=data.outcome or data.note,
                compensation_amount=data.compensation_amount,
                compensation_due_on=data.compensation_due_on,
            )
            return resolved
        case "reject":
            return actions.reject_complaint(
                **common, reason=data.reason or data.note, ground=data.ground
            )
        case "link_duplicate":
            canonical = access.canonical_number(data.primary)
            primary = (
                access.complaints_for_officer(officer).filter(number=canonical).first()
                if canonical
                else None
            )
            if primary is None:
                raise invalid({"primary": [_("Enter the number of an earlier complaint.")]})
            return actions.link_duplicate(**common, primary=primary)
        case "record_lapor":
            try:
                return actions.record_lapor(**common, link=data.link, number=data.lapor_number)
            except actions.InvalidInput as error:
                if "number" in error.fields:  # the action's name; here it is lapor_number
                    error.fields["lapor_number"] = error.fields.pop("number")
                raise
    raise invalid({"action": [_("Unknown action.")]})


@router.post(
    "/{number}/actions",
    response={200: dict[str, Any], 400: Error, 401: Error, 404: Error, 409: Error},
    summary="An officer's action on a complaint of their unit",
)
def act(request: HttpRequest, number: str, data: ActionIn) -> dict[str, Any]:
    """Officers of the handling unit (tokens of officers need the second factor). A complaint
    the officer may not handle is 404; an action its status does not allow, or a stale
    `revision`, is 409."""
    with_language(request)
    officer: User = request.auth  # type: ignore[attr-defined]
    complaint = access.get_complaint_for_officer(officer, number)
    try:
        complaint = perform(complaint, officer, data)
    except actions.ComplaintError as error:
        raise fail(error) from None
    return {"view": "full", **presenters.full_view(complaint)}
