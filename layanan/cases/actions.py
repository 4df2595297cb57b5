"""Every change to an application goes through these functions.

Each is atomic and writes Events with the actor. Workflow changes run the pure engine
(`cases.engine`) on the stored state and write the outcome back with a conditional update on
`Application.revision`: of two officers acting on the same state at the same moment, exactly
one write matches and the other gets `AlreadyHandled`, with nothing changed. Reactions
(notifications, breach checks) are done by other apps from the committed Event rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layanan.accounts.actions import record_read
from layanan.accounts.models import DataAccess, User
from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency, Unit
from layanan.cases import access, engine
from layanan.cases.answers import clean_answers, merge_answers, open_answers
from layanan.cases.events import EventEntry, record_event, record_events
from layanan.cases.models import (
    OPEN_STATUSES,
    QUEUED_STATES,
    Application,
    Document,
    Event,
    Status,
    Step,
    stored_name,
)
from layanan.cases.prefill import after_submission
from layanan.cases.storage import StoreFull, files_problem, release_after_commit, store_file
from layanan.cases.uploads import UploadRefused, check_upload
from layanan.charters import fees
from layanan.charters.actions import charter_in_force
from layanan.charters.models import Charter, Service
from layanan.charters.spec import is_needed, text_in
from layanan.lib.money import rupiah
from layanan.lib.tracking import new_tracking_number
from layanan.lib.workdays import WorkCalendar


class CaseError(Exception):
    """An action that cannot be done; `code` is machine-readable, the message is for people."""

    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(CaseError):
    code = "invalid"


class NotAllowed(CaseError):
    code = "not_allowed"


class Forbidden(CaseError):
    """The officer does not hold the role the charter names for this step."""

    code = "forbidden"


class StorageFull(CaseError):
    """The document store has no room now (a full disk); nothing was kept. Try again later."""

    code = "storage_full"


class LimitReached(CaseError):
    """A limit on drafts or stored files (settings, see docs/operations.md) would be passed."""

    code = "limit_reached"


class AlreadyHandled(CaseError):
    """Somebody else changed the application first; nothing was done."""

    code = "conflict"


def now() -> dt.datetime:
    return timezone.now()


# -- state in and out ------------------------------------------------------------------------


def procedure_of(application: Application) -> engine.Procedure:
    content = application.charter.content
    return engine.Procedure.from_content(
        content,
        lead_agency=application.agency.code,
        payment_gate=fees.payment_gate(content, application.answers),
    )


def assessed_fee(application: Application) -> int | None:
    """The amount the assessing step set (its latest `fee_assessed` event), if any."""
    data = (
        application.events.filter(kind="fee_assessed")
        .order_by("-seq")
        .values_list("data", flat=True)
    ).first()
    return int(data["amount"]) if data else None


def billable_amount(application: Application) -> int | None:
    """The exact amount the charter asks of this application: from the fee, the answers and the
    assessment; None while it cannot be known. No other amount can be billed."""
    fee = application.charter.fee_spec
    assessed = assessed_fee(application) if fee["kind"] == "assessed" else None
    return fees.amount_due(fee, application.answers, assessed=assessed)


class AgencyCalendars:
    """The engine's `Calendars`: an agency's calendar by code, looked up once per action (or
    per request, when the API answers with the same calendars its action used). `known`:
    agencies already read, whose rows are then not read again by code."""

    def __init__(self, known: Iterable[Agency] = ()) -> None:
        self.cache: dict[str, WorkCalendar] = {}
        self.agencies: dict[str, Agency] = {agency.code: agency for agency in known}

    def __call__(self, agency_code: str) -> WorkCalendar:
        if agency_code not in self.cache:
            agency = self.agencies.get(agency_code) or Agency.objects.get(code=agency_code)
            self.cache[agency_code] = calendar_for(agency)
        return self.cache[agency_code]

    def know(self, agencies: Iterable[Agency]) -> AgencyCalendars:
        for agency in agencies:
            self.agencies.setdefault(agency.code, agency)
        return self


def state_of(application: Application, steps: list[Step]) -> engine.CaseState:
    return engine.CaseState(
        status=engine.Status(application.status),
        steps=tuple(
            engine.StepState(
                key=s.key,
                stage=s.stage,
                unit=s.unit.code,
                agency=s.agency.code,
                state=engine.StepStatus(s.state),
                started_at=s.started_at,
                due_at=s.due_at,
                ended_at=s.ended_at,
                paused_at=s.paused_at,
            )
            for s in sorted(steps, key=lambda s: (s.stage, s.position))
        ),
        submitted_at=application.submitted_at,
        clock_started_at=application.clock_started_at,
        due_at=application.due_at,
        paused_at=application.paused_at,
        paused_minutes=application.paused_minutes,
        ended_at=application.ended_at,
    )


STATE_FIELDS = (
    "status",
    "submitted_at",
    "clock_started_at",
    "due_at",
    "paused_at",
    "paused_minutes",
    "ended_at",
)
STEP_FIELDS = ("state", "started_at", "due_at", "ended_at", "paused_at")


@dataclass
class Loaded:
    application: Application
    steps: list[Step]
    state: engine.CaseState


def load(application: Application) -> Loaded:
    fresh = Application.objects.select_related("charter", "agency", "service").get(
        pk=application.pk
    )
    steps = list(fresh.steps.select_related("unit", "agency"))
    return Loaded(fresh, steps, state_of(fresh, steps))


def store(
    loaded: Loaded,
    outcome: engine.Outcome,
    *,
    actor: User | None,
    at: dt.datetime,
    notes: dict[str, str] | None = None,
) -> Application:
    """Write the engine's outcome: application, changed steps, events. Raises AlreadyHandled."""
    state, events = outcome
    application = loaded.application
    values: dict[str, Any] = {name: getattr(state, name) for name in STATE_FIELDS}
    values["status"] = str(state.status)
    updated = Application.objects.filter(pk=application.pk, revision=application.revision).update(
        revision=application.revision + 1,
        updated_at=at,
        public_version=F("public_version") + 1,  # see cases.snapshots
        **values,
    )
    if updated != 1:
        raise AlreadyHandled(_("This application was already handled by someone else."))
    for name, value in values.items():
        setattr(application, name, value)
    application.revision += 1
    application.steps_written = loaded.steps  # brought up to date below
    by_key = {s.key: s for s in loaded.steps}
    for new in state.steps:
        step = by_key[new.key]
        changes = {
            "state": str(new.state),
            "started_at": new.started_at,
            "due_at": new.due_at,
            "ended_at": new.ended_at,
            "paused_at": new.paused_at,
        }
        changed = [k for k, v in changes.items() if getattr(step, k) != v]
        if notes and new.key in notes and step.note != notes[new.key]:
            step.note = notes[new.key]
            changed.append("note")
        if changed:
            for key in changed:
                if key != "note":
                    setattr(step, key, changes[key])
            # Found by application as well as id: on a partitioned database the update then
            # visits one partition instead of every one (docs/partitioning.md).
            Step.objects.filter(pk=step.pk, application_id=step.application_id).update(
                **{key: getattr(step, key) for key in changed}
            )
    # The update above moved `public_version` and holds the row: the events go in one INSERT.
    record_events(
        application,
        [
            EventEntry(
                kind=event.kind,
                step=event.step or "",
                note=event.note,
                public=event.public,
                data=event.data,
            )
            for event in events
        ],
        at=at,
        actor=actor,
    )
    return application


