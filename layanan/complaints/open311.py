"""Open311 GeoReport v2 at /open311/v2/: complaint categories as services, complaints as
service requests, in JSON and XML (docs/open311.md is the client developers' guide).

What the specification leaves to an implementation, decided here:

- one jurisdiction per deployment: `jurisdiction_id` is accepted and ignored;
- every service is `realtime` (the request id comes back at once) and has `metadata` true:
  its definition carries attributes a client should offer, above all `privacy`; none of them
  is required, so a client that skips the definition files a public complaint;
- `status` is `open` while the agency still has to act (received, incomplete, verified,
  forwarded, being followed up) and `closed` once it is resolved, closed, rejected or deemed
  withdrawn; a complaint reopened by its complainant is open again;
- the default window of GET requests is the specification's: the last 90 days, at most 1000
  requests, newest first; a window given by `start_date`/`end_date` may not span more;
- confidential (*rahasia*) complaints are in no GET answer, not even by id or token, and the
  requester's contact fields (email, names, phone) are stored as the complainant's contact and
  returned nowhere;
- errors are the specification's bodies; the HTTP status is 403 for a missing or wrong
  `api_key`, 404 for an unknown service, request or token, and 400 for everything else.

The views read no session and no signed-in user: an Open311 client is identified by its
api_key alone, and the POST is exempt from CSRF (it carries no cookie authority).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from layanan.agencies.models import Agency
from layanan.charters.models import Service
from layanan.complaints import access, actions, presenters
from layanan.complaints.models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintEvent,
    Kind,
    Open311Key,
    Privacy,
    Status,
)
from layanan.complaints.open311_format import (
    attributes_of,
    errors,
    parse_w3c,
    respond,
    w3c,
    xml_text,
)
from layanan.http_errors import is_storable, with_language

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Sortable; changed when the services' shape (the attributes below) changes. Categories
# themselves carry no modification time: clients should refresh the list daily.
CHANGESET = "2026-11-30T00:00:00Z"
DEFAULT_WINDOW = dt.timedelta(days=90)
MOST_REQUESTS = 1000
DESCRIPTION_LENGTH = 4000  # the specification's limit for free text
EMAIL_LENGTH = 254  # the column's
CLOSED_STATUSES = tuple(status for status in Status if status not in OPEN_STATUSES)
DEMO_KEY = "demo-open311-key"


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


# -- the demo --------------------------------------------------------------------------------


def ensure_demo_open311_key() -> Open311Key:
    """The demo's published Open311 key `demo-open311-key` (made once; kept active)."""
    key, _created = Open311Key.objects.get_or_create(
        key_hash=Open311Key.digest(DEMO_KEY),
        defaults={"name": "Demo", "key_prefix": DEMO_KEY[:8], "active": True},
    )
    if not key.active:
        Open311Key.objects.filter(pk=key.pk).update(active=True)
    return key


def key_for(presented: str) -> Open311Key | None:
    """The active client whose key this is, noting the use (at most every five minutes)."""
    if not presented or len(presented) > 200:
        return None
    key = Open311Key.objects.filter(key_hash=Open311Key.digest(presented), active=True).first()
    if key is None or not secrets.compare_digest(key.key_hash, Open311Key.digest(presented)):
        return None
    moment = timezone.now()
    if key.last_used_at is None or moment - key.last_used_at > dt.timedelta(minutes=5):
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=moment)
    return key


# -- services --------------------------------------------------------------------------------


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("agency")


def ensure_every_agency_has_builtins() -> None:
    """Agencies made since the last look get their built-in categories (one query when
    none is missing, which is nearly always)."""
    have = Category.objects.filter(builtin=True, code="pungli").values("agency_id")
    for agency in Agency.objects.exclude(pk__in=have):
        actions.ensure_builtin_categories(agency)


def service_name(category: Category) -> str:
    # Every agency has its own "pungli" and "umum": the agency names them apart.
    agency = category.agency.short_name or category.agency.name
    return f"{category.name} ({agency})"


def service_entry(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.service_code,
        "service_name": service_name(category),
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group or category.agency.name,
    }


