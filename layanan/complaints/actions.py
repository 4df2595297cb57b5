"""The only place where complaints change. Every function is atomic, writes a ComplaintEvent
with the actor, and keeps the complaint's legal deadlines (`Deadline` rows) in step with its
status: a deadline is opened when its clock starts and met by the action it waits for.

Deadlines (REGULATION.md, per agency in `HandlingRules`): verification within 3 working days of
receipt; a follow-up plan within 5 working days of forwarding; a decision within 60 days of
the file being complete; the complainant has 30 days to complete an incomplete file. Working
days are counted on the handling agency's calendar; a limit in days ends at the close of the
last day in the agency's time zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency, Unit
from layanan.cases.access import canonical_number
from layanan.cases.models import Application
from layanan.cases.storage import StoreFull, store_file
from layanan.cases.uploads import UploadRefused, check_upload, max_bytes
from layanan.charters.models import Service
from layanan.complaints.access import can_handle
from layanan.complaints.models import (
    AGENCY_DEADLINES,
    GENESIS,
    NUMBER_PREFIX,
    OPEN_STATUSES,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Deadline,
    DeadlineKind,
    HandlingRules,
    Kind,
    LaporLink,
    Open311Key,
    Privacy,
    Status,
    Subject,
    attachment_name,
)
from layanan.lib import phone
from layanan.lib.tracking import new_tracking_number

MAX_ATTACHMENTS = 5
MIN_DESCRIPTION = 10
MAX_TEXT = 5000
# The categories every agency has: illegal levies (linked from every charter page next to the
# fee) and "anything else". Names are data in the catalogue's language, as service names are.
BUILTIN_CATEGORIES = (
    ("pungli", "Pungutan liar", Subject.ILLEGAL_LEVY, 0),
    ("umum", "Pengaduan dan aspirasi lainnya", Subject.GENERAL, 999),
)
REJECTION_GROUNDS = ("outside_authority", "duplicate", "other")


class ComplaintError(Exception):
    """A request that cannot be carried out; `message` is for the person who asked."""

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(ComplaintError):
    """Something given is wrong; `fields` says what, next to each field."""


class NotAllowed(ComplaintError):
    """Not possible in the complaint's state, or not for this person."""


class AlreadyHandled(ComplaintError):
    """Someone else changed the complaint first (stale revision), or a one-time link was used."""


def now() -> dt.datetime:
    return timezone.now()


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def access_key_for_token(token: str) -> str:
    return salted_hmac("layanan.complaints.access", token).hexdigest()[:32]


def access_key_for(complaint: Complaint) -> str:
    """The complainant's key to the whole complaint (on the receipt and in every message).
    Derived from the site's secret and the complaint's random token, so that messages can
    carry it; only its hash is stored, so a key handed out stays valid if the secret rotates."""
    return access_key_for_token(complaint.token)


def feedback_key_for(complaint: Complaint) -> str:
    """The one-time key of the "is it resolved?" links for the current resolution (a new
    resolution after a reopening gets a new key)."""
    assert complaint.resolved_at is not None
    value = f"{complaint.token}:{complaint.resolved_at.isoformat()}:{complaint.times_reopened}"
    return salted_hmac("layanan.complaints.feedback", value).hexdigest()[:32]


# -- categories and rules ---------------------------------------------------------------------


def ensure_builtin_categories(agency: Agency) -> None:
    """Make sure the agency has the built-in categories (idempotent; safe under races)."""
    have = set(Category.objects.filter(agency=agency, builtin=True).values_list("code", flat=True))
    for code, name, subject, position in BUILTIN_CATEGORIES:
        if code in have:
            continue
        try:
            with transaction.atomic():
                Category.objects.create(
                    agency=agency,
                    code=code,
                    name=name,
                    subject=subject,
                    position=position,
                    builtin=True,
                )
        except IntegrityError:
            # Made meanwhile, or an agency's own category took the code: mark it built in.
            Category.objects.filter(agency=agency, code=code).update(builtin=True, active=True)


def categories_for(agency: Agency) -> QuerySet[Category]:
    ensure_builtin_categories(agency)
    return Category.objects.filter(agency=agency, active=True).order_by("position", "name")


@dataclass(frozen=True)
class Rules:
    filing_window_days: int = 30
    verify_working_days: int = 3
    plan_working_days: int = 5
    decision_days: int = 60
    completion_days: int = 30
    reopen_days: int = 14


def rules_for(agency: Agency) -> Rules:
    row = HandlingRules.objects.filter(agency=agency).first()
    if row is None:
        return Rules()
    return Rules(
        filing_window_days=row.filing_window_days,
        verify_working_days=row.verify_working_days,
        plan_working_days=row.plan_working_days,
        decision_days=row.decision_days,
        completion_days=row.completion_days,
        reopen_days=row.reopen_days,
    )