def run(
    application: Application,
    action: Any,
    *,
    actor: User | None,
    at: dt.datetime | None = None,
    notes: dict[str, str] | None = None,
    calendars: AgencyCalendars | None = None,
    **kwargs: Any,
) -> Application:
    """Run an engine action on the application's stored state and store the outcome.
    `calendars`: the request's calendars, to be used again for its answer (the agencies
    just read are added to them)."""
    at = at or now()
    loaded = load(application)
    if loaded.application.revision != application.revision:
        raise AlreadyHandled(_("This application was already handled by someone else."))
    calendars = (calendars or AgencyCalendars()).know(
        [loaded.application.agency, *(step.agency for step in loaded.steps)]
    )
    try:
        outcome = action(
            procedure_of(loaded.application),
            loaded.state,
            at=at,
            calendars=calendars,
            **kwargs,
        )
    except engine.InvalidAction as invalid:
        if invalid.code in ("not_active", "ended"):
            raise AlreadyHandled(_("This step was already handled.")) from invalid
        raise NotAllowed(str(invalid)) from invalid
    return store(loaded, outcome, actor=actor, at=at, notes=notes)


# -- citizen actions ---------------------------------------------------------------------------


@transaction.atomic
def create_application(
    *,
    citizen: User,
    service: Service,
    answers: dict[str, Any],
    channel: str = "online",
    idempotency_key: str | None = None,
    filed_by: User | None = None,
) -> tuple[Application, bool]:
    """A draft bound to the charter in force; returns (application, created).

    With an idempotency key, a retry returns the application the first call created.
    """
    if idempotency_key:
        existing = Application.objects.filter(
            applicant=citizen, idempotency_key=idempotency_key
        ).first()
        if existing:
            return existing, False
    charter = charter_in_force(service)
    if charter is None or not service.active:
        raise NotAllowed(_("This service does not accept applications now."))
    if channel != "loket" and not service.accepts_online:
        raise NotAllowed(_("This service is applied for at the counter, not online."))
    cleaned, errors = clean_answers(charter, answers, partial=True)
    if errors:
        raise InvalidInput(_("Some answers need correcting."), fields=errors)
    ensure_draft_allowed(citizen, filed_by=filed_by)
    procedure = engine.Procedure.from_content(charter.content, lead_agency=service.lead_agency.code)
    specs = [spec for stage in procedure.stages for spec in stage]
    units = {
        u.code: u
        for u in Unit.objects.select_related("agency").filter(code__in={s.unit for s in specs})
    }
    for attempt in range(5):
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    number=new_tracking_number(),
                    service=service,
                    charter=charter,
                    agency=service.lead_agency,
                    applicant=citizen,
                    filed_by=filed_by,
                    channel=channel,
                    answers=merge_answers(charter, {}, cleaned) or {},
                    idempotency_key=idempotency_key or None,
                )
        except IntegrityError:
            if idempotency_key and (
                existing := Application.objects.filter(
                    applicant=citizen, idempotency_key=idempotency_key
                ).first()
            ):
                return existing, False
            if attempt == 4:
                raise
            continue  # a tracking-number collision: draw another
        break
    application.steps_written = write_steps(application, procedure, units)
    record_event(
        application,
        "created",
        at=application.created_at,
        actor=filed_by or citizen,
        data={"charter_version": charter.version, "channel": channel},
        new_chain=True,
    )
    return application, True


def write_steps(
    application: Application, procedure: engine.Procedure, units: dict[str, Unit]
) -> list[Step]:
    """The steps of a draft, as its charter's procedure names them (none started yet)."""
    return Step.objects.bulk_create(
        Step(
            application=application,
            key=spec.key,
            stage=spec.stage,
            position=position,
            unit=units[spec.unit],
            agency=units[spec.unit].agency,
        )
        for stage in procedure.stages
        for position, spec in enumerate(stage)
    )