def choice_values(choices: Iterable[tuple[str, Any]]) -> list[dict[str, str]]:
    return [{"key": key, "name": str(label)} for key, label in choices]


def attribute(
    order: int,
    code: str,
    datatype: str,
    description: str,
    datatype_description: str = "",
    values: list[dict[str, str]] | None = None,
    required: bool = False,
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": datatype_description or None,
        "order": order,
        "description": description,
        "values": values or [],
    }


def category_services(category: Category) -> list[Service]:
    return list(
        Service.objects.filter(lead_agency=category.agency, active=True).order_by("name", "pk")
    )


def service_attributes(category: Category) -> list[dict[str, Any]]:
    """The attributes every service offers (docs/open311.md lists them)."""
    found = [
        attribute(
            1,
            "privacy",
            "singlevaluelist",
            _(
                "Who may read the complaint: publik (published), anonim (published, your "
                "identity hidden) or rahasia (not published at all; it cannot be read back "
                "over Open311). Your contact details are never published."
            ),
            _("Default: publik."),
            choice_values(Privacy.choices),
        ),
        attribute(
            2,
            "kind",
            "singlevaluelist",
            _("A complaint, a suggestion or a request for information."),
            _("Default: pengaduan."),
            choice_values(Kind.choices),
        ),
        attribute(
            3,
            "happened_on",
            "datetime",
            _("When it happened."),
            _("An ISO 8601 date or date and time, e.g. 2026-11-30 or 2026-11-30T09:00:00+07:00."),
        ),
        attribute(4, "loss", "text", _("The loss you suffered, if any.")),
        attribute(5, "remedy", "text", _("What you ask the agency to do.")),
        attribute(
            6,
            "compensation_claimed",
            "number",
            _("Compensation you claim, in rupiah."),
            _("A whole number of rupiah, e.g. 50000."),
        ),
        attribute(
            7,
            "application_number",
            "string",
            _("The tracking number of the application the complaint is about, if any."),
            _("As printed on the receipt, e.g. 7KQ4-M9TX-4C."),
        ),
    ]
    services = category_services(category)
    if services:
        found.append(
            attribute(
                8,
                "service",
                "singlevaluelist",
                _("The service the complaint is about, if any."),
                values=[{"key": s.code, "name": s.display_name} for s in services],
            )
        )
    return found


# -- requests as read back -------------------------------------------------------------------


# The events whose public note is a response (presenters.public_view, "responses").
RESPONSE_KINDS = ("responded", "follow_up_planned", "resolved", "rejected")


def latest_public_notes(complaints: list[Complaint]) -> dict[int, str]:
    """Each complaint's latest public response, in one query."""
    notes: dict[int, str] = {}
    events = (
        ComplaintEvent.objects.filter(
            complaint__in=[c.pk for c in complaints], public=True, kind__in=RESPONSE_KINDS
        )
        .exclude(note="")
        .order_by("complaint_id", "seq")
        .values_list("complaint_id", "note")
    )
    for complaint_id, note in events:
        notes[complaint_id] = note
    return notes


def limited(text: str) -> str | None:
    if not text:
        return None
    if len(text) > DESCRIPTION_LENGTH:
        return text[: DESCRIPTION_LENGTH - 1] + "…"
    return text