def end_of_day_after(start: dt.datetime, days: int, zone: str) -> dt.datetime:
    """The close (23:59:59) of the `days`-th calendar day after `start`, in `zone`."""
    tz = ZoneInfo(zone)
    last = start.astimezone(tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=tz)


# -- the event log ----------------------------------------------------------------------------


def record_complaint_event(
    complaint: Complaint,
    kind: str,
    *,
    at: dt.datetime,
    actor: User | None,
    note: str = "",
    public: bool = False,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """Append one event to the complaint's chain; call inside the transaction of the change
    (the caller holds the complaint's row lock)."""
    last = (
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = ComplaintEvent(
        complaint=complaint,
        seq=seq,
        at=at,
        actor=actor,
        kind=kind,
        note=note,
        public=public,
        data=data or {},
        prev_hash=prev_hash,
    )
    event.hash = event.content_hash()
    event.save()
    return event


# -- deadlines --------------------------------------------------------------------------------


def open_deadline(
    complaint: Complaint, kind: str, *, start: dt.datetime, agency: Agency, unit: Unit | None
) -> Deadline:
    """Start the clock of one limit (closing an earlier open one of the same kind)."""
    rules = rules_for(agency)
    close_deadlines(complaint, kinds=(kind,), at=start, met=False)
    if kind == DeadlineKind.VERIFY:
        days, working = rules.verify_working_days, True
    elif kind == DeadlineKind.PLAN:
        days, working = rules.plan_working_days, True
    elif kind == DeadlineKind.DECISION:
        days, working = rules.decision_days, False
    else:
        days, working = rules.completion_days, False
    if working:
        due = calendar_for(agency).add_working_days_at(start, days)
    else:
        due = end_of_day_after(start, days, agency.time_zone)
    deadline, _created = Deadline.objects.get_or_create(
        complaint=complaint,
        kind=kind,
        due_at=due,
        defaults={
            "agency": agency,
            "unit": unit,
            "started_at": start,
            "days": days,
            "working_days": working,
        },
    )
    if not _created:  # the same limit opened again at the same instant: it runs again
        Deadline.objects.filter(pk=deadline.pk).update(met_at=None, cancelled_at=None)
    return deadline


def close_deadlines(
    complaint: Complaint, *, kinds: Sequence[str], at: dt.datetime, met: bool = True
) -> int:
    """Mark the open deadlines of `kinds` met (the action was done) or cancelled."""
    field = "met_at" if met else "cancelled_at"
    return Deadline.objects.filter(
        complaint=complaint,
        kind__in=list(kinds),
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(**{field: at})


def refresh_due(complaint: Complaint) -> None:
    """The complaint's `due_at`: the earliest limit still running (for lists and sorting)."""
    complaint.due_at = (
        Deadline.objects.filter(
            complaint=complaint,
            met_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


# -- filing -----------------------------------------------------------------------------------


@dataclass
class Filing:
    """Everything a complainant gives; `file_complaint` validates it."""

    category: Category
    description: str
    kind: str = Kind.COMPLAINT
    privacy: str = Privacy.PUBLIC
    subject: str = ""
    service: Service | None = None
    application_number: str = ""
    address: str = ""
    address_id: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    happened_on: dt.date | None = None
    loss: str = ""
    remedy: str = ""
    compensation_claimed: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    lapor_link: str = ""
    lapor_number: str = ""


def _check_filing(
    filing: Filing, errors: dict[str, list[str]], moment: dt.datetime
) -> Application | None:
    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    category = filing.category
    if not category.active:
        add("category", _("This category no longer takes complaints; choose another."))
    description = (filing.description or "").strip()
    if len(description) < MIN_DESCRIPTION:
        add(
            "description",
            _("Say what happened, in at least %(n)d characters.") % {"n": MIN_DESCRIPTION},
        )
    for field in ("description", "loss", "remedy", "address"):
        if len(getattr(filing, field) or "") > MAX_TEXT:
            add(field, _("Keep this under %(n)d characters.") % {"n": MAX_TEXT})
    if filing.kind not in Kind.values:
        add("kind", _("Choose whether this is a complaint, a suggestion or a question."))
    if filing.privacy not in Privacy.values:
        add("privacy", _("Choose public, anonymous or confidential."))
    if filing.subject and filing.subject not in Subject.values:
        add("subject", _("Choose what the complaint is about."))
    if (filing.latitude is None) != (filing.longitude is None):
        add("latitude", _("Give both the latitude and the longitude, or neither."))
    if filing.latitude is not None and not -90 <= filing.latitude <= 90:
        add("latitude", _("A latitude is between -90 and 90."))
    if filing.longitude is not None and not -180 <= filing.longitude <= 180:
        add("longitude", _("A longitude is between -180 and 180."))
    if filing.happened_on and filing.happened_on > moment.astimezone(
        ZoneInfo(category.agency.time_zone)
    ).date() + dt.timedelta(days=1):
        add("happened_on", _("The date cannot be in the future."))
    if filing.compensation_claimed is not None and filing.compensation_claimed < 0:
        add("compensation_claimed", _("Give an amount in rupiah, 0 or more."))
    if filing.contact_email:
        try:
            validate_email(filing.contact_email)
        except ValidationError:
            add("contact_email", _("Enter an email address like nama@contoh.id."))
    # What the columns can hold: a clear answer, never a database error.
    for field, most in (
        ("contact_email", 254),
        ("contact_name", 200),
        ("address_id", 100),
        ("lapor_number", 40),
    ):
        if len((getattr(filing, field) or "").strip()) > most:
            add(field, _("Keep this under %(n)d characters.") % {"n": most})
    if filing.contact_phone and phone.try_normalise(filing.contact_phone) is None:
        add("contact_phone", _("Enter an Indonesian phone number, e.g. 0812-3456-7890."))
    if filing.lapor_link and filing.lapor_link not in LaporLink.values:
        add("lapor_link", _("Choose how the complaint is linked to SP4N-LAPOR!."))
    if filing.lapor_link and not filing.lapor_number.strip():
        add("lapor_number", _("Give the SP4N-LAPOR! tracking number."))
    if filing.service is not None and not filing.service.active:
        add("service", _("This service is not offered any more."))

    application = None
    if filing.application_number.strip():
        number = canonical_number(filing.application_number.strip())
        application = (
            Application.objects.select_related("agency", "service")
            .filter(number=number)
            .exclude(status="draft")
            .first()
            if number
            else None
        )
        if application is None:
            add(
                "application_number",
                _("No submitted application has this tracking number; check it and try again."),
            )
        else:
            agency = category.agency
            if (
                application.agency_id != agency.pk
                and not application.steps.filter(agency=agency).exists()
            ):
                add(
                    "application_number",
                    _("%(agency)s does not handle this application; choose its agency.")
                    % {"agency": agency.name},
                )
            window = rules_for(agency).filing_window_days
            if application.ended_at and application.ended_at < moment - dt.timedelta(days=window):
                add(
                    "application_number",
                    _(
                        "A complaint about an application can be filed up to %(days)d days "
                        "after it ended; for this one that time has passed."
                    )
                    % {"days": window},
                )
    return application


def _check_attachments(
    files: Sequence[UploadedFile], errors: dict[str, list[str]]
) -> list[tuple[UploadedFile, str, bytes]]:
    checked: list[tuple[UploadedFile, str, bytes]] = []
    if len(files) > MAX_ATTACHMENTS:
        errors.setdefault("attachments", []).append(
            _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}
        )
        return checked
    for upload in files:
        try:
            content_type, content = check_upload(upload, what=upload.name or _("attachment"))
        except UploadRefused as refused:
            errors.setdefault("attachments", []).append(refused.message)
            continue
        checked.append((upload, content_type, content))
    if sum(len(content) for _u, _t, content in checked) > 2 * max_bytes():
        errors.setdefault("attachments", []).append(
            _("The files together must be smaller than %(mb)d MB.")
            % {"mb": 2 * max_bytes() // (1024 * 1024)}
        )
    return checked


def _store_attachments(
    complaint: Complaint,
    checked: list[tuple[UploadedFile, str, bytes]],
    by: User | None,
) -> list[Attachment]:
    made: list[Attachment] = []
    for upload, content_type, content in checked:
        sha = hashlib.sha256(content).hexdigest()
        name = attachment_name(sha, content_type)
        try:
            stored = store_file(name, content)
        except StoreFull:
            message = _(
                "%(name)s could not be saved: the storage for files is full. Nothing was kept; "
                "please try again later"
            ) % {"name": upload.name or _("attachment")}
            raise InvalidInput(message, fields={"attachments": [message]}) from None
        attachment = Attachment(
            complaint=complaint,
            original_name=(upload.name or "lampiran")[:200],
            content_type=content_type,
            size=len(content),
            sha256=sha,
            uploaded_by=by,
        )
        attachment.file.name = stored
        attachment.save()
        made.append(attachment)
    return made


def file_complaint(
    *,
    filing: Filing,
    complainant: User | None,
    channel: str = Channel.ONLINE,
    filed_by: User | None = None,
    open311_key: Open311Key | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> tuple[Complaint, str]:
    """Receive a complaint; returns it with the complainant's access key (shown once on the
    receipt: with it anyone holding the receipt reads the whole complaint and its answers).

    Raises InvalidInput with the problems by field; nothing is written then."""
    moment = now()
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), fields={"channel": [_("Unknown channel.")]})
    application = _check_filing(filing, errors, moment)
    checked = _check_attachments(attachments, errors)
    if errors:
        raise InvalidInput(_("Some of the complaint needs correcting."), fields=errors)
    category = filing.category
    agency = category.agency
    token = secrets.token_hex(16)
    contact_phone = phone.try_normalise(filing.contact_phone) or "" if filing.contact_phone else ""
    service = application.service if application is not None else filing.service
    subject = filing.subject or (
        Subject.APPLICATION
        if application is not None and category.subject == Subject.GENERAL
        else category.subject
    )
    with transaction.atomic():
        for attempt in range(5):
            try:
                with transaction.atomic():
                    complaint = Complaint.objects.create(
                        number=new_tracking_number(prefix=NUMBER_PREFIX),
                        token=token,
                        kind=filing.kind,
                        subject=subject,
                        category=category,
                        agency=agency,
                        service=service,
                        application=application,
                        description=filing.description.strip(),
                        address=filing.address.strip(),
                        address_id=filing.address_id.strip()[:100],
                        latitude=filing.latitude,
                        longitude=filing.longitude,
                        happened_on=filing.happened_on,
                        loss=filing.loss.strip(),
                        remedy=filing.remedy.strip(),
                        compensation_claimed=filing.compensation_claimed,
                        privacy=filing.privacy,
                        complainant=complainant,
                        contact_name=filing.contact_name.strip()[:200],
                        contact_email=filing.contact_email.strip(),
                        contact_phone=contact_phone,
                        access_key_hash=digest(access_key_for_token(token)),
                        channel=channel,
                        filed_by=filed_by,
                        open311_key=open311_key,
                        lapor_link=filing.lapor_link,
                        lapor_number=filing.lapor_number.strip()[:40],
                        created_at=moment,
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        _store_attachments(complaint, checked, complainant or filed_by)
        open_deadline(complaint, DeadlineKind.VERIFY, start=moment, agency=agency, unit=None)
        refresh_due(complaint)
        complaint.save(update_fields=["due_at"])
        record_complaint_event(
            complaint,
            "filed",
            at=moment,
            actor=filed_by or complainant,
            public=True,
            data={
                "channel": channel,
                "attachments": len(checked),
                **({"lapor": filing.lapor_link} if filing.lapor_link else {}),
            },
        )
    return complaint, access_key_for(complaint)


def possible_duplicates(
    *,
    agency: Agency,
    service: Service | None = None,
    application: Application | None = None,
    address: str = "",
    exclude: Complaint | None = None,
    days: int = 30,
    limit: int = 5,
    public_only: bool = False,
) -> list[Complaint]:
    """Recent complaints to the same agency about the same application, service or place
    (the typed address, compared without case), newest first. Only the first of a group of
    duplicates is offered."""
    match = Q()
    if application is not None:
        match |= Q(application=application)
    if service is not None:
        match |= Q(service=service)
    place = " ".join(address.split()).strip()
    if len(place) >= 5:
        match |= Q(address__iexact=place)
    if not match:
        return []
    since = now() - dt.timedelta(days=days)
    queryset = Complaint.objects.filter(
        match, agency=agency, created_at__gte=since, duplicate_of__isnull=True
    ).exclude(status__in=(Status.REJECTED, Status.WITHDRAWN))
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    if public_only:  # what a complainant is shown before filing: never a confidential one
        queryset = queryset.exclude(privacy=Privacy.CONFIDENTIAL)
    return list(queryset.select_related("category", "agency").order_by("-created_at")[:limit])


# -- officers' actions ------------------------------------------------------------------------


def _take(
    complaint: Complaint,
    officer: User | None,
    *,
    allowed: Sequence[str],
    revision: int | None,
) -> Complaint:
    """Lock the complaint's row, read it fresh, and check the officer and the status."""
    fresh = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("agency", "unit")
        .get(pk=complaint.pk)
    )
    if revision is not None and fresh.revision != revision:
        raise AlreadyHandled(
            _("Someone else changed this complaint meanwhile; read it again and retry.")
        )
    if officer is not None and not can_handle(officer, fresh):
        raise NotAllowed(_("Only the unit handling this complaint can do this."))
    if fresh.status not in allowed:
        raise NotAllowed(
            _("Not possible while the complaint is %(status)s.")
            % {"status": Status(fresh.status).label.lower()}
        )
    return fresh


def _save(complaint: Complaint, *fields: str) -> None:
    refresh_due(complaint)
    complaint.revision += 1
    complaint.save(update_fields=[*fields, "due_at", "revision", "updated_at"])


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, fields={field: [message]})
    if len(text) > MAX_TEXT:
        too_long = _("Keep this under %(n)d characters.") % {"n": MAX_TEXT}
        raise InvalidInput(too_long, fields={field: [too_long]})
    return text


@transaction.atomic
def verify_complaint(
    *, complaint: Complaint, officer: User, note: str = "", revision: int | None = None
) -> Complaint:
    """The file is complete and within the agency's authority: the decision clock starts."""
    complaint = _take(complaint, officer, allowed=(Status.RECEIVED,), revision=revision)
    moment = now()
    close_deadlines(complaint, kinds=(DeadlineKind.VERIFY,), at=moment)
    complaint.status = Status.VERIFIED
    complaint.complete_at = moment
    open_deadline(
        complaint,
        DeadlineKind.DECISION,
        start=moment,
        agency=complaint.agency,
        unit=complaint.unit,
    )
    _save(complaint, "status", "complete_at")
    record_complaint_event(
        complaint, "verified", at=moment, actor=officer, note=note.strip(), public=True
    )
    return complaint


@transaction.atomic
def request_completion(
    *, complaint: Complaint, officer: User, note: str, revision: int | None = None
) -> Complaint:
    """The file is incomplete: the complainant is told what is missing and has
    `completion_days` to complete it, or it is deemed withdrawn."""
    text = _required(note, "note", _("Say what the complainant must add."))
    complaint = _take(complaint, officer, allowed=(Status.RECEIVED,), revision=revision)
    moment = now()
    close_deadlines(complaint, kinds=(DeadlineKind.VERIFY,), at=moment)
    deadline = open_deadline(
        complaint, DeadlineKind.COMPLETION, start=moment, agency=complaint.agency, unit=None
    )
    complaint.status = Status.INCOMPLETE
    _save(complaint, "status")
    record_complaint_event(
        complaint,
        "completion_requested",
        at=moment,
        actor=officer,
        note=text,
        public=True,
        data={"due_at": deadline.due_at.isoformat()},
    )
    return complaint


@transaction.atomic
def complete_complaint(
    *,
    complaint: Complaint,
    by: User | None,
    note: str,
    attachments: Sequence[UploadedFile] = (),
) -> Complaint:
    """The complainant adds what was asked; verification starts again."""
    text = _required(note, "note", _("Write what you are adding."))
    errors: dict[str, list[str]] = {}
    checked = _check_attachments(attachments, errors)
    if errors:
        raise InvalidInput(_("Some of the complaint needs correcting."), fields=errors)
    complaint = _take(complaint, None, allowed=(Status.INCOMPLETE,), revision=None)
    moment = now()
    close_deadlines(complaint, kinds=(DeadlineKind.COMPLETION,), at=moment)
    _store_attachments(complaint, checked, by)
    complaint.status = Status.RECEIVED
    open_deadline(
        complaint, DeadlineKind.VERIFY, start=moment, agency=complaint.agency, unit=complaint.unit
    )
    _save(complaint, "status")
    record_complaint_event(
        complaint,
        "completed",
        at=moment,
        actor=by,
        note=text,
        public=False,
        data={"attachments": len(checked)},
    )
    return complaint


@transaction.atomic
def forward_complaint(
    *,
    complaint: Complaint,
    officer: User,
    unit: Unit,
    note: str = "",
    revision: int | None = None,
) -> Complaint:
    """Send the complaint to the unit (of any agency) that can act; it must plan the
    follow-up within `plan_working_days` on its agency's calendar."""
    if not unit.active:
        message = _("This unit is not active; choose another.")
        raise InvalidInput(message, fields={"unit": [message]})
    complaint = _take(
        complaint,
        officer,
        allowed=(Status.VERIFIED, Status.FORWARDED, Status.IN_FOLLOW_UP),
        revision=revision,
    )
    if complaint.unit_id == unit.pk:
        message = _("The complaint is already with this unit.")
        raise InvalidInput(message, fields={"unit": [message]})
    moment = now()
    previous = complaint.agency
    complaint.agency = unit.agency
    complaint.unit = unit
    complaint.status = Status.FORWARDED
    open_deadline(complaint, DeadlineKind.PLAN, start=moment, agency=unit.agency, unit=unit)
    # The decision limit stays the same; it is now the new unit's to keep.
    Deadline.objects.filter(
        complaint=complaint,
        kind=DeadlineKind.DECISION,
        met_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(agency=unit.agency, unit=unit)
    _save(complaint, "status", "agency", "unit")
    record_complaint_event(
        complaint,
        "forwarded",
        at=moment,
        actor=officer,
        note=note.strip(),
        public=True,
        data={
            "unit": unit.code,
            "unit_name": unit.name,
            "agency": unit.agency.code,
            "agency_name": unit.agency.name,
            "from_agency": previous.code,
        },
    )
    return complaint


@transaction.atomic
def plan_follow_up(
    *, complaint: Complaint, officer: User, note: str, revision: int | None = None
) -> Complaint:
    """The unit states what it will do (public)."""
    text = _required(note, "note", _("Say what the unit will do about the complaint."))
    complaint = _take(
        complaint, officer, allowed=(Status.VERIFIED, Status.FORWARDED), revision=revision
    )
    moment = now()
    close_deadlines(complaint, kinds=(DeadlineKind.PLAN,), at=moment)
    complaint.status = Status.IN_FOLLOW_UP
    _save(complaint, "status")
    record_complaint_event(
        complaint, "follow_up_planned", at=moment, actor=officer, note=text, public=True
    )
    return complaint


@transaction.atomic
def respond(
    *,
    complaint: Complaint,
    officer: User,
    note: str,
    public: bool,
    revision: int | None = None,
) -> Complaint:
    """A response: public (the complainant is told; shown on the public page unless the
    complaint is confidential) or internal (the handling unit only)."""
    text = _required(note, "note", _("Write the response."))
    complaint = _take(
        complaint,
        officer,
        allowed=(*OPEN_STATUSES, Status.RESOLVED),
        revision=revision,
    )
    _save(complaint)
    record_complaint_event(
        complaint, "responded", at=now(), actor=officer, note=text, public=public
    )
    return complaint


@transaction.atomic
def resolve_complaint(
    *,
    complaint: Complaint,
    officer: User,
    outcome: str,
    compensation_amount: int | None = None,
    compensation_due_on: dt.date | None = None,
    revision: int | None = None,
) -> tuple[Complaint, str]:
    """The agency's decision. Returns the complaint and the complainant's one-time key for
    "Sudah selesai / Belum selesai", valid for `reopen_days`."""
    text = _required(outcome, "outcome", _("State the outcome for the complainant."))
    errors: dict[str, list[str]] = {}
    if compensation_amount is not None and compensation_amount <= 0:
        errors["compensation_amount"] = [_("Give the compensation in rupiah, more than 0.")]
    if (compensation_amount is None) != (compensation_due_on is None):
        errors.setdefault("compensation_due_on", []).append(
            _("A compensation decision states both the amount and the date it is paid by.")
        )
    if compensation_due_on is not None and compensation_due_on < timezone.localdate():
        errors.setdefault("compensation_due_on", []).append(
            _("The payment date cannot be in the past.")
        )
    if errors:
        raise InvalidInput(_("Some of the decision needs correcting."), fields=errors)
    complaint = _take(
        complaint,
        officer,
        allowed=(Status.VERIFIED, Status.FORWARDED, Status.IN_FOLLOW_UP),
        revision=revision,
    )
    moment = now()
    close_deadlines(complaint, kinds=(DeadlineKind.PLAN, DeadlineKind.DECISION), at=moment)
    complaint.status = Status.RESOLVED
    complaint.resolved_at = moment
    key = feedback_key_for(complaint)
    complaint.outcome = text
    complaint.compensation_amount = compensation_amount
    complaint.compensation_due_on = compensation_due_on
    complaint.feedback_key_hash = digest(key)
    complaint.feedback_expires_at = moment + dt.timedelta(
        days=rules_for(complaint.agency).reopen_days
    )
    complaint.complainant_verdict = ""
    _save(
        complaint,
        "status",
        "resolved_at",
        "outcome",
        "compensation_amount",
        "compensation_due_on",
        "feedback_key_hash",
        "feedback_expires_at",
        "complainant_verdict",
    )
    record_complaint_event(
        complaint,
        "resolved",
        at=moment,
        actor=officer,
        note=text,
        public=True,
        data={
            "feedback_until": complaint.feedback_expires_at.isoformat(),
            **(
                {
                    "compensation_amount": compensation_amount,
                    "compensation_due_on": compensation_due_on.isoformat(),
                }
                if compensation_amount is not None and compensation_due_on is not None
                else {}
            ),
        },
    )
    return complaint, key


def _end(complaint: Complaint, status: str, moment: dt.datetime) -> None:
    close_deadlines(complaint, kinds=[k.value for k in DeadlineKind], at=moment, met=False)
    complaint.status = status
    complaint.ended_at = moment


@transaction.atomic
def reject_complaint(
    *,
    complaint: Complaint,
    officer: User,
    reason: str,
    ground: str = "outside_authority",
    revision: int | None = None,
) -> Complaint:
    """Refuse it: outside the agency's authority (say where to go), or another ground."""
    text = _required(reason, "reason", _("Give the reason, and where the complainant can go."))
    if ground not in REJECTION_GROUNDS or ground == "duplicate":
        message = _("Choose the ground for the rejection.")
        raise InvalidInput(message, fields={"ground": [message]})
    complaint = _take(
        complaint,
        officer,
        allowed=(Status.RECEIVED, Status.INCOMPLETE, Status.VERIFIED, Status.FORWARDED),
        revision=revision,
    )
    moment = now()
    _end(complaint, Status.REJECTED, moment)
    _save(complaint, "status", "ended_at")
    record_complaint_event(
        complaint,
        "rejected",
        at=moment,
        actor=officer,
        note=text,
        public=True,
        data={"ground": ground},
    )
    return complaint


def root_of(complaint: Complaint) -> Complaint:
    seen = {complaint.pk}
    while complaint.duplicate_of_id is not None and complaint.duplicate_of_id not in seen:
        seen.add(complaint.duplicate_of_id)
        complaint = Complaint.objects.get(pk=complaint.duplicate_of_id)
    return complaint


@transaction.atomic
def link_duplicate(
    *,
    complaint: Complaint,
    primary: Complaint,
    officer: User,
    revision: int | None = None,
) -> Complaint:
    """This complaint is about the same as `primary`: it is closed as a duplicate and its
    complainant is told the outcome of the primary (see notifications)."""
    primary = root_of(primary)
    if primary.pk == complaint.pk:
        message = _("A complaint cannot be a duplicate of itself.")
        raise InvalidInput(message, fields={"primary": [message]})
    if not can_handle(officer, primary):
        message = _("Only complaints your unit handles can be linked.")
        raise InvalidInput(message, fields={"primary": [message]})
    if primary.status in (Status.REJECTED, Status.WITHDRAWN):
        message = _("That complaint was rejected or withdrawn; link to one that is handled.")
        raise InvalidInput(message, fields={"primary": [message]})
    complaint = _take(
        complaint,
        officer,
        allowed=(Status.RECEIVED, Status.INCOMPLETE, Status.VERIFIED, Status.FORWARDED),
        revision=revision,
    )
    if complaint.duplicates.exists():
        # Its own duplicates follow it to the primary.
        complaint.duplicates.update(duplicate_of=primary)
    moment = now()
    _end(complaint, Status.REJECTED, moment)
    complaint.duplicate_of = primary
    _save(complaint, "status", "ended_at", "duplicate_of")
    record_complaint_event(
        complaint,
        "duplicate_linked",
        at=moment,
        actor=officer,
        public=True,
        data={"primary": primary.number, "ground": "duplicate"},
    )
    return complaint


@transaction.atomic
def record_lapor(
    *,
    complaint: Complaint,
    officer: User,
    link: str,
    number: str,
    revision: int | None = None,
) -> Complaint:
    """Record that the complaint came from, or was sent on to, SP4N-LAPOR!."""
    errors: dict[str, list[str]] = {}
    if link not in (LaporLink.RECEIVED_FROM, LaporLink.FORWARDED_TO):
        errors["link"] = [_("Choose how the complaint is linked to SP4N-LAPOR!.")]
    number = (number or "").strip()
    if not number or len(number) > 40:
        errors["number"] = [_("Give the SP4N-LAPOR! tracking number (at most 40 characters).")]
    if errors:
        raise InvalidInput(_("Some of the SP4N-LAPOR! link needs correcting."), fields=errors)
    complaint = _take(
        complaint,
        officer,
        allowed=[s.value for s in Status],
        revision=revision,
    )
    complaint.lapor_link = link
    complaint.lapor_number = number
    _save(complaint, "lapor_link", "lapor_number")
    record_complaint_event(
        complaint,
        "lapor_recorded",
        at=now(),
        actor=officer,
        data={"link": link, "number": number},
    )
    return complaint


# -- the complainant's side -------------------------------------------------------------------


def check_access_key(complaint: Complaint, key: str) -> bool:
    return bool(
        key
        and complaint.access_key_hash
        and secrets.compare_digest(complaint.access_key_hash, digest(key))
    )


def check_feedback_key(complaint: Complaint, key: str) -> bool:
    """A key that still opens the complaint's "is it resolved?" question."""
    return bool(
        key
        and complaint.status == Status.RESOLVED
        and complaint.feedback_key_hash
        and complaint.feedback_expires_at is not None
        and complaint.feedback_expires_at > now()
        and secrets.compare_digest(complaint.feedback_key_hash, digest(key))
    )


def is_complainant(user: User | AnonymousUser | None, complaint: Complaint) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and complaint.complainant_id is not None
        and complaint.complainant_id == user.pk
    )


@transaction.atomic
def answer_feedback(
    *,
    complaint: Complaint,
    key: str | None,
    user: User | AnonymousUser | None,
    resolved: bool,
    reason: str = "",
    rating: int | None = None,
) -> Complaint:
    """The complainant's answer to "is it resolved?": with the one-time key of the message
    (no sign-in needed) or signed in as the complainant, until the window closes. "Not
    resolved" reopens the complaint with the reason; the unit must plan again."""
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not resolved and not reason:
        errors["reason"] = [_("Say what is still not resolved.")]
    if len(reason) > MAX_TEXT:
        errors["reason"] = [_("Keep this under %(n)d characters.") % {"n": MAX_TEXT}]
    if rating is not None and not 1 <= rating <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5.")]
    if errors:
        raise InvalidInput(_("Some of your answer needs correcting."), fields=errors)
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("agency", "unit")
        .get(pk=complaint.pk)
    )
    if complaint.status != Status.RESOLVED:
        raise AlreadyHandled(_("This question was answered already, or it is closed."))
    by_key = check_feedback_key(complaint, key or "")
    by_account = (
        is_complainant(user, complaint)
        and complaint.feedback_expires_at is not None
        and complaint.feedback_expires_at > now()
    )
    if not (by_key or by_account):
        raise AlreadyHandled(
            _("This link has expired or was used already. You can still file a new complaint.")
        )
    moment = now()
    actor = user if isinstance(user, User) and is_complainant(user, complaint) else None
    complaint.feedback_key_hash = ""
    if rating is not None:
        complaint.rating = rating
    if resolved:
        complaint.complainant_verdict = "resolved"
        complaint.status = Status.CLOSED
        complaint.ended_at = moment
        _save(complaint, "feedback_key_hash", "rating", "complainant_verdict", "status", "ended_at")
        record_complaint_event(complaint, "confirmed", at=moment, actor=actor, public=True)
    else:
        complaint.complainant_verdict = "not_resolved"
        complaint.status = Status.IN_FOLLOW_UP
        complaint.times_reopened += 1
        complaint.resolved_at = None
        open_deadline(
            complaint,
            DeadlineKind.PLAN,
            start=moment,
            agency=complaint.agency,
            unit=complaint.unit,
        )
        _save(
            complaint,
            "feedback_key_hash",
            "rating",
            "complainant_verdict",
            "status",
            "times_reopened",
            "resolved_at",
        )
        record_complaint_event(
            complaint, "reopened", at=moment, actor=actor, note=reason, public=True
        )
    if rating is not None:
        record_complaint_event(
            complaint, "rated", at=moment, actor=actor, public=True, data={"rating": rating}
        )
    return complaint


# -- what the sweep does ------------------------------------------------------------------------


@transaction.atomic
def withdraw_incomplete(*, complaint: Complaint, deadline: Deadline) -> bool:
    """The complainant did not complete the file in time: deemed withdrawn."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Status.INCOMPLETE:
        return False
    moment = now()
    Deadline.objects.filter(pk=deadline.pk, met_at__isnull=True).update(cancelled_at=moment)
    _end(complaint, Status.WITHDRAWN, moment)
    _save(complaint, "status", "ended_at")
    record_complaint_event(
        complaint,
        "withdrawn",
        at=moment,
        actor=None,
        public=True,
        data={"due_at": deadline.due_at.isoformat()},
    )
    return True


@transaction.atomic
def close_unanswered(*, complaint: Complaint) -> bool:
    """The complainant did not answer within the window: the agency's outcome stands."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if (
        complaint.status != Status.RESOLVED
        or complaint.feedback_expires_at is None
        or complaint.feedback_expires_at > now()
    ):
        return False
    moment = now()
    complaint.status = Status.CLOSED
    complaint.ended_at = moment
    complaint.feedback_key_hash = ""
    _save(complaint, "status", "ended_at", "feedback_key_hash")
    record_complaint_event(
        complaint, "closed", at=moment, actor=None, public=True, data={"by": "window"}
    )
    return True


def record_missed_deadline(
    *, deadline: Deadline, supervisors: list[str], moment: dt.datetime
) -> bool:
    """Record a missed agency deadline once (a conditional update claims it), with a public
    event and an escalation to the unit's supervisors. Returns whether this call recorded it."""
    if deadline.kind not in AGENCY_DEADLINES:
        return False
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            pk=deadline.pk,
            breached_at__isnull=True,
            met_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(breached_at=moment)
        if not claimed:
            return False
        complaint = Complaint.objects.select_for_update().get(pk=deadline.complaint_id)
        record_complaint_event(
            complaint,
            "deadline_missed",
            at=moment,
            actor=None,
            public=True,
            data={
                "deadline": deadline.kind,
                "due_at": deadline.due_at.isoformat(),
                "agency": deadline.agency.code,
            },
        )
        record_complaint_event(
            complaint,
            "escalated",
            at=moment,
            actor=None,
            data={
                "deadline": deadline.kind,
                "due_at": deadline.due_at.isoformat(),
                "officers": supervisors,
            },
        )
    return True