def follow_standard_in_force(application: Application, *, actor: User) -> bool:
    """Move a draft to the version of its service's standard now in force, if a later one
    was set since the draft was started; return whether it moved.

    The standard that binds an application is the one in force when it is handed in: one
    submitted before a new version takes effect keeps its version to the end, a draft does
    not (docs/consultation.md). Moving keeps the answers the new form still asks for and
    still accepts, and the documents of requirements it still names; the steps are those of
    the new procedure; an event on the timeline says so. Committed on its own, so that a
    submission then refused for what the new version asks shows the new version's pages."""
    if application.status != Status.DRAFT:
        return False
    later = application.service.charters.filter(
        version__gt=application.charter.version,
        status__in=(Charter.Status.ADOPTED, Charter.Status.SCHEDULED),
    )
    if not later.exists():  # the usual case: one small read
        return False
    current = charter_in_force(application.service)
    if current is None or current.version <= application.charter.version:
        return False  # set, but not in force yet
    with transaction.atomic():
        lock(application)
        locked = Application.objects.select_related("charter", "service__lead_agency").get(
            pk=application.pk
        )
        if locked.status != Status.DRAFT or locked.charter_id == current.pk:
            return False
        previous = locked.charter.version
        given = open_answers(locked.answers)
        asked = {field["key"] for field in current.content.get("form", [])}
        kept = {key: value for key, value in given.items() if key in asked}
        cleaned, errors = clean_answers(current, kept, partial=True)
        if errors:
            kept = {key: value for key, value in kept.items() if key not in errors}
            cleaned, _errors = clean_answers(current, kept, partial=True)
        locked.charter = current
        locked.answers = merge_answers(current, {}, cleaned) or {}
        locked.save(update_fields=["charter", "answers", "updated_at"])
        named = {r["key"] for r in current.content["requirements"] if r["kind"] == "document"}
        discard_documents(
            locked,
            [d for d in locked.documents.filter(replaced=False) if d.requirement not in named],
        )
        locked.steps.all().delete()
        procedure = engine.Procedure.from_content(
            current.content, lead_agency=locked.service.lead_agency.code
        )
        codes = {spec.unit for stage in procedure.stages for spec in stage}
        units = {u.code: u for u in Unit.objects.select_related("agency").filter(code__in=codes)}
        write_steps(locked, procedure, units)
        record_event(
            locked,
            "standard_followed",
            at=now(),
            actor=actor,
            data={
                "from_version": previous,
                "charter_version": current.version,
                "answers_dropped": sorted(set(given) - set(cleaned)),
            },
        )
    application.refresh_from_db()
    return True


def ensure_draft_allowed(citizen: User, *, filed_by: User | None) -> None:
    """A citizen keeps at most LAYANAN_MAX_OPEN_DRAFTS drafts (unsubmitted applications) at
    once, online and at the counter together; counted with the citizen's row locked, so that
    parallel requests cannot pass it."""
    hold_row(User, citizen.pk)
    most = int(getattr(settings, "LAYANAN_MAX_OPEN_DRAFTS", 10))
    if Application.objects.filter(applicant=citizen, status=Status.DRAFT).count() < most:
        return
    if filed_by is None:
        message = _(
            "You already have %(count)d applications that are not submitted yet, the most "
            "allowed. Submit or cancel one of them before you start another"
        ) % {"count": most}
    else:
        message = _(
            "This citizen already has %(count)d applications that are not submitted yet, the "
            "most allowed. Finish or cancel one of them before you file another"
        ) % {"count": most}
    raise LimitReached(message, fields={"service": [message]})


@transaction.atomic
def update_answers(
    *, application: Application, citizen: User, answers: dict[str, Any]
) -> Application:
    if not application.is_editable_by_citizen:
        raise NotAllowed(_("Answers can only change while the application is a draft or returned."))
    cleaned, errors = clean_answers(charter_of(application), answers, partial=True)
    if errors:
        raise InvalidInput(_("Some answers need correcting."), fields=errors)
    merged = merge_answers(application.charter, application.answers, cleaned)
    if merged is not None:
        application.answers = merged
        application.save(update_fields=["answers", "updated_at"])
        record_event(
            application,
            "answers_changed",
            at=now(),
            actor=citizen,
            data={"fields": sorted(cleaned)},
        )
    return application


def charter_of(application: Application) -> Charter:
    """The application's charter, its service being the application's own object: the
    answers' rules count days in the service's zone, and the service and its lead agency
    (read with the application) are not read a second time through the charter."""
    charter = application.charter
    if charter.service_id == application.service_id:
        charter.service = application.service
    return charter


def requirement_name(application: Application, key: str) -> str:
    """A requirement's name in the current language (for messages), or its key."""
    language = get_language() or "id"
    for requirement in application.charter.content["requirements"]:
        if requirement["key"] == key:
            return text_in(requirement["name"], language)
    return key


def hold_row(model: type[Application] | type[User], pk: int) -> None:
    """Lock one row until the end of the transaction (PostgreSQL's row lock). SQLite has no
    row locks (Django drops FOR UPDATE there) and serialises write transactions instead
    (BEGIN IMMEDIATE takes the database's write lock), so it is not asked anything."""
    if connections[router.db_for_write(model)].features.has_select_for_update:
        model._default_manager.select_for_update().filter(pk=pk).values_list("pk").get()