def degrees(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def request_entry(complaint: Complaint, public_note: str | None) -> dict[str, Any]:
    """A complaint as the public reads it over Open311. Only fields that
    presenters.public_view publishes (description, address and map point included, the
    complainant's name and contact never); read from the row itself so that a list of a
    thousand costs two queries, not two per complaint. The address identifier is not public."""
    zone = complaint.agency.time_zone
    status = open311_status(complaint.status)
    if status == "closed":
        updated = complaint.ended_at or complaint.resolved_at or complaint.updated_at
    else:
        updated = complaint.updated_at
    notes = complaint.outcome if complaint.status == Status.RESOLVED else None
    return {
        "service_request_id": complaint.number,
        "status": status,
        "status_notes": notes or public_note or presenters.status_label(complaint.status),
        "service_name": service_name(complaint.category),
        "service_code": complaint.category.service_code,
        "description": limited(complaint.description),
        "agency_responsible": complaint.agency.name,
        "service_notice": None,
        "requested_datetime": w3c(complaint.created_at, zone),
        "updated_datetime": w3c(updated, zone),
        "expected_datetime": w3c(complaint.due_at, zone) if status == "open" else None,
        "address": complaint.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": degrees(complaint.latitude),
        "long": degrees(complaint.longitude),
        "media_url": None,
    }


def request_entries(complaints: list[Complaint]) -> list[dict[str, Any]]:
    notes = latest_public_notes(complaints)
    return [request_entry(c, notes.get(c.pk)) for c in complaints]


def readable() -> QuerySet[Complaint]:
    """What any GET may show: never a confidential complaint."""
    # public_complaints() already leaves them out; said again because this is the promise
    return (
        access.public_complaints()
        .exclude(privacy=Privacy.CONFIDENTIAL)
        .select_related("category", "category__agency", "agency")
    )


# -- the views -------------------------------------------------------------------------------

View = Callable[..., HttpResponse]


def open311_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """The request's language, and the specification's 400 for another method."""

    def decorate(view: View) -> View:
        def wrapped(request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any) -> Any:
            with_language(request)
            allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
            if request.method not in allowed:
                response = errors(fmt, 400, [(400, _("This method is not allowed here."))])
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            return view(request, *args, fmt=fmt, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped)

    return decorate


@open311_view(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """The service discovery document (wiki.open311.org/Service_Discovery)."""
    base = request.build_absolute_uri(reverse("open311:discovery", args=["xml"]))
    url = base.rsplit("/", 1)[0]
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("Ask the agency's complaint desk, or the operator of %(site)s, for help.")
            % {"site": settings.LAYANAN_SITE_NAME},
            "key_service": _(
                "API keys are issued by the operator of %(site)s (admin: Open311 API keys)."
            )
            % {"site": settings.LAYANAN_SITE_NAME},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311_view(("GET",))
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    ensure_every_agency_has_builtins()
    categories = active_categories().order_by("agency__name", "position", "name", "pk")
    return respond(fmt, "services", [service_entry(c) for c in categories])


@open311_view(("GET",))
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = active_categories().filter(service_code=code).first()
    if category is None:
        return errors(fmt, 404, [(404, _("service_code %(code)s was not found.") % {"code": code})])
    return respond(
        fmt,
        "service_definition",
        {"service_code": category.service_code, "attributes": service_attributes(category)},
    )


@open311_view(("GET", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return create_request(request, fmt)
    return list_requests(request, fmt)


def argument(request: HttpRequest, name: str) -> str:
    """An optional argument: empty is the same as absent."""
    return (request.GET.get(name) or "").strip()


def comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = readable()
    ids = comma_list(argument(request, "service_request_id"))
    if ids:  # "This overrides all other arguments."
        numbers = {access.canonical_number(text) for text in ids[:MOST_REQUESTS]}
        rows = rows.filter(number__in=[n for n in numbers if n])
    else:
        problems: list[tuple[int, str]] = []
        codes = comma_list(argument(request, "service_code"))
        if codes:
            rows = rows.filter(category__service_code__in=codes)
        statuses = comma_list(argument(request, "status").lower())
        unknown = [s for s in statuses if s not in ("open", "closed")]
        if unknown:
            problems.append((400, _("status must be open or closed.")))
        elif set(statuses) == {"open"}:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif set(statuses) == {"closed"}:
            rows = rows.filter(status__in=CLOSED_STATUSES)
        start_text, end_text = argument(request, "start_date"), argument(request, "end_date")
        start = parse_w3c(start_text) if start_text else None
        end = parse_w3c(end_text) if end_text else None
        if start_text and start is None:
            problems.append(
                (400, _("start_date must be a W3C datetime, e.g. 2026-11-01T00:00:00Z."))
            )
        if end_text and end is None:
            problems.append((400, _("end_date must be a W3C datetime, e.g. 2026-11-30T00:00:00Z.")))
        if start is not None and end is not None:
            if end < start:
                problems.append((400, _("end_date must not be before start_date.")))
            elif end - start > DEFAULT_WINDOW:
                problems.append((400, _("start_date and end_date may not span more than 90 days.")))
        if problems:
            return errors(fmt, 400, problems)
        if start is None and end is None:
            end = timezone.now()
            start = end - DEFAULT_WINDOW
        elif start is None:
            assert end is not None
            start = end - DEFAULT_WINDOW
        elif end is None:
            end = start + DEFAULT_WINDOW
        rows = rows.filter(created_at__gte=start, created_at__lte=end)
    found = list(rows.order_by("-created_at", "-pk")[:MOST_REQUESTS])
    return respond(fmt, "service_requests", request_entries(found))


@open311_view(("GET",))
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    canonical = access.canonical_number(number)
    complaint = readable().filter(number=canonical).first() if canonical else None
    if complaint is None:
        return errors(
            fmt, 404, [(404, _("service_request_id %(id)s was not found.") % {"id": number})]
        )
    return respond(fmt, "service_requests", request_entries([complaint]))


@open311_view(("GET",))
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    complaint = readable().filter(token=token).first() if len(token) <= 32 else None
    if complaint is None:
        return errors(fmt, 404, [(404, _("token %(token)s was not found.") % {"token": token})])
    return respond(
        fmt, "service_requests", [{"service_request_id": complaint.number, "token": token}]
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /open311/v2/: the specification's 404, in JSON when the
    address ends in .json, else in XML (the specification's required format)."""
    with_language(request)
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(fmt, 404, [(404, _("There is no such Open311 resource."))])


# -- POST requests ---------------------------------------------------------------------------

# Filing's field names → the Open311 argument a client sent it as (for error descriptions).
ARGUMENTS = {
    "category": "service_code",
    "description": "description",
    "address": "address_string",
    "address_id": "address_id",
    "latitude": "lat",
    "longitude": "long",
    "contact_name": "first_name",
    "contact_email": "email",
    "contact_phone": "phone",
    "kind": "attribute[kind]",
    "privacy": "attribute[privacy]",
    "happened_on": "attribute[happened_on]",
    "loss": "attribute[loss]",
    "remedy": "attribute[remedy]",
    "compensation_claimed": "attribute[compensation_claimed]",
    "application_number": "attribute[application_number]",
    "service": "attribute[service]",
}
SINGLE_ATTRIBUTES = {
    "privacy",
    "kind",
    "happened_on",
    "loss",
    "remedy",
    "compensation_claimed",
    "application_number",
    "service",
}


class Refused(Exception):
    def __init__(self, status: int, problems: list[tuple[int, str]]) -> None:
        super().__init__(problems)
        self.status, self.problems = status, problems


def form_value(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def coordinate(text: str, name: str, limit: int) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) > limit:
        raise Refused(400, [(400, _("%(name)s must be a number of degrees.") % {"name": name})])
    return value.quantize(Decimal("0.000001"))


def filing_from(request: HttpRequest, category: Category) -> actions.Filing:
    """The Filing a POST describes, or Refused listing every problem found."""
    problems: list[tuple[int, str]] = []
    lat, long = form_value(request, "lat"), form_value(request, "long")
    address, address_id = form_value(request, "address_string"), form_value(request, "address_id")
    latitude = longitude = None
    if lat or long:
        if not (lat and long):
            problems.append((400, _("lat and long must be sent together.")))
        else:
            try:
                latitude = coordinate(lat, "lat", 90)
                longitude = coordinate(long, "long", 180)
            except Refused as refused:
                problems += refused.problems
    elif not (address or address_id):
        problems.append(
            (400, _("A location is required: lat and long, address_string or address_id."))
        )
    given = attributes_of({key: request.POST.getlist(key) for key in request.POST})
    for code, sent in given.items():
        if code not in SINGLE_ATTRIBUTES:
            message = _("attribute[%(code)s] is not an attribute of this service.")
            problems.append((400, message % {"code": code}))
        elif len(sent) > 1:
            problems.append((400, _("attribute[%(code)s] takes one value.") % {"code": code}))
    values = {code: found[0].strip() for code, found in given.items() if code in SINGLE_ATTRIBUTES}
    happened_on = None
    if values.get("happened_on"):
        moment = parse_w3c(values["happened_on"], category.agency.time_zone)
        if moment is None:
            problems.append(
                (400, _("attribute[happened_on] must be an ISO 8601 date or date and time."))
            )
        else:
            # the day as the writer meant it: in their offset, or the agency's for a date
            happened_on = moment.date()
    compensation = None
    if values.get("compensation_claimed"):
        text = values["compensation_claimed"].replace(".", "").replace(" ", "")
        if not text.isdigit() or len(text) > 15:
            problems.append(
                (400, _("attribute[compensation_claimed] must be a whole number of rupiah."))
            )
        else:
            compensation = int(text)
    service = None
    if values.get("service"):
        service = Service.objects.filter(
            code=values["service"], lead_agency=category.agency, active=True
        ).first()
        if service is None:
            problems.append((400, _("attribute[service] is not a service of this agency.")))
    if problems:
        raise Refused(400, problems)
    names = (form_value(request, "first_name"), form_value(request, "last_name"))
    if len(form_value(request, "email")) > EMAIL_LENGTH:
        raise Refused(400, [(400, _("email is too long."))])
    return actions.Filing(
        category=category,
        description=form_value(request, "description"),
        kind=values.get("kind") or Kind.COMPLAINT,
        privacy=values.get("privacy") or Privacy.PUBLIC,
        service=service,
        application_number=values.get("application_number", ""),
        address=address,
        address_id=address_id,
        latitude=latitude,
        longitude=longitude,
        happened_on=happened_on,
        loss=values.get("loss", ""),
        remedy=values.get("remedy", ""),
        compensation_claimed=compensation,
        contact_name=" ".join(name for name in names if name),
        contact_email=form_value(request, "email"),
        contact_phone=form_value(request, "phone"),
    )


def field_problems(error: actions.ComplaintError) -> list[tuple[int, str]]:
    problems = [
        (400, f"{ARGUMENTS.get(field, field)}: {message}")
        for field, messages in error.fields.items()
        for message in messages
    ]
    return problems or [(400, error.message)]


def service_notice(complaint: Complaint) -> str:
    """What happens next, and where the complainant follows it (no key: a client may show
    this notice to others)."""
    notice = _("Complaint %(number)s received by %(agency)s.") % {
        "number": complaint.number,
        "agency": complaint.agency.name,
    }
    if complaint.due_at is not None:
        notice += " " + _("It will be verified by %(due)s.") % {
            "due": w3c(complaint.due_at, complaint.agency.time_zone)
        }
    return notice


def create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    presented = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not presented:
        return errors(fmt, 403, [(403, _("api_key is missing: it is required to post a request."))])
    key = key_for(presented)
    if key is None:
        return errors(fmt, 403, [(403, _("Invalid api_key received: it cannot post a request."))])
    texts = [text for values in request.POST.lists() for text in (values[0], *values[1])]
    if not all(is_storable(text) for text in texts):
        return errors(fmt, 400, [(400, _("The request contains characters that are not valid."))])
    code = form_value(request, "service_code")
    if not code:
        return errors(fmt, 400, [(400, _("service_code is required."))])
    category = active_categories().filter(service_code=code).first()
    if category is None:
        return errors(fmt, 404, [(404, _("service_code %(code)s was not found.") % {"code": code})])
    try:
        filing = filing_from(request, category)
    except Refused as refused:
        return errors(fmt, refused.status, refused.problems)
    if len(filing.description) > DESCRIPTION_LENGTH:
        return errors(
            fmt,
            400,
            [
                (
                    400,
                    _("description may have at most %(count)d characters.")
                    % {"count": DESCRIPTION_LENGTH},
                )
            ],
        )
    try:
        complaint, _access_key = actions.file_complaint(
            filing=filing, complainant=None, channel="open311", open311_key=key
        )
    except actions.ComplaintError as error:
        return errors(fmt, 400, field_problems(error))
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": complaint.number,
                "service_notice": service_notice(complaint),
                "account_id": None,
            }
        ],
    )


__all__ = [
    "discovery",
    "ensure_demo_open311_key",
    "not_found",
    "request_detail",
    "requests",
    "service_definition",
    "services",
    "token",
    "xml_text",
]