def lock(application: Application) -> None:
    """Serialise changes to one application's documents and items (PostgreSQL row lock;
    SQLite serialises write transactions)."""
    hold_row(Application, application.pk)


def last_submitted_at(application: Application) -> dt.datetime | None:
    """When the file was last handed to the officers (submitted or resubmitted)."""
    return (
        application.events.filter(kind__in=("submitted", "resubmitted"))
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )


def discard_documents(application: Application, documents: list[Document]) -> None:
    """Take documents out of the application. One the officers have not seen yet (uploaded
    after the last submission) is deleted, and its file too once nothing refers to it; one
    they have seen stays, marked replaced, so that the record of what they examined holds."""
    if not documents:
        return
    seen_until = last_submitted_at(application)
    unseen = [d for d in documents if seen_until is None or d.uploaded_at > seen_until]
    seen = [d for d in documents if d not in unseen]
    if seen:
        Document.objects.filter(pk__in=[d.pk for d in seen]).update(replaced=True)
    if unseen:
        Document.objects.filter(pk__in=[d.pk for d in unseen]).delete()
        release_after_commit(d.file.name for d in unseen)


def lock_applicant(application: Application) -> None:
    """Serialise the uploads and drafts of one citizen, whose limits span applications."""
    hold_row(User, application.applicant_id)


def storage_full_message(what: str) -> str:
    return _(
        "%(what)s could not be saved: the storage for documents is full. Nothing was kept; "
        "please try again later"
    ) % {"what": what}


def document_requirement(application: Application, requirement: str) -> dict[str, Any]:
    """The charter's document requirement `requirement` of the application; InvalidInput
    (under `requirement`) when it names no document requirement."""
    for spec in application.charter.content["requirements"]:
        if spec["key"] == requirement and spec["kind"] == "document":
            return dict(spec)
    message = _("Select which document you are uploading")
    raise InvalidInput(message, fields={"requirement": [message]})


def ensure_documents_editable(application: Application) -> None:
    if not application.is_editable_by_citizen:
        raise NotAllowed(
            _("Documents can only be added while the application is a draft or returned.")
        )


@transaction.atomic
def attach_document(
    *, application: Application, user: User, requirement: str, upload: UploadedFile
) -> Document:
    """Add a document for a requirement; a file already given for it is replaced."""
    ensure_documents_editable(application)
    document_requirement(application, requirement)
    what = requirement_name(application, requirement)
    try:
        content_type, content = check_upload(upload, what=what)
    except UploadRefused as refused:
        raise InvalidInput(refused.message, fields={"file": [refused.message]}) from None
    return keep_document(
        application=application,
        user=user,
        requirement=requirement,
        content=content,
        content_type=content_type,
        original_name=upload.name or "dokumen",
    )


@transaction.atomic
def attach_copy(
    *,
    application: Application,
    user: User,
    requirement: str,
    content: bytes,
    content_type: str,
    original_name: str,
    source: str,
) -> Document:
    """Add, for a requirement, a copy of a file the platform already holds and checked when
    it was received (a document of the citizen's vault: `source` "vault", recorded in the
    event). The same rules as an upload: draft or returned only, the limits on files, a file
    already given for the requirement replaced. The copy is the application's own: what the
    agency received stays as it was, whatever happens to the original."""
    ensure_documents_editable(application)
    document_requirement(application, requirement)
    return keep_document(
        application=application,
        user=user,
        requirement=requirement,
        content=content,
        content_type=content_type,
        original_name=original_name,
        source=source,
    )


def keep_document(
    *,
    application: Application,
    user: User,
    requirement: str,
    content: bytes,
    content_type: str,
    original_name: str,
    source: str = "",
) -> Document:
    """Store checked content as the application's document for `requirement` (in the caller's
    transaction)."""
    what = requirement_name(application, requirement)
    lock_applicant(application)
    lock(application)
    digest = hashlib.sha256(content).hexdigest()
    discard_documents(
        application, list(application.documents.filter(requirement=requirement, replaced=False))
    )
    if problem := files_problem(application, size=len(content), what=what):
        raise LimitReached(problem, fields={"file": [problem]})
    document = Document(
        application=application,
        requirement=requirement,
        original_name=original_name[:200],
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=user,
    )
    try:
        document.file.name = store_file(stored_name(digest, content_type), content)
    except StoreFull:
        message = storage_full_message(what)
        raise StorageFull(message, fields={"file": [message]}) from None
    document.save()
    # A removal of the same bytes committed just before may delete the file after we found
    # it there; write it again, if it is gone, once this upload is committed.
    transaction.on_commit(lambda: store_file(document.file.name, content))
    data: dict[str, Any] = {"requirement": requirement, "sha256": digest, "size": len(content)}
    if source:
        data["source"] = source
    record_event(application, "document_added", at=now(), actor=user, data=data)
    return document


@transaction.atomic
def remove_document(*, application: Application, user: User, document: Document) -> None:
    """Take a document out of a draft or returned application before it is (re)submitted."""
    if not application.is_editable_by_citizen:
        raise NotAllowed(
            _("Documents can only be removed while the application is a draft or returned.")
        )
    lock(application)
    current = application.documents.filter(pk=document.pk, replaced=False).first()
    if current is None:
        raise AlreadyHandled(_("This document was already removed or replaced."))
    discard_documents(application, [current])
    record_event(
        application,
        "document_removed",
        at=now(),
        actor=user,
        data={"requirement": current.requirement, "sha256": current.sha256},
    )


def items_received(application: Application) -> dict[str, Event]:
    """Physical items received at the counter: requirement key → the event that says so."""
    received: dict[str, Event] = {}
    for event in application.events.filter(
        kind__in=("item_received", "item_receipt_cancelled")
    ).order_by("seq"):
        key = event.data.get("requirement", "")
        if event.kind == "item_received":
            received[key] = event
        else:
            received.pop(key, None)
    return received


@transaction.atomic
def record_items_received(
    *, application: Application, officer: User, received: set[str]
) -> dict[str, Event]:
    """The front-office officer ticks which physical items the citizen handed in (and
    unticks one ticked by mistake). Returns what is received now."""
    items = {r["key"] for r in application.charter.content["requirements"] if r["kind"] == "item"}
    if received - items:
        message = _("Tick only the items this service asks for")
        raise InvalidInput(message, fields={"items": [message]})
    lock(application)
    before = items_received(application)
    at = now()
    for key in sorted(items):
        # Public: the citizen's timeline says the counter has the item (the key names the
        # requirement, never the person).
        if key in received and key not in before:
            record_event(
                application,
                "item_received",
                at=at,
                actor=officer,
                public=True,
                data={"requirement": key},
            )
        elif key not in received and key in before:
            record_event(
                application,
                "item_receipt_cancelled",
                at=at,
                actor=officer,
                public=True,
                data={"requirement": key},
            )
    return items_received(application)


def missing_requirements(
    application: Application, *, documents: Iterable[Document] | None = None
) -> dict[str, list[str]]:
    """What stops a submission: required answers, documents and (for a filing at the
    counter) physical items not yet given, each with a message that names it. `documents`:
    the application's current (not replaced) documents, when the caller has read them."""
    _cleaned, errors = clean_answers(
        charter_of(application), open_answers(application.answers), partial=False
    )
    language = get_language() or "id"
    have = (
        set(application.documents.filter(replaced=False).values_list("requirement", flat=True))
        if documents is None
        else {document.requirement for document in documents}
    )
    received = items_received(application) if application.filed_by_id else {}
    for requirement in application.charter.content["requirements"]:
        if not is_needed(requirement, application.answers):
            continue
        key, name = requirement["key"], text_in(requirement["name"], language)
        if requirement["kind"] == "document" and key not in have:
            errors.setdefault(key, []).append(_("Upload %(name)s") % {"name": name})
        # Online, an item is brought later (the citizen is told where and when); at the
        # counter it is handed over while the officer files, so it must be ticked.
        if requirement["kind"] == "item" and application.filed_by_id and key not in received:
            errors.setdefault(key, []).append(
                _("Tick that %(name)s was received at the counter") % {"name": name}
            )
    return errors


def submit_application(
    *,
    application: Application,
    citizen: User,
    calendars: AgencyCalendars | None = None,
    channel: str = "web",
) -> Application:
    """Hand a complete draft to the officers, under the version of the standard in force now
    (`follow_standard_in_force`). `calendars` (here and in the other citizen actions): the
    request's, which its answer reads again (see `run`). `channel` (web or api; counter
    whenever an officer files for the citizen) is told to the submission hooks
    (`prefill.after_submission`: the consent to the profile data the answers carry)."""
    if application.status != "draft":
        raise NotAllowed(_("Only a draft can be submitted."))
    moved = follow_standard_in_force(application, actor=citizen)
    with transaction.atomic():
        missing = missing_requirements(application)
        if missing:
            message = _("The application is not complete yet.")
            if moved:
                message = _(
                    "The standard of this service changed since you started: your application "
                    "now follows version %(version)d. Check what it asks for."
                ) % {"version": application.charter.version}
            raise InvalidInput(message, fields=missing)
        submitted = run(application, engine.submit, actor=citizen, calendars=calendars)
        after_submission(
            submitted, by=citizen, channel=submission_channel(submitted, citizen, channel)
        )
        return submitted


@transaction.atomic
def resubmit_application(
    *,
    application: Application,
    citizen: User,
    calendars: AgencyCalendars | None = None,
    channel: str = "web",
) -> Application:
    if application.status != "returned":
        raise NotAllowed(_("Only an application returned for correction can be resubmitted."))
    missing = missing_requirements(application)
    if missing:
        raise InvalidInput(_("The application is not complete yet."), fields=missing)
    resubmitted = run(application, engine.resubmit, actor=citizen, calendars=calendars)
    after_submission(
        resubmitted, by=citizen, channel=submission_channel(resubmitted, citizen, channel)
    )
    return resubmitted


def submission_channel(application: Application, by: User, channel: str) -> str:
    """web or api as the caller says, counter when someone files for the applicant."""
    return "counter" if by.pk != application.applicant_id else channel


@transaction.atomic
def withdraw_application(
    *, application: Application, citizen: User, calendars: AgencyCalendars | None = None
) -> Application:
    if application.applicant_id != citizen.pk:
        raise NotAllowed(_("Only the applicant can withdraw an application."))
    if application.has_ended:
        raise NotAllowed(_("This application has already ended."))
    withdrawn = run(application, engine.withdraw, actor=citizen, calendars=calendars)
    release_documents(withdrawn)
    return withdrawn


def release_documents(application: Application) -> None:
    """A withdrawn application keeps no files: its Document rows stay as the record of what
    was given (name, size, SHA-256), without a file; each file is deleted after the commit
    unless another document (of another application) still refers to it."""
    stored = application.documents.exclude(file="")
    names = set(stored.values_list("file", flat=True))
    stored.update(file="")
    release_after_commit(names)


# -- back to draft (a consent withdrawn) -------------------------------------------------------

# What a submission itself writes: until anything else happens to a submitted application,
# no officer has worked on it.
SUBMISSION_EVENT_KINDS = ("submitted", "step_started")


def processing_started(application: Application) -> bool:
    """Whether the agency has started processing the application, so that what the citizen
    gave can no longer be taken back from it. Not started: a draft; or an application in
    progress that was submitted once and to which nothing has happened since: every step
    still waiting or just started, no event after the submission's own (no assignment,
    comment, approval, return, fee, reminder or lateness) and no officer (other than the
    one who filed it at the counter) has opened its data. Anything else — returned,
    awaiting payment, ended — has started (or is over)."""
    if application.status == Status.DRAFT:
        return False
    if application.status != Status.IN_PROGRESS or application.submitted_at is None:
        return True
    if application.steps.exclude(state__in=("active", "pending")).exists():
        return True
    if application.steps.exclude(assignee=None).exists():
        return True
    submission = (
        application.events.filter(kind="submitted").order_by("-seq").values_list("seq", flat=True)
    ).first()
    if (
        submission is None
        or application.events.filter(seq__lt=submission, kind="submitted").exists()
    ):
        return True
    if (
        application.events.filter(seq__gt=submission)
        .exclude(kind__in=SUBMISSION_EVENT_KINDS)
        .exists()
    ):
        return True
    readers = DataAccess.objects.filter(
        application_number=application.number, at__gte=application.submitted_at
    ).exclude(reader_id=application.applicant_id)
    if application.filed_by_id:
        readers = readers.exclude(reader_id=application.filed_by_id)
    return readers.exists()


@transaction.atomic
def return_to_draft(
    *, application: Application, by: User, reason: str, at: dt.datetime | None = None
) -> Application:
    """Put a submitted application that no officer has worked on back to draft (see
    `processing_started`): its steps wait again, its clock and due dates are cleared (the
    guarantees drop the alarms planned for them when they read the event), and the
    applicant submits it again when ready. A draft stays as it is. NotAllowed otherwise."""
    hold_row(Application, application.pk)
    fresh = Application.objects.get(pk=application.pk)
    if fresh.status == Status.DRAFT:
        return fresh
    if processing_started(fresh):
        raise NotAllowed(
            _("The agency has already started processing this application; it cannot go back.")
        )
    returned = run(fresh, engine.return_to_draft, actor=by, at=at, reason=reason)
    record_expected_completion(application=returned, at=None, basis={})
    return returned


@transaction.atomic
def detach_document(*, application: Application, document: Document, by: User, reason: str) -> None:
    """Take a document out of a draft for good, whoever gave it and whenever (the citizen
    withdrew the consent that put it there): the row goes, and the file once nothing else
    refers to it. The event keeps the requirement and the SHA-256, not the file."""
    lock(application)
    fresh = Application.objects.get(pk=application.pk)
    if fresh.status != Status.DRAFT:
        raise NotAllowed(_("Only a draft can give a document back."))
    current = fresh.documents.filter(pk=document.pk).first()
    if current is None:
        return
    name = current.file.name
    current.delete()
    release_after_commit([name])
    record_event(
        fresh,
        "document_removed",
        at=now(),
        actor=by,
        note=reason,
        data={"requirement": current.requirement, "sha256": current.sha256},
    )


@transaction.atomic
def clear_answers(
    *, application: Application, keys: Iterable[str], by: User, reason: str
) -> list[str]:
    """Empty the answers of form fields `keys` of a draft (the citizen withdrew the consent
    that filled them from their profile). Returns the keys that held an answer."""
    lock(application)
    fresh = Application.objects.get(pk=application.pk)
    if fresh.status != Status.DRAFT:
        raise NotAllowed(_("Only a draft can give answers back."))
    cleared = sorted(key for key in set(keys) if key in fresh.answers)
    if cleared:
        fresh.answers = {k: v for k, v in fresh.answers.items() if k not in cleared}
        fresh.save(update_fields=["answers", "updated_at"])
        record_event(
            fresh, "answers_changed", at=now(), actor=by, note=reason, data={"fields": cleared}
        )
    return cleared


# -- officer actions ----------------------------------------------------------------------------

STEP_ACTIONS = ("approve", "return", "reject")


def ensure_can_work(officer: User, step: Step) -> None:
    """The charter's role for the step (or supervision of its unit), for web and API alike."""
    if not access.can_act_on_step(officer, step):
        raise Forbidden(_("This step is worked by another role."))


def assesses_fee(step: Step) -> dict[str, Any] | None:
    """The charter's assessment range when this step sets the fee, else None."""
    fee = step.application.charter.fee_spec
    if fee["kind"] == "assessed" and fee["assessed"]["step"] == step.key:
        return dict(fee["assessed"])
    return None


def check_assessment(step: Step, amount: Any) -> int:
    """The amount an officer sets at the assessing step: whole rupiah within the range."""
    assessed = assesses_fee(step)
    assert assessed is not None
    low, high = assessed["min"], assessed["max"]
    if isinstance(amount, str) and amount.strip().isdigit():
        amount = int(amount.strip())
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput(
            _("Enter the fee this step assesses."),
            fields={"amount": [_("Enter the fee in whole rupiah, without dots")]},
        )
    if not low <= amount <= high:
        raise InvalidInput(
            _("The fee is outside the range the charter sets."),
            fields={
                "amount": [
                    _("The charter allows %(low)s to %(high)s")
                    % {"low": rupiah(low), "high": rupiah(high)}
                ]
            },
        )
    return amount


@transaction.atomic
def act_on_step(
    *,
    application: Application,
    step: Step,
    officer: User,
    action: str,
    note: str = "",
    amount: Any = None,
) -> Application:
    """Approve, return for correction (reason required) or reject (reason required). The
    step that assesses the fee (charter `fee.assessed.step`) is approved with the `amount`."""
    ensure_can_work(officer, step)
    note = (note or "").strip()
    if action not in STEP_ACTIONS:
        raise InvalidInput(
            _("Unknown action."), fields={"action": [_("Choose approve, return or reject.")]}
        )
    if action == "approve" and assesses_fee(step):
        assessed = check_assessment(step, amount)
        if step.state != "active":
            raise AlreadyHandled(_("This step was already handled."))
        # before the approval, whose events may ask for payment: the chain reads in that order
        # (a refused approval rolls this back with it)
        record_event(
            application,
            "fee_assessed",
            at=now(),
            actor=officer,
            step=step.key,
            public=True,
            data={"amount": assessed},
        )
        application = run(application, engine.approve, actor=officer, step_key=step.key)
        if note:
            record_event(application, "comment", at=now(), actor=officer, step=step.key, note=note)
        return application
    if action in ("return", "reject") and not note:
        raise InvalidInput(
            _("A reason is required."),
            fields={"note": [_("Enter the reason for the applicant")]},
        )
    if action == "approve":
        updated = run(application, engine.approve, actor=officer, step_key=step.key)
        if note:
            record_event(updated, "comment", at=now(), actor=officer, step=step.key, note=note)
        return updated
    function = engine.return_for_correction if action == "return" else engine.reject
    return run(
        application,
        function,
        actor=officer,
        step_key=step.key,
        reason=note,
        notes={step.key: note},
    )


def assignment_problem(step: Step, assignee: User) -> str | None:
    """Why `assignee` cannot hold `step`, or None: they must be an active officer of the
    step's unit with the role the charter names for it (or its supervisor)."""
    if not assignee.is_active or not access.can_act_on_step(assignee, step):
        return _("%(name)s cannot work this step: choose an officer of %(unit)s.") % {
            "name": assignee,
            "unit": step.unit.name,
        }
    return None


@transaction.atomic
def assign_step(*, step: Step, assignee: User | None, by: User) -> Step:
    """Claim (assignee = by), assign to a colleague of the unit, or release (None).

    Whoever assigns must be able to work the step; an officer may always release a step
    they hold themselves.
    """
    releasing_own = assignee is None and step.assignee_id == by.pk
    if not releasing_own:
        ensure_can_work(by, step)
    if step.state not in ("active", "returned", "pending"):
        raise AlreadyHandled(_("This step has already ended."))
    if assignee is not None and (problem := assignment_problem(step, assignee)):
        raise InvalidInput(problem, fields={"assignee": [problem]})
    previous = step.assignee_id
    if previous == (assignee.pk if assignee else None):
        return step  # already so: nothing to record
    updated = Step.objects.filter(
        pk=step.pk, application_id=step.application_id, assignee_id=previous
    ).update(assignee=assignee)
    if updated != 1:
        raise AlreadyHandled(_("This step was already assigned by someone else."))
    step.assignee = assignee
    record_event(
        step.application,
        "assigned",
        at=now(),
        actor=by,
        step=step.key,
        data={"assignee": assignee.pk if assignee else None, "previous": previous},
    )
    return step


@transaction.atomic
def assign_steps(*, steps: list[Step], assignee: User, by: User) -> list[Step]:
    """Assign several steps to one officer: all of them, or none if any cannot be."""
    problems: list[str] = []
    for step in steps:
        if not access.can_act_on_step(by, step):
            problems.append(
                _("%(number)s: you cannot assign this step.") % {"number": step.application.number}
            )
        elif problem := assignment_problem(step, assignee):
            problems.append(f"{step.application.number}: {problem}")
    if problems:
        raise InvalidInput(_("Some steps cannot be assigned."), fields={"assignee": problems})
    return [assign_step(step=step, assignee=assignee, by=by) for step in steps]


@transaction.atomic
def comment_on_step(*, step: Step, officer: User, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise InvalidInput(
            _("Write a comment."), fields={"note": [_("Enter the internal comment")]}
        )
    record_event(step.application, "comment", at=now(), actor=officer, step=step.key, note=note)


# -- actions of the system (no person acts) ---------------------------------------------------


@dataclass(frozen=True)
class DueMove:
    """A due date that a recomputation moved; `step` is "" for the application's own."""

    step: str
    previous: dt.datetime
    due_at: dt.datetime


def paused_minutes_of_steps(application: Application) -> dict[str, int]:
    """Each step's working minutes of ended pauses, from its `due_extended` events."""
    paused: dict[str, int] = {}
    for step, data in Event.objects.filter(
        application=application, kind="due_extended"
    ).values_list("step", "data"):
        if step:
            paused[step] = paused.get(step, 0) + int(data.get("minutes", 0))
    return paused


@transaction.atomic
def recompute_due_dates(
    *,
    application: Application,
    reason: str,
    at: dt.datetime | None = None,
    calendars: engine.Calendars | None = None,
) -> list[DueMove]:
    """Compute the running due dates again on the calendars as they are now (a holiday or a
    closure was added or corrected; `reason` names it), with the engine's `recompute_due`.
    Each due date that moved is stored with a public event; returns what moved."""
    at = at or now()
    # Hold the application's row (PostgreSQL) so that no officer action interleaves.
    hold_row(Application, application.pk)
    loaded = load(application)
    note = _("Due date recomputed after a calendar correction (%(reason)s).") % {"reason": reason}
    state, events = engine.recompute_due(
        procedure_of(loaded.application),
        loaded.state,
        calendars=calendars or AgencyCalendars(),
        step_paused_minutes=paused_minutes_of_steps(loaded.application),
        note=note,
    )
    if not events:
        return []
    store(loaded, (state, events), actor=None, at=at)
    return [
        DueMove(
            step=event.step or "",
            previous=dt.datetime.fromisoformat(event.data["previous"]),
            due_at=dt.datetime.fromisoformat(event.data["due_at"]),
        )
        for event in events
    ]


def record_expected_completion(
    *, application: Application, at: dt.datetime | None, basis: dict[str, Any]
) -> bool:
    """Store the estimate of when an open application will be completed (None: unknown) and
    how it was made; an application that has ended gets no estimate (None is stored).
    Returns whether a row changed.

    An estimate is a figure derived from other rows, refreshed by the `transparency` worker
    as often as the throughput moves, not a fact of the case: it writes no Event (the chain
    would fill with guesses) and leaves `revision` alone (an officer acting at the same
    moment must not be told that someone else handled the application)."""
    rows = Application.objects.filter(pk=application.pk)
    if at is not None:
        rows = rows.filter(status__in=OPEN_STATUSES)
    # Each update also retires the public snapshots (cases.snapshots): the estimate is shown.
    changed = rows.exclude(expected_completion_at=at, expected_completion_basis=basis).update(
        expected_completion_at=at,
        expected_completion_basis=basis,
        public_version=F("public_version") + 1,
    )
    if not changed and at is not None:
        # ended meanwhile, or unchanged: an ended application keeps no estimate
        Application.objects.filter(pk=application.pk).exclude(status__in=OPEN_STATUSES).exclude(
            expected_completion_at=None
        ).update(
            expected_completion_at=None,
            expected_completion_basis={},
            public_version=F("public_version") + 1,
        )
    return bool(changed)


@transaction.atomic
def record_fee_paid(
    *,
    application: Application,
    by: User | None,
    payment: dict[str, Any],
    at: dt.datetime,
    waived: bool = False,
) -> Application:
    """The bill was paid, or waived by the service guarantee (`payments` calls this once it
    recorded it): the pause ends, its working time moves the due date later, and the
    application goes on (or completes). `payment` is the data of the public event
    (`payment_received` or `fee_waived`: amount, method, code)."""
    return run(application, engine.pay, actor=by, at=at, payment=payment, waived=waived)


BILLING_EVENTS = ("bill_issued", "bill_renewed")


@transaction.atomic
def record_billing(
    *, application: Application, kind: str, by: User | None, data: dict[str, Any], at: dt.datetime
) -> None:
    """A bill was issued or renewed for an application awaiting payment (written by
    `payments`): a public event in the application's chain; the state does not change."""
    if kind not in BILLING_EVENTS:
        raise ValueError(f"Not a billing event: {kind}")
    lock(application)
    record_event(application, kind, at=at, actor=by, public=True, data=data)


@transaction.atomic
def deem_application_approved(
    *, application: Application, legal_basis: str, at: dt.datetime | None = None
) -> Application:
    """The time limit passed without a decision and the charter grants the application by law
    (fiktif positif); the guarantee sweep calls this, with no person acting. Raises
    AlreadyHandled or NotAllowed when the application is no longer being processed."""
    return run(application, engine.deem_approved, actor=None, at=at, legal_basis=legal_basis)


def record_access(
    *,
    application: Application,
    officer: User,
    place: DataAccess.Place,
    what: str = "",
    step: Step | None = None,
    purpose: DataAccess.Purpose | None = None,
) -> None:
    """An officer looked at the applicant's personal data: a row in the access log
    (`accounts.DataAccess`), which the applicant reads on their own page (an officer
    looking at their own application is left out by `record_read`).

    The row names the unit the officer acted for: the unit of `step` when the officer works
    on one, else the unit of the application's step the officer holds a role in (the step in
    progress first, then the latest), else the officer's roles; and, with a step, why ("to
    process the step `what` of your application": the caller names the step in `what`).

    Before the access log, these reads were `data_viewed` events of the application; a
    migration of `citizens` copied them into the log."""
    unit = step.unit if step is not None else unit_acting_on(application, officer)
    record_read(
        reader=officer,
        citizen=application.applicant,
        place=place,
        what=what,
        application_number=application.number,
        unit=unit,
        purpose=purpose,
        purpose_detail=what if step is not None else "",
    )


def unit_acting_on(application: Application, officer: User) -> Unit | None:
    """The unit of `application` for which `officer` is reading it: of the steps whose unit
    the officer holds a role in, the one in progress, else the latest started (one query)."""
    if officer.pk == application.applicant_id:
        return None
    steps = (
        application.steps.filter(unit__officer_roles__user=officer)
        .select_related("unit__agency")
        .order_by("-started_at", "-stage", "-position")
    )
    found = None
    for candidate in steps:
        if candidate.state in QUEUED_STATES:
            return candidate.unit
        found = found or candidate.unit
    return found


# What the apps above `cases` may add to an application's chain about its product
# (`documents` issues and revokes it; `cases` does not know how).
PRODUCT_EVENT_KINDS = ("document_issued", "document_revoked")


@transaction.atomic
def record_product_event(
    *,
    application: Application,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Record in the application's public timeline that its product was issued or revoked."""
    if kind not in PRODUCT_EVENT_KINDS:
        raise ValueError(f"not a product event: {kind}")
    return record_event(
        application, kind, at=at, actor=actor, note=note, public=True, data=data or {}
    )
